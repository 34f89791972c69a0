"""LessonError, and the one place that turns it or Ctrl-C into an exit status."""

import atexit
import os
import sys

from lesson.console import speaks_chinese

INTERRUPTED = 130  # 128 + SIGINT: what a shell reports after Ctrl-C


class LessonError(Exception):
    """A problem the learner can fix; printed as one 'error: ...' line.

    LessonError(chinese, english, subject=path) reads "path：中文 / English";
    where the console cannot show Chinese, "path: English". One argument is
    English alone.
    """

    def __init__(self, chinese, english=None, subject=None):
        self.chinese = chinese if english is not None else None
        self.english = chinese if english is None else english
        self.subject = subject
        super().__init__(self.text())

    def halves(self):
        """(the Chinese, the English), each led by the subject; the Chinese is
        None where there is only English."""
        english = (
            self.english if self.subject is None else f"{self.subject}: {self.english}"
        )
        if self.chinese is None:
            return None, english
        lead = "" if self.subject is None else f"{self.subject}："
        return lead + self.chinese, english

    def text(self, chinese=True):
        """The message: Chinese, then English; English alone if not chinese."""
        chinese_half, english_half = self.halves()
        if chinese_half is None or not chinese:
            return english_half
        return f"{chinese_half} / {self.english}"


def data_error(path, problem, fix):
    """A LessonError that names the file, the problem and what to do; problem
    and fix are (Chinese, English) pairs."""
    return LessonError(
        f"{problem[0]}；{fix[0]}", f"{problem[1]}; {fix[1]}", subject=path
    )


def flush_stdout():
    """Flush standard output; if its reader has gone (`| head`), send the rest
    nowhere, as Python's documentation advises, instead of a traceback."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return False
    return True


def report(exc):
    """Print the one 'error:' line for a LessonError or Ctrl-C; return the exit status."""
    chinese = speaks_chinese(sys.stderr)
    if isinstance(exc, KeyboardInterrupt):
        message = "已中断 / interrupted" if chinese else "interrupted"
        status = INTERRUPTED
    else:
        message, status = exc.text(chinese), 1
    flush_stdout()
    print(f"error: {message}", file=sys.stderr, flush=True)
    return status


def guard(run):
    """For a tool's main(): run()'s status (None is 0), or 1 / 130 after one 'error:' line."""
    try:
        status = run() or 0
        return status if flush_stdout() else 1  # a reader gone early ends quietly
    except (LessonError, KeyboardInterrupt) as exc:
        return report(exc)
    except BrokenPipeError:
        flush_stdout()
        return 1


def handle_uncaught():
    """For a lesson of top-level cells: the same one line instead of a traceback.

    In a terminal through sys.excepthook; in a notebook through IPython's
    handler for LessonError (the kernel's own Ctrl-C handling stays).
    """
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    if shell is not None:

        def show(shell, kind, exc, tb, tb_offset=None):
            report(exc)
            return []  # IPython wants the lines of a traceback: none

        shell.set_custom_exc((LessonError,), show)
        return
    default_hook = sys.excepthook
    atexit.register(flush_stdout)  # before Python's own last flush

    def hook(kind, exc, tb):
        if isinstance(exc, BrokenPipeError):  # `| head` stopped reading
            flush_stdout()
            os._exit(1)
        if not isinstance(exc, (LessonError, KeyboardInterrupt)):
            return default_hook(kind, exc, tb)
        status = report(exc)
        if status == INTERRUPTED:
            # Python would end by raising SIGINT again; end like the tools do.
            sys.stdout.flush()
            os._exit(status)

    sys.excepthook = hook
