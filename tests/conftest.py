"""Shared fixtures: every test runs with an empty, temporary home and Keras home."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib.image
import pytest

REPO = Path(__file__).resolve().parent.parent
# A one-epoch run on a subset: the short run the figures issue names.
ONE_EPOCH_SUBSET = ["--epochs", "1", "--train-size", "2000", "--test-size", "500"]
# The photo the READMEs' first predict.py command answers.
EXAMPLE_PHOTO = "docs/images/example_boot.jpg"

# Keras reads KERAS_HOME once, when it is imported, so point it (and HOME)
# at an empty folder before any test imports TensorFlow.
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="first-nn-home-"))
os.environ["HOME"] = os.environ["USERPROFILE"] = str(_SESSION_HOME)
os.environ["KERAS_HOME"] = str(_SESSION_HOME / ".keras")
os.environ.pop("TF_CPP_MIN_LOG_LEVEL", None)
os.environ.pop("KERAS_BACKEND", None)  # TensorFlow, unless a test asks for another
sys.path.insert(0, str(REPO))


def clean_environment(home):
    """os.environ for a subprocess: an empty home and Keras home, no display,
    and no TensorFlow log level (the quiet start-up sets one)."""
    hidden = (
        "DISPLAY",
        "WAYLAND_DISPLAY",
        "MPLBACKEND",
        "TF_CPP_MIN_LOG_LEVEL",
        "KERAS_BACKEND",
    )
    env = {k: v for k, v in os.environ.items() if k not in hidden}
    # HOME on Linux and macOS, USERPROFILE on Windows.
    env.update(
        HOME=str(home), USERPROFILE=str(home), KERAS_HOME=str(Path(home) / ".keras")
    )
    env["PYTHONIOENCODING"] = "utf-8"
    os.makedirs(home, exist_ok=True)
    return env


@pytest.fixture
def clean_env(tmp_path):
    return clean_environment(tmp_path / "home")


def run_repo_script(script, *args, env, cwd, timeout=900, encoding="utf-8"):
    """Run a repository script as a learner would; returns the CompletedProcess."""
    return run_python([REPO / script, *args], env, cwd, timeout, encoding)


def run_python(arguments, env, cwd=REPO, timeout=900, encoding="utf-8"):
    """This Python with these arguments (a script, or -c and code); returns the
    CompletedProcess, its output as text."""
    return subprocess.run(
        [sys.executable, *map(str, arguments)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding=encoding,
        errors="replace",
        timeout=timeout,
    )


@pytest.fixture
def run_script(clean_env, tmp_path):
    """run_repo_script() with an empty home, in a temporary folder."""

    def run(script, *args, env=None, timeout=900, encoding="utf-8"):
        env = env or clean_env
        return run_repo_script(
            script, *args, env=env, cwd=tmp_path, timeout=timeout, encoding=encoding
        )

    return run


@pytest.fixture(scope="session")
def subset_run(tmp_path_factory):
    """One short lesson run, shared: no display, an empty home, --show asked for.

    Returns (CompletedProcess, output folder).
    """
    home = tmp_path_factory.mktemp("home")
    out = tmp_path_factory.mktemp("out")
    result = run_repo_script(
        "first_nn.py",
        *ONE_EPOCH_SUBSET,
        "--output-dir",
        out,
        "--show",
        env=clean_environment(home),
        cwd=home,
    )
    assert result.returncode == 0, result.stderr
    return result, out


@pytest.fixture(scope="session")
def first_nn_default_run(tmp_path_factory):
    """`python first_nn.py` as a learner runs it (its defaults, its outputs/
    folder), once for the session: (the folder it ran in, CompletedProcess).
    The folder has the READMEs' example photo; tests add nothing there."""
    folder = tmp_path_factory.mktemp("first-nn-default")
    (folder / EXAMPLE_PHOTO).parent.mkdir(parents=True)
    shutil.copy(REPO / EXAMPLE_PHOTO, folder / EXAMPLE_PHOTO)
    env = clean_environment(folder / "home")
    return folder, run_repo_script("first_nn.py", env=env, cwd=folder)


def assert_one_line_error(result):
    """A bad input ends with exit 1 and a single 'error: ...' line, no traceback."""
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def assert_large_and_not_blank(path):
    """A saved figure: at least 600 px on the short side, something drawn on it."""
    pixels = matplotlib.image.imread(path)
    assert min(pixels.shape[:2]) >= 600
    gray = pixels[..., :3].mean(axis=2)
    assert gray.std() > 0.05  # a blank canvas has no spread
    assert (gray < 0.5).mean() > 0.01  # something dark was drawn


def assert_nothing_written(folder):
    """After a refused run the output folder is absent or empty."""
    assert not folder.exists() or not any(folder.iterdir()), list(folder.iterdir())


# The READMEs' output excerpts: (file, heading above the ```text block).
README_EXCERPTS = {
    "first_nn.py": [
        ("README.md", "## What you will see"),
        ("README.zh-CN.md", "## 你会看到什么"),
    ],
    "predict.py": [
        ("README.md", "## Try it on your own photo"),
        ("README.zh-CN.md", "## 用你自己的照片试试"),
    ],
}
# Durations change from run to run: "2s", "918us/step", "Fit time: 11.5 s".
DURATION = re.compile(r"\b\d+(?:\.\d+)?(?:s|ms|us)\b|\b\d+\.\d+ s\b")
NUMBER = re.compile(r"[-+]?\d+\.\d+")


def readme_excerpt(name, heading):
    """The lines of the first ```text block under heading in a README."""
    text = (REPO / name).read_text(encoding="utf-8")
    assert heading in text, f"{name}: no {heading!r}"
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```text\n(.*?)```", section, re.S)
    assert block, f"{name}: no ```text block under {heading!r}"
    return block.group(1).splitlines()


def same_line(excerpt_line, printed_line):
    """Word for word, with durations left out and decimals allowed to differ
    a little (another processor rounds a little differently)."""
    shown, printed = DURATION.sub("<t>", excerpt_line), DURATION.sub(
        "<t>", printed_line
    )
    if NUMBER.split(shown) != NUMBER.split(printed):
        return False
    return all(
        abs(float(a) - float(b)) <= max(0.01, 0.05 * abs(float(a)))
        for a, b in zip(NUMBER.findall(shown), NUMBER.findall(printed))
    )


def assert_excerpts_match(script, output):
    """Each README excerpt of script's output: its lines, in order, in output
    ("..." stands for lines left out)."""
    printed = output.splitlines()
    for name, heading in README_EXCERPTS[script]:
        position = 0
        for line in readme_excerpt(name, heading):
            if line.strip() in ("...", "…"):
                continue
            found = next(
                (
                    index
                    for index in range(position, len(printed))
                    if same_line(line, printed[index])
                ),
                None,
            )
            assert (
                found is not None
            ), f"{name} shows a line the run does not print: {line!r}"
            position = found + 1
