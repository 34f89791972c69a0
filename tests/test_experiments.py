"""experiments.py: a grid of widths and epoch counts, chosen by validation accuracy."""

import json
import re

import matplotlib.image
import pytest

from conftest import assert_nothing_written, assert_one_line_error


def test_tiny_grid_trains_once_per_width_and_chooses_by_validation(
    run_script, tmp_path
):
    import experiments

    out = tmp_path / "out"
    args = ["--hidden-units", "16", "32", "--epochs", "1", "2"]
    args += ["--train-size", "3000", "--validation-size", "1000", "--test-size", "1000"]
    result = run_script("experiments.py", *args, "--output-dir", out)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    epochs = [line for line in lines if re.search(r"epoch \d+/2 \|", line)]
    assert [
        re.search(r"\[(\d)/2\].*epoch (\d)/2", line).groups() for line in epochs
    ] == [
        ("1", "1"),
        ("1", "2"),
        ("2", "1"),
        ("2", "2"),
    ]
    assert all("elapsed" in line and "left" in line for line in epochs)
    summaries = [line for line in lines if "best validation accuracy" in line]
    assert len(summaries) == 2  # 2 trainings, not 4

    results = json.loads((out / "experiments.json").read_text(encoding="utf-8"))
    assert results["trainings"] == 2
    rows = results["rows"]
    assert [(r["hidden_units"], r["epochs"]) for r in rows] == [
        (16, 1),
        (16, 2),
        (32, 1),
        (32, 2),
    ]
    for row in rows:
        for key in ("train_accuracy", "validation_accuracy", "test_accuracy"):
            assert 0.0 <= row[key] <= 1.0
        assert row["gap"] == pytest.approx(
            row["train_accuracy"] - row["validation_accuracy"]
        )
        assert (
            row["parameters"]
            == 784 * row["hidden_units"]
            + row["hidden_units"]
            + row["hidden_units"] * 10
            + 10
        )
    # Measured when the one training passed each epoch count: time only grows.
    assert rows[0]["fit_seconds"] < rows[1]["fit_seconds"]
    best = max(rows, key=lambda row: row["validation_accuracy"])
    assert results["chosen"] == {
        "hidden_units": best["hidden_units"],
        "epochs": best["epochs"],
    }
    assert results["settings"]["validation_size"] == 1000

    written = (out / "experiments.md").read_text(encoding="utf-8").splitlines()
    assert written[:3] == [
        experiments.TABLE_CAPTION[0],
        "",
        experiments.TABLE_CAPTION[1],
    ]
    table = [line for line in written if line.startswith("|")]
    assert len(table) == 2 + 4 and sum("✓" in line for line in table) == 1
    chosen_line = next(line for line in table if "✓" in line)
    assert chosen_line.startswith(f"| {best['hidden_units']} | {best['epochs']} |")
    assert min(matplotlib.image.imread(out / "experiments.png").shape[:2]) >= 600


@pytest.mark.parametrize(
    "args, message",
    [
        (["--hidden-units", "0"], "--hidden-units"),
        (["--epochs"], "--epochs"),
        (["--epochs", "-3"], "--epochs"),
        (["--validation-size", "60000"], "--validation-size"),
    ],
)
def test_bad_grid_gives_one_line_error(run_script, tmp_path, args, message):
    result = run_script("experiments.py", *args, "--output-dir", tmp_path / "out")
    assert_one_line_error(result)
    assert message in result.stderr
    assert_nothing_written(tmp_path / "out")


@pytest.mark.parametrize("encoding", ["cp936", "cp1252"])
def test_any_console_encoding_finishes(run_script, clean_env, tmp_path, encoding):
    env = {**clean_env, "PYTHONIOENCODING": encoding}
    args = ["--hidden-units", "16", "--epochs", "1", "--train-size", "500"]
    args += ["--validation-size", "500", "--test-size", "200"]
    args += ["--output-dir", tmp_path / "out"]
    result = run_script("experiments.py", *args, env=env, encoding=encoding)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    chosen = "按验证准确率选出" if encoding == "cp936" else "Chosen by validation:"
    assert chosen in result.stdout
    # Symbols these consoles lack print as ASCII, not "?".
    assert "gap = training - validation" in result.stdout


def test_time_left_counts_wider_layers_as_slower(capsys):
    import experiments

    # Epochs of 32 neurons take 1 s, of 512 neurons 4 s: 0.8 s + 1/160 s a neuron.
    times = iter([0.0, 1.0, 2.0, 6.0, 10.0])
    progress = experiments.Progress([32, 512], epochs=2, clock=lambda: next(times))
    progress.epoch_done(32, 1)
    progress.epoch_done(32, 2)
    progress.epoch_done(512, 1)
    progress.epoch_done(512, 2)
    left = [
        re.search(r"left ~(\d+):(\d+)$", line).groups()
        for line in capsys.readouterr().out.splitlines()
    ]
    seconds = [60 * int(minutes) + int(rest) for minutes, rest in left]
    # After one width: more than the 3 s that "every epoch like the first" gives.
    assert seconds[0] > 3 and seconds[1] > 2
    # After both widths the line through (32, 1 s) and (512, 4 s) is exact.
    assert seconds[2:] == [4, 0]


def test_a_folder_where_a_result_goes_stops_before_any_training(run_script, tmp_path):
    out = tmp_path / "out"
    (out / "experiments.png").mkdir(parents=True)
    (out / "experiments.md").write_text("the table of an earlier run")
    result = run_script("experiments.py", "--output-dir", out)
    assert_one_line_error(result)
    assert "experiments.png：这里要写结果文件，却是一个文件夹" in result.stderr
    assert "/ is a folder, where a result file goes" in result.stderr
    assert (out / "experiments.md").read_text() == "the table of an earlier run"
    assert not (out / "experiments.json").exists()
    assert "epoch" not in result.stdout  # no training started
