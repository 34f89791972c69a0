"""Regenerate the lessons' notebooks and the docs' pictures from one full run of each lesson.

    python -m tooling.make_notebook

Runs first_nn.py as a notebook (jupytext + nbclient, `pip install -r
requirements-dev.txt`) with an empty home, in a temporary folder, then
first_cnn.py and photo_cnn.py as notebooks in the same folder (so that they
compare with the lesson before), and writes:
- first_nn.ipynb, first_cnn.ipynb, photo_cnn.ipynb: each lesson's cells with
  its run's outputs;
- docs/images/step*.png, cnn_*.png, photo_*.png: smaller copies of the figures;
- docs/images/example_*.jpg: held-out test images turned into photo-like
  files (colour, white background, 336 px) for the README's predict.py example.
"""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from lesson import arguments, console, data, errors
from lesson.files import prepare_output_dir, write_atomically, write_text
from lesson.names import (
    CNN_NOTEBOOK_FLAGS,
    NOTEBOOK_FLAGS,
    OUTPUT_DIR,
    PHOTO_NOTEBOOK_FLAGS,
    REPO,
)

from PIL import Image

from tooling.shared import as_colour, upscale, white_background

EXAMPLES = {"boot": 0, "pullover": 1, "shirt": 4}  # test image indices
ANSI_CODE = re.compile(r"\x1b\[[0-9;]*m")


def final_text(text):
    """A terminal's final screen of a stream: colour codes gone, each line as redrawn last."""
    lines = ANSI_CODE.sub("", text).replace("\b", "").split("\n")
    return "\n".join(line.rsplit("\r", 1)[-1] for line in lines)


def execute(lesson, flags_variable, lesson_flags, run_dir, timeout):
    """The lesson as an executed notebook; its outputs go to run_dir/outputs."""
    import jupytext
    import nbclient
    import nbformat

    os.environ[flags_variable] = lesson_flags  # the kernel inherits it
    notebook = jupytext.read(lesson)
    client = nbclient.NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(run_dir)}},
    )
    try:
        # The kernel's own log (a TCP warning, its shutdown) is not the lesson's output.
        client.execute(stderr=subprocess.DEVNULL)
    except nbclient.exceptions.DeadKernelError:
        raise errors.LessonError(
            f"{lesson}: the notebook kernel stopped (out of memory, say); run "
            f"python {lesson.name} to see why"
        ) from None
    except nbclient.exceptions.CellTimeoutError:
        raise errors.LessonError(
            f"{lesson}: a cell took longer than {timeout} s; pass a larger --timeout"
        ) from None
    except nbclient.exceptions.CellExecutionError as exc:
        raise errors.LessonError(f"{lesson}: a cell failed ({exc.ename}: {exc.evalue})")
    for cell in notebook.cells:
        cell.outputs = merged_streams(cell.get("outputs", []))
    return nbformat.writes(notebook)


def merged_streams(outputs):
    """Runs of stream outputs (a progress bar's many updates) as one final text each."""
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text += output.text
        else:
            merged.append(output)
    for output in merged:
        if output.output_type == "stream":
            output.text = final_text(output.text)
    return merged


def copy_figures(run_dir, images, max_side):
    """Smaller copies of the run's figures, for the README."""
    for figure in sorted((Path(run_dir) / OUTPUT_DIR).glob("*.png")):
        if figure.name.startswith("cnn_step04"):
            continue  # the same data pictures as first_nn.py's
        with Image.open(figure) as image:
            image.thumbnail((max_side, max_side))
            write_atomically(
                images / figure.name,
                lambda temporary: image.save(temporary, format="PNG", optimize=True),
            )
        print(f"wrote {images / figure.name}")


def make_example_photos(images):
    """A few held-out test images as colour JPEGs on white, like product photos."""
    _, (test_images, _) = data.load_data()
    for name, index in EXAMPLES.items():
        photo = Image.fromarray(
            as_colour(upscale(white_background(test_images[index]), 12))
        )
        path = images / f"example_{name}.jpg"
        write_atomically(
            path, lambda temporary: photo.save(temporary, format="JPEG", quality=90)
        )
        print(f"wrote {path}")


def use_empty_home(run_dir):
    """This process's environment, for the runs: an empty home, no display."""
    home = Path(run_dir) / "home"
    home.mkdir()
    os.environ.update(
        HOME=str(home),
        USERPROFILE=str(home),
        KERAS_HOME=str(home / ".keras"),
        PYTHONPATH=os.pathsep.join(
            filter(None, [str(REPO), os.environ.get("PYTHONPATH")])
        ),
    )
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND", "TF_CPP_MIN_LOG_LEVEL"):
        os.environ.pop(name, None)


def render(args):
    saved_environment = dict(os.environ)
    with tempfile.TemporaryDirectory() as run_dir:
        use_empty_home(run_dir)
        lessons = [("first_nn", NOTEBOOK_FLAGS, args.lesson_flags)]
        if not args.no_cnn:  # second, so that it finds metrics.json to compare
            lessons.append(("first_cnn", CNN_NOTEBOOK_FLAGS, args.cnn_flags))
            lessons.append(("photo_cnn", PHOTO_NOTEBOOK_FLAGS, args.photo_flags))
        prepare_output_dir(args.notebook_dir, "--notebook-dir")
        prepare_output_dir(args.images, "--images")  # before the long runs
        for name, flags_variable, lesson_flags in lessons:
            lesson = REPO / f"{name}.py"
            text = execute(lesson, flags_variable, lesson_flags, run_dir, args.timeout)
            notebook = args.notebook_dir / f"{name}.ipynb"
            write_text(notebook, text)
            print(f"wrote {notebook}")
        copy_figures(run_dir, args.images, args.max_side)
        make_example_photos(args.images)
    os.environ.clear()
    os.environ.update(saved_environment)


def main(argv=None):
    console.make_safe()  # the output may quote Chinese paths and labels
    parser = arguments.parser(__doc__.splitlines()[0])
    parser.add_argument(
        "--notebook-dir",
        type=Path,
        default=REPO,
        help="where the executed notebooks (first_nn.ipynb, ...) go",
    )
    parser.add_argument(
        "--images",
        type=Path,
        default=REPO / "docs" / "images",
        help="where the README's pictures go",
    )
    parser.add_argument(
        "--lesson-flags",
        default="",
        help=f"the lesson's flags (as ${NOTEBOOK_FLAGS}); empty is the full default run",
    )
    parser.add_argument(
        "--cnn-flags",
        default="",
        help=f"first_cnn.py's flags (as ${CNN_NOTEBOOK_FLAGS}); empty is its full default run",
    )
    parser.add_argument(
        "--photo-flags",
        default="",
        help=f"photo_cnn.py's flags (as ${PHOTO_NOTEBOOK_FLAGS}); empty is its full "
        "default run",
    )
    parser.add_argument(
        "--no-cnn",
        action="store_true",
        help="skip first_cnn.py and photo_cnn.py: only first_nn.ipynb and its figures",
    )
    parser.add_argument(
        "--max-side",
        type=arguments.positive_int,
        default=900,
        help="pixels; the README copies' size",
    )
    parser.add_argument(
        "--timeout",
        type=arguments.positive_int,
        default=1800,
        help="seconds a cell may take",
    )
    return errors.guard(lambda: render(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
