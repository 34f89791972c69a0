"""Running a Python script of this repository in a child process, for the tools."""

import platform
import subprocess
import sys
from pathlib import Path

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
        raise LessonError(
            f"{what} 失败（退出码 {result.returncode}）：{last}",
            f"{what} failed (exit {result.returncode}): {last}",
        )
    return result


# The instruction sets a benchmark can run a child with: this CPU's own, or
# AVX2 only (oneDNN's and XLA's kernels), which stands in for a laptop without
# AVX-512 on a CPU that has it.
INSTRUCTION_SETS = {
    "native": {},
    "AVX2": {"ONEDNN_MAX_CPU_ISA": "AVX2", "XLA_FLAGS": "--xla_cpu_max_isa=AVX2"},
}


def cpu_description():
    """'AMD EPYC, with AVX-512' on Linux; elsewhere the platform's own word."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return platform.processor() or platform.machine()
    names = [
        line.split(":", 1)[1].strip()
        for line in text.splitlines()
        if line.startswith("model name")
    ]
    has_avx512 = " avx512f" in text
    name = names[0] if names else platform.machine()
    return f"{name}, {'with' if has_avx512 else 'without'} AVX-512"
