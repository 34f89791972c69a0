"""The lessons' command-line flags (and the data flags the tools share with
them), read from the command line or, in a notebook, an environment variable;
the backend is chosen as they are read."""

import os
import shlex
import sys
from pathlib import Path

from lesson import backends
from lesson.arguments import existing_folder, from_to, parser, positive_int, seed
from lesson.console import in_notebook
from lesson.errors import LessonError
from lesson.names import (
    CNN_NOTEBOOK_FLAGS,
    NOTEBOOK_FLAGS,
    OUTPUT_DIR,
    PHOTO_NOTEBOOK_FLAGS,
)

DEFAULT_SEED = 42
MOST_PHOTO_COPIES = 50


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
        default=OUTPUT_DIR,
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
