"""The lesson end to end: in process, as a subprocess on a subset, and in full."""

import json
import re
import subprocess
import sys

import pytest
import tensorflow as tf

import first_nn
from conftest import (
    ONE_EPOCH_SUBSET,
    REPO,
    assert_nothing_written,
    assert_one_line_error,
)

SUBSET = ["--epochs", "2", "--train-size", "3000", "--test-size", "1000"]


def test_importing_first_nn_prints_nothing_and_writes_nothing(clean_env, tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import first_nn"],
        cwd=tmp_path,
        env={**clean_env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]
    assert not (tmp_path / "home" / ".keras" / "datasets").exists()


def test_startup_filter_drops_tensorflow_noise_and_keeps_real_errors(clean_env):
    code = (
        "import os, first_nn\n"
        "with first_nn.quiet_tensorflow_startup():\n"
        "    os.write(2, b'WARNING: All log messages before absl::InitializeLog() is called\\n')\n"
        "    os.write(2, b'I0000 cudart_stub.cc:31] Could not find cuda drivers\\n')\n"
        "    os.write(2, b'E0000 something.cc:1] a real problem\\n')\n"
    )
    env = {**clean_env, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert result.stderr == "E0000 something.cc:1] a real problem\n"
    # A user who chose a log level sees TensorFlow's own output, unfiltered.
    env["TF_CPP_MIN_LOG_LEVEL"] = "0"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert "cudart_stub.cc" in result.stderr and "a real problem" in result.stderr


def test_metrics_json_and_model_file(tmp_path):
    argv = [
        "--epochs",
        "2",
        "--train-size",
        "600",
        "--test-size",
        "200",
        "--output-dir",
        str(tmp_path),
    ]
    assert first_nn.main(argv) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8"))
    for key in (
        "test_accuracy",
        "test_loss",
        "train_accuracy",
        "train_loss",
        "fit_seconds",
    ):
        assert isinstance(metrics[key], float), key
    assert 0 <= metrics["test_accuracy"] <= 1 and metrics["test_loss"] > 0
    assert metrics["epochs"] == 2 and metrics["hidden_units"] == 128
    assert metrics["train_size"] == 600 and metrics["test_size"] == 200
    assert metrics["seed"] == first_nn.DEFAULT_SEED
    assert len(metrics["history"]["loss"]) == len(metrics["history"]["accuracy"]) == 2
    assert metrics["train_loss"] == metrics["history"]["loss"][-1]
    assert metrics["versions"]["tensorflow"] == tf.__version__
    model = tf.keras.models.load_model(tmp_path / "fashion_mnist.keras")
    assert model.count_params() == 101_770
    names = {p.name for p in tmp_path.iterdir()}
    assert {
        "fashion_mnist.keras",
        "metrics.json",
        "step09_confusion_matrix.png",
    } <= names
    assert not [name for name in names if name.startswith(".")]  # no temporary files


def test_same_seed_gives_the_same_test_accuracy_twice(tmp_path):
    argv = [
        *ONE_EPOCH_SUBSET,
        "--seed",
        "7",
    ]
    results = []
    for run in ("a", "b"):
        assert first_nn.main([*argv, "--output-dir", str(tmp_path / run)]) == 0
        results.append(json.loads((tmp_path / run / "metrics.json").read_text()))
    assert results[0]["test_accuracy"] == results[1]["test_accuracy"]
    assert results[0]["history"] == results[1]["history"]


def test_smoke_run_on_a_subset(run_script, tmp_path):
    result = run_script("first_nn.py", *SUBSET, "--output-dir", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    for step in range(1, 11):
        assert f"== 步骤 {step} / Step {step}:" in out
    assert "(3000, 28, 28)" in out and "(1000, 28, 28)" in out
    assert "9 (Ankle boot)" in out
    assert "94/94" in out  # 3,000 examples in batches of 32
    assert "101,770" in out
    accuracy = float(re.search(r"Test accuracy: ([0-9.]+)", out).group(1))
    assert accuracy >= 0.70
    assert (tmp_path / "out" / "fashion_mnist.keras").is_file()


def test_console_without_chinese_degrades_to_english(run_script, clean_env, tmp_path):
    env = {**clean_env, "PYTHONIOENCODING": "cp1252"}
    argv = [
        "--epochs",
        "1",
        "--train-size",
        "500",
        "--test-size",
        "100",
        "--output-dir",
        tmp_path / "out",
    ]
    result = run_script("first_nn.py", *argv, env=env)
    assert result.returncode == 0, result.stderr
    assert "== Step 3: Load the data ==" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--epochs", "0"], "--epochs"),
        (["--epochs", "ten"], "'ten'"),
        (["--train-size", "0"], "--train-size"),
        (["--hidden-units", "0"], "--hidden-units"),
        (["--train-size", "70000"], "only 60000"),
        (["--data-dir", "no-such-folder"], "not a folder"),
        (["--bogus"], "--bogus"),
    ],
)
def test_bad_flags_give_one_line_errors(run_script, tmp_path, args, message):
    result = run_script("first_nn.py", *args, "--output-dir", tmp_path / "out")
    assert_one_line_error(result)
    assert message in result.stderr
    assert_nothing_written(tmp_path / "out")


def test_output_dir_that_is_a_file_is_refused(run_script, tmp_path):
    (tmp_path / "taken").write_text("")
    result = run_script("first_nn.py", "--output-dir", tmp_path / "taken")
    assert_one_line_error(result)
    assert "is a file" in result.stderr


def test_corrupt_data_dir_file_is_named(run_script, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for name in first_nn.FASHION_MNIST_SHA256:
        (data / name).write_bytes((first_nn.BUNDLED_DATA_DIR / name).read_bytes())
    truncated = data / first_nn.TRAIN_IMAGES
    truncated.write_bytes(truncated.read_bytes()[:5000])
    result = run_script(
        "first_nn.py", "--data-dir", data, "--output-dir", tmp_path / "out"
    )
    assert_one_line_error(result)
    assert first_nn.TRAIN_IMAGES in result.stderr
    assert_nothing_written(tmp_path / "out")


def test_truncated_download_in_keras_cache_is_repaired(run_script, clean_env, tmp_path):
    cache = tmp_path / "home" / ".keras" / "datasets" / "fashion-mnist"
    cache.mkdir(parents=True)
    truncated = (first_nn.BUNDLED_DATA_DIR / first_nn.TEST_IMAGES).read_bytes()[:3000]
    (cache / first_nn.TEST_IMAGES).write_bytes(truncated)
    result = run_script(
        "first_nn.py", "--epochs", "1", "--train-size", "500", "--test-size", "100"
    )
    assert result.returncode == 0, result.stderr
    assert "corrupt copy replaced" in result.stdout
    digest = first_nn.FASHION_MNIST_SHA256[first_nn.TEST_IMAGES]
    assert first_nn.sha256_of_gzip_content(cache / first_nn.TEST_IMAGES) == digest


def test_full_default_recipe_reaches_the_tutorials_accuracy(run_script, tmp_path):
    """The acceptance run: the tutorial's full recipe, as `python first_nn.py`."""
    result = run_script("first_nn.py")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert "(60000, 28, 28)" in out and "(10000, 28, 28)" in out
    assert "9 (Ankle boot)" in out
    assert out.count("1875/1875") >= 10
    assert "Epoch 10/10" in out
    accuracy = float(re.search(r"Test accuracy: ([0-9.]+)", out).group(1))
    assert accuracy >= 0.87
    metrics = json.loads((tmp_path / "outputs" / "metrics.json").read_text())
    assert metrics["test_accuracy"] == pytest.approx(accuracy, abs=5e-5)
    assert metrics["train_size"] == 60000 and metrics["epochs"] == 10
