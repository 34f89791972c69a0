"""Time each code cell of a lesson: where the wall time of a run goes.

    python -m benchmarks.cell_times first_nn.py             # a full default run
    python -m benchmarks.cell_times first_cnn.py --epochs 1 # flags go to the lesson

Runs the lesson's code cells (`# %%`) one after another in this process, as
`python first_nn.py` runs them, with the lesson's own output hidden, and
prints a table: each cell's seconds and share of the run, then the fit time
the lesson measured and what is left outside the fit. It asserts nothing.
"""

import contextlib
import gc
import os
import re
import sys
import time
from pathlib import Path

from lesson import arguments, errors
from lesson.console import make_safe
from lesson.names import REPO

STARTED = time.perf_counter()

BANNER = re.compile(r"banner\((\d+),")


def code_cells(text):
    """The code cells of a jupytext percent file, in order (markdown cells skipped)."""
    cells, current = [], None
    for line in text.splitlines(keepends=True):
        if line.startswith("# %%"):
            current = None if "[markdown]" in line else []
            if current is not None:
                cells.append(current)
        elif current is not None:
            current.append(line)
    return ["".join(cell).strip("\n") for cell in cells]


def describe(cell, step):
    """'step 9: test_loss, test_acc = model.evaluate(...' for the table."""
    lines = [line for line in cell.splitlines() if line and not line.startswith("#")]
    first = next((line for line in lines if not BANNER.search(line)), "")
    first = first if len(first) <= 60 else first[:57] + "..."
    return f"step {step}: `{first}`"


class CollectorTimer:
    """Seconds Python's garbage collector ran, from gc.callbacks."""

    seconds = 0.0
    started = None

    def __call__(self, phase, info):
        if phase == "start":
            self.started = time.perf_counter()
        elif self.started is not None:
            self.seconds += time.perf_counter() - self.started


def time_cells(lesson, lesson_argv, collector, show_output=False):
    """Run the lesson's cells; [(description, seconds, collector seconds)], namespace."""
    cells = code_cells(Path(lesson).read_text(encoding="utf-8"))
    namespace = {"__name__": "__main__", "__file__": str(lesson)}
    sys.argv = [str(lesson), *lesson_argv]
    timings, step = [], 1
    with open(os.devnull, "w", encoding="utf-8") as hidden:
        for number, cell in enumerate(cells, start=1):
            step = int(BANNER.search(cell).group(1)) if BANNER.search(cell) else step
            code = compile(cell, f"{lesson} cell {number}", "exec")
            quiet = contextlib.redirect_stdout(hidden)
            with contextlib.nullcontext() if show_output else quiet:
                started, collected = time.perf_counter(), collector.seconds
                exec(code, namespace)
                seconds = time.perf_counter() - started
                timings.append(
                    (describe(cell, step), seconds, collector.seconds - collected)
                )
    return timings, namespace


def table(timings, fit_seconds, wall_seconds):
    rows = [
        "| cell | seconds | share of the run | of which garbage collection |",
        "|---|---|---|---|",
    ]
    for description, seconds, collected in timings:
        share = seconds / wall_seconds
        rows.append(
            f"| {description} | {seconds:.2f} | {share:.0%} | {collected:.2f} |"
        )
    before = wall_seconds - sum(seconds for _, seconds, _ in timings)
    collected = sum(collected for _, _, collected in timings)
    rows.append(f"| before the first cell (Python, this tool) | {before:.2f} | | |")
    rows.append(f"| **the whole run** | {wall_seconds:.2f} | 100% | {collected:.2f} |")
    rows.append(f"| of which `model.fit` | {fit_seconds:.2f} | | |")
    rows.append(f"| outside `model.fit` | {wall_seconds - fit_seconds:.2f} | | |")
    return "\n".join(rows)


def main(argv=None):
    parser = arguments.parser(__doc__.splitlines()[0])
    parser.add_argument(
        "lesson",
        choices=["first_nn.py", "first_cnn.py"],
        help="the lesson to time, in the repository",
    )
    parser.add_argument(
        "--show-output", action="store_true", help="let the lesson's output through"
    )
    return errors.guard(lambda: time_lesson(*parser.parse_known_args(argv)))


def time_lesson(args, lesson_argv):
    """Run the lesson cell by cell with lesson_argv as its flags; print the table."""
    make_safe()  # the table quotes the lesson's Chinese labels
    collector = CollectorTimer()
    gc.callbacks.append(collector)
    timings, namespace = time_cells(
        REPO / args.lesson, lesson_argv, collector, args.show_output
    )
    wall_seconds = time.perf_counter() - STARTED
    print(table(timings, namespace.get("fit_seconds", 0.0), wall_seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
