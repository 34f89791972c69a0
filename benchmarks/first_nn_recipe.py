"""first_nn.py's recipe with timers, for bench_train.py to measure.

Usage: python benchmarks/first_nn_recipe.py [EPOCHS [TRAIN_SIZE]]
Prints one JSON line of timings, like tutorial_as_written.py.
"""

import time

STARTED = time.perf_counter()

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import first_nn  # noqa: E402
from timing import EpochTimer, report  # noqa: E402

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
SUBSET = int(sys.argv[2]) if len(sys.argv) > 2 else None

first_nn.tf.keras.utils.set_random_seed(first_nn.DEFAULT_SEED)
(train_images, train_labels), (test_images, test_labels) = first_nn.load_data()
if SUBSET:
    train_images, train_labels = train_images[:SUBSET], train_labels[:SUBSET]
    test_images, test_labels = test_images[: SUBSET // 4], test_labels[: SUBSET // 4]
train_images = first_nn.normalize(train_images)
test_images = first_nn.normalize(test_images)
model = first_nn.compile_model(first_nn.build_model())


timer = EpochTimer()
fit_started = time.perf_counter()
history, fit_seconds = first_nn.train(
    model, train_images, train_labels, EPOCHS, verbose=0, callbacks=[timer]
)
test_loss, test_acc = first_nn.evaluate(model, test_images, test_labels)
predictions = first_nn.predict(first_nn.make_probability_model(model), test_images)

report(STARTED, fit_started, fit_seconds, timer, test_acc)
