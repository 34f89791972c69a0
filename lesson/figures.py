"""The lesson's pictures: drawn with Matplotlib, saved as PNG, shown inline in a notebook.

Figure text is English: Matplotlib's default font has no Chinese glyphs.
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from lesson.console import both, in_notebook, short_path
from lesson.data import CLASS_NAMES
from lesson.files import write_atomically

RIGHT_COLOR, WRONG_COLOR = "tab:blue", "tab:red"
NON_INTERACTIVE_BACKENDS = {"agg", "pdf", "pgf", "ps", "svg", "cairo", "template"}


class FigureFolder:
    """Saves each figure as output_dir/<name>.png; --show keeps them for the end."""

    def __init__(self, output_dir, keep_open=False):
        self.output_dir, self.keep_open = Path(output_dir), keep_open

    def save(self, figure, name):
        """Save (>= 600 px on the short side), show inline in a notebook, close."""
        path = self.output_dir / f"{name}.png"
        width, height = figure.get_size_inches()
        dpi = max(100, int(np.ceil(600 / min(width, height))))
        write_atomically(
            path, lambda temporary: figure.savefig(temporary, dpi=dpi, format="png")
        )
        if in_notebook():
            from IPython.display import display

            display(figure)
        if not self.keep_open:
            plt.close(figure)
        print(both("已保存图片", "Saved figure") + f": {short_path(path)}")

    def show_kept(self):
        """--show: open the kept figures in windows, or say why it cannot."""
        if not self.keep_open:
            return
        if plt.get_backend().lower() in NON_INTERACTIVE_BACKENDS:
            print(
                both(
                    "没有可用的显示器，图片只保存为文件",
                    "No display: figures are saved as files only",
                )
            )
        else:
            plt.show()
        plt.close("all")


def image_grid(images, labels, count=25):
    """Step 4: the first `count` images in a square grid with their class names."""
    side = int(np.ceil(np.sqrt(count)))
    figure = plt.figure(figsize=(8, 8.6))
    for index in range(min(count, len(images))):
        axes = figure.add_subplot(side, side, index + 1)
        axes.set_xticks([])
        axes.set_yticks([])
        axes.imshow(images[index], cmap=plt.cm.binary)
        axes.set_xlabel(CLASS_NAMES[labels[index]])
    figure.suptitle(f"The first {count} training images")
    figure.tight_layout()
    return figure


def learning_curves(history, test_loss, test_accuracy):
    """Step 9: loss and accuracy per epoch, with the test result as a dashed line."""
    epochs = np.arange(1, len(history["loss"]) + 1)
    figure, (loss_axes, accuracy_axes) = plt.subplots(1, 2, figsize=(11, 4.5))
    for axes, key, test_value in (
        (loss_axes, "loss", test_loss),
        (accuracy_axes, "accuracy", test_accuracy),
    ):
        axes.plot(epochs, history[key], "o-", label=f"training {key}")
        axes.axhline(
            test_value,
            color=WRONG_COLOR,
            linestyle="--",
            label=f"test {key}: {test_value:.4f}",
        )
        axes.set_xlabel("epoch")
        axes.set_ylabel(key)
        axes.set_xticks(epochs)
        axes.grid(True, alpha=0.3)
        axes.legend()
    accuracy_axes.set_title("The gap between the lines is overfitting")
    loss_axes.set_title("Learning curves")
    figure.tight_layout()
    return figure


def confusion_matrix(counts):
    """Step 9: the confusion matrix with class names on both axes."""
    figure, axes = plt.subplots(figsize=(9, 8))
    image = axes.imshow(counts, cmap="Blues")
    figure.colorbar(image, ax=axes, label="test images")
    ticks = np.arange(len(CLASS_NAMES))
    axes.set_xticks(ticks, CLASS_NAMES, rotation=45, ha="right")
    axes.set_yticks(ticks, CLASS_NAMES)
    axes.set_xlabel("predicted class")
    axes.set_ylabel("true class")
    for (row, column), count in np.ndenumerate(counts):
        color = "white" if count > counts.max() / 2 else "black"
        axes.text(column, row, count, ha="center", va="center", color=color, fontsize=8)
    accuracy = np.trace(counts) / counts.sum()
    axes.set_title(
        f"Confusion matrix on {counts.sum()} test images (accuracy {accuracy:.4f})"
    )
    figure.tight_layout()
    return figure


def describe_prediction(probabilities, true_label):
    """('Ankle boot 95% (true: Ankle boot)', color): blue when right, red when wrong."""
    predicted = int(np.argmax(probabilities))
    text = (
        f"{CLASS_NAMES[predicted]} {100 * probabilities[predicted]:.0f}% "
        f"(true: {CLASS_NAMES[true_label]})"
    )
    return text, RIGHT_COLOR if predicted == true_label else WRONG_COLOR


def first_prediction(image, probabilities, true_label):
    """Step 10: a test image beside its 10 class probabilities."""
    figure, (image_axes, bar_axes) = plt.subplots(
        1, 2, figsize=(11, 4.5), gridspec_kw={"width_ratios": [1, 2]}
    )
    text, color = describe_prediction(probabilities, true_label)
    image_axes.imshow(image, cmap=plt.cm.binary)
    image_axes.set_xticks([])
    image_axes.set_yticks([])
    image_axes.set_xlabel(text, color=color)
    bars = bar_axes.bar(range(len(CLASS_NAMES)), probabilities, color="lightgray")
    bars[int(np.argmax(probabilities))].set_color(color)
    bars[true_label].set_edgecolor("black")
    bar_axes.set_xticks(range(len(CLASS_NAMES)), CLASS_NAMES, rotation=45, ha="right")
    bar_axes.set_ylim(0, 1)
    bar_axes.set_ylabel("probability")
    bar_axes.set_title("Predicted probabilities (true class outlined)")
    figure.tight_layout()
    return figure


def pick_examples(predicted_labels, true_labels, count=15, mistakes=5):
    """Indices of the first test images, with the first few mistakes mixed in."""
    wrong = np.flatnonzero(predicted_labels != true_labels)[:mistakes]
    right = np.flatnonzero(predicted_labels == true_labels)[: count - len(wrong)]
    return np.sort(np.concatenate([right, wrong]))


def prediction_grid(images, probabilities, true_labels):
    """Step 10: test images titled with prediction, confidence and truth."""
    indices = pick_examples(np.argmax(probabilities, axis=1), np.asarray(true_labels))
    columns = 5
    rows = int(np.ceil(len(indices) / columns))
    figure = plt.figure(figsize=(13, 3 * rows + 0.6))
    for position, index in enumerate(indices):
        axes = figure.add_subplot(rows, columns, position + 1)
        text, color = describe_prediction(probabilities[index], true_labels[index])
        axes.imshow(images[index], cmap=plt.cm.binary)
        axes.set_xticks([])
        axes.set_yticks([])
        axes.set_xlabel(text.replace(" (", "\n("), color=color)
        axes.set_title(f"test #{index}", fontsize=9)
    figure.suptitle("Predictions on test images: blue right, red wrong")
    figure.tight_layout()
    return figure
