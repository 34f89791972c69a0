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
# 运行：`python first_nn.py`（全部命令行选项：`python first_nn.py --help`）。在 VS Code 或 Jupyter 中可以把它当作笔记本逐个单元格运行；命令行选项要放进环境变量：在第一个代码单元格之前运行 `%env FIRST_NN_ARGS=--epochs 2` 这样的命令。
#
# Run `python first_nn.py` (`--help` lists the flags). In VS Code or Jupyter it
# is a notebook; pass flags there with `%env FIRST_NN_ARGS=--epochs 2`, run
# before the first code cell.
#
# 怎么读这个文件：以 `lesson.` 或 `run.` 开头的代码来自本仓库的 `lesson/` 文件夹（校验数据、双语输出、画图、写文件），其余的代码都是教程的。和教程写法不同的语句，旁边的注释以“教程：”开头，写明教程原来的写法，并说明改动的原因。
#
# How to read it: code that starts with `lesson.` or `run.` is this
# repository's (`lesson/`: checked data, bilingual output, figures, files);
# every other line is the tutorial's. Where a statement differs from the
# tutorial, a comment starting with 教程 (Tutorial) gives its form and why.

# %% [markdown]
# ## 步骤 1：环境准备 / Step 1: Set up
#
# 只需安装一次：`python -m pip install -r requirements.txt`（固定版本的 TensorFlow、Keras、NumPy、Matplotlib 和 Pillow）。教程写的是 `pip install tensorflow`，装的是最新版；固定版本能保证你得到和这里一样的结果。
#
# `lesson.start("first_nn")` 做教程没有写的准备工作：读取命令行选项（写错了只会看到一行 `error: …`，不会看到一大段报错），建好输出文件夹，让任何编码的控制台都能显示输出，最后静默导入一次 TensorFlow，隐藏它启动时那几行与 GPU 和 CPU 指令集有关的提示（这些提示并不是错误），所以下一步的 `import tensorflow as tf` 什么也不会打印。
#
# Install once: `python -m pip install -r requirements.txt` (the tutorial's
# `pip install tensorflow` takes the newest; pinned versions give the results
# shown here).
# `lesson.start("first_nn")` does what the tutorial leaves out: it reads the
# flags (a wrong one ends the run with one `error: …` line), makes the output
# folder, keeps the output safe on any console, and imports TensorFlow once
# with its start-up hints about GPUs and CPU instructions hidden (they are not
# errors), so the next step's `import tensorflow as tf` prints nothing.

# %%
import lesson

run = lesson.start("first_nn")
lesson.banner(1, "环境准备", "Set up")
lesson.print_versions()

# %% [markdown]
# ## 步骤 2：导入库 / Step 2: Import the libraries
#
# `tf` 训练模型，`np` 处理数组，`plt` 画图。固定随机种子：在同一台机器上，同样的种子得到同样的结果。`lesson.start` 在导入之前还关掉了 oneDNN 的自定义算子：这个全连接网络的训练步骤由 XLA 编译，用不到它们，关掉以后内存峰值少大约 180 MB，速度和结果都不变。
#
# `tf` trains the model, `np` handles arrays, `plt` draws. A fixed seed makes
# the run repeatable on the same machine. Before the import, `lesson.start`
# turned oneDNN's custom operations off: XLA compiles this network's training
# step, so they only cost memory (about 180 MB at the peak), not speed or results.
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
# 教程：print(f"训练集图像形状: {train_images.shape}")，只有中文；lesson.label 加上英文，
# 控制台显示不了中文时只打印英文 / Tutorial: Chinese only; lesson.label adds English
print(lesson.label("训练集图像形状", "Training images shape"), train_images.shape)
print(lesson.label("训练集标签数量", "Training labels"), len(train_labels))
print(lesson.label("测试集图像形状", "Test images shape"), test_images.shape)
print(lesson.label("测试集标签数量", "Test labels"), len(test_labels))

# %% [markdown]
# 标签是 0 到 9 的数字，`class_names` 把数字变回名字：第一个训练标签 `9` 是 Ankle boot（踝靴）。
#
# A label is a number from 0 to 9; `class_names` turns it back into a name.

# %%
# 教程：print(f"第一个标签: {train_labels[0]}")；同上，中英双语 / Tutorial: Chinese only
print(lesson.label("第一个标签", "First label"), train_labels[0])

class_names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]  # fmt: skip
# 教程没有这两行 / Not in the tutorial
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
# 教程：plt.show()；这里把图存成文件（笔记本里照样显示），没有屏幕也能运行；
# 加上 --show 会在运行结束时打开窗口 / Tutorial: plt.show(); saved, shown with --show
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
# 归一化：像素值 0–255 除以 255，变成 0–1，小的输入让训练更平稳。教程写 `train_images / 255.0`，得到 float64 的 NumPy 数组；Keras 用 float32 计算，`fit` 还得再转换一次。这里直接得到 float32，省一半内存，数值相同。`tf.keras.ops.divide` 是 Keras 自己的除法：结果是 float32，在每种后端上都能用，算出来的是那个后端的张量，训练时不用再转换。
#
# Normalization: divide by 255 to get 0–1. The tutorial's `/ 255.0` gives a
# float64 array that `fit` converts again; float32 is what Keras computes in.
# `tf.keras.ops.divide` gives float32 on every backend, as its own tensor.

# %%
lesson.banner(5, "数据预处理", "Normalize")
# 教程：train_images / 255.0，得到 float64；这里得到 float32，省一半内存
# Tutorial: train_images / 255.0, float64; float32 here, half the memory
train_images = tf.keras.ops.divide(train_images, 255.0)
test_images = tf.keras.ops.divide(test_images, 255.0)
print(
    lesson.label("归一化后", "After normalizing"),
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
lesson.banner(6, "构建模型", "Build the model")
model = tf.keras.Sequential([
    # 教程：Flatten(input_shape=(28, 28))；Keras 3 建议先写 Input / Keras 3 wants an Input
    tf.keras.Input(shape=(28, 28)),
    tf.keras.layers.Flatten(),
    # 教程：Dense(128, …)；改用 --hidden-units，默认值仍是 128 / Tutorial: 128, the flag's default
    tf.keras.layers.Dense(run.args.hidden_units, activation="relu"),
    tf.keras.layers.Dense(10),
])  # fmt: skip
model.summary()

# %% [markdown]
# ## 步骤 7：编译模型 / Step 7: Compile the model
#
# 优化器 `adam` 更新权重；损失函数衡量错得多远，`from_logits=True` 告诉它输入的是 logits；评估指标 `accuracy`（准确率）是人能读懂的分数。另外两项是教程没有写的速度设置：`steps_per_execution=32` 让 TensorFlow 一次跑 32 个批次（批次大小仍是 32），`jit_compile=True` 用 XLA 编译训练步骤；两项合起来让训练速度提高到约 3 倍，模型本身不变。`lesson.speed_settings()` 按后端给出它能用的设置：JAX 也用这两项，PyTorch 的训练每次只能跑 1 个批次，也不用 XLA。下面打印的是实际用上的设置。
#
# `adam` updates the weights; the loss measures how wrong the model is, on
# logits; `accuracy` is the score people read. Two speed settings the tutorial
# leaves at their defaults (here: 32 batches per call, and XLA) make fit about
# 3× faster. `lesson.speed_settings()` keeps what the backend takes: JAX takes both;
# PyTorch runs one batch per call, without XLA. The line below shows the result.

# %%
lesson.banner(7, "编译模型", "Compile the model")
model.compile(
    optimizer="adam",
    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
    # 教程：默认值（每次 1 步、不用 XLA）；这两项只为提速 / Tutorial: defaults; for speed only
    **lesson.speed_settings(steps_per_execution=32, jit_compile=True),
)
print(lesson.compile_settings(model))

# %% [markdown]
# ## 步骤 8：训练模型 / Step 8: Train the model
#
# 一个 epoch（轮）就是让模型把训练集的 60,000 张图片都看一遍，批次大小是 32，所以每轮 60000 / 32 = 1875 步。Keras 显示 `1875/1875`。`history` 记下每一轮的损失和准确率。
#
# One epoch shows the model all 60,000 pictures, 32 at a time: `1875/1875`
# steps. `history` keeps each epoch's loss and accuracy.
#
# 你看到的输出和教程里的不完全一样：教程用的是旧版 Keras，每行先显示 loss，再显示 accuracy，进度条是 `[=====]`；Keras 3 先显示 accuracy，进度条是 `━━━━`，每步用时也取决于你的电脑。数值也会差一点：它们取决于随机的初始权重（这里固定种子 42），所以 `loss` 和 `accuracy` 不会和教程的 0.2227、0.9160 完全相同，但会很接近。
#
# Your output differs from the tutorial's a little: its older Keras printed
# loss before accuracy under a `[=====]` bar; Keras 3 prints accuracy first
# under a `━━━━` bar, and the times are your computer's. The numbers depend on
# the random starting weights (seed 42 here), so they come close to the
# tutorial's 0.2227 and 0.9160 without matching them.

# %%
lesson.banner(8, "训练模型", "Train the model")
run.start_timer()
# 教程：epochs=10；改用 --epochs，默认值仍是 10 / Tutorial: epochs=10, the flag's default
history = model.fit(train_images, train_labels, epochs=run.args.epochs)
fit_seconds = run.print_fit_time()

# %% [markdown]
# 模型学到了什么？隐藏层的每个神经元对 784 个像素各有一个权重，排回 28×28 就能看出它在找什么形状。下面为每个类别挑出两个最能提高该类别分数的神经元：红色像素让神经元更活跃，蓝色像素抑制它。
#
# What did it learn? Each hidden neuron has one weight per pixel; laid out as
# 28×28 they show the shape it looks for. Two neurons per class, those that raise
# that class's score most: red pixels excite the neuron, blue ones calm it.

# %%
inside = lesson.figures.hidden_weights(model)
run.save(inside, "step08_hidden_weights", lesson.figures.HIDDEN_WEIGHTS_HINT)

# %% [markdown]
# ## 步骤 9：评估模型 / Step 9: Evaluate
#
# 在模型从没见过的测试集上打分。训练准确率比测试准确率高一些，这就是过拟合，对这个模型是正常的。学习曲线画出每一轮的变化，混淆矩阵显示哪些类别最容易被认错。
#
# Score the model on test pictures it has never seen. Training accuracy above
# test accuracy is overfitting. The learning curves show each epoch; the
# confusion matrix shows which classes get mixed up.
#
# 这里的测试准确率是 0.8720，教程是 0.8805：差别来自随机的初始权重，不是代码写错了。换几个种子（`--seed 1`、`--seed 2`……）试试，结果在 0.87 到 0.88 之间。
#
# The test accuracy here is 0.8720 against the tutorial's 0.8805: the
# difference is the random starting weights, not the code. Other seeds
# (`--seed 1`, `--seed 2`, …) land between 0.87 and 0.88.

# %%
lesson.banner(9, "评估模型", "Evaluate")
test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)
# 教程：{test_acc}，打印所有小数位；这里保留四位小数，和教程展示的输出一致 / Tutorial: every digit
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
# 教程：print(f"第一个预测的概率分布: {predictions[0]}") 等只有中文的打印语句；
# 这里改成中英双语 / Tutorial: print(f"…: {predictions[0]}"), Chinese only
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
# 只预测一张图片：`predict` 要的是一批图片，形状是 `(图片数, 28, 28)`。单独一张图片的形状是 `(28, 28)`，直接传进去会报形状错误；`np.expand_dims` 在最前面加一个长度为 1 的维度，变成只含一张图片的批次 `(1, 28, 28)`。
#
# One picture on its own: `predict` takes a batch, shaped (pictures, 28, 28).
# A single picture is (28, 28), and passing it as it is gives a shape error;
# `np.expand_dims` adds a first axis of length 1: a batch of one, (1, 28, 28).

# %%
img = test_images[1]
print(lesson.label("一张图片的形状", "One picture's shape"), tuple(img.shape))
img = np.expand_dims(img, 0)
print(lesson.label("只含一张图片的批次", "A batch of one"), img.shape)
predictions_single = probability_model.predict(img)
print(
    lesson.label("它的预测", "Its prediction"),
    class_names[np.argmax(predictions_single[0])],
)
print(lesson.label("真实的类别名称", "True class name"), class_names[test_labels[1]])

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
# ## 保存与下一步 / Save, and next steps
#
# 模型存成 `fashion_mnist.keras`，分数存进 `metrics.json`。教程最后建议改隐藏层的神经元数或 epoch 数：`python first_nn.py --hidden-units 64 --epochs 20 --output-dir outputs/try-1` 试一次（结果写进另一个文件夹，默认的模型保持不变）；`python experiments.py` 在验证集（从训练集里留出的 10,000 张图片）上比较一组设置；`python predict.py 你的照片.jpg` 识别你自己的照片。
#
# The model goes to `fashion_mnist.keras`, the scores to `metrics.json`. Try
# `--hidden-units 64 --epochs 20 --output-dir outputs/try-1` (another folder, so
# the default model stays), `python experiments.py` for a whole grid, or
# `python predict.py your_photo.jpg`.

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
)
run.save_model_and_metrics(model, metrics)
run.finish()
