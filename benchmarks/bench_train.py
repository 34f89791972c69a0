"""Measure the lessons' recipes against the tutorial exactly as written, and the whole lessons.

    python -m benchmarks.bench_train             # full data, each recipe's epochs, 3 runs each
    python -m benchmarks.bench_train --quick     # 1 epoch on 2,000 images, 1 run each
    python -m benchmarks.bench_train --recipes --backends tensorflow jax  # backends only
    python -m benchmarks.bench_train --recipes --lessons first_cnn.py photo_cnn.py \
        --backends tensorflow    # the third lesson against the second

Each run is its own process (so peak memory is that run's alone); the runs
take turns so that a slow spell of the machine hits all of them. The tutorial
and first_nn.py train 10 epochs, first_cnn.py its default 5. The recipes are
each lesson's data, model and fit without figures; the whole lessons are
`python first_nn.py` and `python first_cnn.py` from start to exit, split into
the fit and the waiting outside it, on each installed Keras backend
(TensorFlow, JAX, PyTorch) in turns. It prints ratios of times measured in this
one session (each backend's against TensorFlow's) and asserts nothing about time.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lesson import arguments, backends, console, errors, names
from lesson.arguments import positive_int
from lesson.errors import LessonError
from lesson.names import REPO

from tooling.shared import (
    INSTRUCTION_SETS,
    cpu_description,
    run_checked,
)

RECIPES = {  # name: the command after the Python interpreter
    "tutorial as written": [REPO / "benchmarks" / "tutorial_as_written.py"],
    "first_nn.py": ["-m", "benchmarks.lesson_recipe", "first_nn"],
    "first_cnn.py": ["-m", "benchmarks.lesson_recipe", "first_cnn"],
}
# (recipe, baseline): the ratios printed at the end
RATIOS = (("first_nn.py", "tutorial as written"), ("first_cnn.py", "first_nn.py"))
# whole lesson: the metrics file it writes
LESSONS = {
    "first_nn.py": names.METRICS_FILE,
    "first_cnn.py": names.CNN_METRICS_FILE,
    "photo_cnn.py": names.PHOTO_METRICS_FILE,
}
# Whole lessons' fit times compared in the same session: (lesson, the one before).
LESSON_RATIOS = (("first_cnn.py", "first_nn.py"), ("photo_cnn.py", "first_cnn.py"))
QUICK_LESSON_FLAGS = ["--epochs", "1", "--train-size", "2000", "--test-size", "500"]


def run_once(recipe, epochs=None, train_size=None, instruction_set="native"):
    """Run one recipe in a fresh process; return its measurements."""
    args = list(recipe)
    if epochs:
        args.append(epochs)
        if train_size:
            args.append(train_size)
    env = {**os.environ, **INSTRUCTION_SETS[instruction_set]}
    result = run_checked(args, recipe[-1], env=env, cwd=REPO)
    lines = [line for line in result.stdout.splitlines() if line.startswith("BENCH ")]
    if not lines:
        raise LessonError(f"{recipe[-1]} printed no BENCH line")
    return json.loads(lines[-1][len("BENCH ") :])


def run_and_wait(command, output, **options):
    """Run a command to its end; (exit status, peak RSS bytes or None).

    os.wait4 reports this child's own peak memory (Linux, macOS); elsewhere
    the peak is not known.
    """
    process = subprocess.Popen(command, stdout=output, stderr=output, **options)
    if not hasattr(os, "wait4"):
        return process.wait(), None
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return process.returncode, peak


def run_lesson(lesson, lesson_flags, instruction_set="native", backend="tensorflow"):
    """`python LESSON` start to exit in a fresh folder: wall, fit, accuracy, peak."""
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, str(REPO / lesson), "--output-dir", folder]
        command += ["--backend", backend]
        env = {**os.environ, **INSTRUCTION_SETS[instruction_set]}
        env.update(PYTHONIOENCODING="utf-8", MPLBACKEND="Agg")
        log_path = Path(folder) / "output.txt"
        with open(log_path, "wb") as log:
            started = time.perf_counter()
            status, peak = run_and_wait(command + lesson_flags, log, env=env)
            wall = time.perf_counter() - started
        if status != 0:
            lines = log_path.read_text("utf-8", "replace").strip().splitlines()
            last = (lines or ["no output"])[-1]
            raise LessonError(f"{lesson} failed (exit {status}): {last}")
        metrics = json.loads((Path(folder) / LESSONS[lesson]).read_text("utf-8"))
    return {
        "wall_seconds": wall,
        "fit_seconds": metrics["fit_seconds"],
        "epochs": metrics["epochs"],
        "test_accuracy": metrics["test_accuracy"],
        "peak_rss_bytes": peak,
    }


def lesson_name(lesson, backend):
    """The command of a whole run, as its table row names it."""
    return lesson if backend == "tensorflow" else f"{lesson} --backend {backend}"


def peak_and_accuracies(runs):
    """The runs' highest peak memory in GB ('?' if unknown) and their accuracies."""
    peaks = [run["peak_rss_bytes"] for run in runs if run["peak_rss_bytes"]]
    peak = f"{max(peaks) / 1e9:.2f}" if peaks else "?"
    return peak, ", ".join(f"{run['test_accuracy']:.4f}" for run in runs)


def backend_table(lesson_results, names):
    """Each lesson on each backend against its TensorFlow run of this session."""
    rows = [
        "| lesson | backend | runs | fit s (median) | fit / TensorFlow "
        "| whole run s (median) | whole run / TensorFlow | peak RSS GB (max) "
        "| test accuracy |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for lesson in LESSONS:
        baseline = lesson_results.get(lesson_name(lesson, "tensorflow"))
        if baseline:
            baseline_fit, baseline_wall = (
                statistics.median(run[key] for run in baseline)
                for key in ("fit_seconds", "wall_seconds")
            )
        for backend in names:
            runs = lesson_results.get(lesson_name(lesson, backend))
            if not runs:
                continue
            fit = statistics.median(run["fit_seconds"] for run in runs)
            wall = statistics.median(run["wall_seconds"] for run in runs)
            ratios = ["?", "?"]
            if baseline:
                ratios = [f"{fit / baseline_fit:.2f}", f"{wall / baseline_wall:.2f}"]
            peak, accuracy = peak_and_accuracies(runs)
            rows.append(
                f"| {lesson} | {backend} | {len(runs)} | {fit:.1f} | {ratios[0]} "
                f"| {wall:.1f} | {ratios[1]} | {peak} | {accuracy} |"
            )
    return "\n".join(rows)


def lesson_table(results):
    """One row per whole lesson: wall, fit and the rest, medians."""
    rows = [
        "| whole run | epochs | runs | wall s (median) | fit s (median) "
        "| outside fit s (median) | outside fit s (max) | peak RSS GB | test accuracy |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, runs in results.items():
        outside = [run["wall_seconds"] - run["fit_seconds"] for run in runs]
        peak, accuracy = peak_and_accuracies(runs)
        rows.append(
            f"| python {name} | {runs[0]['epochs']} | {len(runs)} "
            f"| {statistics.median(run['wall_seconds'] for run in runs):.1f} "
            f"| {statistics.median(run['fit_seconds'] for run in runs):.1f} "
            f"| {statistics.median(outside):.1f} | {max(outside):.1f} | {peak} "
            f"| {accuracy} |"
        )
    return "\n".join(rows)


def summarize(runs):
    fits = [run["fit_seconds"] for run in runs]
    return {
        "epochs": runs[0]["epochs"],
        "runs": len(runs),
        "fit_min": min(fits),
        "fit_median": statistics.median(fits),
        "peak_rss_gb": max(run["peak_rss_bytes"] for run in runs) / 1e9,
        "startup_median": statistics.median(run["startup_seconds"] for run in runs),
        "first_epoch_median": statistics.median(
            run["first_epoch_seconds"] for run in runs
        ),
        "test_accuracy": [round(run["test_accuracy"], 4) for run in runs],
    }


def table(summaries):
    """One row per recipe; the fit ratio is against the first recipe measured."""
    baseline = next(iter(summaries.values()))
    rows = [
        "| recipe | epochs | runs | fit s (min) | fit s (median) | fit ratio (median) "
        "| peak RSS GB | start-up s (imports + load + build) | first epoch s | test accuracy |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, s in summaries.items():
        ratio = s["fit_median"] / baseline["fit_median"]
        accuracy = ", ".join(f"{a:.4f}" for a in s["test_accuracy"])
        rows.append(
            f"| {name} | {s['epochs']} | {s['runs']} | {s['fit_min']:.1f} | {s['fit_median']:.1f} "
            f"| {ratio:.2f} | {s['peak_rss_gb']:.2f} | {s['startup_median']:.1f} "
            f"| {s['first_epoch_median']:.1f} | {accuracy} |"
        )
    return "\n".join(rows)


def main(argv=None):
    console.make_safe()  # the output may quote Chinese paths and labels
    parser = arguments.parser(__doc__.splitlines()[0])
    parser.add_argument(
        "--repeats", type=positive_int, default=3, help="runs of each recipe"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="1 epoch on 2,000 images, 1 run each: a smoke test",
    )
    parser.add_argument(
        "--recipes",
        nargs="*",
        choices=list(RECIPES),
        default=list(RECIPES),
        help="which recipes to run (none: give the flag alone)",
    )
    parser.add_argument(
        "--lessons",
        nargs="*",
        choices=list(LESSONS),
        default=["first_nn.py", "first_cnn.py"],
        help="which whole lessons to run (none: give the flag alone); "
        "photo_cnn.py on request",
    )
    parser.add_argument(
        "--backends",
        nargs="+",
        metavar="NAME",
        choices=list(backends.BACKENDS),
        default=[name for name in backends.BACKENDS if backends.installed(name)],
        help="Keras backends to run the whole lessons on, in turns: tensorflow, jax, "
        "torch (default: the installed ones)",
    )
    parser.add_argument(
        "--isa",
        choices=[*INSTRUCTION_SETS, "both"],
        default="native",
        help="instruction sets: this CPU's own, AVX2 only (emulated), or both in turns",
    )
    return errors.guard(lambda: measure(parser.parse_args(argv)))


def measure(args):
    """Run the recipes and lessons the flags ask for; print the tables."""
    epochs, train_size, repeats = (
        (1, 2000, 1) if args.quick else (None, None, args.repeats)
    )
    lesson_flags = QUICK_LESSON_FLAGS if args.quick else []
    instruction_sets = list(INSTRUCTION_SETS) if args.isa == "both" else [args.isa]

    results = {isa: {name: [] for name in args.recipes} for isa in instruction_sets}
    for backend in args.backends:
        backends.use(backend)  # installed? (one error line before any run)
    os.environ.pop(backends.VARIABLE, None)
    runs = [(name, backend) for name in args.lessons for backend in args.backends]
    lesson_results = {
        isa: {lesson_name(*run): [] for run in runs} for isa in instruction_sets
    }
    # Put the bundled data where Keras' load_data() looks, once, before timing.
    data_staging = ["-c", "from lesson import data; data.stage()"]
    run_checked(data_staging, "putting the data in Keras' cache", cwd=REPO)
    for repeat in range(repeats):
        for isa in instruction_sets:
            for name in args.recipes:
                run = run_once(RECIPES[name], epochs, train_size, isa)
                results[isa][name].append(run)
                print(
                    f"run {repeat + 1}/{repeats} {name} ({isa}): "
                    f"fit {run['fit_seconds']:.1f} s",
                    flush=True,
                )
            for name, backend in runs:
                run = run_lesson(name, lesson_flags, isa, backend)
                lesson_results[isa][lesson_name(name, backend)].append(run)
                print(
                    f"run {repeat + 1}/{repeats} python {lesson_name(name, backend)} "
                    f"({isa}): wall {run['wall_seconds']:.1f} s, "
                    f"fit {run['fit_seconds']:.1f} s",
                    flush=True,
                )

    data = "2,000 training images" if args.quick else "60,000 training images"
    print(
        f"\nMachine: {cpu_description()}, {os.cpu_count()} logical cores, "
        f"{platform.machine()}, Python {platform.python_version()}; {data}"
    )
    for isa in instruction_sets:
        print_results(isa, results[isa], lesson_results[isa], args.backends)
    return 0


def print_results(instruction_set, results, lesson_results, backend_names):
    """The tables and ratios of one instruction set."""
    emulated = (
        " (oneDNN and XLA limited to AVX2)" if INSTRUCTION_SETS[instruction_set] else ""
    )
    print(f"\nInstruction set: {instruction_set}{emulated}\n")
    summaries = {name: summarize(runs) for name, runs in results.items()}
    if summaries:
        print(table(summaries))
        print()
    for recipe, baseline in RATIOS:
        if recipe in summaries and baseline in summaries:
            ratio = summaries[recipe]["fit_median"] / summaries[baseline]["fit_median"]
            print(f"{recipe} fit time / {baseline} fit time (medians): {ratio:.2f}")
    if lesson_results:
        print("\n" + lesson_table(lesson_results) + "\n")
    for lesson, before in LESSON_RATIOS:
        if lesson_results.get(lesson) and lesson_results.get(before):
            fit, fit_before = (
                statistics.median(run["fit_seconds"] for run in lesson_results[name])
                for name in (lesson, before)
            )
            print(
                f"python {lesson} fit time / python {before} fit time (medians): "
                f"{fit / fit_before:.2f}"
            )
    if lesson_results and backend_names != ["tensorflow"]:
        print("\nBackends (each against TensorFlow in the same session):\n")
        print(backend_table(lesson_results, backend_names))


if __name__ == "__main__":
    sys.exit(main())
