"""Measure the lessons' recipes against the tutorial exactly as written.

    python benchmarks/bench_train.py             # full data, each recipe's epochs, 3 runs each
    python benchmarks/bench_train.py --quick     # 1 epoch on 2,000 images, 1 run each

Each run is its own process (so peak memory is that recipe's alone); the
recipes take turns so that a slow spell of the machine hits all of them. The
tutorial and first_nn.py train 10 epochs, first_cnn.py its default 5. It
prints ratios of fit times measured in this one session and asserts nothing
about time.
"""

import argparse
import json
import os
import platform
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from lesson.errors import LessonError, report  # noqa: E402
from lesson.flags import positive_int  # noqa: E402
from lesson.processes import run_python  # noqa: E402

RECIPES = {  # name: the command after the Python interpreter
    "tutorial as written": [HERE / "tutorial_as_written.py"],
    "first_nn.py": [HERE / "lesson_recipe.py", "first_nn"],
    "first_cnn.py": [HERE / "lesson_recipe.py", "first_cnn"],
}
# (recipe, baseline): the ratios printed at the end
RATIOS = (("first_nn.py", "tutorial as written"), ("first_cnn.py", "first_nn.py"))


def run_once(recipe, epochs=None, train_size=None):
    """Run one recipe in a fresh process; return its measurements."""
    args = list(recipe)
    if epochs:
        args.append(epochs)
        if train_size:
            args.append(train_size)
    result = run_python(args, recipe[-1])
    lines = [line for line in result.stdout.splitlines() if line.startswith("BENCH ")]
    if not lines:
        raise LessonError(f"{recipe[-1]} printed no BENCH line")
    return json.loads(lines[-1][len("BENCH ") :])


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
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
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
        nargs="+",
        choices=list(RECIPES),
        default=list(RECIPES),
        help="which recipes to run",
    )
    args = parser.parse_args(argv)
    epochs, train_size, repeats = (
        (1, 2000, 1) if args.quick else (None, None, args.repeats)
    )

    results = {name: [] for name in args.recipes}
    try:
        # Put the bundled data where Keras' load_data() looks, once, before timing.
        data_staging = ["-c", "from lesson import data; data.stage()"]
        run_python(data_staging, "putting the data in Keras' cache", cwd=HERE.parent)
        for repeat in range(repeats):
            for name in args.recipes:
                run = run_once(RECIPES[name], epochs, train_size)
                results[name].append(run)
                print(
                    f"run {repeat + 1}/{repeats} {name}: fit {run['fit_seconds']:.1f} s",
                    flush=True,
                )
    except LessonError as exc:
        return report(exc)

    summaries = {name: summarize(runs) for name, runs in results.items()}
    data = "2,000 training images" if args.quick else "60,000 training images"
    print(
        f"\nMachine: {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}; {data}\n"
    )
    print(table(summaries))
    print()
    for recipe, baseline in RATIOS:
        if recipe in summaries and baseline in summaries:
            ratio = summaries[recipe]["fit_median"] / summaries[baseline]["fit_median"]
            print(f"{recipe} fit time / {baseline} fit time (medians): {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
