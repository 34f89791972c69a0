"""You against the model: a numbered sheet of 28x28 home photos without their
names, the learner's answers read from one line of text, and both scored
against the truth, picture by picture."""

from lesson.console import both, fitted, label
from lesson.data import CLASS_NAMES, CLASS_NAMES_ZH
from lesson.errors import LessonError
from lesson.figure_text import bilingual

import matplotlib.pyplot as plt
import numpy as np

QUIZ_SIZE = 20  # pictures in the lesson's quiz
SKIPPED = ("?", "-")  # an answer left out


def pick(count, total, seed=0):
    """count picture numbers out of total, the same ones every run, shuffled
    (the validation pictures are stored class by class)."""
    if not 1 <= count <= total:
        raise LessonError(
            f"测验要 1 到 {total} 张图片，却是 {count}",
            f"the quiz takes 1 to {total} pictures, got {count}",
        )
    return np.random.default_rng(seed).choice(total, count, replace=False)


def sheet(images, indices, columns_per_row=10):
    """The chosen pictures numbered from 1, without names, and the ten class
    numbers to answer with."""
    rows = -(-len(indices) // columns_per_row)
    figure, axes = plt.subplots(
        rows,
        columns_per_row,
        figsize=(1.3 * columns_per_row, 1.5 * rows + 1.6),
        squeeze=False,
    )
    for axis in axes.flat:
        axis.axis("off")
    for number, (axis, index) in enumerate(zip(axes.flat, indices), start=1):
        axis.imshow(images[index], cmap=plt.cm.binary)
        axis.set_title(str(number))
    key = "   ".join(
        f"{klass} {bilingual(CLASS_NAMES_ZH[klass], CLASS_NAMES[klass], ' ')}"
        for klass in range(len(CLASS_NAMES))
    )
    title = bilingual(
        "你认得出来吗？写下每张图片的类别编号",
        "Can you tell? Write each picture's class number",
        " / ",
    )
    figure.suptitle(title + "\n" + key, fontsize=9)
    figure.tight_layout()
    return figure


def parse_answers(text, count):
    """The learner's answers, one class number (0 to 9) a picture, separated by
    spaces or commas; "?" or "-" leaves one out (None). Empty text: []."""
    words = text.replace(",", " ").replace("，", " ").split()
    if not words:
        return []
    if len(words) != count:
        raise LessonError(
            f"要 {count} 个答案（每张图片一个，不知道就写 ?），却有 {len(words)} 个",
            f"expected {count} answers (one a picture, ? for one you skip), "
            f"got {len(words)}",
        )
    answers = []
    for number, word in enumerate(words, start=1):
        if word in SKIPPED:
            answers.append(None)
        elif word.isdigit() and int(word) < len(CLASS_NAMES):
            answers.append(int(word))
        else:
            raise LessonError(
                f"第 {number} 个答案 {word!r} 不是 0 到 9 的类别编号",
                f"answer {number}, {word!r}, is not a class number from 0 to 9",
            )
    return answers


def score(answers, model_answers, truth):
    """Print each picture's answers beside the truth and both scores; return
    (your right answers or None when skipped, the model's)."""
    model_right = int(np.sum(np.asarray(model_answers) == np.asarray(truth)))
    count = len(truth)
    if not answers:
        print(
            fitted(
                "跳过了测验：在 my_answers 里写下你的答案，再运行这个单元格。",
                "Quiz skipped: write your answers in my_answers and run this "
                "cell again.",
            )
        )
        print(label("模型", "Model"), f"{model_right}/{count}")
        return None, model_right
    print(both("编号  你  模型  答案", "No.  you  model  truth"))
    for number, (yours, model, true) in enumerate(
        zip(answers, model_answers, truth), start=1
    ):
        shown = "?" if yours is None else str(yours)
        print(
            f"{number:>4}  {shown:>2}  {int(model):>4}  {int(true):>4}  "
            f"{CLASS_NAMES[true]}"
        )
    yours_right = sum(a == t for a, t in zip(answers, truth))
    print(label("你", "You"), f"{yours_right}/{count}")
    print(label("模型", "Model"), f"{model_right}/{count}")
    return yours_right, model_right
