"""The lessons' saved models: which one the tools answer with, and a model
file loaded with one clear line for each way it can be wrong."""

import random
import zipfile
from pathlib import Path

from lesson.errors import LessonError
from lesson.names import CNN_MODEL_FILE, MODEL_FILE, OUTPUT_DIR, PHOTO_MODEL_FILE
from lesson.startup import import_keras

MODEL_SUFFIXES = (".keras", ".h5", ".hdf5")  # what Keras 3 loads, in small letters


# What a trained model of either lesson takes: first_nn.py's, first_cnn.py's.
MODEL_INPUTS = {(28, 28), (28, 28, 1)}


def load_trained_model(path):
    """A model first_nn.py or first_cnn.py saved, or a LessonError saying what to do."""
    path = Path(path)
    if not path.exists():
        raise LessonError(
            f"{path} 还没有训练好的模型；先运行 python first_nn.py（第二课的模型用 "
            "python first_cnn.py）",
            f"no trained model at {path}; run python first_nn.py first "
            "(or python first_cnn.py for the second lesson's model)",
        )
    fix = ("运行 python first_nn.py 生成一个", "run python first_nn.py to make one")
    first, second, third = (
        (OUTPUT_DIR / name).as_posix()
        for name in (MODEL_FILE, CNN_MODEL_FILE, PHOTO_MODEL_FILE)
    )
    if path.is_dir():
        raise LessonError(
            f"是文件夹，不是模型文件；请指定文件夹里的 .keras 文件，比如 {first}",
            f"is a folder, not a model file; name the .keras file in it, "
            f"such as {first}",
            subject=path,
        )
    if path.suffix not in MODEL_SUFFIXES:
        lower = path.suffix.lower()
        if lower in MODEL_SUFFIXES:
            raise LessonError(
                f"Keras 只认小写的 {lower}；把它改名为 {path.stem}{lower}",
                f"Keras reads {lower} in small letters only; "
                f"rename it to {path.stem}{lower}",
                subject=path,
            )
        raise LessonError(
            f"不是 .keras 文件；这三课保存的模型分别是 {first}、{second} 和 {third}",
            "not a .keras file; the lessons save their models as "
            f"{first}, {second} and {third}",
            subject=path,
        )
    if path.suffix == ".keras" and not zipfile.is_zipfile(path):
        raise LessonError(
            f"不是这个程序能加载的 Keras 模型（文件损坏，或者不是 .keras 压缩包）；{fix[0]}",
            "not a Keras model this program can load (the file is damaged "
            f"or is not a .keras archive); {fix[1]}",
            subject=path,
        )
    # Building its layers draws Python random numbers: put them back, so that
    # loading a model never changes what a lesson's seed trains next.
    random_state = random.getstate()
    try:
        model = import_keras().models.load_model(path)
    except Exception as exc:  # Keras raises many kinds for a bad file
        reason = (
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        )
        raise LessonError(
            f"不是这个程序能加载的 Keras 模型（{reason}）；{fix[0]}",
            f"not a Keras model this program can load ({reason}); {fix[1]}",
            subject=path,
        ) from None
    finally:
        random.setstate(random_state)
    try:
        inputs, outputs = model.input_shape, model.output_shape
    except (AttributeError, ValueError):  # saved before it was ever built
        inputs = outputs = "no fixed shape"
    if not (
        isinstance(inputs, tuple)
        and isinstance(outputs, tuple)
        and inputs[1:] in MODEL_INPUTS
        and outputs[1:] == (10,)
    ):
        raise LessonError(
            f"输入 {inputs}、输出 {outputs}，不是一张 28x28 的图片和 10 个类别的分数；"
            "请用 first_nn.py、first_cnn.py 或 photo_cnn.py 保存的模型",
            f"takes {inputs} and gives {outputs}, not one 28x28 picture and "
            "10 class scores; use a model first_nn.py, first_cnn.py or photo_cnn.py "
            "saved",
            subject=path,
        )
    return model


# The lessons' models, the most capable first (on the test set and on real
# photos): predict.py and the page answer with the first one there is.
MODELS_BEST_FIRST = (PHOTO_MODEL_FILE, CNN_MODEL_FILE, MODEL_FILE)
# Each lesson's model in the words the page and predict.py use for it:
# (the lesson that saves it, Chinese, English).
MODEL_WORDS = {
    PHOTO_MODEL_FILE: (
        "photo_cnn.py",
        "也学过家中照片的卷积神经网络",
        "convolutional network that learned home photos too",
    ),
    CNN_MODEL_FILE: ("first_cnn.py", "卷积神经网络", "convolutional network"),
    MODEL_FILE: ("first_nn.py", "全连接网络", "dense network"),
}


def best_model(output_dir=OUTPUT_DIR):
    """The most capable model the lessons saved in output_dir; the first
    lesson's path when there is none (its error says how to make one)."""
    for name in MODELS_BEST_FIRST:
        if (Path(output_dir) / name).is_file():
            return Path(output_dir) / name
    return Path(output_dir) / MODEL_FILE
