"""The lesson's pictures: saved headless, readable, and inline in the notebook form."""

import json
import re
import subprocess
import sys

import matplotlib.image
import numpy as np
import pytest

from conftest import ONE_EPOCH_SUBSET, REPO, clean_environment

FIGURES = [
    "step04_first_image",
    "step04_first_25",
    "step08_learning_curves",
    "step09_confusion_matrix",
    "step10_first_prediction",
    "step10_predictions_grid",
]


@pytest.fixture(scope="module")
def headless_run(tmp_path_factory):
    """One short run with no display and no MPLBACKEND, asking for --show too."""
    home = tmp_path_factory.mktemp("home")
    out = tmp_path_factory.mktemp("out")
    env = clean_environment(home)
    args = [
        *ONE_EPOCH_SUBSET,
        "--output-dir",
        str(out),
        "--show",
    ]
    result = subprocess.run(
        [sys.executable, str(REPO / "first_nn.py"), *args],
        cwd=home,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )
    return result, out


def test_headless_run_succeeds_without_warnings(headless_run):
    result, _ = headless_run
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no Matplotlib (or any other) warnings
    assert "No display: figures are saved as files only" in result.stdout


@pytest.mark.parametrize("name", FIGURES)
def test_figure_is_saved_large_and_not_blank(headless_run, name):
    result, out = headless_run
    path = out / f"{name}.png"
    assert f"Saved figure: {path}" in result.stdout
    pixels = matplotlib.image.imread(path)
    height, width = pixels.shape[:2]
    assert min(height, width) >= 600
    gray = pixels[..., :3].mean(axis=2)
    assert gray.std() > 0.05  # a blank canvas has no spread
    assert (gray < 0.5).mean() > 0.01  # something dark was drawn


def test_confusion_matrix_agrees_with_reported_accuracy(headless_run):
    result, out = headless_run
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    counts = np.array(metrics["confusion_matrix"])
    assert counts.shape == (10, 10)
    assert counts.sum() == metrics["test_size"] == 500
    assert np.trace(counts) == round(metrics["test_accuracy"] * 500)
    printed = float(re.search(r"Test accuracy: ([0-9.]+)", result.stdout).group(1))
    assert printed == pytest.approx(np.trace(counts) / 500, abs=5e-5)


def test_first_nn_has_a_percent_cell_per_step():
    text = (REPO / "first_nn.py").read_text(encoding="utf-8")
    for step in range(1, 11):
        assert re.search(
            rf"^# %% \[markdown\]\n# ## 步骤 {step} / Step {step}:", text, re.M
        ), step
    assert len(re.findall(r"^# %%$", text, re.M)) >= 10


def test_first_nn_executes_as_a_notebook(tmp_path, monkeypatch):
    jupytext = pytest.importorskip("jupytext")
    nbclient = pytest.importorskip("nbclient")
    notebook = jupytext.read(REPO / "first_nn.py")
    args = "--epochs 1 --train-size 1000 --test-size 200 --output-dir " + str(tmp_path)
    monkeypatch.setenv("FIRST_NN_ARGS", args)
    client = nbclient.NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(REPO)}},
    )
    client.execute()  # raises CellExecutionError on any cell error
    outputs = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    ]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= len(FIGURES)
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "Test accuracy:" in text and "error:" not in text
    for name in FIGURES:
        assert (tmp_path / f"{name}.png").is_file()
