"""The lessons' pictures, drawn with Matplotlib: the data, the learning
curves, the scores, the predictions and what the layers learned (saved by
figure_files, their text from figure_text)."""

from lesson.data import CLASS_NAMES, CLASS_NAMES_ZH
from lesson.figure_text import bilingual, chinese_font, class_name, class_names
from lesson.inference import to_numpy
from lesson.scores import pick_examples
from lesson.startup import import_keras

import matplotlib.pyplot as plt
import numpy as np

RIGHT_COLOR, WRONG_COLOR = "tab:blue", "tab:red"
HIDDEN_WEIGHTS_HINT = (
    "怎么看：红色像素让神经元更活跃，蓝色像素抑制它；找找鞋、裤子和包的轮廓。",
    "How to read it: red pixels excite a neuron, blue ones calm it; "
    "look for shoe, trouser, bag shapes.",
)


def image_grid(images, labels, count=25):
    """Step 4: the first `count` images in a square grid with their class names."""
    side = int(np.ceil(np.sqrt(count)))
    figure = plt.figure(figsize=(8, 8.6))
    for index in range(min(count, len(images))):
        axes = figure.add_subplot(side, side, index + 1)
        axes.set_xticks([])
        axes.set_yticks([])
        axes.imshow(images[index], cmap=plt.cm.binary)
        axes.set_xlabel(class_name(labels[index], "\n"), fontsize=9)
    figure.suptitle(
        bilingual(
            f"训练集的前 {count} 张图片", f"The first {count} training images", " / "
        )
    )
    figure.tight_layout()
    return figure


def learning_curves(history, test_loss, test_accuracy):
    """Step 9: loss and accuracy per epoch (from step 8), the test result as a dashed line."""
    epochs = np.arange(1, len(history["loss"]) + 1)
    figure, (loss_axes, accuracy_axes) = plt.subplots(1, 2, figsize=(11, 4.5))
    for axes, key, name, test_value in (
        (loss_axes, "loss", "损失", test_loss),
        (accuracy_axes, "accuracy", "准确率", test_accuracy),
    ):
        axes.plot(
            epochs,
            history[key],
            "o-",
            label=bilingual(f"训练集{name}", f"training {key}", " / "),
        )
        axes.axhline(
            test_value,
            color=WRONG_COLOR,
            linestyle="--",
            label=bilingual(
                f"测试集{name}：{test_value:.4f}",
                f"test {key}: {test_value:.4f}",
                " / ",
            ),
        )
        axes.set_xlabel(bilingual("epoch（轮）", "epoch", " / "))
        axes.set_ylabel(bilingual(name, key, " / "))
        axes.set_xticks(epochs)
        axes.grid(True, alpha=0.3)
        axes.legend()
    accuracy_axes.set_title(
        bilingual(
            "两条线之间的差距就是过拟合", "The gap between the lines is overfitting"
        )
    )
    loss_axes.set_title(bilingual("学习曲线", "Learning curves"))
    figure.tight_layout()
    return figure


def confusion_matrix(counts):
    """Step 9: the confusion matrix with class names on both axes."""
    figure, axes = plt.subplots(figsize=(9, 8))
    image = axes.imshow(counts, cmap="Blues")
    figure.colorbar(image, ax=axes, label=bilingual("测试图片数", "test images", " / "))
    ticks = np.arange(len(CLASS_NAMES))
    axes.set_xticks(ticks, class_names(), rotation=45, ha="right")
    axes.set_yticks(ticks, class_names())
    axes.set_xlabel(bilingual("预测的类别", "predicted class", " / "))
    axes.set_ylabel(bilingual("真实的类别", "true class", " / "))
    for (row, column), count in np.ndenumerate(counts):
        color = "white" if count > counts.max() / 2 else "black"
        axes.text(column, row, count, ha="center", va="center", color=color, fontsize=8)
    accuracy = np.trace(counts) / counts.sum()
    axes.set_title(
        bilingual(
            f"{counts.sum()} 张测试图片的混淆矩阵（准确率 {accuracy:.4f}）",
            f"Confusion matrix on {counts.sum()} test images (accuracy {accuracy:.4f})",
        )
    )
    figure.tight_layout()
    return figure


def describe_prediction(probabilities, true_label, narrow=False):
    """('踝靴 95%（真实：踝靴）\nAnkle boot 95% (true: Ankle boot)', color): blue
    when right, red when wrong; narrow puts the truth on lines of its own."""
    predicted = int(np.argmax(probabilities))
    percent = f"{100 * probabilities[predicted]:.0f}%"
    guess_zh, truth_zh = (
        f"{CLASS_NAMES_ZH[predicted]} {percent}",
        CLASS_NAMES_ZH[true_label],
    )
    guess, truth = f"{CLASS_NAMES[predicted]} {percent}", CLASS_NAMES[true_label]
    between = "\n" if narrow else " "
    text = bilingual(
        f"{guess_zh}{between.strip()}（真实：{truth_zh}）",
        f"{guess}{between}(true: {truth})",
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
    bar_axes.set_xticks(range(len(CLASS_NAMES)), class_names(), rotation=45, ha="right")
    bar_axes.set_ylim(0, 1)
    bar_axes.set_ylabel(bilingual("概率", "probability", " / "))
    bar_axes.set_title(
        bilingual(
            "预测的概率（黑框是真实的类别）",
            "Predicted probabilities (true class outlined)",
        )
    )
    figure.tight_layout()
    return figure


def prediction_grid(images, probabilities, true_labels):
    """Step 10: the first test images, some mistakes mixed in, titled with the prediction."""
    indices = pick_examples(np.argmax(probabilities, axis=1), np.asarray(true_labels))
    title = bilingual(
        "测试图片的预测：蓝色是对的，红色是错的",
        "Predictions on test images: blue right, red wrong",
        " / ",
    )
    return titled_images(images, probabilities, true_labels, indices, title)


def titled_images(images, probabilities, true_labels, indices, title, name=None):
    """The chosen images in rows of 5, each titled with prediction, confidence,
    truth, and its number in the set: name is (Chinese, English), e.g. a test image."""
    name = name or ("测试", "test")
    columns = 5
    rows = max(1, int(np.ceil(len(indices) / columns)))
    label_lines = 4 if chinese_font() else 2
    figure = plt.figure(figsize=(13, (2.4 + 0.3 * label_lines) * rows + 0.6))
    for position, index in enumerate(indices):
        axes = figure.add_subplot(rows, columns, position + 1)
        text, color = describe_prediction(
            probabilities[index], true_labels[index], narrow=True
        )
        axes.imshow(images[index], cmap=plt.cm.binary)
        axes.set_xticks([])
        axes.set_yticks([])
        axes.set_xlabel(text, color=color)
        axes.set_title(
            bilingual(f"{name[0]} #{index}", f"{name[1]} #{index}", " / "), fontsize=9
        )
    figure.suptitle(title)
    figure.tight_layout()
    return figure


def dense_layers(model):
    """The model's Dense layers, input side first."""
    return [layer for layer in model.layers if type(layer).__name__ == "Dense"]


def units_for_each_class(model, per_class=2):
    """[(class, hidden unit)]: the units that push each class's score up the most.

    A unit's pull on a class is its weight into that class's output; each unit
    is shown once, for the class it was first picked for.
    """
    output_weights = dense_layers(model)[1].kernel.numpy()  # (units, 10)
    chosen, used = [], set()
    for klass in range(output_weights.shape[1]):
        ranked = np.argsort(output_weights[:, klass])[::-1]
        picked = [int(unit) for unit in ranked if int(unit) not in used][:per_class]
        used.update(picked)
        chosen += [(klass, unit) for unit in picked]
    return chosen


def hidden_weights(model, per_class=2):
    """Step 8: each chosen hidden unit's 784 incoming weights drawn as a 28x28 picture."""
    weights = dense_layers(model)[0].kernel.numpy()  # (784, units)
    chosen = units_for_each_class(model, per_class)
    columns = 2 * per_class if per_class > 1 else 5
    rows = int(np.ceil(len(chosen) / columns))
    # The 99th percentile, so that a few extreme weights do not wash out the rest.
    limit = float(np.percentile(np.abs(weights[:, [u for _, u in chosen]]), 99))
    figure = plt.figure(figsize=(2.3 * columns + 1, 2.5 * rows + 0.8))
    for position, (klass, unit) in enumerate(chosen):
        axes = figure.add_subplot(rows, columns, position + 1)
        image = axes.imshow(
            weights[:, unit].reshape(28, 28), cmap="RdBu_r", vmin=-limit, vmax=limit
        )
        axes.set_xticks([])
        axes.set_yticks([])
        axes.set_title(
            f"{class_name(klass)}\n{bilingual(f'神经元 {unit}', f'unit {unit}', ' / ')}",
            fontsize=9,
        )
    figure.suptitle(
        bilingual(
            "隐藏层的神经元在找什么：它们的输入权重（红色让神经元更活跃，蓝色抑制它），"
            "每个类别两个神经元",
            "What hidden units look for: incoming weights "
            "(red raises the unit, blue lowers it), two units per class",
        )
    )
    figure.tight_layout(rect=(0, 0, 0.92, 1))
    figure.colorbar(
        image, ax=figure.axes, fraction=0.02, label=bilingual("权重", "weight", " / ")
    )
    return figure


# What per_class_accuracy() compares by default: (Chinese, English) of each bar.
TRAIN_AND_TEST = (("训练集", "training set"), ("测试集", "test set"))


def per_class_accuracy(train_accuracy, test_accuracy, names=TRAIN_AND_TEST):
    """Step 9: training and test accuracy of each class, side by side (or any
    two sets that names calls by name); a class a set lacks has no bar."""
    positions = np.arange(len(CLASS_NAMES))
    figure, axes = plt.subplots(figsize=(11, 5))
    axes.bar(
        positions - 0.2,
        train_accuracy,
        0.4,
        label=bilingual(*names[0], " / "),
        color="tab:gray",
    )
    axes.bar(
        positions + 0.2,
        test_accuracy,
        0.4,
        label=bilingual(*names[1], " / "),
        color=RIGHT_COLOR,
    )
    for position, value in zip(positions, test_accuracy):
        if np.isfinite(value):
            text, height = f"{value:.2f}", value + 0.01
        else:  # no bar: say why
            text, height = bilingual("没有照片", "no photos"), 0.01
        axes.text(position + 0.2, height, text, ha="center", fontsize=8)
    axes.set_xticks(positions, class_names(), rotation=45, ha="right")
    axes.set_ylim(0, 1.25)  # room above the bars for the legend
    axes.set_yticks(np.linspace(0, 1, 6))
    axes.set_ylabel(bilingual("准确率", "accuracy", " / "))
    axes.set_title(
        bilingual(
            "每个类别的准确率：短的柱子就是难分的类别",
            "Accuracy per class: the short bars are the hard classes",
        )
    )
    axes.legend(loc="upper center", ncol=2)
    figure.tight_layout()
    return figure


def dataset_beside_photos(images, labels, pictures, picture_labels):
    """photo_cnn.py step 4: for each class the photos have, its first
    Fashion-MNIST picture above its first home photo."""
    classes = [label for label in range(len(CLASS_NAMES)) if label in picture_labels]
    figure, axes = plt.subplots(
        2, len(classes), figsize=(1.5 * len(classes) + 0.5, 4.2), squeeze=False
    )
    for column, label in enumerate(classes):
        first = images[np.flatnonzero(labels == label)[0]]
        photo = pictures[np.flatnonzero(picture_labels == label)[0]]
        for row, picture in enumerate((first, photo)):
            axes[row, column].imshow(picture, cmap=plt.cm.binary)
            axes[row, column].set_xticks([])
            axes[row, column].set_yticks([])
        axes[0, column].set_title(class_name(label, "\n"), fontsize=9)
    axes[0, 0].set_ylabel("Fashion-MNIST")
    axes[1, 0].set_ylabel(bilingual("家中照片", "home photo"))
    figure.suptitle(
        bilingual(
            "每列一个类别：上面是商品照，下面是在家里拍的照片",
            "One class each: a product shot above, a photo taken at home below",
        )
    )
    figure.tight_layout()
    return figure


def confident_mistakes(images, probabilities, true_labels, indices):
    """Step 10: wrong predictions (most_confident_mistakes()), titled like the grid."""
    title = bilingual(
        "最有把握的错误：很确定，却错了",
        "The most confident mistakes: sure, and wrong",
        " / ",
    )
    return titled_images(images, probabilities, true_labels, indices, title)


def first_filters(model):
    """first_cnn.py step 8: the first convolution's 3x3 filters, one small picture each."""
    kernel = next(
        layer for layer in model.layers if type(layer).__name__ == "Conv2D"
    ).kernel.numpy()[
        :, :, 0, :
    ]  # (3, 3, filters)
    count = kernel.shape[-1]
    columns = min(8, count)
    rows = int(np.ceil(count / columns))
    limit = float(np.abs(kernel).max())
    figure = plt.figure(figsize=(1.4 * columns + 1, 1.6 * rows + 0.8))
    for index in range(count):
        axes = figure.add_subplot(rows, columns, index + 1)
        image = axes.imshow(kernel[:, :, index], cmap="RdBu_r", vmin=-limit, vmax=limit)
        axes.set_xticks([])
        axes.set_yticks([])
        axes.set_title(bilingual(f"滤波器 {index}", f"filter {index}"), fontsize=8)
    figure.suptitle(
        bilingual(
            "第一个卷积层：3x3 的滤波器（红色加上像素，蓝色减去像素）",
            "First convolution: 3x3 filters (red adds the pixel, blue subtracts it)",
        )
    )
    figure.tight_layout(rect=(0, 0, 0.9, 1))
    figure.colorbar(
        image, ax=figure.axes, fraction=0.03, label=bilingual("权重", "weight", " / ")
    )
    return figure


def feature_maps(model, image, true_label):
    """first_cnn.py step 10: one test image, then what each convolution makes of it."""
    keras = import_keras()
    convolutions = [layer for layer in model.layers if type(layer).__name__ == "Conv2D"]
    probe = keras.Model(model.inputs[0], [layer.output for layer in convolutions])
    maps = probe(np.reshape(np.asarray(image, np.float32), (1, 28, 28, 1)))
    maps = [to_numpy(m)[0] for m in (maps if isinstance(maps, list) else [maps])]
    columns = 8
    rows = [int(np.ceil(m.shape[-1] / columns)) for m in maps]
    figure = plt.figure(figsize=(13, 1.7 * (sum(rows) + 1.6)))
    grid = figure.add_gridspec(sum(rows) + 2, columns)
    axes = figure.add_subplot(grid[0:2, 0:2])
    axes.imshow(np.reshape(image, (28, 28)), cmap=plt.cm.binary)
    axes.set_title(
        bilingual(
            f"测试图片（{CLASS_NAMES_ZH[true_label]}）",
            f"test image ({CLASS_NAMES[true_label]})",
        ),
        fontsize=9,
    )
    axes.set_xticks([])
    axes.set_yticks([])
    figure.text(
        0.3,
        1 - 0.6 / (sum(rows) + 2),
        bilingual(
            "特征图：滤波器找到它的图案的地方就亮",
            "Feature maps: bright where a filter found its pattern",
        ),
        va="center",
    )
    row = 2
    for number, block in enumerate(maps, start=1):
        for index in range(block.shape[-1]):
            axes = figure.add_subplot(grid[row + index // columns, index % columns])
            axes.imshow(block[:, :, index], cmap="viridis")
            axes.set_xticks([])
            axes.set_yticks([])
            if index == 0:
                size = f"{block.shape[0]}x{block.shape[1]}"
                name = bilingual(f"卷积 {number}", f"conv {number}")
                axes.set_ylabel(f"{name}\n{size}", fontsize=8)
        row += int(np.ceil(block.shape[-1] / columns))
    return figure
