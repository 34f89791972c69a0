"""Measure the exercises of docs/exercises.md: first_nn.py with each exercise's flags, several seeds.

    python -m benchmarks.exercises                  # every exercise, seeds 42 1 2
    python -m benchmarks.exercises --seeds 1 2 3 4 5 6 7 8 42 --only default

Each run is `python first_nn.py <flags> --seed S` in its own process, with its
outputs in a temporary folder; the table gives the range over the seeds, so a
learner can check the answer of an exercise against it (42 is the lessons' default
seed, so the range holds what the command gives as written).
"""

import json
import statistics
import sys
import tempfile
from pathlib import Path

from lesson import arguments, console, errors, names
from lesson.arguments import positive_int
from lesson.names import REPO

from tooling.shared import run_checked

# name: first_nn.py flags
EXERCISES = {
    "default": [],
    "hidden-64": ["--hidden-units", "64"],
    "hidden-512": ["--hidden-units", "512"],
    "epochs-20": ["--epochs", "20"],
    "train-6000": ["--train-size", "6000"],
    "backend-jax": ["--backend", "jax"],
}


def run_lesson(lesson_flags, seed, output_dir):
    """metrics.json of one `python first_nn.py` run."""
    command = [
        REPO / "first_nn.py",
        *lesson_flags,
        "--seed",
        seed,
        "--output-dir",
        output_dir,
    ]
    run_checked(command, " ".join(map(str, command)))
    return json.loads(
        (Path(output_dir) / names.METRICS_FILE).read_text(encoding="utf-8")
    )


def span(values):
    return (
        f"{min(values):.4f}"
        if min(values) == max(values)
        else f"{min(values):.4f}–{max(values):.4f}"
    )


def parse_args(argv=None):
    parser = arguments.parser(
        "用几个随机种子运行每个练习，列出准确率的范围。\n"
        "Run each exercise with several seeds; print the range of its accuracy."
    )
    parser.add_argument(
        "--seeds",
        type=arguments.seed,
        nargs="+",
        metavar="N",
        default=[42, 1, 2],
        help="每个练习用哪些随机种子\nseeds for each run",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=list(EXERCISES),
        default=list(EXERCISES),
        metavar="NAME",
        help=f"只测这些练习（默认：全部）：{'、'.join(EXERCISES)}\n"
        f"exercises to measure (default: all): {', '.join(EXERCISES)}",
    )
    parser.add_argument(
        "--epochs",
        type=positive_int,
        default=None,
        metavar="N",
        help="所有练习都改用这个 epoch（轮）数（快速检查；默认：各练习自己的）\n"
        "override every exercise's epochs (a quick check; default: the exercise's own)",
    )
    return parser.parse_args(argv)


def main(argv=None):
    console.make_safe()  # the output may quote Chinese paths and labels
    return errors.guard(lambda: measure(parse_args(argv)))


def measure(args):
    """Run each exercise with each seed; print the table."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name in args.only:
            lesson_flags = EXERCISES[name] + (
                ["--epochs", str(args.epochs)] if args.epochs else []
            )
            runs = []
            for seed in args.seeds:
                runs.append(
                    run_lesson(lesson_flags, seed, Path(folder) / f"{name}-{seed}")
                )
                print(
                    f"{name} seed {seed}: test accuracy {runs[-1]['test_accuracy']:.4f}",
                    flush=True,
                )
            rows.append((name, lesson_flags, runs))
    print(
        "\n| exercise | flags | seeds | test accuracy | train accuracy | fit s (median) |"
    )
    print("|---|---|---|---|---|---|")
    for name, lesson_flags, runs in rows:
        tests = [run["test_accuracy"] for run in runs]
        trains = [run["train_accuracy"] for run in runs]
        fit = statistics.median(run["fit_seconds"] for run in runs)
        seeds = " ".join(str(seed) for seed in args.seeds)
        print(
            f"| {name} | `{' '.join(lesson_flags) or '(none)'}` | {seeds} | {span(tests)} "
            f"| {span(trains)} | {fit:.1f} |"
        )
    for name, _, runs in rows:
        per_seed = ", ".join(
            f"{seed}: {run['test_accuracy']:.4f}" for seed, run in zip(args.seeds, runs)
        )
        print(f"\n{name}: {per_seed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
