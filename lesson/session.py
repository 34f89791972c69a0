"""A lesson's front door: lesson.start() does what the tutorial leaves out
before its first import, and the LessonRun it returns saves what the run makes.

start() turns bad input into one "error:" line, keeps any console encoding
safe, reads the flags, prepares the output folder and imports TensorFlow
without its start-up log lines, so that the lesson's own
`import tensorflow as tf` is a plain line that prints nothing.
"""

import os
import time
from typing import Callable, NamedTuple

from lesson import (
    console,
    errors,
    figure_files,
    files,
    flags,
    names,
    results,
    startup,
)


class Lesson(NamedTuple):
    """What differs between the lessons' runs."""

    parse_flags: Callable  # the lesson's flag parser
    model_file: str
    metrics_file: str
    figure_prefix: str  # so that the lessons can share one output folder
    # oneDNN's custom operations off: the dense lesson's step is compiled by
    # XLA and never uses them, and they cost about 180 MB at the peak
    onednn: bool


LESSONS = {
    "first_nn": Lesson(
        flags.parse_lesson_flags, names.MODEL_FILE, names.METRICS_FILE, "", False
    ),
    "first_cnn": Lesson(
        flags.parse_cnn_flags,
        names.CNN_MODEL_FILE,
        names.CNN_METRICS_FILE,
        "cnn_",
        True,
    ),
    "photo_cnn": Lesson(
        flags.parse_photo_flags,
        names.PHOTO_MODEL_FILE,
        names.PHOTO_METRICS_FILE,
        "photo_",
        True,
    ),
}


class LessonRun:
    """One run of a lesson: its flags (args), its output folder, its figures."""

    def __init__(self, lesson, args):
        self.lesson, self.args = lesson, args
        self.output_dir = files.prepare_output_dir(args.output_dir)
        self.figures = figure_files.FigureFolder(
            self.output_dir, keep_open=args.show, prefix=lesson.figure_prefix
        )
        self.started = None

    def save(self, figure, name, how_to_read=None):
        """Save a figure as output_dir/<prefix><name>.png (and show it in a notebook)."""
        self.figures.save(figure, name, how_to_read)

    def start_timer(self):
        self.started = time.perf_counter()

    def print_fit_time(self):
        """Print and return the seconds since start_timer()."""
        seconds = time.perf_counter() - self.started
        print(console.label("训练用时", "Fit time"), f"{seconds:.1f} s")
        return seconds

    def save_model_and_metrics(self, model, metrics):
        """The lesson's model and metrics files, each written whole or not at all."""
        results.save_model_and_metrics(
            self.output_dir,
            model,
            metrics,
            self.lesson.model_file,
            self.lesson.metrics_file,
        )

    def finish(self):
        """The commands to run next; then, with --show, the figures in windows."""
        results.print_next_steps(self.output_dir, self.lesson.model_file)
        self.figures.show_kept()


def start(name):
    """Set up the run of lesson `name` ("first_nn", "first_cnn", "photo_cnn")."""
    lesson = LESSONS[name]
    errors.handle_uncaught()  # bad input: one "error:" line, not a traceback
    console.make_safe()  # any console encoding: what it cannot show is replaced
    args = lesson.parse_flags()  # the command line, or $…_ARGS in a notebook
    run = LessonRun(lesson, args)
    if not lesson.onednn:
        os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    startup.import_tensorflow()  # once, quietly: the lesson's import is then silent
    return run
