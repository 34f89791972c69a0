"""argparse in Chinese and English: number types with bilingual messages,
help that says every default, and one "error:" line instead of usage and
a traceback. The lessons' own flags are in flags.py."""

import argparse
import difflib
import re
import shutil
import sys
from pathlib import Path

from lesson.console import MOST_COLUMNS, in_notebook, speaks_chinese, wrap_columns
from lesson.errors import LessonError
from lesson.names import REPO


def whole_number(text, low, high=None):
    """argparse helper: text as an int from low to high (no upper bound if None)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"要一个整数，却是 {text!r} / expected a whole number, got {text!r}"
        ) from None
    if high is None and value < low:
        raise argparse.ArgumentTypeError(
            f"至少要是 {low}，却是 {value} / must be at least {low}, got {value}"
        )
    if high is not None and not low <= value <= high:
        raise argparse.ArgumentTypeError(
            f"要在 {low} 到 {high} 之间，却是 {value} / "
            f"must be from {low} to {high}, got {value}"
        )
    return value


def positive_int(text):
    """argparse type: a whole number of at least 1."""
    return whole_number(text, 1)


def from_to(low, high, what):
    """An argparse type: a whole number from low to high, documented as `what`."""

    def check(text):
        return whole_number(text, low, high)

    check.__doc__ = f"argparse type: {what}, {low} to {high:,}."
    return check


def as_argument(path):
    """A path as one shell word: quoted when it holds a space."""
    text = str(path)
    return f'"{text}"' if " " in text else text


# argparse's own messages (Python 3.11-3.13), each with its Chinese.
ARGPARSE_MESSAGES = [
    (r"unrecognized arguments: (.*)", "无法识别的参数：{0}"),
    (r"the following arguments are required: (.*)", "缺少必需的参数：{0}"),
    (r"expected one argument", "后面要跟一个值"),
    (r"expected at least one argument", "后面至少要跟一个值"),
    (r"ignored explicit argument (.*)", "不接受值 {0}"),
    (r"invalid choice: (.*) \(choose from (.*)\)", "无效的选择 {0}（可选：{1}）"),
    (r"invalid (\S+) value: (.*)", "无效的值 {1}"),
    (r"not allowed with argument (.*)", "不能和 {0} 一起用"),
    (r"one of the arguments (.*) is required", "{0} 中至少要给一个"),
]


def in_chinese(message):
    """argparse's English message with its Chinese: (Chinese, English)."""
    flag = re.match(r"argument (\S+): (.*)", message)
    if flag:
        name, detail = flag.groups()
        if " / " in detail:  # a type's own message: "中文 / English"
            chinese, english = detail.split(" / ", 1)
        else:
            chinese, english = in_chinese(detail)
        return f"参数 {name}：{chinese}", f"argument {name}: {english}"
    for pattern, chinese in ARGPARSE_MESSAGES:
        found = re.fullmatch(pattern, message)
        if found:
            return chinese.format(*found.groups()), message
    return "命令行参数有误", message


def usage_prefix():
    """What --help's first line starts with: in English alone where the console
    cannot show Chinese."""
    return "用法 / usage: " if speaks_chinese() else "usage: "


def english_only(text):
    """The English of a "中文\nEnglish" text (one line stays as it is)."""
    return text.split("\n", 1)[-1]


def tooling_module(script):
    """'benchmarks.NAME' or 'tooling.NAME' for a script of the tooling (run as
    `python -m` from the repository's folder), else None."""
    path = Path(script).resolve()
    if path.parent.parent == REPO and path.parent.name in ("benchmarks", "tooling"):
        return f"{path.parent.name}.{path.stem}"
    return None


def how_to_run(script):
    """The command that runs script: `python -m benchmarks.NAME` for tooling,
    else `python SCRIPT`."""
    module = tooling_module(script)
    return f"python -m {module}" if module else f"python {as_argument(script)}"


class LessonArgumentParser(argparse.ArgumentParser):
    """argparse in Chinese and English, raising LessonError instead of printing
    usage and exiting."""

    def __init__(self, *args, **kwargs):
        # --epoch is not taken for --epochs: a flag is written out or refused
        super().__init__(*args, add_help=False, allow_abbrev=False, **kwargs)
        self.add_argument(
            "-h",
            "--help",
            action="help",
            help="显示这段帮助，然后退出\nshow this help message and exit",
        )

    def format_help(self):
        chinese = speaks_chinese()
        self._positionals.title = (
            "位置参数 / positional arguments" if chinese else "positional arguments"
        )
        self._optionals.title = "选项 / options" if chinese else "options"
        return super().format_help()

    def parse_intermixed_args(self, args=None, namespace=None):
        # argparse would keep its usage line minus the length of "usage: ".
        saved, prefix = self.usage, usage_prefix()
        if saved is None:
            formatter = self._get_formatter()
            formatter.add_usage(None, self._actions, [], prefix)
            self.usage = formatter.format_help().strip()[len(prefix) :]
        try:
            return super().parse_intermixed_args(args, namespace)
        finally:
            self.usage = saved

    def error(self, message):
        chinese, english = in_chinese(message)
        if message.startswith("unrecognized arguments: "):
            hint_chinese, hint_english = self.hint(message.split(": ", 1)[1].split())
            chinese, english = chinese + hint_chinese, english + hint_english
        raise LessonError(chinese, english)

    def hint(self, words):
        """'; did you mean --hidden-units?' for a typo, else where the flags are:
        (Chinese, English)."""
        known = [name for name in self._option_string_actions if name.startswith("--")]
        for word in words:
            close = difflib.get_close_matches(
                word.split("=")[0], known, n=1, cutoff=0.8
            )
            if word.startswith("--") and close:
                return f"；是不是想用 {close[0]}？", f"; did you mean {close[0]}?"
        command = "--help"
        if sys.argv[0].endswith(".py") and not in_notebook():
            command = f"{how_to_run(sys.argv[0])} --help"
        return f"；{command} 会列出所有选项", f"; {command} lists them"


class BilingualHelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """--help in Chinese and English: each help text is "中文\nEnglish", and
    each part is wrapped by the columns it takes (a Chinese character takes
    two), with its default said in both languages."""

    def __init__(self, prog, **kwargs):
        # 100 columns at most, as everything else the scripts print.
        width = min(shutil.get_terminal_size().columns, MOST_COLUMNS) - 2
        super().__init__(prog, width=width, **kwargs)
        self.chinese = speaks_chinese()

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix or usage_prefix())

    def _get_help_string(self, action):
        text = action.help or ""
        if not self.chinese:
            text = english_only(text)
        if action.default in (None, False) or "(default:" in text:
            return text  # no default, or one the text says in words
        if action.default is argparse.SUPPRESS:
            return text
        if "\n" in text:
            chinese, english = text.split("\n", 1)
            return f"{chinese}（默认：%(default)s）\n{english} (default: %(default)s)"
        if self.chinese:
            return text + "（默认 / default: %(default)s）"
        return text + " (default: %(default)s)"

    def _split_lines(self, text, width):
        return [
            line
            for paragraph in text.splitlines()
            for line in wrap_columns(" ".join(paragraph.split()), width)
        ]

    def _fill_text(self, text, width, indent):
        if not self.chinese:
            text = english_only(text)
        return "\n".join(indent + line for line in self._split_lines(text, width))


def seed(text):
    """argparse type: a random seed NumPy accepts, 0 to 2**32 - 1."""
    return whole_number(text, 0, 2**32 - 1)


def parser(description):
    """An argument parser with one-line bilingual errors and defaults in --help;
    description and help texts are "中文\nEnglish"."""
    module = tooling_module(sys.argv[0])
    return LessonArgumentParser(
        prog=f"python -m {module}" if module else None,
        description=description,
        formatter_class=BilingualHelpFormatter,
    )


def existing_folder(text):
    """argparse type: a folder that exists (what is in it is checked later)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("文件夹名是空的 / the folder name is empty")
    path = Path(text).expanduser()  # ~ too, as in a notebook's FIRST_NN_ARGS
    if not path.is_dir():
        raise argparse.ArgumentTypeError(
            f"{text}：是文件，不是文件夹 / {text}: is a file, not a folder"
            if path.exists()
            else f"{text}：没有这个文件夹 / {text}: no such folder"
        )
    return path
