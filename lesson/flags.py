"""Command-line flags: the lesson's, and the ones the tools share with it."""

import argparse
import difflib
import os
import shlex
import sys
from pathlib import Path

from lesson import backends
from lesson.console import in_notebook
from lesson.errors import LessonError

DEFAULT_OUTPUT_DIR = Path("outputs")
DEFAULT_SEED = 42
# Environment variables: each lesson's flags for a notebook run.
NOTEBOOK_FLAGS = "FIRST_NN_ARGS"
CNN_NOTEBOOK_FLAGS = "FIRST_CNN_ARGS"


def whole_number(text, low, high=None):
    """argparse helper: text as an int from low to high (no upper bound if None)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number, got {text!r}"
        ) from None
    if high is None and value < low:
        raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
    if high is not None and not low <= value <= high:
        raise argparse.ArgumentTypeError(f"must be from {low} to {high}, got {value}")
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


class LessonArgumentParser(argparse.ArgumentParser):
    """argparse that raises LessonError instead of printing usage and exiting."""

    def error(self, message):
        if message.startswith("unrecognized arguments: "):
            message += self.hint(message.split(": ", 1)[1].split())
        raise LessonError(message)

    def hint(self, words):
        """'; did you mean --hidden-units?' for a typo, else where the flags are."""
        known = [name for name in self._option_string_actions if name.startswith("--")]
        for word in words:
            close = difflib.get_close_matches(
                word.split("=")[0], known, n=1, cutoff=0.8
            )
            if word.startswith("--") and close:
                return f"; did you mean {close[0]}?"
        script = sys.argv[0]
        if script.endswith(".py") and not in_notebook():
            return f"; python {as_argument(script)} --help lists them"
        return "; --help lists them"


class DefaultsHelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Show each default in --help; flags whose default is None say it in words."""

    def _get_help_string(self, action):
        if action.default is None or action.default is False:
            return action.help
        return super()._get_help_string(action)


def seed(text):
    """argparse type: a random seed NumPy accepts, 0 to 2**32 - 1."""
    return whole_number(text, 0, 2**32 - 1)


def parser(description):
    """An argument parser with one-line errors and defaults in --help."""
    return LessonArgumentParser(
        description=description, formatter_class=DefaultsHelpFormatter
    )


def existing_folder(text):
    """argparse type: a folder that exists (what is in it is checked later)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the folder name is empty")
    path = Path(text).expanduser()  # ~ too, as in a notebook's FIRST_NN_ARGS
    if not path.is_dir():
        raise argparse.ArgumentTypeError(
            f"{text}: is a file, not a folder"
            if path.exists()
            else f"{text}: no such folder"
        )
    return path


def add_data_arguments(parser):
    """The data, seed and output flags, shared by the lesson and experiments.py."""
    parser.add_argument(
        "--train-size",
        metavar="N",
        type=size_of_training_set,
        default=None,
        help="use the first N training examples (default: all)",
    )
    parser.add_argument(
        "--test-size",
        metavar="N",
        type=size_of_test_set,
        default=None,
        help="use the first N test examples (default: all)",
    )
    parser.add_argument(
        "--seed", metavar="N", type=seed, default=DEFAULT_SEED, help="random seed"
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        type=existing_folder,
        default=None,
        help="a folder holding the four Fashion-MNIST .gz files, e.g. "
        "/usr/share/datasets/fashion-mnist, checked by checksum and copied into "
        "Keras' cache (default: the bundled copy)",
    )
    parser.add_argument(
        "--output-dir",
        metavar="DIR",
        type=Path,
        default=DEFAULT_OUTPUT_DIR,
        help="where the results go",
    )


def lesson_parser(description, epochs=10, hidden_units=128):
    """A lesson's flags: --epochs, --hidden-units, the data flags and --show."""
    lesson = parser(description)
    lesson.add_argument(
        "--epochs",
        metavar="N",
        type=positive_int,
        default=epochs,
        help="passes over the training set",
    )
    lesson.add_argument(
        "--hidden-units",
        metavar="N",
        type=hidden_layer_size,
        default=hidden_units,
        help=f"neurons in the hidden Dense layer, 1 to {MOST_HIDDEN_UNITS}",
    )
    add_data_arguments(lesson)
    backends.add_backend_argument(lesson)
    lesson.add_argument(
        "--show",
        action="store_true",
        help="also open the figures in windows at the end (they are always saved)",
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
    description = "Train the tutorial's Fashion-MNIST classifier, step by step."
    return with_backend(
        lesson_parser(description).parse_args(lesson_argv() if argv is None else argv)
    )


def parse_cnn_flags(argv=None):
    """first_cnn.py's flags: first_nn.py's, its own defaults, and --filters."""
    from lesson import model

    cnn = lesson_parser(
        "Train a small convolutional network on Fashion-MNIST, step by step.",
        epochs=model.CNN_EPOCHS,
        hidden_units=model.CNN_HIDDEN_UNITS,
    )
    cnn.add_argument(
        "--filters",
        metavar="N",
        type=filter_count,
        default=model.CNN_FILTERS,
        help=f"filters of the first convolution, 1 to {MOST_FILTERS} (the second "
        "has twice as many)",
    )
    return with_backend(
        cnn.parse_args(lesson_argv(CNN_NOTEBOOK_FLAGS) if argv is None else argv)
    )
