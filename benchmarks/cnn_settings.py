"""Measure first_cnn.py's speed settings: XLA on or off, 1 or 32 steps per execution.

    python benchmarks/cnn_settings.py            # 2 epochs of each setting, full data

Trains first_cnn.py's network (seed 42) once per setting, in this one process,
and prints each epoch's seconds and the test accuracy at the end. The setting
first_cnn.py uses is marked; it asserts nothing about time.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lesson import data  # noqa: E402
from lesson.console import import_tensorflow  # noqa: E402
from lesson.flags import DEFAULT_SEED, positive_int  # noqa: E402
from lesson.model import (  # noqa: E402
    CNN_JIT_COMPILE,
    STEPS_PER_EXECUTION,
    build_cnn,
    normalize,
)

# (jit_compile, steps_per_execution)
SETTINGS = [(True, 32), (False, 1), (False, 32)]


def measure(jit_compile, steps_per_execution, epochs, train, test):
    """Seconds of each epoch and the final test accuracy for one setting."""
    tf = import_tensorflow()
    tf.keras.utils.set_random_seed(DEFAULT_SEED)
    model = build_cnn()
    model.compile(
        optimizer="adam",
        loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
        jit_compile=jit_compile,
    )
    seconds = []
    for epoch in range(epochs):
        started = time.perf_counter()
        model.fit(*train, epochs=epoch + 1, initial_epoch=epoch, verbose=0)
        seconds.append(time.perf_counter() - started)
    return seconds, model.evaluate(*test, verbose=0)[1]


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--epochs", type=positive_int, default=2, help="epochs of each setting"
    )
    args = parser.parse_args(argv)
    tf = import_tensorflow()
    (train_images, train_labels), (test_images, test_labels) = data.load_data()
    train = (normalize(train_images)[..., tf.newaxis], train_labels)
    test = (normalize(test_images)[..., tf.newaxis], test_labels)
    print("| jit_compile | steps_per_execution | seconds per epoch | test accuracy | |")
    print("|---|---|---|---|---|")
    for jit_compile, steps in SETTINGS:
        seconds, accuracy = measure(jit_compile, steps, args.epochs, train, test)
        used = (jit_compile, steps) == (CNN_JIT_COMPILE, STEPS_PER_EXECUTION)
        print(
            f"| {jit_compile} | {steps} | {', '.join(f'{s:.1f}' for s in seconds)} "
            f"| {accuracy:.4f} | {'first_cnn.py' if used else ''} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
