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
# 训练一个 Keras 模型：给它一张 28×28 的服装图片，它就能说出这是 10 个类别中的哪一个（Fashion-MNIST）。下面按教程的十个步骤走，教程里的代码按原来的顺序出现，每一步的输出就在这一步下面。
#
# Train a Keras model that looks at a 28×28 picture of clothing and says which
# of 10 classes it is (Fashion-MNIST). The tutorial's ten steps follow in its
# order, with its code; each step's output appears right under it.
#
# 运行：`python first_nn.py`（全部命令行选项：`python first_nn.py --help`）。在 VS Code 或 Jupyter 中可以把它当作笔记本逐个单元格运行；命令行选项要放进环境变量：在第一个代码单元格之前运行 `%env FIRST_NN_ARGS=--epochs 2` 这样的命令。`lesson/` 里是本仓库的辅助代码：校验数据、画图、写文件。
#
# Run `python first_nn.py` (`--help` lists the flags). In VS Code or Jupyter it
# is a notebook; pass flags there with `%env FIRST_NN_ARGS=--epochs 2`, run
# before the first code cell.
# `lesson/` holds this repository's helpers: checked data, figures, files.

# %% [markdown]
# ## 步骤 1：环境准备 / Step 1: Set up
#
# 只需安装一次：`python -m pip install -r requirements.txt`（固定版本的 TensorFlow、Keras、NumPy、Matplotlib 和 Pillow）。这个单元格先读取命令行选项：写错了只会看到一行 `error: …`，不会看到一大段报错。
#
# Install once: `python -m pip install -r requirements.txt`. This cell reads the
# flags first: a wrong one ends the run with one `error: …` line.

# %%
import os
import time

from lesson import data, figures, results
from lesson.backends import speed_settings
from lesson.console import banner, label, make_safe, quiet_tensorflow_startup
from lesson.errors import handle_uncaught
from lesson.files import prepare_output_dir
from lesson.flags import parse_lesson_flags
from lesson.model import compile_settings

handle_uncaught()  # bad input: one "error:" line instead of a traceback
make_safe()  # any console encoding: what it cannot show is replaced
args = parse_lesson_flags()  # the command line, or $FIRST_NN_ARGS in a notebook
output_dir = prepare_output_dir(args.output_dir)
saved = figures.FigureFolder(output_dir, keep_open=args.show)

banner(1, "环境准备", "Set up")
results.print_versions()

# %% [markdown]
# ## 步骤 2：导入库 / Step 2: Import the libraries
#
# `tf` 训练模型，`np` 处理数组，`plt` 画图。TensorFlow 启动时会打印几行与 GPU、CPU 指令有关的提示，它们不是错误；`quiet_tensorflow_startup()` 只隐藏这几行，其他信息照常显示。固定随机种子：在同一台机器上，同样的种子得到同样的结果。导入之前还关掉了 oneDNN 的自定义算子：这个全连接网络的训练步骤由 XLA 编译，用不到它们，关掉以后内存峰值少大约 180 MB，速度和结果都不变。
#
# `tf` trains the model, `np` handles arrays, `plt` draws. TensorFlow's start-up
# hints about GPUs and CPU instructions are not errors, and only they are hidden.
# A fixed seed makes the run repeatable on the same machine. oneDNN's custom
# operations are turned off first: XLA compiles this network's training step,
# so they only cost memory (about 180 MB at the peak), not speed or results.
#
# 同一份模型代码，Keras 3 可以交给三种“后端”去算：TensorFlow（默认，也就是教程用的）、JAX 和 PyTorch。后端是真正做计算的库，要在导入 Keras 之前选好：`python first_nn.py --backend jax`（或者设置环境变量 `KERAS_BACKEND=jax`），先用 `python -m pip install -r requirements-jax.txt` 安装它。教程的 `import tensorflow as tf` 和 `tf.keras` 都不用改：`tf.keras` 建出来的模型由选好的后端来算。下面打印的就是这次训练用的后端。
#
# Keras 3 hands the same model code to one of three backends, the library that
# does the computing: TensorFlow (the default, and the tutorial's), JAX or
# PyTorch. Choose it before Keras is imported: `python first_nn.py --backend jax`
# (or `KERAS_BACKEND=jax`), after `python -m pip install -r requirements-jax.txt`.
# The tutorial's `tf.keras` lines stay as they are; the line below prints the
# backend that trains.

# %%
banner(2, "导入库", "Import the libraries")
# 教程没有这一行：省内存，见上文 / Not in the tutorial: saves memory, see above
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
with quiet_tensorflow_startup():
    import tensorflow as tf
import numpy as np
import matplotlib.pyplot as plt

tf.keras.utils.set_random_seed(args.seed)
print(label("Keras 的后端", "Keras backend"), tf.keras.backend.backend())

# %% [markdown]
# ## 步骤 3：加载数据 / Step 3: Load the data
#
# `load_data()` 先在 Keras 的缓存（`~/.keras/datasets/fashion-mnist/`）里找文件，找不到才下载。本仓库自带数据：`fill_keras_cache()` 按 SHA-256 校验缓存里的文件，缺失或损坏的就从自带的副本复制过去，所以不用联网，下载了一半的坏文件也会被换掉。
#
# `load_data()` looks in Keras' cache before it downloads. The repository ships
# the data; `fill_keras_cache()` checks the cached files by SHA-256 and copies
# the bundled ones over where missing or broken, so nothing is downloaded.

# %%
banner(3, "加载数据", "Load the data")
data.fill_keras_cache(args.data_dir)
fashion_mnist = tf.keras.datasets.fashion_mnist
(train_images, train_labels), (test_images, test_labels) = fashion_mnist.load_data()
# --train-size / --test-size N: keep the first N examples (a quicker run)
train_images, train_labels = data.take_first(
    train_images, train_labels, args.train_size, "--train-size"
)
test_images, test_labels = data.take_first(
    test_images, test_labels, args.test_size, "--test-size"
)

# %% [markdown]
# ## 步骤 4：探索数据 / Step 4: Explore the data
#
# 训练之前先看数据：`.shape` 是数组的形状，`(60000, 28, 28)` 就是 60,000 张 28×28 的图片；每张图片有一个标签。
#
# Look before you train: `.shape` is the array's shape; `(60000, 28, 28)` means
# 60,000 pictures of 28×28 pixels, each with one label.

# %%
banner(4, "探索数据", "Explore the data")
print(label("训练集图像形状", "Training images shape"), train_images.shape)
print(label("训练集标签数量", "Training labels"), len(train_labels))
print(label("测试集图像形状", "Test images shape"), test_images.shape)
print(label("测试集标签数量", "Test labels"), len(test_labels))

# %% [markdown]
# 标签是 0 到 9 的数字，`class_names` 把数字变回名字：第一个训练标签 `9` 是 Ankle boot（踝靴）。
#
# A label is a number from 0 to 9; `class_names` turns it back into a name.

# %%
print(label("第一个标签", "First label"), train_labels[0])

class_names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]  # fmt: skip
print(label("它的类别", "Its class"), class_names[train_labels[0]])
print(label("每个类别的图片数", "Pictures per class"), np.bincount(train_labels))

# %% [markdown]
# 再看图片本身。`cmap=plt.cm.binary` 把 0 画成白色、255 画成黑色（教程说 0 是黑色，正好说反了）。模型看到的就是这些数字。
#
# Now the picture itself. `cmap=plt.cm.binary` draws 0 white and 255 black (the
# tutorial says 0 is black: the other way round); these numbers are all the
# model ever sees.

# %%
plt.figure()
plt.imshow(train_images[0], cmap=plt.cm.binary)
plt.colorbar()
plt.grid(False)
plt.title(figures.bilingual("第一张训练图片", "The first training image"))
saved.save(plt.gcf(), "step04_first_image")  # the tutorial's plt.show()

# %% [markdown]
# 前 25 张图片和它们的类别：有些类别（衬衫、套头衫、外套）在 28×28 下很像。
#
# The first 25 pictures: some classes (Shirt, Pullover, Coat) look much alike.

# %%
saved.save(figures.image_grid(train_images, train_labels), "step04_first_25")

# %% [markdown]
# ## 步骤 5：数据预处理 / Step 5: Normalize
#
# 归一化：像素值 0–255 除以 255，变成 0–1，小的输入让训练更平稳。教程写 `train_images / 255.0`，得到 float64 的 NumPy 数组；Keras 用 float32 计算，`fit` 还得再转换一次。这里直接得到 float32，省一半内存，数值相同。`tf.keras.ops.divide` 是 Keras 自己的除法：结果是 float32，在每种后端上都能用，算出来的是那个后端的张量，训练时不用再转换。
#
# Normalization: divide by 255 to get 0–1. The tutorial's `/ 255.0` gives a
# float64 array that `fit` converts again; float32 is what Keras computes in.
# `tf.keras.ops.divide` gives float32 on every backend, as its own tensor.

# %%
banner(5, "数据预处理", "Normalize")
# 教程：train_images / 255.0（float64）；float32 省一半内存 / Tutorial: float64
train_images = tf.keras.ops.divide(train_images, 255.0)
test_images = tf.keras.ops.divide(test_images, 255.0)
print(
    label("归一化后", "After normalizing"),
    f"dtype={tf.keras.ops.dtype(train_images)},",
    f"min={float(tf.keras.ops.min(train_images))},",
    f"max={float(tf.keras.ops.max(train_images))}",
)

# %% [markdown]
# ## 步骤 6：构建模型 / Step 6: Build the model
#
# 展平层 `Flatten` 把 28×28 拉成 784 个数；全连接层 `Dense(128, relu)` 是隐藏层，有 128 个神经元；输出层 `Dense(10)` 给每个类别一个原始分数（logit）。教程把 `input_shape=(28, 28)` 写在 `Flatten` 里，Keras 3 会对此发出警告，建议先写 `Input`；模型完全一样。
#
# `Flatten` turns 28×28 into 784 numbers; `Dense(128, relu)` is the hidden layer;
# `Dense(10)` gives each class a raw score (a logit). Keras 3 warns about the
# tutorial's `Flatten(input_shape=…)` and wants an `Input` first: same model.

# %%
banner(6, "构建模型", "Build the model")
model = tf.keras.Sequential([
    # 教程：Flatten(input_shape=(28, 28))；Keras 3 建议先写 Input / Keras 3 wants an Input
    tf.keras.Input(shape=(28, 28)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(args.hidden_units, activation="relu"),
    tf.keras.layers.Dense(10),
])  # fmt: skip
model.summary()

# %% [markdown]
# ## 步骤 7：编译模型 / Step 7: Compile the model
#
# 优化器 `adam` 更新权重；损失函数衡量错得多远，`from_logits=True` 告诉它输入的是 logits；评估指标 `accuracy`（准确率）是人能读懂的分数。另外两项是教程没有写的速度设置：`steps_per_execution=32` 让 TensorFlow 一次跑 32 个批次（批次大小仍是 32），`jit_compile=True` 用 XLA 编译训练步骤；两项合起来让训练速度提高到约 3 倍，模型本身不变。`speed_settings()` 按后端给出它能用的设置：JAX 也用这两项，PyTorch 的训练每次只能跑 1 个批次，也不用 XLA。下面打印的是实际用上的设置。
#
# `adam` updates the weights; the loss measures how wrong the model is, on
# logits; `accuracy` is the score people read. Two speed settings the tutorial
# leaves at their defaults (here: 32 batches per call, and XLA) make fit about
# 3× faster. `speed_settings()` keeps what the backend takes: JAX takes both;
# PyTorch runs one batch per call, without XLA. The line below shows the result.

# %%
banner(7, "编译模型", "Compile the model")
model.compile(
    optimizer="adam",
    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
    # 教程用默认值（每次 1 步、不用 XLA）；这两项只为提速 / Tutorial: defaults; for speed only
    **speed_settings(steps_per_execution=32, jit_compile=True),
)
print(compile_settings(model))

# %% [markdown]
# ## 步骤 8：训练模型 / Step 8: Train the model
#
# 一个 epoch（轮）就是让模型把训练集的 60,000 张图片都看一遍，批次大小是 32，所以每轮 60000 / 32 = 1875 步。Keras 显示 `1875/1875`。`history` 记下每一轮的损失和准确率。
#
# One epoch shows the model all 60,000 pictures, 32 at a time: `1875/1875`
# steps. `history` keeps each epoch's loss and accuracy.

# %%
banner(8, "训练模型", "Train the model")
started = time.perf_counter()
history = model.fit(train_images, train_labels, epochs=args.epochs)
fit_seconds = time.perf_counter() - started
print(label("训练用时", "Fit time"), f"{fit_seconds:.1f} s")

# %% [markdown]
# 模型学到了什么？隐藏层的每个神经元对 784 个像素各有一个权重，排回 28×28 就能看出它在找什么形状。下面为每个类别挑出两个最能提高该类别分数的神经元：红色像素让神经元更活跃，蓝色像素抑制它。
#
# What did it learn? Each hidden neuron has one weight per pixel; laid out as
# 28×28 they show the shape it looks for. Two neurons per class, those that raise
# that class's score most: red pixels excite the neuron, blue ones calm it.

# %%
inside = figures.hidden_weights(model)
saved.save(inside, "step08_hidden_weights", how_to_read=figures.HIDDEN_WEIGHTS_HINT)

# %% [markdown]
# ## 步骤 9：评估模型 / Step 9: Evaluate
#
# 在模型从没见过的测试集上打分。训练准确率比测试准确率高一些，这就是过拟合，对这个模型是正常的。学习曲线画出每一轮的变化，混淆矩阵显示哪些类别最容易被认错。
#
# Score the model on test pictures it has never seen. Training accuracy above
# test accuracy is overfitting. The learning curves show each epoch; the
# confusion matrix shows which classes get mixed up.

# %%
banner(9, "评估模型", "Evaluate")
test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)
print(f"\nTest accuracy: {test_acc:.4f}")
results.print_overfitting(history.history, test_acc)

curves = figures.learning_curves(history.history, test_loss, test_acc)
saved.save(curves, "step09_learning_curves")
test_predicted = np.argmax(model.predict(test_images, verbose=0), axis=1)
counts = results.confusion_matrix(test_labels, test_predicted)
saved.save(figures.confusion_matrix(counts), "step09_confusion_matrix")

# %% [markdown]
# 每个类别各自的准确率，训练集和测试集并排：短的柱子就是难认的类别（通常是衬衫），两根柱子差得多的类别过拟合得最厉害。
#
# Accuracy of each class, training beside test: the short bars are the hard
# classes (usually Shirt); a big difference between a pair is overfitting.

# %%
train_predicted = np.argmax(model.predict(train_images, verbose=0), axis=1)
train_per_class = results.per_class_accuracy(train_labels, train_predicted)
test_per_class = results.per_class_accuracy(test_labels, test_predicted)
bars = figures.per_class_accuracy(train_per_class, test_per_class)
saved.save(bars, "step09_per_class_accuracy")

# %% [markdown]
# ## 步骤 10：进行预测 / Step 10: Predict
#
# 模型输出的是 logits；在后面接一个 `Softmax` 层，就得到加起来等于 1 的 10 个概率。
#
# Appending a `Softmax` layer turns the logits into 10 probabilities summing to 1.

# %%
banner(10, "进行预测", "Predict")
probability_model = tf.keras.Sequential([model, tf.keras.layers.Softmax()])
predictions = probability_model.predict(test_images)

# %% [markdown]
# `np.argmax` 找出概率最大的那个类别的索引。
#
# `np.argmax` finds the index of the most likely class.

# %%
print(
    label("第一个预测的概率分布", "First prediction's probabilities"),
    predictions[0],
    sep="\n",
)
predicted_label_index = np.argmax(predictions[0])
print(label("预测的类别索引", "Predicted class index"), predicted_label_index)
print(
    label("预测的类别名称", "Predicted class name"), class_names[predicted_label_index]
)
print(label("真实的类别名称", "True class name"), class_names[test_labels[0]])

# %% [markdown]
# 概率画成柱状图，再看 15 张测试图片的预测：蓝色是对的，红色是错的。
#
# The probabilities as bars, then 15 test pictures: blue right, red wrong.

# %%
first = figures.first_prediction(test_images[0], predictions[0], test_labels[0])
saved.save(first, "step10_first_prediction")
grid = figures.prediction_grid(test_images, predictions, test_labels)
saved.save(grid, "step10_predictions_grid")

# %% [markdown]
# 最能说明问题的是模型很有把握却认错的图片：其中很多图片连人看了也会犹豫。
#
# Most telling are the mistakes the model was surest of: many would puzzle a person too.

# %%
mistakes = figures.most_confident_mistakes(predictions, test_labels)
sure_and_wrong = figures.confident_mistakes(
    test_images, predictions, test_labels, mistakes
)
saved.save(sure_and_wrong, "step10_confident_mistakes")

# %% [markdown]
# ## 保存与下一步 / Save, and next steps
#
# 模型存成 `fashion_mnist.keras`，分数存进 `metrics.json`。教程最后建议改隐藏层的神经元数或 epoch 数：`python first_nn.py --hidden-units 64 --epochs 20 --output-dir outputs/try-1` 试一次（结果写进另一个文件夹，默认的模型保持不变）；`python experiments.py` 在验证集（从训练集里留出的 10,000 张图片）上比较一组设置；`python predict.py 你的照片.jpg` 识别你自己的照片。
#
# The model goes to `fashion_mnist.keras`, the scores to `metrics.json`. Try
# `--hidden-units 64 --epochs 20 --output-dir outputs/try-1` (another folder, so
# the default model stays), `python experiments.py` for a whole grid, or
# `python predict.py your_photo.jpg`.

# %%
metrics = results.lesson_metrics(
    args,
    history.history,
    fit_seconds,
    test_accuracy=test_acc,
    test_loss=test_loss,
    train_size=len(train_labels),
    test_size=len(test_labels),
    confusion_matrix=counts,
    per_class_train_accuracy=train_per_class,
    per_class_test_accuracy=test_per_class,
    confident_mistakes=mistakes,
    parameters=model.count_params(),
)
results.save_model_and_metrics(output_dir, model, metrics)
results.print_next_steps(output_dir)
saved.show_kept()
