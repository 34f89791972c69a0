"""first_cnn.py, the second lesson: a subset run, its model, its pictures, predict.py with it."""

import json
import re
import shutil

from lesson import data, errors, flags, inference, model, names, results

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from conftest import (
    ONE_EPOCH_SUBSET,
    assert_large_and_not_blank,
    clean_environment,
    run_repo_script,
)

CNN_FIGURES = [
    "cnn_step04_first_image",
    "cnn_step04_first_25",
    "cnn_step08_filters",
    "cnn_step09_learning_curves",
    "cnn_step09_confusion_matrix",
    "cnn_step09_per_class_accuracy",
    "cnn_step10_first_prediction",
    "cnn_step10_predictions_grid",
    "cnn_step10_feature_maps",
    "cnn_step10_confident_mistakes",
]


@pytest.fixture(scope="session")
def cnn_run(subset_run, tmp_path_factory):
    """first_cnn.py on the subset, in a folder holding first_nn.py's metrics.json."""
    _, first_out = subset_run
    out = tmp_path_factory.mktemp("cnn-out")
    shutil.copy(first_out / names.METRICS_FILE, out / names.METRICS_FILE)
    home = tmp_path_factory.mktemp("cnn-home")
    result = run_repo_script(
        "first_cnn.py",
        *ONE_EPOCH_SUBSET,
        "--output-dir",
        out,
        env=clean_environment(home),
        cwd=home,
    )
    assert result.returncode == 0, result.stderr
    return result, out


def test_subset_run_prints_every_step_and_nothing_on_stderr(cnn_run):
    result, out = cnn_run
    assert result.stderr == ""
    for step in range(1, 11):
        assert f"== 步骤 {step}：" in result.stdout
    assert "(2000, 28, 28, 1)" in result.stdout
    assert "32/32" in result.stdout  # 2,000 images in batches of 64
    assert "105,866" in result.stdout
    assert "steps_per_execution=32, jit_compile=False" in result.stdout
    metrics = json.loads((out / names.CNN_METRICS_FILE).read_text(encoding="utf-8"))
    printed = float(re.search(r"Test accuracy: ([0-9.]+)", result.stdout).group(1))
    assert metrics["test_accuracy"] == pytest.approx(printed, abs=5e-5)
    assert metrics["parameters"] == 105_866 and metrics["filters"] == 16
    assert metrics["epochs"] == 1 and metrics["hidden_units"] == 64


def test_comparison_with_first_nn_is_printed_and_saved(cnn_run):
    result, out = cnn_run
    first = json.loads((out / names.METRICS_FILE).read_text(encoding="utf-8"))
    second = json.loads((out / names.CNN_METRICS_FILE).read_text(encoding="utf-8"))
    table = (out / "comparison.md").read_text(encoding="utf-8")
    assert table in result.stdout
    assert "| parameters | 101,770 | 105,866 | +4,096 |" in table
    accuracy_row = f"| test accuracy | {first['test_accuracy']:.4f} | {second['test_accuracy']:.4f} |"
    assert accuracy_row in table
    assert len(re.findall(r"^\| test accuracy: ", table, re.M)) == 10


@pytest.mark.parametrize("content", [None, "not json", "[1, 2]", '{"seed": 42}'])
def test_comparison_without_a_usable_first_run_says_what_to_run(
    tmp_path, capsys, content
):
    if content is not None:
        (tmp_path / names.METRICS_FILE).write_text(content, encoding="utf-8")
    assert results.compare(tmp_path / names.METRICS_FILE, {}, tmp_path) is None
    printed = capsys.readouterr().out
    folder = results.as_argument(tmp_path)  # quoted where it holds a space
    assert f"run python first_nn.py --output-dir {folder} to compare" in printed
    assert not (tmp_path / "comparison.md").exists()


@pytest.mark.parametrize("name", CNN_FIGURES)
def test_figure_is_saved_large_and_not_blank(cnn_run, name):
    result, out = cnn_run
    path = out / f"{name}.png"
    assert f"Saved figure: {path}" in result.stdout
    assert_large_and_not_blank(path)


def test_first_nn_figures_are_not_overwritten(cnn_run):
    _, out = cnn_run
    assert not (
        out / "step04_first_image.png"
    ).exists()  # first_nn.py's names stay free


def test_the_package_builds_exactly_what_first_cnn_builds(cnn_run):
    _, out = cnn_run
    saved = tf.keras.models.load_model(out / names.CNN_MODEL_FILE)
    built = model.compile_cnn(model.build_cnn())
    assert [layer.get_config() | {"name": None} for layer in saved.layers] == [
        layer.get_config() | {"name": None} for layer in built.layers
    ]
    assert model.compile_settings(saved) == model.compile_settings(built)
    assert saved.count_params() == built.count_params() == 105_866


def test_predict_classifies_photos_with_the_cnn(cnn_run, tmp_path, run_script):
    _, out = cnn_run
    saved = tf.keras.models.load_model(out / names.CNN_MODEL_FILE)
    _, (test_images, _) = data.load_data()
    files = []
    for index in range(3):
        files.append(tmp_path / f"test{index}.png")
        Image.fromarray(test_images[index]).save(files[-1])
    result = run_script(
        "predict.py", *files, "--model", out / names.CNN_MODEL_FILE, "--json"
    )
    assert result.returncode == 0, result.stderr
    expected = inference.predict_probabilities(saved, model.normalize(test_images[:3]))
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    for row, probabilities in zip(rows, expected):
        np.testing.assert_allclose(row["probabilities"], probabilities, atol=1e-6)


@pytest.mark.parametrize("argv", [["--filters", "0"], ["--filters", "x"]])
def test_bad_cnn_flags_raise_a_lesson_error(argv):
    with pytest.raises(errors.LessonError, match="--filters"):
        flags.parse_cnn_flags(argv)


def test_cnn_flag_defaults_are_the_packages():
    args = flags.parse_cnn_flags([])
    assert (args.epochs, args.hidden_units, args.filters) == (5, 64, 16)
