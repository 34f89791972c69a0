"""The repository's layers, read from the source (static, well under a second).

    lessons (first_nn.py, first_cnn.py, photo_cnn.py)   tools (predict.py, app.py, experiments.py)
                      \\                                 /
                       lesson/ (the support package)
    tooling on top: benchmarks/, tooling/ (builders and the helpers the tests share)

docs/layout.md draws the same picture.
"""

import ast
import re
import sys
import tokenize

from lesson import names
from lesson.names import REPO

import pytest

LESSONS = ("first_nn.py", "first_cnn.py", "photo_cnn.py")
TOOLS = ("predict.py", "app.py", "experiments.py")
TOP_LEVEL = {path.stem for path in REPO.glob("*.py")}
# The files the lessons and tools save, each spelled once, in lesson/names.py.
OUTPUT_FILES = (
    names.MODEL_FILE,
    names.CNN_MODEL_FILE,
    names.PHOTO_MODEL_FILE,
    names.METRICS_FILE,
    names.CNN_METRICS_FILE,
    names.PHOTO_METRICS_FILE,
)
# Tests that test a benchmark itself may import it.
BENCHMARKS_OWN_TESTS = ("tests/test_benchmark.py", "tests/test_bench_quiz.py")


def python_files():
    skipped = {".git", "node_modules", ".venv", "__pycache__"}
    return sorted(
        path
        for path in REPO.rglob("*.py")
        if not skipped & set(path.relative_to(REPO).parts)
    )


def relative(path):
    return path.relative_to(REPO).as_posix()


def imported_modules(path):
    """Every module a file imports, at any depth, as dotted names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.append(node.module or "")
    return found


def top(module):
    return module.split(".")[0]


def test_the_tool_settings_live_in_pyproject_toml():
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    for section in ("[tool.pytest.ini_options]", "[tool.black]", "[tool.ruff]"):
        assert section in text


def test_no_file_edits_sys_path():
    edits = re.compile(r"\bsys\.path\.(?:insert|append|extend)\(|\bsys\.path\s*=")
    offenders = [
        relative(path)
        for path in python_files()
        if edits.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_only_the_tutorial_as_written_waives_import_order():
    waived = [
        relative(path)
        for path in python_files()
        if "noqa: " + "E402" in path.read_text(encoding="utf-8")
    ]
    assert waived == ["benchmarks/tutorial_as_written.py"]


def test_lesson_package_imports_nothing_above_it():
    above = TOP_LEVEL | {"benchmarks", "tooling", "tests", "conftest"}
    for path in sorted((REPO / "lesson").glob("*.py")):
        leaks = {top(m) for m in imported_modules(path)} & above
        assert not leaks, f"{relative(path)} imports {leaks}"


@pytest.mark.parametrize("script", LESSONS + TOOLS)
def test_lessons_and_tools_import_lesson_and_never_each_other(script):
    modules = {top(m) for m in imported_modules(REPO / script)}
    assert "lesson" in modules
    assert not modules & (TOP_LEVEL | {"benchmarks", "tooling", "tests"}), modules


def test_nothing_outside_benchmarks_imports_a_benchmark():
    for path in python_files():
        name = relative(path)
        if name.startswith("benchmarks/") or name in BENCHMARKS_OWN_TESTS:
            continue
        modules = imported_modules(path)
        assert not [m for m in modules if top(m) == "benchmarks"], name


def test_only_tests_and_tooling_import_tooling():
    for path in python_files():
        name = relative(path)
        if name.startswith(("tests/", "benchmarks/", "tooling/")):
            continue
        assert "tooling" not in {top(m) for m in imported_modules(path)}, name


def string_constants(path):
    """The strings a file's code holds, docstrings and comments left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            docstrings.add(id(body[0].value))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_each_output_file_name_is_spelled_once_in_code():
    spelled = {name: [] for name in OUTPUT_FILES}
    for path in python_files():
        for text in string_constants(path):
            for name in OUTPUT_FILES:
                if name in re.findall(r"[\w.]+", text):
                    spelled[name].append(relative(path))
    assert all(where == ["lesson/names.py"] for where in spelled.values()), spelled


@pytest.mark.parametrize("readme", ["README.md", "README.zh-CN.md"])
def test_the_readmes_name_the_files_the_lessons_save(readme):
    text = (REPO / readme).read_text(encoding="utf-8")
    mentioned = set(re.findall(r"\b[\w]+\.keras\b|\bmetrics[\w]*\.json\b", text))
    assert mentioned <= set(OUTPUT_FILES), mentioned - set(OUTPUT_FILES)
    for name in (names.MODEL_FILE, names.CNN_MODEL_FILE, names.PHOTO_MODEL_FILE):
        assert f"{names.OUTPUT_DIR}/{name}" in text


def code_lines(path):
    """(line number, text) of the lines that hold code, comments left out."""
    with tokenize.open(path) as source:
        tokens = list(tokenize.generate_tokens(source.readline))
    skipped = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT}
    skipped |= {tokenize.DEDENT, tokenize.ENDMARKER}
    lines = sorted({t.start[0] for t in tokens if t.type not in skipped})
    text = path.read_text(encoding="utf-8").splitlines()
    return [(number, text[number - 1]) for number in lines]


@pytest.mark.parametrize("lesson", LESSONS)
def test_a_lesson_opens_with_at_most_four_lines_before_the_tutorials_import(lesson):
    lines = code_lines(REPO / lesson)
    texts = [text for _, text in lines]
    assert "import tensorflow as tf" in texts  # plain, at the top level
    before = texts[: texts.index("import tensorflow as tf")]
    assert len(before) <= 4, before
    assert before[0] == "import lesson"
    modules = imported_modules(REPO / lesson)
    assert [m for m in modules if top(m) == "lesson"] == ["lesson"]  # no `from lesson`


# The flags that stand where the tutorial wrote a number: (code, its number).
TUTORIAL_NUMBERS = (("run.args.epochs", "10"), ("run.args.hidden_units", "128"))


def test_first_nn_names_the_tutorials_number_where_a_flag_replaces_it():
    lines = (REPO / "first_nn.py").read_text(encoding="utf-8").splitlines()
    seen = 0
    for number, line in enumerate(lines):
        for code, value in TUTORIAL_NUMBERS:
            if code in line and not line.lstrip().startswith("#"):
                seen += 1
                comment = line.partition("#")[2] or lines[number - 1]
                assert "教程：" in comment and value in comment, line
    assert seen == len(TUTORIAL_NUMBERS)


def test_importing_lesson_loads_its_modules_only_when_asked():
    def ours(name):
        return name == "lesson" or name.startswith("lesson.")

    saved = {name: module for name, module in sys.modules.items() if ours(name)}
    try:
        for name in saved:
            del sys.modules[name]
        import lesson

        assert "lesson.session" not in sys.modules
        assert "lesson.figures" not in sys.modules
        assert lesson.label is sys.modules["lesson.console"].label
        assert lesson.start is sys.modules["lesson.session"].start
        with pytest.raises(AttributeError):
            lesson.no_such_name
    finally:  # the modules the other tests hold, as they were
        for name in [name for name in sys.modules if ours(name)]:
            del sys.modules[name]
        sys.modules.update(saved)


def test_the_package_lists_every_module_it_has():
    import lesson

    modules = {path.stem for path in (REPO / "lesson").glob("*.py")} - {"__init__"}
    assert set(lesson.MODULES) == modules
    for name, module in lesson.LESSON_NAMES.items():
        assert module in modules and getattr(lesson, name) is not None
