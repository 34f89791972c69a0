"""Support code for the lessons and tools of this repository.

A lesson reaches it through one name, as in

    import lesson
    run = lesson.start("first_nn")
    ...
    print(lesson.label("训练集图像形状", "Training images shape"), train_images.shape)

so that every line without `lesson.` or `run.` is the tutorial's. Tools import
the modules they need (`from lesson import photos`). Importing the package
prints nothing, writes nothing and does not import TensorFlow: the modules and
names below load when first used. First it checks the Python version and the
packages (environment.check); without them it ends the program with one line.
"""

import importlib

from lesson.environment import check

check()

# The names a lesson writes after `lesson.`, and the module that defines each.
LESSON_NAMES = {
    "start": "session",
    "banner": "console",
    "label": "console",
    "fitted": "console",
    "bilingual": "figure_text",
    "speed_settings": "backends",
    "compile_settings": "model",
    "load_trained_model": "model_files",
    "print_versions": "results",
}
MODULES = (
    "arguments",
    "backends",
    "console",
    "data",
    "environment",
    "errors",
    "figure_files",
    "figure_text",
    "figures",
    "files",
    "flags",
    "home_photos",
    "inference",
    "model",
    "model_files",
    "names",
    "own_photos",
    "photos",
    "quiz",
    "results",
    "scores",
    "session",
    "startup",
)


def __getattr__(name):
    """lesson.<module> or lesson.<name>, imported when first asked for."""
    if name in LESSON_NAMES:
        module = importlib.import_module(f"lesson.{LESSON_NAMES[name]}")
        return getattr(module, name)
    if name in MODULES:
        return importlib.import_module(f"lesson.{name}")
    raise AttributeError(f"module 'lesson' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *LESSON_NAMES, *MODULES])
