"""Shared fixtures: every test runs with an empty, temporary home and Keras home.

Two tiers: `python -m pytest` runs the quick one, every in-process test and
the tests that read one shared short lesson run (subset_run);
`python -m pytest --full` runs everything. A test that starts a process or
trains a model, by itself or through a fixture, is marked slow here: nobody
has to remember to.
"""

import inspect
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import tokenize
from pathlib import Path

from lesson.names import REPO

import matplotlib.image
import pytest

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

# Calls that start a process or train a model, in a test or in a fixture it uses.
SLOW_CALLS = re.compile(
    r"\b(?:subprocess|Popen|run_python|run_repo_script|start_app|nbclient)\b"
    r"|\.fit\(|\btrain\("
)
# The one short lesson run that the quick tier shares (the smoke test).
SMOKE_FIXTURE = "subset_run"


def pytest_addoption(parser):
    parser.addoption(
        "--full",
        action="store_true",
        help="run the full tier too: the tests that start a process or train",
    )


def code_of(source):
    """source without its comments and strings (a docstring may say
    'subprocess' without starting one)."""
    tokens = tokenize.generate_tokens(io.StringIO(textwrap.dedent(source)).readline)
    kept = [
        t.string for t in tokens if t.type not in (tokenize.COMMENT, tokenize.STRING)
    ]
    return " ".join(kept).replace(" (", "(").replace(" . ", ".")


def starts_or_trains(function, seen=None):
    """True when function's source, or a function of the tests it calls (at
    any depth), starts a process or trains."""
    seen = set() if seen is None else seen
    if not inspect.isfunction(function) or function in seen:
        return False
    seen.add(function)
    try:
        source = code_of(inspect.getsource(function))
    except (OSError, TypeError):
        return False
    if SLOW_CALLS.search(source):
        return True
    tests = Path(__file__).parent
    called = [
        function.__globals__.get(name)
        for name in set(re.findall(r"\b([A-Za-z_]\w*)\(", source))
    ]
    return any(
        starts_or_trains(other, seen)
        for other in called
        if inspect.isfunction(other)
        and Path(inspect.getsourcefile(other) or "").parent == tests
    )


def is_slow(item):
    """True when the test, or a fixture it uses, starts a process or trains."""
    if starts_or_trains(getattr(item, "function", None)):
        return True
    definitions = getattr(item, "_fixtureinfo", None)
    for name, fixtures in (definitions.name2fixturedefs if definitions else {}).items():
        if name == SMOKE_FIXTURE:
            continue
        if any(starts_or_trains(fixture.func) for fixture in fixtures):
            return True
    return False


def pytest_collection_modifyitems(config, items):
    quick, deselected = [], []
    for item in items:
        if SMOKE_FIXTURE in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.smoke)
        if is_slow(item):
            item.add_marker(pytest.mark.slow)
            deselected.append(item)
        else:
            quick.append(item)
    if not config.getoption("--full") and deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = quick


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
    """Run a lesson or tool (`python first_nn.py`) or tooling (`python -m
    benchmarks.bench_train`) as a learner would, in cwd; the CompletedProcess."""
    if script.endswith(".py"):
        return run_python([REPO / script, *args], env, cwd, timeout, encoding)
    # tooling finds its modules from the repository's folder
    env = {**env, "PYTHONPATH": str(REPO)}
    return run_python(["-m", script, *args], env, cwd, timeout, encoding)


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
