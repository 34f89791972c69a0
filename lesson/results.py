"""What a run prints and saves: versions, accuracy on photos and per class,
overfitting, next steps, the model and its metrics file, and the comparison
of two lessons."""

import json
import platform
from importlib import metadata
from pathlib import Path

from lesson import backends
from lesson.arguments import as_argument
from lesson.console import MOST_COLUMNS, both, columns, fitted, label, short_path
from lesson.data import CLASS_NAMES, class_name, keras_cache_dir
from lesson.files import write_atomically, write_json, write_text
from lesson.model_files import best_model
from lesson.names import (
    CNN_MODEL_FILE,
    METRICS_FILE,
    MODEL_FILE,
    OUTPUT_DIR,
)
from lesson.scores import per_class_accuracy

import numpy as np

LIBRARIES = ("tensorflow", "keras", "numpy", "matplotlib")


def library_versions():
    """The installed versions that produce a result, read without importing them,
    and Keras' backend (with its version where it is not TensorFlow)."""
    versions = {"python": platform.python_version()}
    backend = backends.requested()
    module = backends.BACKENDS.get(backend, (None, None))[1]
    for name in LIBRARIES + ((module,) if module not in (None, *LIBRARIES) else ()):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    versions["backend"] = backend
    return versions


def print_versions():
    """Step 1: the Python and library versions this run uses."""
    for name, version in library_versions().items():
        print(f"  {name:<11} {version}")


def print_photo_accuracy(true_labels, predicted_labels, by_folder=None):
    """Accuracy on real photos: all of them, the five classes labelled by their
    folder where by_folder says which, and each class; returns them as a dict."""
    true_labels, predicted_labels = np.asarray(true_labels), np.asarray(
        predicted_labels
    )
    right = true_labels == predicted_labels
    measured = {"all": float(right.mean())}
    print(label("全部", "All"), f"{measured['all']:.3f} ({right.sum()}/{right.size})")
    if by_folder is not None and by_folder.any():
        measured["by_folder"] = float(right[by_folder].mean())
        print(
            label("按文件夹定类别的五类", "Five classes by folder"),
            f"{measured['by_folder']:.3f} ({right[by_folder].sum()}/{by_folder.sum()})",
        )
    per_class = per_class_accuracy(true_labels, predicted_labels, missing=np.nan)
    measured["per_class"] = per_class
    print(label("每个类别", "Per class"))
    print_per_class(per_class, "{:.2f}")
    return measured


def print_per_class(values, value_format="{}"):
    """One value for each class, after its name, in indented lines; a class
    whose value is NaN (no pictures of it) is left out."""
    lines = [""]
    for klass, value in enumerate(values):
        if not np.isfinite(value):
            continue
        named = f"{class_name(klass)} {value_format.format(value)}"
        if lines[-1] and columns(f"  {lines[-1]}, {named}") > MOST_COLUMNS:
            lines[-1] += ","
            lines.append("")
        lines[-1] += f", {named}" if lines[-1] else named
    for line in lines:
        print(f"  {line}")


def print_overfitting(history, test_accuracy):
    """Step 9: the last epoch's training accuracy and its gap to the test accuracy."""
    train_accuracy = history["accuracy"][-1]
    print(
        label("训练准确率（最后一轮）", "Training accuracy (last epoch)"),
        f"{train_accuracy:.4f}",
    )
    gap = round(100 * (train_accuracy - test_accuracy), 1)  # as it is printed
    meaning = (
        (
            "个百分点（训练集上更高，说明过拟合）",
            "points (higher on the training set: overfitting)",
        )
        if gap > 0
        else (
            "个百分点（训练集上不比测试集高：没有过拟合）",
            "points (not higher on the training set: no overfitting)",
        )
    )
    print(
        fitted(
            f"差距（训练 - 测试）：{gap:+.1f} {meaning[0]}",
            f"Gap (training - test): {gap:+.1f} {meaning[1]}",
        )
    )


def print_next_steps(output_dir, model_file=MODEL_FILE):
    """The commands to run next, for this run's model wherever it was saved."""
    predict = "python predict.py docs/images/example_boot.jpg"
    model = Path(output_dir) / model_file
    if model != best_model(OUTPUT_DIR):  # not the one predict.py picks
        predict += f" --model {as_argument(model)}"
    print(label("下一步", "Next"))
    print(f"  {predict}")
    if model_file == MODEL_FILE:  # the tutorial's next step: widths and epochs
        print("  python experiments.py")
    if model_file == CNN_MODEL_FILE:  # the third lesson starts from this model
        photo_lesson = "python photo_cnn.py"
        if Path(output_dir) != OUTPUT_DIR:
            photo_lesson += f" --output-dir {as_argument(output_dir)}"
        print(f"  {photo_lesson}")
    print(
        both(
            "（然后换成你自己拍的衣服照片试试）",
            "(then try a photo of your own clothes)",
        )
    )


def jsonable(value):
    """NumPy arrays and numbers as plain lists, floats and ints."""
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [jsonable(item) for item in value]
    if isinstance(value, (np.integer, int)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return float(value) if np.isfinite(value) else None  # JSON has no NaN
    return value


def lesson_metrics(args, history, fit_seconds, **measured):
    """metrics.json of a lesson run: settings, history, what was measured, versions."""
    return jsonable(
        {
            "test_accuracy": measured.pop("test_accuracy"),
            "test_loss": measured.pop("test_loss"),
            "train_accuracy": history["accuracy"][-1],
            "train_loss": history["loss"][-1],
            "epochs": args.epochs,
            "hidden_units": args.hidden_units,
            "seed": args.seed,
            "fit_seconds": round(fit_seconds, 2),
            "data": str(keras_cache_dir()),
            **measured,
            "history": history,
            "versions": library_versions(),
        }
    )


def save_model_and_metrics(
    output_dir, model, metrics, model_file=MODEL_FILE, metrics_file=METRICS_FILE
):
    """Write the model and its metrics, each under a temporary name first."""
    model_path = Path(output_dir) / model_file
    metrics_path = Path(output_dir) / metrics_file
    write_atomically(model_path, model.save)
    write_json(metrics_path, metrics)
    print(
        "\n" + label("已保存", "Saved"),
        f"{short_path(model_path)}, {short_path(metrics_path)}",
    )


def compare(first_metrics_path, metrics, output_dir, file_name="comparison.md"):
    """Print and save first_nn.py's run beside this one: size, time, accuracy per class.

    Returns the table, or None (and says so) when first_nn.py has not run yet.
    """
    first_metrics_path = Path(first_metrics_path)
    try:
        first = json.loads(first_metrics_path.read_text(encoding="utf-8"))
        first["fit_seconds"], first["test_accuracy"]  # the two it cannot do without
    except (OSError, ValueError, KeyError, TypeError):
        first_nn = "python first_nn.py"
        if Path(output_dir) != OUTPUT_DIR:  # into the same folder
            first_nn += f" --output-dir {as_argument(output_dir)}"
        missing = short_path(first_metrics_path)
        print(
            both(
                f"没有可用的 {missing}：先运行 {first_nn} 再来比较",
                f"No usable {missing}: run {first_nn} to compare",
            )
        )
        return None
    settings = ("train_size", "test_size", "seed")
    if any(first.get(key) != metrics.get(key) for key in settings):
        print(
            fitted(
                "注意：两次运行的训练集、测试集大小或种子不同",
                "Note: the two runs differ in training size, test size or seed",
            )
        )
    rows = ["| | first_nn.py | first_cnn.py | change |", "|---|---|---|---|"]

    def row(name, before, after, fmt):
        change = "" if before is None else f"{after - before:+{fmt}}"
        before = "?" if before is None else format(before, fmt)
        rows.append(f"| {name} | {before} | {format(after, fmt)} | {change} |")

    row("parameters", first.get("parameters"), metrics["parameters"], ",d")
    row("fit seconds", first["fit_seconds"], metrics["fit_seconds"], ".1f")
    row("test accuracy", first["test_accuracy"], metrics["test_accuracy"], ".4f")
    before_per_class = first.get("per_class_test_accuracy") or [None] * 10
    for name, before, after in zip(
        CLASS_NAMES, before_per_class, metrics["per_class_test_accuracy"]
    ):
        row(f"test accuracy: {name}", before, after, ".3f")
    table = "\n".join(rows) + "\n"
    print("\n" + table)
    write_text(Path(output_dir) / file_name, table)
    print(label("已保存", "Saved"), short_path(Path(output_dir) / file_name))
    return table
