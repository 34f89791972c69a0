"""The lessons' models, compile settings and training, as functions for the tools.

first_nn.py and first_cnn.py write these out as the tutorial does; tests check
that both build the same models with the same compile settings.
"""

import time

from lesson.backends import speed_settings
from lesson.console import MOST_COLUMNS, wrap_columns
from lesson.startup import import_keras

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
