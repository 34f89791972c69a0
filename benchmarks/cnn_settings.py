"""Measure first_cnn.py's speed settings: XLA, steps per execution, oneDNN's custom ops.

    python benchmarks/cnn_settings.py            # 2 epochs of each setting, full data

Trains first_cnn.py's network (seed 42) once per setting, each in its own
process (oneDNN is chosen before TensorFlow starts), and prints each epoch's
seconds and the test accuracy at the end. The setting first_cnn.py uses is
marked; it asserts nothing about time.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lesson import data  # noqa: E402
from lesson.console import import_tensorflow  # noqa: E402
from lesson.errors import LessonError, report  # noqa: E402
from lesson.flags import DEFAULT_SEED, positive_int  # noqa: E402
from lesson.processes import run_python  # noqa: E402
from lesson.model import (  # noqa: E402
    CNN_JIT_COMPILE,
    STEPS_PER_EXECUTION,
    build_cnn,
    compile_model,
    normalize,
)

# (jit_compile, steps_per_execution, oneDNN's custom ops)
SETTINGS = [(True, 32, True), (False, 1, True), (False, 32, False), (False, 32, True)]
FIRST_CNN = (CNN_JIT_COMPILE, STEPS_PER_EXECUTION, True)


def measure(jit_compile, steps_per_execution, epochs, train, test):
    """Seconds of each epoch and the final test accuracy for one setting."""
    import_tensorflow().keras.utils.set_random_seed(DEFAULT_SEED)
    model = compile_model(build_cnn(), jit_compile, steps_per_execution)
    seconds = []
    for epoch in range(epochs):
        started = time.perf_counter()
        model.fit(*train, epochs=epoch + 1, initial_epoch=epoch, verbose=0)
        seconds.append(time.perf_counter() - started)
    return seconds, model.evaluate(*test, verbose=0)[1]


def measure_here(jit_compile, steps, epochs):
    """The child process: train one setting and print its result as JSON."""
    tf = import_tensorflow()
    (train_images, train_labels), (test_images, test_labels) = data.load_data()
    train = (normalize(train_images)[..., tf.newaxis], train_labels)
    test = (normalize(test_images)[..., tf.newaxis], test_labels)
    seconds, accuracy = measure(jit_compile, steps, epochs, train, test)
    print(json.dumps({"seconds": seconds, "accuracy": accuracy}))


def measure_in_child(setting, epochs):
    """Run one setting in a fresh process with oneDNN chosen; return its result."""
    jit_compile, steps, onednn = setting
    env = {**os.environ, "TF_ENABLE_ONEDNN_OPTS": "1" if onednn else "0"}
    command = [__file__, "--epochs", epochs, "--child", int(jit_compile), steps]
    result = run_python(command, f"setting {setting}", env=env)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--epochs", type=positive_int, default=2, help="epochs of each setting"
    )
    parser.add_argument(
        "--child",
        nargs=2,
        type=int,
        metavar=("JIT", "STEPS"),
        help="internal: measure one setting in this process",
    )
    args = parser.parse_args(argv)
    if args.child:
        measure_here(bool(args.child[0]), args.child[1], args.epochs)
        return 0
    print(
        "| jit_compile | steps_per_execution | oneDNN custom ops "
        "| seconds per epoch | test accuracy | |"
    )
    print("|---|---|---|---|---|---|")
    for setting in SETTINGS:
        try:
            result = measure_in_child(setting, args.epochs)
        except LessonError as exc:
            return report(exc)
        seconds = ", ".join(f"{s:.1f}" for s in result["seconds"])
        jit_compile, steps, onednn = setting
        print(
            f"| {jit_compile} | {steps} | {'on' if onednn else 'off'} | {seconds} "
            f"| {result['accuracy']:.4f} | {'first_cnn.py' if setting == FIRST_CNN else ''} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
