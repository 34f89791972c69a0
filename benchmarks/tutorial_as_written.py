"""The tutorial's code exactly as written, for bench_train.py to measure.

Prints one JSON line of timings. Run by bench_train.py, not by learners.
The only changes are the timers, two optional arguments (epochs and a subset
size, for the quick mode), fit's progress bar turned off (as it is in
lesson_recipe.py), and plt.show() left out because it would wait for a
window to be closed.
"""

import time

STARTED = time.perf_counter()

import sys  # noqa: E402

import tensorflow as tf  # noqa: E402
import numpy as np  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from timing import EpochTimer, report  # noqa: E402

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
SUBSET = int(sys.argv[2]) if len(sys.argv) > 2 else None

fashion_mnist = tf.keras.datasets.fashion_mnist
(train_images, train_labels), (test_images, test_labels) = fashion_mnist.load_data()
if SUBSET:
    train_images, train_labels = train_images[:SUBSET], train_labels[:SUBSET]
    test_images, test_labels = test_images[: SUBSET // 4], test_labels[: SUBSET // 4]

print(f"训练集图像形状: {train_images.shape}")
print(f"训练集标签数量: {len(train_labels)}")
print(f"测试集图像形状: {test_images.shape}")
print(f"测试集标签数量: {len(test_labels)}")
print(f"第一个标签: {train_labels[0]}")
class_names = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
               'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']  # fmt: skip
plt.figure()
plt.imshow(train_images[0], cmap=plt.cm.binary)
plt.colorbar()
plt.grid(False)

train_images = train_images / 255.0
test_images = test_images / 255.0

model = tf.keras.Sequential([
    tf.keras.layers.Flatten(input_shape=(28, 28)),
    tf.keras.layers.Dense(128, activation='relu'),
    tf.keras.layers.Dense(10)
])  # fmt: skip
model.compile(optimizer='adam',
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=['accuracy'])  # fmt: skip


timer = EpochTimer()
fit_started = time.perf_counter()
history = model.fit(
    train_images, train_labels, epochs=EPOCHS, callbacks=[timer], verbose=0
)
fit_seconds = time.perf_counter() - fit_started

test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)
print(f"\nTest accuracy: {test_acc}")

probability_model = tf.keras.Sequential([model, tf.keras.layers.Softmax()])
predictions = probability_model.predict(test_images)
predicted_label_index = np.argmax(predictions[0])
print(f"预测的类别名称: {class_names[predicted_label_index]}")

report(STARTED, fit_started, fit_seconds, timer, test_acc)
