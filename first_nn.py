# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 你的第一个神经网络 / Your first neural network
#
# 训练一个 Keras 模型,看一张 28×28 的服装图片,说出它属于 10 个类别中的哪一个。
# Train a Keras model that looks at a 28×28 picture of clothing and names which
# of 10 classes it is (Fashion-MNIST).
#
# 运行 / Run: `python first_nn.py` (all flags: `python first_nn.py --help`).
# 在 VS Code 或 Jupyter 中打开,它就是一个笔记本 / Open it in VS Code or Jupyter
# and it is a notebook; set `FIRST_NN_ARGS="--epochs 2"` to pass flags there.
#
# 每一步是一个函数,`main()` 按顺序调用它们。
# Each step is a function; `main()` at the bottom calls them in order.

# %% [markdown]
# ## 步骤 1 / Step 1: 环境准备 / Set up
#
# 安装依赖只需一次 / Install once: `pip install -r requirements.txt`
# (TensorFlow, NumPy, Matplotlib, pinned; see README.md).

# %%
from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import json
import os
import platform
import shlex
import shutil
import struct
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
BUNDLED_DATA_DIR = HERE / "data" / "fashion-mnist"
MODEL_FILE = "fashion_mnist.keras"
METRICS_FILE = "metrics.json"
DEFAULT_OUTPUT_DIR = Path("outputs")
DEFAULT_SEED = 42

# TensorFlow writes these start-up lines before its logging is set up, so
# TF_CPP_MIN_LOG_LEVEL cannot hide them; they are hints, not problems.
TENSORFLOW_STARTUP_NOISE = (
    "All log messages before absl::InitializeLog()",
    "cudart_stub.cc",  # Could not find cuda drivers on your machine
    "cuda_platform.cc",  # failed call to cuInit (there is no GPU)
    "cuda_dnn.cc",  # Unable to register cuDNN factory
    "cuda_fft.cc",  # Unable to register cuFFT factory
    "cuda_blas.cc",  # Unable to register cuBLAS factory
    "computation_placer.cc",  # computation placer already registered
    "cpu_feature_guard.cc",  # binary is optimized to use available CPU instructions
    "To enable the following instructions",  # second line of the hint above
    "oneDNN custom operations are on",
    "TF-TRT Warning",  # TensorRT is not installed
)


def in_notebook():
    """True when running in a Jupyter kernel (VS Code or Jupyter)."""
    return "ipykernel" in sys.modules


# A level the user chose before this module set its own.
USER_TF_LOG_LEVEL = os.environ.get("TF_CPP_MIN_LOG_LEVEL")


@contextlib.contextmanager
def quiet_tensorflow_startup():
    """Hide TensorFlow's start-up log lines; pass every other stderr line through.

    A user who sets TF_CPP_MIN_LOG_LEVEL gets TensorFlow's own behaviour.
    """
    if USER_TF_LOG_LEVEL is not None:
        yield
        return
    # Keeps later INFO/WARNING lines out; errors still show.
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
    sys.stderr.flush()
    saved_stderr = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved_stderr, 2)
            os.close(saved_stderr)
            captured.seek(0)
            lines = captured.read().decode("utf-8", "replace").splitlines(True)
            kept = [
                line
                for line in lines
                if not any(noise in line for noise in TENSORFLOW_STARTUP_NOISE)
            ]
            sys.stderr.write("".join(kept))
            sys.stderr.flush()


# %% [markdown]
# ## 步骤 2 / Step 2: 导入库 / Import the libraries
#
# `tf` 训练模型,`np` 处理数组,`plt` 画图。
# `tf` trains the model, `np` handles arrays, `plt` draws pictures.

# %%
import numpy as np  # noqa: E402

with quiet_tensorflow_startup():
    import tensorflow as tf

    # Touching the devices here keeps the CUDA probe's lines inside the filter.
    tf.config.list_physical_devices()

import matplotlib  # noqa: E402

if not any(os.environ.get(v) for v in ("MPLBACKEND", "DISPLAY", "WAYLAND_DISPLAY")):
    if not in_notebook() and sys.platform.startswith("linux"):
        matplotlib.use("Agg")  # no screen: draw into files only
import matplotlib.pyplot as plt  # noqa: E402


def library_versions():
    """The versions that produced a result, for metrics.json and bug reports."""
    return {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": tf.keras.__version__,
        "numpy": np.__version__,
        "matplotlib": matplotlib.__version__,
    }


# %% [markdown]
# ### 打印 / Printing
#
# 每一步先打印一个标题,再打印带标签的结果。控制台不能显示中文时只打印英文。
# Each step prints a banner, then labelled results. Where the console cannot
# show Chinese, only the English half is printed.


# %%
def console_speaks_chinese(stream=None):
    """True if the stream's encoding can write Chinese characters."""
    encoding = getattr(stream or sys.stdout, "encoding", None) or "ascii"
    try:
        "步骤".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def both(chinese, english):
    """'中文 / English' where the console can show it, else just English."""
    return f"{chinese} / {english}" if console_speaks_chinese() else english


def banner(step, chinese, english):
    step_label = both(f"步骤 {step}", f"Step {step}")
    title = both(chinese, english)
    print(f"\n== {step_label}: {title} ==", flush=True)


# %% [markdown]
# ### 图片 / Pictures
#
# 每张图都保存为输出目录里的 PNG(文件名带步骤号),然后关闭;在笔记本里它们直接显示在
# 输出中。`--show` 在运行结束时再打开窗口。图里的文字用英文,因为 Matplotlib 默认字体没有中文。
#
# Every figure is saved as a PNG in the output folder, named by its step, then
# closed; in a notebook it also appears inline. `--show` opens windows at the
# end of the run. Figure text is English: Matplotlib's default font has no
# Chinese glyphs.


# %%
RIGHT_COLOR, WRONG_COLOR = "tab:blue", "tab:red"
NON_INTERACTIVE_BACKENDS = {"agg", "pdf", "pgf", "ps", "svg", "cairo", "template"}


def save_figure(figure, output_dir, name, keep_open=False):
    """Save figure as output_dir/name.png (>= 600 px on the short side); return the path."""
    path = Path(output_dir) / f"{name}.png"
    width, height = figure.get_size_inches()
    dpi = max(100, int(np.ceil(600 / min(width, height))))
    write_atomically(
        path, lambda temporary: figure.savefig(temporary, dpi=dpi, format="png")
    )
    if in_notebook():
        from IPython.display import display

        display(figure)
    if not keep_open:
        plt.close(figure)
    print(both("已保存图片", "Saved figure") + f": {path}")
    return path


def show_open_figures():
    """--show: open the kept figures in windows, or say why it cannot."""
    if plt.get_backend().lower() in NON_INTERACTIVE_BACKENDS:
        print(
            both(
                "没有可用的显示器,图片只保存为文件",
                "No display: figures are saved as files only",
            )
        )
    else:
        plt.show()
    plt.close("all")


# %% [markdown]
# ## 步骤 3 / Step 3: 加载数据 / Load the data
#
# 教程调用 `tf.keras.datasets.fashion_mnist.load_data()`,它先在 Keras 缓存
# (`~/.keras/datasets/fashion-mnist/`)里找文件,找不到才下载。本仓库自带数据,
# 所以先把校验过的副本放进缓存,Keras 不用联网。
#
# The tutorial calls `tf.keras.datasets.fashion_mnist.load_data()`, which looks
# in Keras' cache (`~/.keras/datasets/fashion-mnist/`) before it downloads. This
# repository ships the data, so a checked copy is put in the cache first and
# Keras never needs the network. A truncated download left in the cache is
# found by its checksum and replaced. `--data-dir DIR` reads the four IDX files
# from another folder instead.

# %%
# SHA-256 of each file's decompressed bytes (gzip wrappers differ between copies).
FASHION_MNIST_SHA256 = {
    "train-images-idx3-ubyte.gz": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte.gz": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte.gz": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte.gz": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}
TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS = FASHION_MNIST_SHA256


class LessonError(Exception):
    """A problem the learner can fix; main() prints it as one 'error:' line."""


def data_error(path, problem, fix):
    return LessonError(f"{path}: {problem}; {fix}")


def sha256_of_gzip_content(path):
    """SHA-256 of the decompressed bytes, or None if the file is not valid gzip."""
    digest = hashlib.sha256()
    try:
        with gzip.open(path, "rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
    except (OSError, EOFError):
        return None
    return digest.hexdigest()


def keras_cache_dir():
    """Where load_data() looks first, resolved the way Keras resolves it."""
    try:  # Keras reads KERAS_HOME once, when it is imported
        from keras.src.backend.config import keras_home

        keras_home = keras_home()
    except ImportError:
        keras_home = os.environ.get("KERAS_HOME") or os.path.join(
            os.path.expanduser("~"), ".keras"
        )
    keras_home = os.path.expanduser(keras_home)
    if not os.access(keras_home, os.W_OK):  # get_file() falls back the same way
        keras_home = os.path.join(tempfile.gettempdir(), ".keras")
    return Path(keras_home) / "datasets" / "fashion-mnist"


def write_atomically(path, write):
    """Call write(temporary_path), then rename it to path; no half-written file stays."""
    path = Path(path)
    umask = os.umask(0)
    os.umask(umask)
    temporary = None
    try:
        fd, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix
        )
        os.close(fd)
        write(Path(temporary))
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes it private
        os.replace(temporary, path)
    except OSError as exc:  # a full disk, a read-only folder, ...
        reason = exc.strerror or str(exc)
        raise data_error(
            path, f"cannot write it ({reason})", "check the folder"
        ) from None
    finally:
        if temporary and os.path.exists(temporary):
            os.remove(temporary)


def stage_bundled_data(cache_dir=None, bundled_dir=BUNDLED_DATA_DIR):
    """Make sure Keras' cache holds verified Fashion-MNIST files; return notes."""
    cache_dir = Path(cache_dir or keras_cache_dir())
    bundled_dir = Path(bundled_dir)
    notes = []
    for name, expected in FASHION_MNIST_SHA256.items():
        cached, bundled = cache_dir / name, bundled_dir / name
        cached_ok = cached.is_file() and sha256_of_gzip_content(cached) == expected
        if cached_ok:
            continue
        if not (bundled.is_file() and sha256_of_gzip_content(bundled) == expected):
            if cached.exists():
                raise data_error(
                    cached,
                    "corrupt or truncated (its checksum is not Fashion-MNIST's)",
                    "delete it and restore the bundled copy with "
                    "'git checkout -- data/', or pass --data-dir DIR",
                )
            raise data_error(
                bundled,
                "bundled copy is missing or corrupt",
                "restore it with 'git checkout -- data/', or pass --data-dir DIR "
                "(e.g. /usr/share/datasets/fashion-mnist)",
            )
        if cached.exists():
            notes.append(f"{cached}: corrupt copy replaced from {bundled}")
        cache_dir.mkdir(parents=True, exist_ok=True)
        write_atomically(cached, lambda temporary: shutil.copyfile(bundled, temporary))
    return notes


def read_idx(path, kind):
    """Read one gzip'd IDX file of unsigned bytes; kind is 'images' or 'labels'."""
    path = Path(path)
    fix = "replace it with a Fashion-MNIST IDX file (e.g. from the Debian package)"
    if not path.is_file():
        raise data_error(
            path, "no such file", f"put the four IDX .gz files in {path.parent}"
        )
    try:
        with gzip.open(path, "rb") as stream:
            data = stream.read()
    except (OSError, EOFError) as exc:
        raise data_error(path, f"not a readable gzip file ({exc})", fix) from None
    ndim = 3 if kind == "images" else 1
    header_size = 4 + 4 * ndim
    if len(data) < header_size or data[:3] != b"\x00\x00\x08" or data[3] != ndim:
        expected = 0x0803 if kind == "images" else 0x0801
        raise data_error(
            path, f"not an IDX {kind} file (magic number is not {expected:#06x})", fix
        )
    shape = struct.unpack(f">{ndim}I", data[4:header_size])
    if kind == "images" and shape[1:] != (28, 28):
        raise data_error(path, f"images are {shape[1]}x{shape[2]}, not 28x28", fix)
    body = np.frombuffer(data, np.uint8, offset=header_size)
    if body.size != int(np.prod(shape)):
        raise data_error(
            path,
            f"holds {body.size} bytes of data, its header promises {int(np.prod(shape))}",
            fix,
        )
    if kind == "labels" and body.size and body.max() > 9:
        raise data_error(path, f"has label {body.max()}, labels must be 0-9", fix)
    return body.reshape(shape)


def read_idx_folder(data_dir):
    """The four Fashion-MNIST IDX files of a folder, checked, as load_data() returns them."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise data_error(
            data_dir,
            "not a folder",
            "pass --data-dir a folder holding the four IDX .gz files",
        )
    arrays = {}
    for name in FASHION_MNIST_SHA256:
        arrays[name] = read_idx(
            data_dir / name, "images" if "images" in name else "labels"
        )
    for images, labels in ((TRAIN_IMAGES, TRAIN_LABELS), (TEST_IMAGES, TEST_LABELS)):
        if len(arrays[images]) != len(arrays[labels]):
            raise data_error(
                data_dir / labels,
                f"{len(arrays[labels])} labels for {len(arrays[images])} images in {images}",
                "use image and label files from the same dataset",
            )
    return (arrays[TRAIN_IMAGES], arrays[TRAIN_LABELS]), (
        arrays[TEST_IMAGES],
        arrays[TEST_LABELS],
    )


def load_data(data_dir=None):
    """Step 3: (train_images, train_labels), (test_images, test_labels), uint8."""
    if data_dir is not None:
        return read_idx_folder(data_dir)
    for note in stage_bundled_data():
        print(both("已修复", "repaired") + f": {note}")
    fashion_mnist = tf.keras.datasets.fashion_mnist
    try:
        return fashion_mnist.load_data()
    except Exception as exc:  # e.g. a cache folder that cannot be read
        raise data_error(
            keras_cache_dir(), f"Keras could not load it ({exc})", "pass --data-dir DIR"
        ) from None


# %% [markdown]
# ## 步骤 4 / Step 4: 探索数据 / Explore the data
#
# 训练之前先看数据:有多少张图、多大、标签是什么。标签是 0–9 的数字,
# `class_names` 把数字变回名字:第一张训练图的标签 `9` 是 `Ankle boot`(踝靴)。
#
# Look before you train: how many pictures, what size, what labels. A label
# is a number 0–9; `class_names` turns it back into a name: the first training
# label, `9`, is `Ankle boot`.

# %%
class_names = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]


def explore(train_images, train_labels, test_images, test_labels):
    """Step 4: print shapes, counts, the first label and the classes."""
    print(both("训练集图像形状", "Training images shape") + f": {train_images.shape}")
    print(both("训练集标签数量", "Training labels") + f": {len(train_labels)}")
    print(both("测试集图像形状", "Test images shape") + f": {test_images.shape}")
    print(both("测试集标签数量", "Test labels") + f": {len(test_labels)}")
    print(
        both("像素值范围", "Pixel values")
        + f": {train_images.min()}–{train_images.max()}"
    )
    first = int(train_labels[0])
    print(both("第一个标签", "First label") + f": {first} ({class_names[first]})")
    counts = np.bincount(train_labels, minlength=len(class_names))
    print(both("类别", "Classes") + ":")
    for index, (name, count) in enumerate(zip(class_names, counts)):
        print(f"  {index} {name:<12} {count:>6}")


def plot_first_image(images):
    """Step 4 picture: the first training image with a colorbar of pixel values."""
    figure = plt.figure(figsize=(6, 5))
    plt.imshow(images[0], cmap=plt.cm.binary)
    plt.colorbar(label="pixel value")
    plt.grid(False)
    plt.title("The first training image (pixel values 0-255)")
    return figure


def plot_image_grid(images, labels, count=25):
    """Step 4 picture: the first `count` images in a square grid with class names."""
    side = int(np.ceil(np.sqrt(count)))
    figure = plt.figure(figsize=(8, 8.6))
    for index in range(min(count, len(images))):
        plt.subplot(side, side, index + 1)
        plt.xticks([])
        plt.yticks([])
        plt.grid(False)
        plt.imshow(images[index], cmap=plt.cm.binary)
        plt.xlabel(class_names[labels[index]])
    figure.suptitle(f"The first {count} training images")
    figure.tight_layout()
    return figure


# %% [markdown]
# ## 步骤 5 / Step 5: 预处理 / Normalize
#
# 像素值 0–255 除以 255,变成 0–1:小的输入让训练更平稳。
# Divide the 0–255 pixel values by 255 to get 0–1: small inputs make training
# smoother.


# %%
def normalize(images):
    """Step 5: uint8 pixels 0-255 -> a float32 tensor of values 0-1."""
    # The tutorial's `images / 255.0` makes a float64 NumPy copy that fit()
    # converts again; a float32 tensor is what Keras computes with, and fit()
    # uses it as it is: half the memory, no second copy.
    return tf.cast(images, tf.float32) / 255.0


# %% [markdown]
# ## 步骤 6 / Step 6: 构建模型 / Build the model
#
# `Flatten` 把 28×28 拉成 784 个数;`Dense(128, relu)` 是隐藏层;`Dense(10)`
# 给每个类别一个原始分数(logit)。
# `Flatten` turns 28×28 into 784 numbers; `Dense(128, relu)` is the hidden
# layer; `Dense(10)` gives each class a raw score (a logit).


# %%
def build_model(hidden_units=128):
    """Step 6: Flatten -> Dense(hidden_units, relu) -> Dense(10) logits."""
    return tf.keras.Sequential(
        [
            # The tutorial writes Flatten(input_shape=(28, 28)); Keras 3 warns
            # about input_shape on a layer and asks for an Input first.
            tf.keras.Input(shape=(28, 28)),
            tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(hidden_units, activation="relu"),
            tf.keras.layers.Dense(10),
        ],
        name="fashion_mnist",
    )


# %% [markdown]
# ## 步骤 7 / Step 7: 编译模型 / Compile the model
#
# 优化器 `adam` 更新权重;损失函数衡量错得多远,`from_logits=True` 告诉它输入
# 是 logits;`accuracy` 是人能看懂的指标。
# The `adam` optimizer updates the weights; the loss measures how wrong the
# model is, and `from_logits=True` tells it the inputs are logits;
# `accuracy` is the number a person reads.


# %%
def compile_model(model):
    """Step 7: adam, sparse categorical cross-entropy on logits, accuracy."""
    model.compile(
        optimizer="adam",
        loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
        # Speed settings the tutorial leaves at their defaults; the lesson is the
        # same, each batch is still 32 images. 32 steps per call to TensorFlow
        # instead of 1, and XLA-compiled steps, together cut fit time about 3x.
        steps_per_execution=32,
        jit_compile=True,
    )
    return model


# %% [markdown]
# ## 步骤 8 / Step 8: 训练模型 / Train the model
#
# 一个 epoch 把 60,000 张图都看一遍,每批 32 张,所以 Keras 显示 `1875/1875`。
# One epoch shows the model all 60,000 pictures, 32 at a time, so Keras shows
# `1875/1875` steps.


# %%
def train(model, train_images, train_labels, epochs=10, verbose="auto", callbacks=None):
    """Step 8: fit; returns the History and the seconds fit took."""
    started = time.perf_counter()
    history = model.fit(
        train_images, train_labels, epochs=epochs, verbose=verbose, callbacks=callbacks
    )
    return history, time.perf_counter() - started


def plot_learning_curves(history, test_loss, test_accuracy):
    """Step 8 picture: loss and accuracy per epoch, with the test result as a line."""
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


# %% [markdown]
# ## 步骤 9 / Step 9: 评估模型 / Evaluate
#
# 在模型从没见过的测试集上打分。训练准确率比测试准确率高一点,这叫过拟合。
# Score the model on test pictures it has never seen. Training accuracy a
# little above test accuracy is overfitting, and normal.


# %%
def evaluate(model, test_images, test_labels):
    """Step 9: (test_loss, test_accuracy)."""
    test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)
    return float(test_loss), float(test_acc)


def confusion_matrix(true_labels, predicted_labels, classes=10):
    """counts[i, j]: test images of class i that the model called class j."""
    pairs = np.asarray(true_labels, np.int64) * classes + np.asarray(predicted_labels)
    return np.bincount(pairs, minlength=classes * classes).reshape(classes, classes)


def plot_confusion_matrix(counts):
    """Step 9 picture: the confusion matrix with class names on both axes."""
    figure, axes = plt.subplots(figsize=(9, 8))
    image = axes.imshow(counts, cmap="Blues")
    figure.colorbar(image, ax=axes, label="test images")
    ticks = np.arange(len(class_names))
    axes.set_xticks(ticks, class_names, rotation=45, ha="right")
    axes.set_yticks(ticks, class_names)
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


# %% [markdown]
# ## 步骤 10 / Step 10: 预测 / Predict
#
# 在模型后面接一个 `Softmax` 层,把 logits 变成加起来等于 1 的概率;
# `np.argmax` 找出概率最大的类别。
# A `Softmax` layer after the model turns logits into probabilities that sum
# to 1; `np.argmax` picks the most likely class.


# %%
def make_probability_model(model):
    """Step 10: the trained model followed by Softmax."""
    return tf.keras.Sequential([model, tf.keras.layers.Softmax()])


def predict(probability_model, images):
    """Step 10: one row of 10 class probabilities per image."""
    return probability_model.predict(images, verbose=0)


def describe_prediction(probabilities, true_label):
    """('Ankle boot 95% (true: Ankle boot)', color): blue when right, red when wrong."""
    predicted = int(np.argmax(probabilities))
    text = f"{class_names[predicted]} {100 * probabilities[predicted]:.0f}% (true: {class_names[true_label]})"
    return text, RIGHT_COLOR if predicted == true_label else WRONG_COLOR


def plot_first_prediction(image, probabilities, true_label):
    """Step 10 picture: a test image beside its 10 class probabilities."""
    figure, (image_axes, bar_axes) = plt.subplots(
        1, 2, figsize=(11, 4.5), gridspec_kw={"width_ratios": [1, 2]}
    )
    text, color = describe_prediction(probabilities, true_label)
    image_axes.imshow(image, cmap=plt.cm.binary)
    image_axes.set_xticks([])
    image_axes.set_yticks([])
    image_axes.set_xlabel(text, color=color)
    bars = bar_axes.bar(range(len(class_names)), probabilities, color="lightgray")
    bars[int(np.argmax(probabilities))].set_color(color)
    bars[true_label].set_edgecolor("black")
    bar_axes.set_xticks(range(len(class_names)), class_names, rotation=45, ha="right")
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


def plot_prediction_grid(images, probabilities, true_labels, indices):
    """Step 10 picture: test images titled with prediction, confidence and truth."""
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


# %% [markdown]
# ## 下一步 / Next steps
#
# 教程最后建议改一改隐藏层的神经元数或 epoch 数,看能否超过 88%。
# The tutorial ends by suggesting a different width or more epochs:
# - `python first_nn.py --hidden-units 64 --epochs 20`: one try;
# - `python experiments.py`: a grid of widths × epochs, chosen on a validation
#   set so the test score stays honest;
# - `python predict.py my_photo.jpg`: the trained model on your own picture.

# %% [markdown]
# ## 运行 / Run it
#
# `main()` 解析参数,按顺序执行十个步骤,把模型和指标写进输出目录。
# `main()` reads the flags, runs the ten steps in order and writes the model
# and the metrics to the output folder.


# %%
def positive_int(text):
    """argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number, got {text!r}"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


class LessonArgumentParser(argparse.ArgumentParser):
    """argparse that raises LessonError instead of printing usage and exiting."""

    def error(self, message):
        raise LessonError(message)


class DefaultsHelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Show each default in --help; flags whose default is None say it in words."""

    def _get_help_string(self, action):
        if action.default is None or action.default is False:
            return action.help
        return super()._get_help_string(action)


def add_data_arguments(parser):
    """The data, seed and output flags, shared with experiments.py."""
    parser.add_argument(
        "--train-size",
        metavar="N",
        type=positive_int,
        default=None,
        help="use the first N training examples (default: all)",
    )
    parser.add_argument(
        "--test-size",
        metavar="N",
        type=positive_int,
        default=None,
        help="use the first N test examples (default: all)",
    )
    parser.add_argument(
        "--seed", metavar="N", type=int, default=DEFAULT_SEED, help="random seed"
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        type=Path,
        default=None,
        help="folder with the four IDX .gz files, e.g. /usr/share/datasets/fashion-mnist "
        "(default: the bundled copy, through Keras' cache)",
    )
    parser.add_argument(
        "--output-dir",
        metavar="DIR",
        type=Path,
        default=DEFAULT_OUTPUT_DIR,
        help="where the results go",
    )


def parse_args(argv=None):
    parser = LessonArgumentParser(
        description="Train the tutorial's Fashion-MNIST classifier, step by step.",
        formatter_class=DefaultsHelpFormatter,
    )
    parser.add_argument(
        "--epochs",
        metavar="N",
        type=positive_int,
        default=10,
        help="passes over the training set",
    )
    parser.add_argument(
        "--hidden-units",
        metavar="N",
        type=positive_int,
        default=128,
        help="neurons in the hidden Dense layer",
    )
    add_data_arguments(parser)
    parser.add_argument(
        "--show",
        action="store_true",
        help="also open the figures in windows at the end (they are always saved)",
    )
    return parser.parse_args(argv)


def prepare_output_dir(output_dir):
    """Create the output folder now, so a bad path fails before training."""
    output_dir = Path(output_dir)
    if output_dir.exists() and not output_dir.is_dir():
        raise data_error(
            output_dir, "is a file, not a folder", "pass --output-dir a folder"
        )
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise data_error(
            output_dir,
            f"cannot create it ({exc.strerror})",
            "pass --output-dir a writable folder",
        ) from None
    if not os.access(output_dir, os.W_OK):
        raise data_error(
            output_dir, "is not writable", "pass --output-dir a writable folder"
        )
    return output_dir


def take_first(images, labels, size, flag):
    """The first `size` examples; all of them when size is None."""
    if size is None:
        return images, labels
    if size > len(images):
        raise LessonError(f"{flag} {size}: there are only {len(images)} examples")
    return images[:size], labels[:size]


def save_results(output_dir, model, metrics):
    """Write the model and metrics.json, each under a temporary name first."""
    write_atomically(output_dir / MODEL_FILE, model.save)
    write_atomically(
        output_dir / METRICS_FILE,
        lambda temporary: temporary.write_text(
            json.dumps(metrics, indent=2) + "\n", encoding="utf-8"
        ),
    )


def make_console_safe():
    """Replace characters the console cannot encode instead of crashing."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and not console_speaks_chinese(stream):
            stream.reconfigure(errors="replace")


def run_lesson(args):
    """Steps 1-10 with their printed checkpoints; returns the metrics."""
    banner(1, "环境准备", "Set up")
    for name, version in library_versions().items():
        print(f"  {name:<11} {version}")

    banner(2, "导入库", "Import the libraries")
    print(
        "import tensorflow as tf; import numpy as np; import matplotlib.pyplot as plt"
    )
    output_dir = prepare_output_dir(args.output_dir)
    tf.keras.utils.set_random_seed(args.seed)
    keep = args.show  # --show keeps the figures open for the end of the run

    banner(3, "加载数据", "Load the data")
    (train_images, train_labels), (test_images, test_labels) = load_data(args.data_dir)
    source = args.data_dir or keras_cache_dir()
    print(both("数据来源", "Data from") + f": {source}")
    train_images, train_labels = take_first(
        train_images, train_labels, args.train_size, "--train-size"
    )
    test_images, test_labels = take_first(
        test_images, test_labels, args.test_size, "--test-size"
    )

    banner(4, "探索数据", "Explore the data")
    explore(train_images, train_labels, test_images, test_labels)
    figure = plot_first_image(train_images)
    save_figure(figure, output_dir, "step04_first_image", keep)
    figure = plot_image_grid(train_images, train_labels)
    save_figure(figure, output_dir, "step04_first_25", keep)

    banner(5, "预处理", "Normalize")
    train_images = normalize(train_images)
    test_images = normalize(test_images)
    print(
        both("归一化后", "After normalizing")
        + f": dtype={train_images.dtype.name}, min={float(tf.reduce_min(train_images))}, "
        + f"max={float(tf.reduce_max(train_images))}"
    )

    banner(6, "构建模型", "Build the model")
    model = build_model(args.hidden_units)
    model.summary()

    banner(7, "编译模型", "Compile the model")
    compile_model(model)
    print(
        "optimizer=adam, loss=SparseCategoricalCrossentropy(from_logits=True), metrics=['accuracy']"
    )

    banner(8, "训练模型", "Train the model")
    history, fit_seconds = train(model, train_images, train_labels, args.epochs)
    print(both("训练用时", "Fit time") + f": {fit_seconds:.1f} s")

    banner(9, "评估模型", "Evaluate")
    test_loss, test_acc = evaluate(model, test_images, test_labels)
    print(f"\nTest accuracy: {test_acc:.4f}")
    figure = plot_learning_curves(history.history, test_loss, test_acc)
    save_figure(figure, output_dir, "step08_learning_curves", keep)
    logits = model.predict(test_images, verbose=0)
    counts = confusion_matrix(test_labels, np.argmax(logits, axis=1))
    figure = plot_confusion_matrix(counts)
    save_figure(figure, output_dir, "step09_confusion_matrix", keep)

    banner(10, "预测", "Predict")
    probability_model = make_probability_model(model)
    predictions = predict(probability_model, test_images)
    predicted_label_index = int(np.argmax(predictions[0]))
    print(
        both("第一个预测的概率分布", "First prediction's probabilities")
        + f": {predictions[0]}"
    )
    print(
        both("预测的类别索引", "Predicted class index") + f": {predicted_label_index}"
    )
    print(
        both("预测的类别名称", "Predicted class name")
        + f": {class_names[predicted_label_index]}"
    )
    print(
        both("真实的类别名称", "True class name") + f": {class_names[test_labels[0]]}"
    )
    figure = plot_first_prediction(test_images[0], predictions[0], test_labels[0])
    save_figure(figure, output_dir, "step10_first_prediction", keep)
    examples = pick_examples(np.argmax(predictions, axis=1), test_labels)
    figure = plot_prediction_grid(test_images, predictions, test_labels, examples)
    save_figure(figure, output_dir, "step10_predictions_grid", keep)

    metrics = {
        "test_accuracy": test_acc,
        "test_loss": test_loss,
        "train_accuracy": float(history.history["accuracy"][-1]),
        "train_loss": float(history.history["loss"][-1]),
        "epochs": args.epochs,
        "hidden_units": args.hidden_units,
        "train_size": len(train_labels),
        "test_size": len(test_labels),
        "seed": args.seed,
        "fit_seconds": round(fit_seconds, 2),
        "data": str(source),
        "confusion_matrix": counts.tolist(),
        "history": {
            key: [float(v) for v in values] for key, values in history.history.items()
        },
        "versions": library_versions(),
    }
    save_results(output_dir, model, metrics)
    print(
        "\n"
        + both("已保存", "Saved")
        + f": {output_dir / MODEL_FILE}, {output_dir / METRICS_FILE}"
    )
    print(
        both("下一步", "Next")
        + f": python predict.py your_photo.jpg --model {output_dir / MODEL_FILE}"
        + " | python experiments.py"
    )
    if args.show:
        show_open_figures()
    return metrics


def main(argv=None):
    """Run the lesson; return 0, or 1 after printing a one-line error."""
    make_console_safe()
    try:
        run_lesson(parse_args(argv))
    except LessonError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    return 0


def notebook_argv():
    """Flags for a notebook run, from the FIRST_NN_ARGS environment variable."""
    return shlex.split(os.environ.get("FIRST_NN_ARGS", ""))


# %%
if __name__ == "__main__":
    if in_notebook():
        main(notebook_argv())
    else:
        sys.exit(main())
