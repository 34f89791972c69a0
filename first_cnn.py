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
# # 第二课：卷积神经网络 / Lesson 2: a convolutional network
#
# `first_nn.py` 的全连接网络在测试集上停在 88% 左右。这一课走同样的十个步骤、用同样的数据，只换掉模型：卷积层（`Conv2D`）用 3×3 的小滤波器（也叫卷积核）在图片上滑动，找边缘、纹理这样的局部图案，池化层（`MaxPooling2D`）把图的高和宽各缩小一半（28×28 → 14×14）。和第一课主要有六处不同：
#
# | 不同之处 / What changed | first_nn.py | first_cnn.py | 为什么 / Why |
# |---|---|---|---|
# | 图片的形状 / image shape | (28, 28) | (28, 28, 1) | 卷积层需要一个通道轴 / Conv2D wants a channel axis |
# | 模型 / model | Flatten → Dense(128) → Dense(10) | 2 × (Conv2D → MaxPooling2D) → Flatten → Dense(64) → Dense(10) | 先找局部图案 / local patterns first |
# | 提速设置 / speed setting | `jit_compile=True` | `jit_compile=False` | 在 CPU 上 XLA 让卷积变慢 / XLA slows convolutions on a CPU |
# | 批次大小 / batch size | 32 | 64 | 步数减半，固定开销的总和也少一半 / half the steps, half their fixed costs |
# | 训练轮数 / epochs | 10 | 5 | 每一步计算多得多 / each step costs more |
# | oneDNN 自定义算子 / oneDNN custom ops | 关 / off | 开 / on | 卷积靠它快近一倍 / convolutions run about twice as fast with them |
#
# The dense network of `first_nn.py` stalls near 88%. Same ten steps, same data,
# another model: 3×3 convolution filters slide over the picture looking for
# local patterns, and pooling halves its height and width.
#
# 运行：`python first_cnn.py`；在笔记本中用 `%env FIRST_CNN_ARGS=--epochs 1` 传入命令行选项（在第一个代码单元格之前运行）。
#
# Run `python first_cnn.py`; in a notebook, pass flags with
# `%env FIRST_CNN_ARGS=--epochs 1`, run before the first code cell.

# %% [markdown]
# ## 步骤 1：环境准备 / Step 1: Set up
#
# 只需安装一次：`python -m pip install -r requirements.txt`（固定版本的 TensorFlow、Keras、NumPy、Matplotlib 和 Pillow）。和第一课一样，`lesson.start` 先读取命令行选项（写错了只会看到一行 `error: …`），建好输出文件夹，再静默导入 TensorFlow。以 `lesson.` 或 `run.` 开头的代码来自本仓库，其余的是教程的写法。
#
# Install once: `python -m pip install -r requirements.txt`. As in lesson 1,
# `lesson.start` reads the flags (a wrong one ends the run with one `error: …`
# line), makes the output folder and imports TensorFlow without its start-up hints. Code starting
# with `lesson.` or `run.` is this repository's; the rest is the tutorial's way.

# %%
import lesson

run = lesson.start("first_cnn")
lesson.banner(1, "环境准备", "Set up")
lesson.print_versions()

# %% [markdown]
# ## 步骤 2：导入库 / Step 2: Import the libraries
#
# `tf` 训练模型，`np` 处理数组，`plt` 画图。固定随机种子：在同一台机器上，同样的种子得到同样的结果。
#
# `tf` trains the model, `np` handles arrays, `plt` draws. A fixed seed makes
# the run repeatable on the same machine.
#
# 和第一课一样，`--backend jax` 或 `--backend torch` 可以换一个后端来算。不过这一课在 CPU 上最好用 TensorFlow（默认）：它的卷积用 oneDNN 算；在测量用的 2 核 CPU 上，JAX 训练这一课的时间是 TensorFlow 的 4.3 倍，PyTorch 是 2.6 倍（`benchmarks/bench_train.py` 测得，见 `docs/backends.zh-CN.md`）。
#
# As in lesson 1, `--backend jax` or `--backend torch` changes the backend. On a
# CPU, keep TensorFlow (the default) for this lesson: its convolutions run on
# oneDNN. On the 2-core CPU measured, JAX took 4.3× and PyTorch 2.6× its fit
# time (`benchmarks/bench_train.py`, see `docs/backends.md`).

# %%
import tensorflow as tf
import numpy as np
import matplotlib.pyplot as plt

lesson.banner(2, "导入库", "Import the libraries")
# 教程没有这两行：固定种子，打印后端 / Not in the tutorial: a fixed seed, the backend
tf.keras.utils.set_random_seed(run.args.seed)
print(lesson.label("Keras 的后端", "Keras backend"), tf.keras.backend.backend())

# %% [markdown]
# ## 步骤 3：加载数据 / Step 3: Load the data
#
# `load_data()` 先在 Keras 的缓存（`~/.keras/datasets/fashion-mnist/`）里找文件，找不到才下载。本仓库自带数据：`lesson.data.fill_keras_cache()` 按 SHA-256 校验缓存里的文件，缺失或损坏的就从自带的副本复制过去，所以不用联网，下载了一半的坏文件也会被换掉。
#
# `load_data()` looks in Keras' cache before it downloads. The repository ships
# the data; `lesson.data.fill_keras_cache()` checks the cached files by
# SHA-256 and copies the bundled ones over where missing or broken, so nothing
# is downloaded.

# %%
lesson.banner(3, "加载数据", "Load the data")
lesson.data.fill_keras_cache(run.args.data_dir)
fashion_mnist = tf.keras.datasets.fashion_mnist
(train_images, train_labels), (test_images, test_labels) = fashion_mnist.load_data()
# 教程没有：--train-size 和 --test-size N 只保留前 N 个样本，跑得更快 / Not in the tutorial: a quicker run
train_images, train_labels = lesson.data.take_first(
    train_images, train_labels, run.args.train_size, "--train-size"
)
test_images, test_labels = lesson.data.take_first(
    test_images, test_labels, run.args.test_size, "--test-size"
)

# %% [markdown]
# ## 步骤 4：探索数据 / Step 4: Explore the data
#
# 训练之前先看数据：`.shape` 是数组的形状，`(60000, 28, 28)` 就是 60,000 张 28×28 的图片；每张图片有一个标签。
#
# Look before you train: `.shape` is the array's shape; `(60000, 28, 28)` means
# 60,000 pictures of 28×28 pixels, each with one label.

# %%
lesson.banner(4, "探索数据", "Explore the data")
print(lesson.label("训练集图像形状", "Training images shape"), train_images.shape)
print(lesson.label("训练集标签数量", "Training labels"), len(train_labels))
print(lesson.label("测试集图像形状", "Test images shape"), test_images.shape)
print(lesson.label("测试集标签数量", "Test labels"), len(test_labels))

# %% [markdown]
# 标签是 0 到 9 的数字，`class_names` 把数字变回名字：第一个训练标签 `9` 是 Ankle boot（踝靴）。
#
# A label is a number from 0 to 9; `class_names` turns it back into a name.

# %%
print(lesson.label("第一个标签", "First label"), train_labels[0])

class_names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]  # fmt: skip
print(lesson.label("它的类别", "Its class"), class_names[train_labels[0]])
print(lesson.label("每个类别的图片数", "Pictures per class"), np.bincount(train_labels))

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
plt.title(lesson.bilingual("第一张训练图片", "The first training image"))
# 教程：plt.show()；这里存成文件，--show 在最后打开窗口 / Tutorial: plt.show(); saved here
run.save(plt.gcf(), "step04_first_image")

# %% [markdown]
# 前 25 张图片和它们的类别：有些类别（衬衫、套头衫、外套）在 28×28 下很像。
#
# The first 25 pictures: some classes (Shirt, Pullover, Coat) look much alike.

# %%
run.save(lesson.figures.image_grid(train_images, train_labels), "step04_first_25")

# %% [markdown]
# ## 步骤 5：数据预处理 / Step 5: Normalize
#
# 和第一课一样归一化到 0–1，再加一个长度为 1 的通道轴：卷积层要的是形状为（高，宽，通道）的图片，灰度图只有一个通道（彩色图有三个）。
#
# Normalize to 0–1 as before, then add a channel axis of length 1: a convolution
# takes (height, width, channels) pictures, and gray ones have one channel.

# %%
lesson.banner(5, "数据预处理", "Normalize")
# 和第一课相比多了 [..., tf.newaxis]：通道轴 / New here: the channel axis
train_images = tf.keras.ops.divide(train_images, 255.0)[..., tf.newaxis]
test_images = tf.keras.ops.divide(test_images, 255.0)[..., tf.newaxis]
print(
    lesson.label("归一化后的形状", "Shape after normalizing"), tuple(train_images.shape)
)

# %% [markdown]
# ## 步骤 6：构建模型 / Step 6: Build the model
#
# 第一个卷积层有 16 个 3×3 的滤波器，每个滤波器在整张图上找同一种图案，得到 16 张“特征图”；`padding="same"` 让特征图保持 28×28。池化层在每个 2×2 的小块里取最大值，图的高和宽各缩小一半。第二个卷积层在 14×14 的特征图上找由小图案组成的大图案。最后仍然是全连接层和输出层。参数数量和第一课差不多，但卷积层的参数在图上每个位置都共享。
#
# The first convolution's 16 filters each look for one pattern everywhere;
# pooling keeps the largest value of every 2×2 block. The second convolution
# combines the patterns. About as many parameters as lesson 1, but shared
# across positions.

# %%
lesson.banner(6, "构建模型", "Build the model")
model = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28, 1)),
    tf.keras.layers.Conv2D(run.args.filters, 3, padding="same", activation="relu"),
    tf.keras.layers.MaxPooling2D(),
    tf.keras.layers.Conv2D(2 * run.args.filters, 3, padding="same", activation="relu"),
    tf.keras.layers.MaxPooling2D(),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(run.args.hidden_units, activation="relu"),
    tf.keras.layers.Dense(10),
])  # fmt: skip
model.summary()

# %% [markdown]
# ## 步骤 7：编译模型 / Step 7: Compile the model
#
# 优化器、损失函数和评估指标都和第一课一样。速度设置不同：在 CPU 上，XLA（`jit_compile=True`）让全连接网络更快，却让 TensorFlow 的卷积慢好几倍（测量结果见 `docs/performance.zh-CN.md`），所以这里关掉它。JAX 是例外：它每一步都用 XLA 编译，不编译时每个运算单独执行，反而慢一倍，所以 `lesson.speed_settings()` 在 JAX 上仍然打开 XLA；PyTorch 每次只跑 1 个批次，也不用 XLA。
#
# Same optimizer, loss and metric as lesson 1. On a CPU, XLA speeds up the dense
# network but slows TensorFlow's convolutions several times (measured in
# `docs/performance.md`): off here. JAX is the exception: without XLA each operation runs on
# its own, twice as slow, so `lesson.speed_settings()` keeps it on there; PyTorch runs
# one batch per call, without XLA.

# %%
lesson.banner(7, "编译模型", "Compile the model")
model.compile(
    optimizer="adam",
    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
    # 第一课用 jit_compile=True；卷积在 CPU 上用 XLA 更慢 / XLA is slower for Conv2D on a CPU
    **lesson.speed_settings(steps_per_execution=32, jit_compile=False),
)
print(lesson.compile_settings(model))

# %% [markdown]
# ## 步骤 8：训练模型 / Step 8: Train the model
#
# 一个 epoch（轮）就是让模型把训练集的 60,000 张图片都看一遍。这一课的批次大小是 64（第一课是 32），所以每轮 60000 / 64 ≈ 938 步，Keras 显示 `938/938`（最后一批只有 32 张）。除了卷积本身，每一步还有一份固定开销；批次大一倍，步数就少一半，训练更快，准确率几乎不变（测量结果见 `docs/performance.zh-CN.md`）。卷积网络每一步的计算多得多，所以默认只训练 5 轮。
#
# One epoch is 938 steps of 64 pictures (`938/938`; lesson 1 used batches of
# 32). Besides the convolutions every step has a fixed cost, so half the steps
# train faster at about the same accuracy (`docs/performance.md`). A
# convolutional step costs much more, so the default is 5 epochs.

# %%
lesson.banner(8, "训练模型", "Train the model")
run.start_timer()
# 教程：默认批次大小 32；64 让步数减半，见上文 / Tutorial: batch 32; 64 halves the steps
history = model.fit(train_images, train_labels, epochs=run.args.epochs, batch_size=64)
fit_seconds = run.print_fit_time()

# %% [markdown]
# 模型学到了什么？第一个卷积层的每个滤波器只有 3×3 = 9 个权重：红色格子是正权重，把对应的像素加进来；蓝色格子是负权重，把它减掉。有的滤波器找横边，有的找竖边或斜边。
#
# What did it learn? Each first-layer filter is 3×3 weights: red adds a pixel,
# blue subtracts it; some find horizontal edges, others vertical or slanted ones.

# %%
run.save(lesson.figures.first_filters(model), "step08_filters")

# %% [markdown]
# ## 步骤 9：评估模型 / Step 9: Evaluate
#
# 在模型从没见过的测试集上打分。训练准确率比测试准确率高一些，这就是过拟合，对这个模型是正常的。学习曲线画出每一轮的变化，混淆矩阵显示哪些类别最容易被认错。
#
# Score the model on test pictures it has never seen. Training accuracy above
# test accuracy is overfitting. The learning curves show each epoch; the
# confusion matrix shows which classes get mixed up.

# %%
lesson.banner(9, "评估模型", "Evaluate")
test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)
print(f"\nTest accuracy: {test_acc:.4f}")
lesson.results.print_overfitting(history.history, test_acc)

curves = lesson.figures.learning_curves(history.history, test_loss, test_acc)
run.save(curves, "step09_learning_curves")
test_predicted = np.argmax(model.predict(test_images, verbose=0), axis=1)
counts = lesson.scores.confusion_matrix(test_labels, test_predicted)
run.save(lesson.figures.confusion_matrix(counts), "step09_confusion_matrix")

# %% [markdown]
# 每个类别各自的准确率，训练集和测试集并排：短的柱子就是难认的类别（通常是衬衫），两根柱子差得多的类别过拟合得最厉害。
#
# Accuracy of each class, training beside test: the short bars are the hard
# classes (usually Shirt); a big difference between a pair is overfitting.

# %%
train_predicted = np.argmax(model.predict(train_images, verbose=0), axis=1)
train_per_class = lesson.scores.per_class_accuracy(train_labels, train_predicted)
test_per_class = lesson.scores.per_class_accuracy(test_labels, test_predicted)
bars = lesson.figures.per_class_accuracy(train_per_class, test_per_class)
run.save(bars, "step09_per_class_accuracy")

# %% [markdown]
# ## 步骤 10：进行预测 / Step 10: Predict
#
# 模型输出的是 logits；在后面接一个 `Softmax` 层，就得到加起来等于 1 的 10 个概率。
#
# Appending a `Softmax` layer turns the logits into 10 probabilities summing to 1.

# %%
lesson.banner(10, "进行预测", "Predict")
probability_model = tf.keras.Sequential([model, tf.keras.layers.Softmax()])
predictions = probability_model.predict(test_images)

# %% [markdown]
# `np.argmax` 找出概率最大的那个类别的索引。
#
# `np.argmax` finds the index of the most likely class.

# %%
print(
    lesson.label("第一个预测的概率分布", "First prediction's probabilities"),
    predictions[0],
    sep="\n",
)
predicted_label_index = np.argmax(predictions[0])
print(lesson.label("预测的类别索引", "Predicted class index"), predicted_label_index)
print(
    lesson.label("预测的类别名称", "Predicted class name"),
    class_names[predicted_label_index],
)
print(lesson.label("真实的类别名称", "True class name"), class_names[test_labels[0]])

# %% [markdown]
# 概率画成柱状图，再看 15 张测试图片的预测：蓝色是对的，红色是错的。
#
# The probabilities as bars, then 15 test pictures: blue right, red wrong.

# %%
first = lesson.figures.first_prediction(test_images[0], predictions[0], test_labels[0])
run.save(first, "step10_first_prediction")
grid = lesson.figures.prediction_grid(test_images, predictions, test_labels)
run.save(grid, "step10_predictions_grid")

# %% [markdown]
# 第一张测试图片经过两个卷积层后变成了什么：每张小图是一个滤波器的特征图，亮的地方就是它找到自己图案的地方。第二层的特征图更小、更抽象。
#
# The first test picture after each convolution: every small map is one
# filter's answer, bright where it found its pattern.

# %%
maps = lesson.figures.feature_maps(model, test_images[0], test_labels[0])
run.save(maps, "step10_feature_maps")

# %% [markdown]
# 最能说明问题的是模型很有把握却认错的图片：其中很多图片连人看了也会犹豫。
#
# Most telling are the mistakes the model was surest of: many would puzzle a person too.

# %%
mistakes = lesson.scores.most_confident_mistakes(predictions, test_labels)
sure_and_wrong = lesson.figures.confident_mistakes(
    test_images, predictions, test_labels, mistakes
)
run.save(sure_and_wrong, "step10_confident_mistakes")

# %% [markdown]
# ## 保存与比较 / Save, and compare
#
# 模型存成 `fashion_mnist_cnn.keras`，分数存进 `metrics_cnn.json`。如果同一个输出文件夹里有 `first_nn.py` 的 `metrics.json`，就把两课并排比较：参数数量、训练用时、测试准确率和每个类别的准确率。`python predict.py 你的照片.jpg --model outputs/fashion_mnist_cnn.keras` 用这个模型识别你的照片。
#
# The model goes to `fashion_mnist_cnn.keras`, the scores to `metrics_cnn.json`;
# with `first_nn.py`'s `metrics.json` in the same folder, the two lessons are
# compared side by side.

# %%
metrics = lesson.results.lesson_metrics(
    run.args,
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
    filters=run.args.filters,
)
run.save_model_and_metrics(model, metrics)
first_nn_metrics = run.output_dir / lesson.names.METRICS_FILE
lesson.results.compare(first_nn_metrics, metrics, run.output_dir)
run.finish()
