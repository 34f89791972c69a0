"""A lesson's recipe with timers, for bench_train.py to measure.

Usage: python benchmarks/lesson_recipe.py {first_nn,first_cnn} [EPOCHS [TRAIN_SIZE]]
Prints one JSON line of timings, like tutorial_as_written.py: the lesson's
data, model, compile settings and fit, without its figures and printouts.
"""

import time

STARTED = time.perf_counter()

import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

LESSON = sys.argv[1]
if LESSON == "first_nn":
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # as in first_nn.py step 2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lesson import data  # noqa: E402
from lesson.console import import_tensorflow  # noqa: E402
from lesson.flags import DEFAULT_SEED  # noqa: E402
from lesson.model import (  # noqa: E402
    CNN_BATCH_SIZE,
    CNN_EPOCHS,
    EPOCHS,
    build_cnn,
    build_model,
    compile_cnn,
    compile_model,
    normalize,
    predict_probabilities,
    train,
)

tf = import_tensorflow()
from timing import (
    EpochTimer,
    report,
)  # noqa: E402  (imports Keras: after the quiet start)

# lesson: (build, compile, default epochs, channel axis, batch size)
RECIPES = {
    "first_nn": (build_model, compile_model, EPOCHS, False, 32),
    "first_cnn": (build_cnn, compile_cnn, CNN_EPOCHS, True, CNN_BATCH_SIZE),
}
build, compile_, default_epochs, channel_axis, batch_size = RECIPES[LESSON]
EPOCHS_TO_RUN = int(sys.argv[2]) if len(sys.argv) > 2 else default_epochs
SUBSET = int(sys.argv[3]) if len(sys.argv) > 3 else None

tf.keras.utils.set_random_seed(DEFAULT_SEED)
(train_images, train_labels), (test_images, test_labels) = data.load_data()
if SUBSET:
    train_images, train_labels = train_images[:SUBSET], train_labels[:SUBSET]
    test_images, test_labels = test_images[: SUBSET // 4], test_labels[: SUBSET // 4]
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
    EPOCHS_TO_RUN,
    batch_size=batch_size,
    verbose=0,
    callbacks=[timer],
)
test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)
predictions = predict_probabilities(model, test_images)

report(STARTED, fit_started, fit_seconds, timer, test_acc)
