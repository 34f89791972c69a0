"""Measure first_cnn.py's settings: batch size, XLA, steps per execution, oneDNN, filters, threads.

    python -m benchmarks.cnn_settings            # 2 epochs of each setting, full data
    python -m benchmarks.cnn_settings --isa native
    python -m benchmarks.cnn_settings --isa native --epochs 1 --train-size 512  # quick check

Trains first_cnn.py's network (seed 42) once per setting and instruction set,
each in its own process (oneDNN and its instruction set are chosen before
TensorFlow starts), and prints each epoch's seconds and the test accuracy at
the end. "AVX2" runs with ONEDNN_MAX_CPU_ISA=AVX2 and XLA_FLAGS=
--xla_cpu_max_isa=AVX2: on a CPU with AVX-512 it stands in for a laptop
without it. The two instruction sets take turns for each setting, so that
their ratio is measured in the same minute. The setting first_cnn.py uses,
and the one it used before, are marked; it asserts nothing about time.
"""

import argparse
import json
import os
import sys
import time
from typing import NamedTuple

from lesson import arguments, console, data, errors, flags
from lesson.arguments import positive_int
from lesson.flags import DEFAULT_SEED
from lesson.model import (
    CNN_BATCH_SIZE,
    CNN_FILTERS,
    CNN_JIT_COMPILE,
    STEPS_PER_EXECUTION,
    build_cnn,
    compile_model,
    normalize,
)
from lesson.names import REPO
from lesson.startup import import_tensorflow

from tooling.shared import INSTRUCTION_SETS, cpu_description, run_checked


class Setting(NamedTuple):
    batch_size: int = CNN_BATCH_SIZE
    jit_compile: bool = CNN_JIT_COMPILE
    steps_per_execution: int = STEPS_PER_EXECUTION
    onednn: bool = True
    filters: int = CNN_FILTERS
    threads: int = 0  # TensorFlow's own choice: one per core


FIRST_CNN = Setting()
BEFORE = Setting(batch_size=32)  # first_cnn.py's setting until batches of 64
SETTINGS = [
    BEFORE,
    Setting(batch_size=32, jit_compile=True),
    Setting(batch_size=32, steps_per_execution=1),
    Setting(batch_size=32, onednn=False),
    Setting(batch_size=32, threads=1),
    Setting(batch_size=32, filters=8),
    FIRST_CNN,
    Setting(onednn=False),
    Setting(jit_compile=True),
    Setting(batch_size=128),
]


def measure(setting, epochs, train, test):
    """Seconds of each epoch and the final test accuracy for one setting."""
    tf = import_tensorflow()
    tf.keras.utils.set_random_seed(DEFAULT_SEED)
    model = compile_model(
        build_cnn(setting.filters), setting.jit_compile, setting.steps_per_execution
    )
    seconds = []
    for epoch in range(epochs):
        started = time.perf_counter()
        model.fit(
            *train,
            epochs=epoch + 1,
            initial_epoch=epoch,
            batch_size=setting.batch_size,
            verbose=0,
        )
        seconds.append(time.perf_counter() - started)
    return seconds, model.evaluate(*test, verbose=0)[1]


def measure_here(setting, epochs, train_size=None):
    """The child process: train one setting and print its result as JSON."""
    tf = import_tensorflow()
    (train_images, train_labels), (test_images, test_labels) = data.take_quick_subset(
        data.load_data(), train_size, "--train-size"
    )
    train = (normalize(train_images)[..., tf.newaxis], train_labels)
    test = (normalize(test_images)[..., tf.newaxis], test_labels)
    seconds, accuracy = measure(setting, epochs, train, test)
    print(json.dumps({"seconds": seconds, "accuracy": accuracy}))


def setting_from_json(text):
    """argparse type: a Setting written as JSON (what measure_in_child passes)."""
    expected = f"a setting as JSON with fields {', '.join(Setting._fields)}"
    try:
        setting = Setting(**json.loads(text))
    except (ValueError, TypeError):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
    for name, value in setting._asdict().items():
        if type(value) is not type(Setting._field_defaults[name]):
            raise argparse.ArgumentTypeError(
                f"expected {expected}, got {name}={value!r}"
            )
    return setting


def measure_in_child(setting, instruction_set, epochs, train_size=None):
    """Run one setting in a fresh process; return its result."""
    env = {
        **os.environ,
        **INSTRUCTION_SETS[instruction_set],
        "TF_ENABLE_ONEDNN_OPTS": "1" if setting.onednn else "0",
    }
    if setting.threads:  # read when TensorFlow starts
        env["TF_NUM_INTRAOP_THREADS"] = env["TF_NUM_INTEROP_THREADS"] = str(
            setting.threads
        )
    child = json.dumps(setting._asdict())
    command = ["-m", "benchmarks.cnn_settings", "--epochs", epochs, "--child", child]
    if train_size:
        command += ["--train-size", train_size]
    result = run_checked(
        command, f"setting {setting} ({instruction_set})", env=env, cwd=REPO
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def row(setting, results):
    """One table row: the setting, each instruction set's epochs and accuracy."""
    marks = {FIRST_CNN: "first_cnn.py", BEFORE: "first_cnn.py before"}
    cells = [
        setting.batch_size,
        setting.jit_compile,
        setting.steps_per_execution,
        "on" if setting.onednn else "off",
        setting.filters,
        setting.threads or "all",
    ]
    for result in results.values():
        cells.append(", ".join(f"{s:.1f}" for s in result["seconds"]))
    if len(results) == 2:
        native, avx2 = (result["seconds"][-1] for result in results.values())
        cells.append(f"{avx2 / native:.2f}")
    cells += [f"{result['accuracy']:.4f}" for result in results.values()]
    return "| " + " | ".join(map(str, cells + [marks.get(setting, "")])) + " |"


def main(argv=None):
    console.make_safe()  # the output may quote Chinese paths and labels
    parser = arguments.parser(__doc__.splitlines()[0])
    parser.add_argument(
        "--epochs", type=positive_int, default=2, help="epochs of each setting"
    )
    parser.add_argument(
        "--isa",
        choices=["native", "AVX2", "both"],
        default="both",
        help="instruction sets to measure: this CPU's own, AVX2 only, or both in turns",
    )
    parser.add_argument(
        "--train-size",
        type=flags.size_of_training_set,
        help="train on the first N images and test on N/4, for a quick check "
        "(default: all)",
    )
    parser.add_argument(
        "--child",
        type=setting_from_json,
        help="internal: measure one setting (JSON) here",
    )
    return errors.guard(lambda: measure_settings(parser.parse_args(argv)))


def measure_settings(args):
    """One setting in this process (--child), or every setting, each in a child."""
    if args.child:
        measure_here(args.child, args.epochs, args.train_size)
        return 0
    instruction_sets = list(INSTRUCTION_SETS) if args.isa == "both" else [args.isa]
    print(f"CPU: {cpu_description()}, {os.cpu_count()} logical cores\n")
    header = ["batch", "jit_compile", "steps_per_execution", "oneDNN", "filters"]
    header += ["threads"]
    header += [f"s per epoch ({name})" for name in instruction_sets]
    header += ["AVX2 / native (last epoch)"] if len(instruction_sets) == 2 else []
    header += [f"test accuracy ({name})" for name in instruction_sets] + [""]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for setting in SETTINGS:
        results = {
            name: measure_in_child(setting, name, args.epochs, args.train_size)
            for name in instruction_sets
        }
        print(row(setting, results), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
