"""A lesson's recipe with timers, for bench_train.py to measure.

    python -m benchmarks.lesson_recipe first_nn            # its 10 epochs, full data
    python -m benchmarks.lesson_recipe first_cnn 1 2000    # 1 epoch on 2,000 images

Prints one JSON line of timings, like tutorial_as_written.py: the lesson's
data, model, compile settings and fit, without its figures and printouts.
The clock starts when the process starts, so the imports count, as in a lesson.
"""

import os  # os and sys are loaded before any script runs: no time
import sys
import time

STARTED = time.perf_counter()

LESSONS = ("first_nn", "first_cnn")


def main(argv=None):
    # lesson/ is imported here, after the clock started, as a lesson imports it
    from lesson import arguments, errors, flags
    from lesson.arguments import positive_int

    parser = arguments.parser(__doc__.splitlines()[0])
    parser.add_argument("lesson", choices=LESSONS, help="the lesson whose recipe runs")
    parser.add_argument(
        "epochs",
        nargs="?",
        type=positive_int,
        help="epochs to train (default: the lesson's own)",
    )
    parser.add_argument(
        "train_size",
        nargs="?",
        type=flags.size_of_training_set,
        help="train on the first N images, test on N/4 (default: all)",
    )
    return errors.guard(lambda: run(parser.parse_args(argv)))


def run(args):
    """Load, build, compile, fit and evaluate as the lesson does; print the timings."""
    from lesson import data, session

    if not session.LESSONS[args.lesson].onednn:  # as lesson.start() does
        os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    from lesson.flags import DEFAULT_SEED
    from lesson.inference import predict_probabilities
    from lesson.model import (
        CNN_BATCH_SIZE,
        CNN_EPOCHS,
        EPOCHS,
        build_cnn,
        build_model,
        compile_cnn,
        compile_model,
        normalize,
        train,
    )
    from lesson.startup import import_tensorflow

    tf = import_tensorflow()
    from benchmarks.timing import EpochTimer, report  # imports Keras: after TF

    # lesson: (build, compile, default epochs, channel axis, batch size)
    recipes = {
        "first_nn": (build_model, compile_model, EPOCHS, False, 32),
        "first_cnn": (build_cnn, compile_cnn, CNN_EPOCHS, True, CNN_BATCH_SIZE),
    }
    build, compile_, default_epochs, channel_axis, batch_size = recipes[args.lesson]

    tf.keras.utils.set_random_seed(DEFAULT_SEED)
    (train_images, train_labels), (test_images, test_labels) = data.take_quick_subset(
        data.load_data(), args.train_size, "train_size"
    )
    train_images = normalize(train_images)
    test_images = normalize(test_images)
    if channel_axis:
        train_images = train_images[..., tf.newaxis]
        test_images = test_images[..., tf.newaxis]
    model = compile_(build())

    timer = EpochTimer()
    fit_started = time.perf_counter()
    history, fit_seconds = train(
        model,
        train_images,
        train_labels,
        args.epochs or default_epochs,
        batch_size=batch_size,
        verbose=0,
        callbacks=[timer],
    )
    test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)
    predict_probabilities(model, test_images)

    report(STARTED, fit_started, fit_seconds, timer, test_acc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
