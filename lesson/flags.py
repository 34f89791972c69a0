"""Command-line flags: the lesson's, and the ones the tools share with it."""

import argparse
import difflib
import os
import re
import shlex
import shutil
import sys
from pathlib import Path

from lesson import backends
from lesson.console import MOST_COLUMNS, in_notebook, speaks_chinese, wrap_columns
from lesson.errors import LessonError

DEFAULT_OUTPUT_DIR = Path("outputs")
DEFAULT_SEED = 42
# Environment variables: each lesson's flags for a notebook run.
NOTEBOOK_FLAGS = "FIRST_NN_ARGS"
CNN_NOTEBOOK_FLAGS = "FIRST_CNN_ARGS"
PHOTO_NOTEBOOK_FLAGS = "PHOTO_CNN_ARGS"
MOST_PHOTO_COPIES = 50


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


# Far beyond what helps, and still small enough to fit in a laptop's memory.
MOST_HIDDEN_UNITS = 8192
MOST_FILTERS = 256
# Fashion-MNIST's sizes (its files are checked by checksum, so always these).
TRAINING_EXAMPLES = 60000
TEST_EXAMPLES = 10000

hidden_layer_size = from_to(1, MOST_HIDDEN_UNITS, "neurons of a hidden layer")
filter_count = from_to(1, MOST_FILTERS, "filters of the first convolution")
size_of_training_set = from_to(1, TRAINING_EXAMPLES, "training examples to use")
size_of_test_set = from_to(1, TEST_EXAMPLES, "test examples to use")


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
    (r"ambiguous option: (\S+) could match (.*)", "有歧义的选项 {0}，可能是 {1}"),
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


class LessonArgumentParser(argparse.ArgumentParser):
    """argparse in Chinese and English, raising LessonError instead of printing
    usage and exiting."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, add_help=False, **kwargs)
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
        script = sys.argv[0]
        command = "--help"
        if script.endswith(".py") and not in_notebook():
            command = f"python {as_argument(script)} --help"
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
    return LessonArgumentParser(
        description=description, formatter_class=BilingualHelpFormatter
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


def add_data_arguments(parser):
    """The data, seed and output flags, shared by the lesson and experiments.py."""
    parser.add_argument(
        "--train-size",
        metavar="N",
        type=size_of_training_set,
        default=None,
        help="只用训练集的前 N 个样本（默认：全部）\n"
        "use the first N training examples (default: all)",
    )
    parser.add_argument(
        "--test-size",
        metavar="N",
        type=size_of_test_set,
        default=None,
        help="只用测试集的前 N 个样本（默认：全部）\n"
        "use the first N test examples (default: all)",
    )
    parser.add_argument(
        "--seed",
        metavar="N",
        type=seed,
        default=DEFAULT_SEED,
        help="随机种子\nrandom seed",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        type=existing_folder,
        default=None,
        help="装着 Fashion-MNIST 四个 .gz 文件的文件夹，比如 "
        "/usr/share/datasets/fashion-mnist；先核对校验和，再复制到 Keras 的缓存"
        "（默认：仓库自带的那份）\n"
        "a folder holding the four Fashion-MNIST .gz files, e.g. "
        "/usr/share/datasets/fashion-mnist, checked by checksum and copied into "
        "Keras' cache (default: the bundled copy)",
    )
    parser.add_argument(
        "--output-dir",
        metavar="DIR",
        type=Path,
        default=DEFAULT_OUTPUT_DIR,
        help="结果保存到哪里\nwhere the results go",
    )


def lesson_parser(description, epochs=10, hidden_units=128):
    """A lesson's flags: --epochs, --hidden-units, the data flags and --show."""
    lesson = parser(description)
    lesson.add_argument(
        "--epochs",
        metavar="N",
        type=positive_int,
        default=epochs,
        help="训练几个 epoch（轮），每轮把训练集看一遍\npasses over the training set",
    )
    lesson.add_argument(
        "--hidden-units",
        metavar="N",
        type=hidden_layer_size,
        default=hidden_units,
        help=f"隐藏层（全连接层）的神经元个数，1 到 {MOST_HIDDEN_UNITS}\n"
        f"neurons in the hidden Dense layer, 1 to {MOST_HIDDEN_UNITS}",
    )
    add_data_arguments(lesson)
    backends.add_backend_argument(lesson)
    lesson.add_argument(
        "--show",
        action="store_true",
        help="最后再在窗口里打开图片（图片总会保存）\n"
        "also open the figures in windows at the end (they are always saved)",
    )
    return lesson


def split_flags(text):
    """Flags written as on a command line; Windows paths keep their backslashes."""
    if os.name != "nt":
        return shlex.split(text)
    return [
        (
            word[1:-1]
            if len(word) > 1 and word[0] == word[-1] and word[0] in "'\""
            else word
        )
        for word in shlex.split(text, posix=False)
    ]


def lesson_argv(variable=NOTEBOOK_FLAGS):
    """The command line; in a notebook, the flags in that environment variable."""
    if in_notebook():
        return split_flags(os.environ.get(variable, ""))
    return sys.argv[1:]


def with_backend(args):
    """The parsed flags, once Keras is told which backend to use (--backend)."""
    backends.use(args.backend)
    return args


def parse_lesson_flags(argv=None):
    """first_nn.py's flags, from argv, or from lesson_argv() when None; the
    backend is chosen before Keras starts."""
    description = (
        "一步一步训练教程里的 Fashion-MNIST 分类模型。\n"
        "Train the tutorial's Fashion-MNIST classifier, step by step."
    )
    return with_backend(
        lesson_parser(description).parse_args(lesson_argv() if argv is None else argv)
    )


def add_filters_argument(parser):
    """--filters N: the convolutional lessons' first convolution."""
    from lesson import model

    parser.add_argument(
        "--filters",
        metavar="N",
        type=filter_count,
        default=model.CNN_FILTERS,
        help=f"第一个卷积层的滤波器个数，1 到 {MOST_FILTERS}（第二层是它的两倍）\n"
        f"filters of the first convolution, 1 to {MOST_FILTERS} (the second "
        "has twice as many)",
    )


def parse_cnn_flags(argv=None):
    """first_cnn.py's flags: first_nn.py's, its own defaults, and --filters."""
    from lesson import model

    cnn = lesson_parser(
        "一步一步在 Fashion-MNIST 上训练一个小的卷积神经网络。\n"
        "Train a small convolutional network on Fashion-MNIST, step by step.",
        epochs=model.CNN_EPOCHS,
        hidden_units=model.CNN_HIDDEN_UNITS,
    )
    add_filters_argument(cnn)
    return with_backend(
        cnn.parse_args(lesson_argv(CNN_NOTEBOOK_FLAGS) if argv is None else argv)
    )


def parse_photo_flags(argv=None):
    """photo_cnn.py's flags: first_cnn.py's, how many copies of each home photo
    go into training, and the learner's own photos."""
    from lesson import model

    photo = lesson_parser(
        "在 Fashion-MNIST 和家里拍的衣物照片上一起训练卷积神经网络，一步一步来。\n"
        "Train a convolutional network on Fashion-MNIST and photos of clothes at "
        "home, step by step.",
        epochs=model.CNN_EPOCHS,
        hidden_units=model.CNN_HIDDEN_UNITS,
    )
    add_filters_argument(photo)
    photo.add_argument(
        "--photo-copies",
        metavar="N",
        type=from_to(0, MOST_PHOTO_COPIES, "copies of each home photo"),
        default=5,
        help=f"每张家中照片（和 --my-photos 的每张照片）放进训练集几份（隔一份左右翻转一份），"
        f"0 到 {MOST_PHOTO_COPIES}；0 就是只用 Fashion-MNIST\n"
        f"copies of each home photo (and of each --my-photos photo) in training, every "
        f"other copy mirrored, 0 to {MOST_PHOTO_COPIES}; 0 trains on Fashion-MNIST alone",
    )
    photo.add_argument(
        "--my-photos",
        metavar="DIR",
        type=existing_folder,
        default=None,
        help="你自己的照片：每个类别一个子文件夹（比如 T-shirt/、裤子/），每 5 张留 1 张"
        "只用来测量（默认：不用）\n"
        "your own photos: one subfolder per class (e.g. T-shirt/, Trouser/); "
        "every 5th is kept apart to measure on (default: none)",
    )
    args = photo.parse_args(lesson_argv(PHOTO_NOTEBOOK_FLAGS) if argv is None else argv)
    if args.my_photos is not None and args.photo_copies == 0:
        raise LessonError(
            "--photo-copies 0 会把 --my-photos 的照片也排除在训练之外：请用 1 或更大的数",
            "--photo-copies 0 would leave the --my-photos photos out of training "
            "too: use 1 or more",
        )
    return with_backend(args)
