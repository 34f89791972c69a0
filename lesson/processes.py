"""Running a Python script of this repository in a child process, for the tools."""

import subprocess
import sys

from lesson.errors import LessonError


def run_python(args, what, **options):
    """Run `python ARGS` with its output captured; the CompletedProcess.

    A non-zero exit raises LessonError naming `what` and the child's last
    stderr line. options go to subprocess.run (cwd, env).
    """
    result = subprocess.run(
        [sys.executable, *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        **options,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise LessonError(f"{what} failed (exit {result.returncode}): {last}")
    return result
