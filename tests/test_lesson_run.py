"""first_nn.py end to end, as a learner runs it: a subset, bad input, Ctrl-C, the full run."""

import json
import re
import signal
import subprocess
import sys
import time

from lesson import data, model, names
from lesson.console import MOST_COLUMNS, columns

import pytest
import tensorflow as tf

from conftest import (
    EXAMPLE_PHOTO,
    ONE_EPOCH_SUBSET,
    REPO,
    assert_excerpts_match,
    assert_nothing_written,
    assert_one_line_error,
    clean_environment,
    run_repo_script,
)

TINY = ["--epochs", "1", "--train-size", "500", "--test-size", "100"]


def test_subset_run_prints_every_checkpoint_and_nothing_on_stderr(subset_run):
    result, _ = subset_run
    assert result.stderr == ""
    out = result.stdout
    for step in range(1, 11):
        assert f"== 步骤 {step}：" in out
    assert "训练集图像形状 / Training images shape: (2000, 28, 28)" in out
    assert "测试集图像形状 / Test images shape: (500, 28, 28)" in out
    assert "第一个标签 / First label: 9\n" in out
    assert "它的类别 / Its class: Ankle boot\n" in out
    assert "63/63" in out  # 2,000 examples in batches of 32
    assert "101,770" in out
    assert "steps_per_execution=32, jit_compile=True" in out
    assert re.search(r"Test accuracy: 0\.\d{4}\n", out)
    assert re.search(r"Gap \(training - test\): [+-]\d+\.\d", out)
    assert "预测的类别名称 / Predicted class name: " in out


def test_metrics_json_and_model_file(subset_run):
    result, out = subset_run
    metrics = json.loads((out / names.METRICS_FILE).read_text(encoding="utf-8"))
    printed = float(re.search(r"Test accuracy: ([0-9.]+)", result.stdout).group(1))
    assert metrics["test_accuracy"] == pytest.approx(printed, abs=5e-5)
    assert metrics["test_loss"] > 0
    assert metrics["epochs"] == 1 and metrics["hidden_units"] == 128
    assert metrics["train_size"] == 2000 and metrics["test_size"] == 500
    assert metrics["seed"] == 42
    assert len(metrics["history"]["loss"]) == len(metrics["history"]["accuracy"]) == 1
    assert metrics["versions"]["tensorflow"] == tf.__version__
    written = {p.name for p in out.iterdir()}
    assert {names.MODEL_FILE, names.METRICS_FILE} <= written
    assert not [name for name in written if name.startswith(".")]  # no temporary files


def test_the_package_builds_exactly_what_first_nn_builds(subset_run):
    _, out = subset_run
    saved = tf.keras.models.load_model(out / names.MODEL_FILE)
    built = model.compile_model(model.build_model())

    def layers(m):
        return [
            (
                type(layer).__name__,
                getattr(layer, "units", None),
                getattr(getattr(layer, "activation", None), "__name__", None),
            )
            for layer in m.layers
        ]

    assert layers(saved) == layers(built)
    assert saved.count_params() == built.count_params() == 101_770
    assert saved.input_shape == built.input_shape == (None, 28, 28)

    def compile_config(m):
        config = m.get_compile_config()
        del config["optimizer"]["config"]["name"]  # adam, adam_1, ... per process
        return config

    assert compile_config(saved) == compile_config(built)
    assert model.compile_settings(saved) == model.compile_settings(built)


def test_same_seed_gives_the_same_result_twice(subset_run, run_script, tmp_path):
    _, first_out = subset_run
    result = run_script(
        "first_nn.py", *ONE_EPOCH_SUBSET, "--output-dir", tmp_path / "b"
    )
    assert result.returncode == 0, result.stderr
    first = json.loads((first_out / names.METRICS_FILE).read_text(encoding="utf-8"))
    second = json.loads(
        (tmp_path / "b" / names.METRICS_FILE).read_text(encoding="utf-8")
    )
    assert first["test_accuracy"] == second["test_accuracy"]
    assert first["history"] == second["history"]


@pytest.mark.parametrize("encoding", ["cp936", "cp1252"])
def test_any_console_encoding_finishes_without_a_traceback(
    run_script, clean_env, tmp_path, encoding
):
    env = {**clean_env, "PYTHONIOENCODING": encoding}
    result = run_script(
        "first_nn.py",
        *TINY,
        "--output-dir",
        tmp_path / "out",
        env=env,
        encoding=encoding,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    expected = (
        "== 步骤 3：加载数据 / Step 3: Load the data =="
        if encoding == "cp936"
        else "== Step 3: Load the data =="
    )
    assert expected in result.stdout


def test_bad_flag_is_one_line_before_tensorflow_starts(run_script, tmp_path):
    result = run_script(
        "first_nn.py", "--epochs", "0", "--output-dir", tmp_path / "out"
    )
    assert_one_line_error(result)
    assert "--epochs" in result.stderr and result.stdout == ""
    assert_nothing_written(tmp_path / "out")


def test_an_abbreviated_flag_runs_nothing_and_overwrites_nothing(run_script, tmp_path):
    """`--epoch 3` is not taken for `--epochs 3`: the default model stays."""
    out = tmp_path / names.OUTPUT_DIR
    out.mkdir()
    for name in (names.MODEL_FILE, names.METRICS_FILE):
        (out / name).write_text("the default run's")
    result = run_script("first_nn.py", "--epoch", "3")
    assert_one_line_error(result)
    assert "是不是想用 --epochs？" in result.stderr and result.stdout == ""
    assert sorted(p.name for p in out.iterdir()) == [
        names.MODEL_FILE,
        names.METRICS_FILE,
    ]
    for name in (names.MODEL_FILE, names.METRICS_FILE):
        assert (out / name).read_text() == "the default run's"


def test_too_many_examples_is_one_line_before_tensorflow_starts(run_script, tmp_path):
    result = run_script(
        "first_nn.py", "--train-size", "70000", "--output-dir", tmp_path / "out"
    )
    assert_one_line_error(result)
    assert "--train-size: must be from 1 to 60000, got 70000" in result.stderr
    assert result.stdout == ""  # not even step 1's banner
    assert_nothing_written(tmp_path / "out")
    result = run_script("experiments.py", "--train-size", "55000")
    assert_one_line_error(result)
    assert "50000 training images are left after the 10000 held out" in result.stderr
    assert result.stdout == ""


def test_output_dir_that_is_a_file_is_refused(run_script, tmp_path):
    (tmp_path / "taken").write_text("")
    result = run_script("first_nn.py", "--output-dir", tmp_path / "taken")
    assert_one_line_error(result)
    assert "is a file" in result.stderr


def test_corrupt_data_dir_file_is_named(run_script, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    for name in data.FASHION_MNIST_SHA256:
        (folder / name).write_bytes((data.BUNDLED_DATA_DIR / name).read_bytes())
    truncated = folder / data.TRAIN_IMAGES
    truncated.write_bytes(truncated.read_bytes()[:5000])
    result = run_script(
        "first_nn.py", "--data-dir", folder, "--output-dir", tmp_path / "out"
    )
    assert_one_line_error(result)
    assert data.TRAIN_IMAGES in result.stderr and "--data-dir" in result.stderr
    assert_nothing_written(tmp_path / "out")


def test_truncated_download_in_keras_cache_is_repaired(run_script, clean_env, tmp_path):
    cache = tmp_path / "home" / ".keras" / "datasets" / "fashion-mnist"
    cache.mkdir(parents=True)
    truncated = (data.BUNDLED_DATA_DIR / data.TEST_IMAGES).read_bytes()[:3000]
    (cache / data.TEST_IMAGES).write_bytes(truncated)
    result = run_script("first_nn.py", *TINY)
    assert result.returncode == 0, result.stderr
    assert "corrupt copy replaced" in result.stdout
    digest = data.FASHION_MNIST_SHA256[data.TEST_IMAGES]
    assert data.sha256_of_gzip_content(cache / data.TEST_IMAGES) == digest


def interrupt_when(script, args, marker, env, cwd):
    """Start a script, send Ctrl-C (SIGINT) once `marker` is printed; return its ending."""
    process = subprocess.Popen(
        [sys.executable, str(REPO / script), *map(str, args)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    seen = []
    for line in process.stdout:
        seen.append(line)
        if marker in line:
            time.sleep(1.0)  # well inside the training
            process.send_signal(signal.SIGINT)
            break
    stdout, stderr = process.communicate(timeout=300)
    return process.returncode, "".join(seen) + stdout, stderr


@pytest.mark.skipif(
    sys.platform == "win32", reason="Windows cannot send SIGINT to one child process"
)
@pytest.mark.parametrize(
    "script, args, marker",
    [
        ("first_nn.py", ["--epochs", "200", "--train-size", "3000"], "Step 8"),
        (
            "experiments.py",
            ["--hidden-units", "16", "--epochs", "200", "--train-size", "3000"],
            "epoch 1/200",
        ),
    ],
)
def test_ctrl_c_is_one_line_and_exit_130(clean_env, tmp_path, script, args, marker):
    out = tmp_path / "out"
    status, stdout, stderr = interrupt_when(
        script, [*args, "--output-dir", out], marker, clean_env, tmp_path
    )
    assert marker in stdout
    assert status == 130, stderr
    assert stderr == "error: 已中断 / interrupted\n"
    left = list(out.iterdir()) if out.exists() else []  # gone if nothing was saved
    assert not [p.name for p in left if p.suffix in (".keras", ".json")]
    assert not [p.name for p in left if p.name.startswith(".")]


def test_full_default_recipe_reaches_the_tutorials_accuracy(first_nn_default_run):
    """The acceptance run: the tutorial's full recipe, as `python first_nn.py >
    log.txt`, printing what the READMEs show, in lines of at most 100 columns."""
    folder, result = first_nn_default_run
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert "(60000, 28, 28)" in out and "(10000, 28, 28)" in out
    assert "First label: 9\n" in out and "Its class: Ankle boot\n" in out
    assert out.count("1875/1875") == 10
    assert "Epoch 10/10" in out
    assert "\x1b" not in out and "\r" not in out and "\b" not in out
    for done, total in re.findall(r"\b(\d+)/(\d+) ", out):
        assert int(done) <= int(total)
    assert max(map(columns, out.splitlines())) <= MOST_COLUMNS
    assert_excerpts_match("first_nn.py", out)
    # The READMEs' next command, with this run's model.
    env = clean_environment(folder / "home")
    answer = run_repo_script("predict.py", EXAMPLE_PHOTO, env=env, cwd=folder)
    assert answer.returncode == 0, answer.stderr
    assert_excerpts_match("predict.py", answer.stdout)
    accuracy = float(re.search(r"Test accuracy: ([0-9.]+)", out).group(1))
    assert accuracy >= 0.87
    metrics = json.loads(
        (folder / names.OUTPUT_DIR / names.METRICS_FILE).read_text(encoding="utf-8")
    )
    assert metrics["test_accuracy"] == pytest.approx(accuracy, abs=5e-5)
    assert metrics["train_size"] == 60000 and metrics["epochs"] == 10


def test_redirected_output_has_one_line_per_epoch_and_no_terminal_codes(subset_run):
    """A file or a pipe gets each progress bar's last state, as a screen shows it."""
    result, _ = subset_run
    out = result.stdout
    assert "\x1b" not in out and "\r" not in out and "\b" not in out
    epoch_lines = re.findall(r"^63/63 .*$", out, re.M)  # the one epoch, once
    assert len(epoch_lines) == 1
    assert re.fullmatch(
        r"63/63 ━+ \d+s .*- accuracy: 0\.\d{4} - loss: \d\.\d{4}", epoch_lines[0]
    )
    for done, total in re.findall(r"\b(\d+)/(\d+) ", out):
        assert int(done) <= int(total)


def test_a_partial_line_is_written_at_exit(clean_env):
    code = (
        "from lesson.console import make_safe; make_safe(); "
        "print('\\x1b[1ma\\rb\\x1b[0m', end='', flush=True)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=clean_env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert result.returncode == 0 and result.stdout == "b", result.stderr
