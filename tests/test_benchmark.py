"""The training benchmark runs and prints its tables (it reports; it asserts no time)."""

import re

from lesson import backends, names

import pytest

from conftest import ONE_EPOCH_SUBSET, REPO, run_python


def test_quick_benchmark_prints_its_table(run_script):
    # TensorFlow and one other installed backend: each backend adds two lesson runs
    # (15 to 30 seconds), and one other shows the comparison table.
    installed = [name for name in backends.BACKENDS if backends.installed(name)][:2]
    result = run_script(
        "benchmarks.bench_train", "--quick", "--backends", *installed, timeout=900
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert (
        "| recipe | epochs | runs | fit s (min) | fit s (median) | fit ratio (median) "
        "| peak RSS GB" in out
    )
    rows = {}
    for line in out.split("| whole run")[0].splitlines():  # the recipes' table
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0] in ("tutorial as written", "first_nn.py", "first_cnn.py"):
            rows[cells[0]] = cells
    assert set(rows) == {"tutorial as written", "first_nn.py", "first_cnn.py"}
    assert rows["tutorial as written"][5] == "1.00"  # the baseline's own ratio
    for cells in rows.values():
        assert cells[1] == "1" and cells[2] == "1"  # --quick: 1 epoch, 1 run
        assert float(cells[3]) > 0 and float(cells[6]) > 0.1  # fit seconds, peak GB
        assert 0.0 <= float(cells[9]) <= 1.0  # test accuracy
    ratios = re.findall(
        r"^(\S+) fit time / (.+) fit time \(medians\): ([0-9.]+)$", out, re.M
    )
    assert [(a, b) for a, b, _ in ratios] == [
        ("first_nn.py", "tutorial as written"),
        ("first_cnn.py", "first_nn.py"),
    ]
    lessons = {}
    for line in out.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if line.startswith("| python first_"):
            lessons[cells[0]] = [float(cell) for cell in cells[1:]]
    assert set(lessons) == {
        f"python {lesson}"
        + ("" if backend == "tensorflow" else f" --backend {backend}")
        for lesson in ("first_nn.py", "first_cnn.py")
        for backend in installed
    }
    for (
        epochs,
        runs,
        wall,
        fit,
        outside,
        outside_max,
        peak,
        accuracy,
    ) in lessons.values():
        assert epochs == 1 and runs == 1
        assert 0 < fit < wall and outside == pytest.approx(wall - fit, abs=0.11)
        assert outside_max == outside and peak > 0.1 and 0.0 <= accuracy <= 1.0
    assert re.search(
        r"^python first_cnn.py fit time / python first_nn.py fit time "
        r"\(medians\): [0-9.]+$",
        out,
        re.M,
    )
    # Each lesson on each installed backend, against TensorFlow's run.
    compared = {}
    for line in out.split("Backends (each against TensorFlow")[1].splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0] in ("first_nn.py", "first_cnn.py"):
            compared[cells[0], cells[1]] = cells
    assert set(compared) == {
        (lesson, backend)
        for lesson in ("first_nn.py", "first_cnn.py")
        for backend in installed
    }
    for (lesson, backend), cells in compared.items():
        fit_ratio, wall_ratio = float(cells[4]), float(cells[6])
        if backend == "tensorflow":
            assert fit_ratio == wall_ratio == 1.0
        else:
            tensorflow = compared[lesson, "tensorflow"]
            # from the unrounded medians: near the ratio of the printed ones
            assert fit_ratio == pytest.approx(
                float(cells[3]) / float(tensorflow[3]), rel=0.2, abs=0.05
            )


@pytest.mark.parametrize("lesson", ["first_nn.py", "first_cnn.py"])
def test_cell_times_finds_the_cells_jupytext_finds(lesson):
    jupytext = pytest.importorskip("jupytext")
    from benchmarks import cell_times

    expected = [
        cell.source
        for cell in jupytext.read(REPO / lesson).cells
        if cell.cell_type == "code"
    ]
    text = (REPO / lesson).read_text(encoding="utf-8")
    assert cell_times.code_cells(text) == expected


def test_cell_times_prints_each_cell_and_the_time_outside_fit(run_script, tmp_path):
    result = run_script(
        "benchmarks.cell_times",
        "first_nn.py",
        *ONE_EPOCH_SUBSET,
        "--output-dir",
        tmp_path / "out",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    steps = [int(n) for n in re.findall(r"^\| step (\d+): ", out, re.M)]
    assert steps == sorted(steps) and set(steps) == set(range(1, 11))
    whole, fit, outside = (
        float(re.search(rf"^\| {name} \| ([0-9.]+) \|", out, re.M).group(1))
        for name in (
            r"\*\*the whole run\*\*",
            "of which `model.fit`",
            "outside `model.fit`",
        )
    )
    assert 0 < fit < whole and outside == pytest.approx(whole - fit, abs=0.011)
    assert (tmp_path / "out" / names.METRICS_FILE).is_file()


# cnn_settings.py with 3 of its 10 settings (each in a child process of 7 to 10
# seconds): the two it marks, and one that turns XLA on.
THREE_CNN_SETTINGS = (
    "import sys; from benchmarks import cnn_settings as bench; "
    "bench.SETTINGS = [bench.BEFORE, bench.Setting(jit_compile=True), bench.FIRST_CNN]; "
    "sys.exit(bench.main(sys.argv[1:]))"
)


def test_cnn_settings_measures_each_setting_in_its_own_process(clean_env):
    result = run_python(
        ["-c", THREE_CNN_SETTINGS, "--isa", "native", "--epochs", "1"]
        + ["--train-size", "512"],
        clean_env,
    )
    assert result.returncode == 0, result.stderr
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in result.stdout.splitlines()
        if re.match(r"^\| \d+ \|", line)
    ]
    assert len(rows) == 3
    assert [cells[1] for cells in rows] == ["False", "True", "False"]  # jit_compile
    for cells in rows:
        assert float(cells[6]) > 0 and 0.0 <= float(cells[7]) <= 1.0
    marked = {cells[8]: cells[0] for cells in rows if cells[8]}
    assert marked == {"first_cnn.py before": "32", "first_cnn.py": "64"}


BAD_FLAG = ["--no-such-flag"], "error: unrecognized arguments: --no-such-flag"


@pytest.mark.parametrize(
    "tool, args, message",
    [
        ("benchmarks.bench_app", *BAD_FLAG),
        ("benchmarks.bench_photos", *BAD_FLAG),
        ("benchmarks.bench_pairs", *BAD_FLAG),
        ("benchmarks.bench_photo_recipes", *BAD_FLAG),
        ("benchmarks.bench_real_photos", *BAD_FLAG),
        ("benchmarks.bench_train", *BAD_FLAG),
        ("benchmarks.cnn_settings", *BAD_FLAG),
        ("benchmarks.exercises", *BAD_FLAG),
        ("tooling.make_notebook", *BAD_FLAG),
        (
            "benchmarks.bench_photo_recipes",
            [
                "--recipes",
                "turned-photos",
                "--photo-copies",
                "3",
                "--home-photos",
                REPO,
            ],
            "error: turned-photos needs --photo-copies 4 or more",
        ),
        (
            "benchmarks.bench_photo_recipes",
            ["--recipes", "from-lesson-2", "--lesson-2-model", "missing.keras"],
            "error: no trained model at missing.keras; run python first_nn.py first "
            "(or python first_cnn.py for the second lesson's model)",
        ),
        (
            "benchmarks.bench_pairs",
            ["--pair-symmetry", "nan"],
            "error: argument --pair-symmetry: expected a number from 0 to 1, "
            "got 'nan'",
        ),
        (
            "benchmarks.cell_times",
            [],
            "error: the following arguments are required: lesson",
        ),
        (
            "benchmarks.exercises",
            ["--seeds", "-1"],
            "error: argument --seeds: must be from 0 to 4294967295, got -1",
        ),
        (
            "tooling.make_notebook",
            ["--timeout", "0"],
            "error: argument --timeout: must be at least 1, got 0",
        ),
        (
            "benchmarks.lesson_recipe",
            ["first_nn", "0"],
            "error: argument epochs: must be at least 1, got 0",
        ),
        (
            "benchmarks.cnn_settings",
            ["--child", '{"batch_size": "64"}'],
            "error: argument --child: expected a setting as JSON with fields "
            "batch_size, jit_compile, steps_per_execution, onednn, filters, "
            "threads, got batch_size='64'",
        ),
    ],
)
def test_tools_answer_a_bad_flag_with_one_error_line(run_script, tool, args, message):
    result = run_script(tool, *args, timeout=120)
    assert result.returncode == 1
    if message.endswith("--no-such-flag"):  # and where the flags are listed
        message += f"; python -m {tool} --help lists them"
    [line] = result.stderr.strip().splitlines()
    # Chinese first, then the English.
    english = message.removeprefix("error: ")
    assert line.startswith("error: ") and line.endswith(f" / {english}")
    assert re.search(r"[\u4e00-\u9fff]", line.removesuffix(english))


def test_make_notebook_checks_images_first_and_reports_a_slow_cell(
    run_script, tmp_path
):
    pytest.importorskip("nbclient")
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    notebooks = tmp_path / "notebooks"
    common = ["--no-cnn", "--notebook-dir", notebooks]
    result = run_script("tooling.make_notebook", *common, "--images", a_file)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {a_file}：是文件，不是文件夹；给 --images 一个文件夹 / "
        "is a file, not a folder; pass --images a folder"
    ]
    assert not list(notebooks.glob("*.ipynb"))  # no lesson ran
    images = tmp_path / "images"
    result = run_script(
        "tooling.make_notebook", *common, "--images", images, "--timeout", "1"
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {REPO / 'first_nn.py'}: a cell took longer than 1 s; "
        "pass a larger --timeout"
    ]
