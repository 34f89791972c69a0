"""The lessons' models, compile settings and training, as functions for the tools.

first_nn.py and first_cnn.py write these out as the tutorial does; tests check
that both build the same models with the same compile settings.
"""

import random
import time
import zipfile
from pathlib import Path

import numpy as np

from lesson.backends import speed_settings
from lesson.console import MOST_COLUMNS, import_keras, wrap_columns
from lesson.errors import LessonError

HIDDEN_UNITS = 128
EPOCHS = 10
# Speed settings the tutorial leaves at their defaults (batches stay 32 images).
STEPS_PER_EXECUTION = 32
JIT_COMPILE = True


def normalize(images):
    """Step 5: uint8 pixels 0-255 -> a float32 tensor of values 0-1, in the
    backend's own kind of tensor (keras.ops.divide: float32, no float copy
    in between on JAX)."""
    keras = import_keras()
    return keras.ops.divide(images, 255.0)


def build_model(hidden_units=HIDDEN_UNITS):
    """Step 6: Input(28, 28) -> Flatten -> Dense(hidden_units, relu) -> Dense(10)."""
    keras = import_keras()
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            keras.layers.Flatten(),
            keras.layers.Dense(hidden_units, activation="relu"),
            keras.layers.Dense(10),
        ]
    )


def compile_model(
    model, jit_compile=JIT_COMPILE, steps_per_execution=STEPS_PER_EXECUTION
):
    """Step 7: adam, cross-entropy on logits, accuracy, and the speed settings
    (as the backend takes them: backends.speed_settings)."""
    keras = import_keras()
    model.compile(
        optimizer="adam",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
        **speed_settings(steps_per_execution, jit_compile),
    )
    return model


# The second lesson's convolutional network (first_cnn.py).
CNN_FILTERS = 16  # the second convolution has twice as many
CNN_HIDDEN_UNITS = 64
CNN_EPOCHS = 5
# Batches of 64, not the tutorial's 32: half the steps, each with its fixed
# costs; faster at about the same accuracy (benchmarks/cnn_settings.py).
CNN_BATCH_SIZE = 64
# XLA makes convolutions several times slower on a CPU; measured in docs/performance.md.
CNN_JIT_COMPILE = False


def build_cnn(filters=CNN_FILTERS, hidden_units=CNN_HIDDEN_UNITS):
    """first_cnn.py step 6: two convolution + pooling blocks, then the dense layers."""
    keras = import_keras()
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Conv2D(filters, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(2 * filters, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dense(hidden_units, activation="relu"),
            keras.layers.Dense(10),
        ]
    )


def compile_cnn(model):
    """first_cnn.py step 7: as compile_model(), without XLA."""
    return compile_model(model, jit_compile=CNN_JIT_COMPILE)


def compile_settings(model):
    """What model.compile() was given, read back from the model, in lines of at
    most MOST_COLUMNS: the tutorial's settings, then the speed settings."""
    config = model.get_compile_config()
    loss = model.loss
    loss_text = loss if isinstance(loss, str) else type(loss).__name__
    if getattr(loss, "from_logits", None) is not None:
        smoothing = getattr(loss, "label_smoothing", 0)
        extra = f", label_smoothing={smoothing:g}" if smoothing else ""
        loss_text += f"(from_logits={loss.from_logits}{extra})"
    settings = (
        f"optimizer={type(model.optimizer).__name__}",
        f"loss={loss_text}",
        f"metrics={config['metrics']}",
        f"steps_per_execution={config['steps_per_execution']}",
        f"jit_compile={config['jit_compile']}",
    )
    return "\n".join(wrap_columns(", ".join(settings), MOST_COLUMNS))


def train(model, images, labels, epochs=EPOCHS, **fit_options):
    """Step 8: model.fit; returns (History, seconds the fit took)."""
    started = time.perf_counter()
    history = model.fit(images, labels, epochs=epochs, **fit_options)
    return history, time.perf_counter() - started


def to_numpy(tensor):
    """Any backend's tensor as a NumPy array.

    TensorFlow's own .numpy() where it has one: keras.ops.convert_to_numpy
    goes through an np.array() call that NumPy 2 warns about for its tensors.
    """
    keras = import_keras()
    if keras.backend.backend() == "tensorflow":
        return tensor.numpy()
    return keras.ops.convert_to_numpy(tensor)


def probability_model(model):
    """Step 10: the trained model followed by Softmax."""
    keras = import_keras()
    return keras.Sequential([model, keras.layers.Softmax()])


# Up to this many images are one batch: a web page's or predict.py's photos.
FEW_IMAGES = 64


def predict_probabilities(model, images):
    """Step 10 for the tools: one row of 10 class probabilities per image.

    The images are reshaped to the model's input: (N, 28, 28), or with a
    channel axis, (N, 28, 28, 1), for a convolutional network.
    """
    images = np.reshape(np.asarray(images, np.float32), (-1, *model.input_shape[1:]))
    if images.shape[0] <= FEW_IMAGES:
        # predict() sets up batching that costs ~100 ms; a direct call takes ~5 ms.
        return to_numpy(probability_model(model)(images, training=False))
    return probability_model(model).predict(images, verbose=0)


MODEL_SUFFIXES = (".keras", ".h5", ".hdf5")  # what Keras 3 loads, in small letters
# What a trained model of either lesson takes: first_nn.py's, first_cnn.py's.
MODEL_INPUTS = {(28, 28), (28, 28, 1)}


def load_trained_model(path):
    """A model first_nn.py or first_cnn.py saved, or a LessonError saying what to do."""
    path = Path(path)
    if not path.exists():
        raise LessonError(
            f"{path} 还没有训练好的模型；先运行 python first_nn.py（第二课的模型用 "
            "python first_cnn.py）",
            f"no trained model at {path}; run python first_nn.py first "
            "(or python first_cnn.py for the second lesson's model)",
        )
    fix = ("运行 python first_nn.py 生成一个", "run python first_nn.py to make one")
    if path.is_dir():
        raise LessonError(
            "是文件夹，不是模型文件；请写出里面的 .keras 文件，比如 "
            "outputs/fashion_mnist.keras",
            "is a folder, not a model file; name the .keras file in it, "
            "such as outputs/fashion_mnist.keras",
            subject=path,
        )
    if path.suffix not in MODEL_SUFFIXES:
        lower = path.suffix.lower()
        if lower in MODEL_SUFFIXES:
            raise LessonError(
                f"Keras 只认小写的 {lower}；把它改名为 {path.stem}{lower}",
                f"Keras reads {lower} in small letters only; "
                f"rename it to {path.stem}{lower}",
                subject=path,
            )
        raise LessonError(
            "不是 .keras 文件；三课保存的模型是 outputs/fashion_mnist.keras、"
            "outputs/fashion_mnist_cnn.keras 和 outputs/fashion_mnist_photos.keras",
            "not a .keras file; the lessons save their models as "
            "outputs/fashion_mnist.keras, outputs/fashion_mnist_cnn.keras and "
            "outputs/fashion_mnist_photos.keras",
            subject=path,
        )
    if path.suffix == ".keras" and not zipfile.is_zipfile(path):
        raise LessonError(
            f"不是这个程序能加载的 Keras 模型（文件损坏，或者不是 .keras 压缩包）；{fix[0]}",
            "not a Keras model this program can load (the file is damaged "
            f"or is not a .keras archive); {fix[1]}",
            subject=path,
        )
    # Building its layers draws Python random numbers: put them back, so that
    # loading a model never changes what a lesson's seed trains next.
    random_state = random.getstate()
    try:
        model = import_keras().models.load_model(path)
    except Exception as exc:  # Keras raises many kinds for a bad file
        reason = (
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        )
        raise LessonError(
            f"不是这个程序能加载的 Keras 模型（{reason}）；{fix[0]}",
            f"not a Keras model this program can load ({reason}); {fix[1]}",
            subject=path,
        ) from None
    finally:
        random.setstate(random_state)
    try:
        inputs, outputs = model.input_shape, model.output_shape
    except (AttributeError, ValueError):  # saved before it was ever built
        inputs = outputs = "no fixed shape"
    if not (
        isinstance(inputs, tuple)
        and isinstance(outputs, tuple)
        and inputs[1:] in MODEL_INPUTS
        and outputs[1:] == (10,)
    ):
        raise LessonError(
            f"输入 {inputs}、输出 {outputs}，不是一张 28x28 的图片和 10 个类别的分数；"
            "请用 first_nn.py、first_cnn.py 或 photo_cnn.py 保存的模型",
            f"takes {inputs} and gives {outputs}, not one 28x28 picture and "
            "10 class scores; use a model first_nn.py, first_cnn.py or photo_cnn.py "
            "saved",
            subject=path,
        )
    return model
