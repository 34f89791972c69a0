"""The lesson's pictures and its notebook form: saved headless, under their own steps."""

import json
import os
import re
import shlex
import warnings

from lesson import data, figure_text, figures, inference, model, names

import numpy as np
import pytest
import tensorflow as tf

from conftest import REPO, assert_large_and_not_blank

FIGURES = [
    "step04_first_image",
    "step04_first_25",
    "step08_hidden_weights",
    "step09_learning_curves",
    "step09_confusion_matrix",
    "step09_per_class_accuracy",
    "step10_first_prediction",
    "step10_predictions_grid",
    "step10_confident_mistakes",
]
NOTEBOOK_FLAGS = "--epochs 2 --train-size 1000 --test-size 200"


def saved_pixels(figure, path):
    """Save figure as a PNG, failing on any glyph the font lacks; its pixels."""
    import matplotlib.image

    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Glyph .* missing")
        figure.savefig(path, dpi=50)
    return matplotlib.image.imread(path)


def title_only(text, path):
    import matplotlib.pyplot as plt

    figure = plt.figure(figsize=(2, 1))
    figure.suptitle(text, fontsize=40)
    try:
        return saved_pixels(figure, path)
    finally:
        plt.close(figure)


def test_figures_speak_chinese_with_english_where_a_chinese_font_is_installed(
    tmp_path,
):
    if figure_text.chinese_font() is None:
        if os.environ.get("REQUIRE_CHINESE_FONT"):
            pytest.fail("no Chinese font; install fonts-noto-cjk")
        pytest.skip("no Chinese font installed here")
    labels = np.arange(10)
    grid = figures.image_grid(np.zeros((10, 28, 28)), labels, count=10)
    texts = [grid._suptitle.get_text()] + [a.get_xlabel() for a in grid.axes]
    assert texts[0] == "训练集的前 10 张图片 / The first 10 training images"
    assert texts[10] == "踝靴\nAnkle boot"
    saved_pixels(grid, tmp_path / "grid.png")  # every glyph drawn
    # Two different characters look different: glyphs, not the same empty box.
    assert not np.array_equal(
        title_only("中", tmp_path / "a.png"), title_only("文", tmp_path / "b.png")
    )


def test_figures_are_in_english_alone_without_a_chinese_font(tmp_path, monkeypatch):
    monkeypatch.setattr(figure_text, "chinese_font", lambda: None)
    monkeypatch.setattr(figures, "chinese_font", lambda: None)
    probabilities = np.full((12, 10), 0.01)
    probabilities[:, 9] = 0.91
    labels = np.array([9] * 6 + [7] * 6)
    figure = figures.prediction_grid(np.zeros((12, 28, 28)), probabilities, labels)
    texts = [figure._suptitle.get_text()] + [
        text for a in figure.axes for text in (a.get_title(), a.get_xlabel())
    ]
    assert texts[0] == "Predictions on test images: blue right, red wrong"
    assert "Ankle boot 91%\n(true: Sneaker)" in texts
    assert not any(re.search(r"[\u4e00-\u9fff]", text) for text in texts)
    saved_pixels(figure, tmp_path / "grid.png")


def test_headless_show_says_there_is_no_display(subset_run):
    result, _ = subset_run
    assert result.stderr == ""  # no Matplotlib (or any other) warnings
    assert "No display: figures are saved as files only" in result.stdout


@pytest.mark.parametrize("name", FIGURES)
def test_figure_is_saved_large_and_not_blank(subset_run, name):
    result, out = subset_run
    path = out / f"{name}.png"
    assert f"Saved figure: {path}" in result.stdout
    assert_large_and_not_blank(path)


def test_confusion_matrix_agrees_with_reported_accuracy(subset_run):
    result, out = subset_run
    metrics = json.loads((out / names.METRICS_FILE).read_text(encoding="utf-8"))
    counts = np.array(metrics["confusion_matrix"])
    assert counts.shape == (10, 10)
    assert counts.sum() == metrics["test_size"] == 500
    assert np.trace(counts) == round(metrics["test_accuracy"] * 500)
    printed = float(re.search(r"Test accuracy: ([0-9.]+)", result.stdout).group(1))
    assert printed == pytest.approx(np.trace(counts) / 500, abs=5e-5)


def test_per_class_accuracy_adds_up_to_the_test_accuracy(subset_run):
    _, out = subset_run
    metrics = json.loads((out / names.METRICS_FILE).read_text(encoding="utf-8"))
    counts = np.array(metrics["confusion_matrix"])
    per_class = np.array(metrics["per_class_test_accuracy"])
    np.testing.assert_allclose(per_class, np.diag(counts) / counts.sum(axis=1))
    weighted = (per_class * counts.sum(axis=1)).sum() / counts.sum()
    assert weighted == pytest.approx(metrics["test_accuracy"], abs=1e-6)
    train = np.array(metrics["per_class_train_accuracy"])
    assert train.shape == (10,) and ((0 <= train) & (train <= 1)).all()
    assert not np.allclose(train, per_class)


def test_confident_mistakes_are_mistakes_the_model_was_surest_of(subset_run):
    _, out = subset_run
    metrics = json.loads((out / names.METRICS_FILE).read_text(encoding="utf-8"))
    saved = tf.keras.models.load_model(out / names.MODEL_FILE)
    _, (test_images, test_labels) = data.load_data()
    size = metrics["test_size"]
    probabilities = inference.predict_probabilities(
        saved, model.normalize(test_images[:size])
    )
    predicted = probabilities.argmax(axis=1)
    shown = metrics["confident_mistakes"]
    assert len(shown) == 10
    assert all(predicted[i] != test_labels[i] for i in shown)
    confidence = probabilities[shown, predicted[shown]]
    assert list(confidence) == sorted(confidence, reverse=True)
    wrong = np.flatnonzero(predicted != test_labels[:size])
    not_shown = np.setdiff1d(wrong, shown)
    assert probabilities[not_shown, predicted[not_shown]].max() <= confidence.min()


def test_hidden_units_shown_are_the_ones_that_raise_each_class_most():
    built = model.build_model(hidden_units=30)
    output = np.zeros((30, 10), np.float32)
    for klass in range(10):
        output[3 * klass, klass], output[3 * klass + 1, klass] = 2.0, 1.0
    output[0, 1] = 5.0  # unit 0 pulls Trouser most, but it is T-shirt/top's already
    built.layers[2].kernel.assign(output)
    chosen = figures.units_for_each_class(built, per_class=2)
    assert chosen[:4] == [(0, 0), (0, 1), (1, 3), (1, 4)]
    assert [unit for _, unit in chosen[4:6]] == [6, 7]
    assert len({unit for _, unit in chosen}) == 20


def code_cells_by_step(notebook):
    """[(step number or None, code cell)] in order; a step starts at its '## 步骤 N' heading."""
    step, cells = None, []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            heading = re.search(r"^## 步骤 (\d+)：", cell.source, re.M)
            if heading:
                step = int(heading.group(1))
        elif cell.cell_type == "code":
            cells.append((step, cell))
    return cells


def cell_text(cell):
    """What a cell printed, and the plain text of what it displayed."""
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.append(output.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def cell_images(cell):
    return [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]


FIT = "history = model.fit(train_images, train_labels, epochs=run.args.epochs"
# lesson: (its normalizing line, its fit line); first_cnn.py's batch is lesson.model's
LESSON_LINES = {
    "first_nn.py": (
        "train_images = tf.keras.ops.divide(train_images, 255.0)",
        FIT + ")",
    ),
    "first_cnn.py": (
        "train_images = tf.keras.ops.divide(train_images, 255.0)[..., tf.newaxis]",
        FIT + f", batch_size={model.CNN_BATCH_SIZE})",
    ),
}


@pytest.mark.parametrize("lesson", list(LESSON_LINES))
def test_lesson_is_ten_top_level_steps_in_the_tutorials_order(lesson):
    text = (REPO / lesson).read_text(encoding="utf-8")
    headings = [int(n) for n in re.findall(r"^# ## 步骤 (\d+)：", text, re.M)]
    assert headings == list(range(1, 11))
    tutorial_lines = [
        "import tensorflow as tf",  # a plain line: lesson.start() made it quiet
        "import numpy as np",
        "import matplotlib.pyplot as plt",
        "fashion_mnist = tf.keras.datasets.fashion_mnist",
        "(train_images, train_labels), (test_images, test_labels) = fashion_mnist.load_data()",
        'print(lesson.label("训练集图像形状", "Training images shape"), train_images.shape)',
        "plt.imshow(train_images[0], cmap=plt.cm.binary)",
        LESSON_LINES[lesson][0],
        "model = tf.keras.Sequential([",
        "model.compile(",
        LESSON_LINES[lesson][1],
        "test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)",
        "probability_model = tf.keras.Sequential([model, tf.keras.layers.Softmax()])",
        "predictions = probability_model.predict(test_images)",
        "predicted_label_index = np.argmax(predictions[0])",
    ]
    lines = text.splitlines()
    positions = [lines.index(line) for line in tutorial_lines]  # no indent: top level
    assert positions == sorted(positions)
    assert lines.index(tutorial_lines[4]) < 120  # the data loads early in the file
    assert not re.search(r"^def |^class ", text, re.M)  # steps, not functions
    code = [
        line for line in lines if line.strip() and not line.lstrip().startswith("#")
    ]
    assert len(code) <= 250


CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("lesson", [*LESSON_LINES, "photo_cnn.py"])
def test_markdown_keeps_each_chinese_paragraph_whole_and_apart_from_the_english(
    lesson,
):
    """A rendered line break is a space between Chinese characters, and a
    Chinese line straight above an English one runs into it as one paragraph."""
    jupytext = pytest.importorskip("jupytext")
    for cell in jupytext.read(REPO / lesson).cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.splitlines()
        for above, below in zip(lines, lines[1:]):
            if CHINESE.search(above) and not above.startswith(("#", "|")):
                assert below == "", f"{lesson}: a line follows {above!r}"


def test_first_nn_runs_as_a_notebook_with_each_steps_output_under_it(
    tmp_path, monkeypatch
):
    jupytext = pytest.importorskip("jupytext")
    nbclient = pytest.importorskip("nbclient")
    notebook = jupytext.read(REPO / "first_nn.py")
    flags = f"{NOTEBOOK_FLAGS} --output-dir {shlex.quote(tmp_path.as_posix())}"
    monkeypatch.setenv("FIRST_NN_ARGS", flags)
    client = nbclient.NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(REPO)}},
    )
    client.execute()  # raises CellExecutionError on any cell error
    cells = code_cells_by_step(notebook)
    assert not [
        o for _, c in cells for o in c.get("outputs", []) if o.output_type == "error"
    ]
    with_output = [c for _, c in cells if c.get("outputs")]
    assert len(with_output) >= 8
    steps_with_figures = {step for step, c in cells if cell_images(c)}
    assert steps_with_figures == {4, 8, 9, 10}

    def output_of(fragment):
        [cell] = [c for _, c in cells if fragment in c.source]
        return cell_text(cell)

    assert "(1000, 28, 28)" in output_of("train_images.shape")
    assert "Epoch 2/2" in output_of(".fit(")
    assert "Test accuracy:" in output_of(".evaluate(")
    assert "Predicted class index" in output_of("np.argmax(predictions[0])")
    assert "Total params" in output_of("model.summary()")
    by_step = {}
    for step, cell in cells:
        by_step.setdefault(step, []).append(cell)
    images_per_step = {
        step: sum(len(cell_images(c)) for c in cells) for step, cells in by_step.items()
    }
    assert images_per_step == {
        1: 0,
        2: 0,
        3: 0,
        4: 2,
        5: 0,
        6: 0,
        7: 0,
        8: 1,
        9: 3,
        10: 3,
    }
    for name in FIGURES:
        assert (tmp_path / f"{name}.png").is_file()


# lesson: (figures, what a full default run prints, its least test accuracy)
COMMITTED_NOTEBOOKS = {
    "first_nn": (len(FIGURES), ["(60000, 28, 28)", "1875/1875"], 0.87),
    "first_cnn": (10, ["(60000, 28, 28, 1)", "938/938", "| fit seconds |"], 0.90),
    "photo_cnn": (3, ["(2403, 28, 28)", "1126/1126", "按文件夹定类别的五类"], 0.89),
}


@pytest.mark.parametrize("lesson", COMMITTED_NOTEBOOKS)
def test_committed_notebook_has_the_lessons_code_and_a_full_runs_output(lesson):
    jupytext = pytest.importorskip("jupytext")
    nbformat = pytest.importorskip("nbformat")
    figure_count, printed, least_accuracy = COMMITTED_NOTEBOOKS[lesson]
    source = jupytext.read(REPO / f"{lesson}.py")
    rendered = nbformat.read(REPO / f"{lesson}.ipynb", as_version=4)
    assert [c.source for c in rendered.cells if c.cell_type == "code"] == [
        c.source for c in source.cells if c.cell_type == "code"
    ]
    cells = code_cells_by_step(rendered)
    images = [image for _, c in cells for image in cell_images(c)]
    assert len(images) >= figure_count
    text = "".join(cell_text(c) for _, c in cells)
    for expected in printed:
        assert expected in text
    accuracy = float(re.search(r"Test accuracy: ([0-9.]+)", text).group(1))
    assert accuracy >= least_accuracy
    streams = "".join(o.get("text", "") for _, c in cells for o in c.get("outputs", []))
    assert "/tmp" not in streams  # paths as a learner sees them: outputs/..., ~/...
    assert "\r" not in streams and "\x1b[" not in streams  # progress bars, final state
