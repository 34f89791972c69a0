"""你和模型比一比：验证集里的家中照片，28×28，和第三课的测验一样。
You against the model: home validation pictures at 28x28, as in the third
lesson's quiz.

    python -m benchmarks.bench_quiz --sheet quiz.png   # the pictures to answer
    python -m benchmarks.bench_quiz                    # score an answers file

--sheet saves the numbered sheet (lesson.quiz.sheet) of --count pictures
chosen by lesson.quiz.pick. The answers file holds one class number (0 to 9,
or ? to skip) a picture, in the sheet's order, separated by spaces or line
breaks; a line starting with # is a comment. It is scored as the lesson
scores its quiz, beside the model's answers on the same pictures.
"""

import sys
from pathlib import Path

from lesson import arguments, console, errors, quiz
from lesson.console import both, fitted, label
from lesson.errors import LessonError
from lesson.files import write_atomically
from lesson.home_photos import HOME_PHOTOS_DIR, load_home_photos, shown
from lesson.model_files import best_model, load_trained_model
from lesson.names import OUTPUT_DIR, REPO
from lesson.photos import picture_probabilities

import matplotlib.pyplot as plt
import numpy as np

# One person's answers, given by looking at the --count default sheet only.
ANSWERS_FILE = HOME_PHOTOS_DIR / "quiz_answers_by_looking.txt"
ANSWERS_DEFAULT = ANSWERS_FILE.relative_to(REPO).as_posix()
DEFAULT_COUNT = 100
# The classes of the home photos, in groups a learner tells apart first.
GROUPS = {
    ("上衣", "tops"): (0, 2, 4, 6),
    ("裤子和连衣裙", "trousers and dresses"): (1, 3),
    ("鞋", "shoes"): (5, 7, 9),
}


def sheet_line(count, seed):
    """The answers file's line that names the sheet it answers."""
    return f"# --count {count} --seed {seed}"


def read_answers(path, count, seed):
    """The answers in a file, comment lines left out (quiz.parse_answers); a
    file that names its sheet (sheet_line) must name this one."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise LessonError(
            f"无法读取答案文件（{reason}）",
            f"cannot read the answers file ({reason})",
            subject=path,
        ) from None
    lines = [line.strip() for line in text.splitlines()]
    named = next((line for line in lines if line.startswith("# --count ")), None)
    if named is not None and named != sheet_line(count, seed):
        raise LessonError(
            f"答案文件是为 {named[2:]} 的测验图写的，"
            f"不是 --count {count} --seed {seed}",
            f"the answers are for the sheet of {named[2:]}, "
            f"not of --count {count} --seed {seed}",
            subject=path,
        )
    kept = [line for line in lines if not line.startswith("#")]
    answers = quiz.parse_answers(" ".join(kept), count)
    if not answers:
        raise LessonError("答案文件是空的", "the answers file is empty", subject=path)
    return answers


def compare(answers, model_answers, truth):
    """Print both scores, by class group, and where the two differ."""
    truth = np.asarray(truth)
    person_right = np.array([answer == true for answer, true in zip(answers, truth)])
    model_right = np.asarray(model_answers) == truth
    person, model = both("答题人", "person"), both("模型", "model")
    for (chinese, english), classes in [(("全部", "all"), None), *GROUPS.items()]:
        members = np.isin(truth, classes) if classes else np.ones(truth.shape, bool)
        count = int(members.sum())
        print(
            f"{label(chinese, english)} {person} {int(person_right[members].sum())}"
            f"/{count}  {model} {int(model_right[members].sum())}/{count}"
        )
    for chinese, english, which in (
        ("两者都对", "Both right", person_right & model_right),
        ("只有答题人对", "Only the person right", person_right & ~model_right),
        ("只有模型对", "Only the model right", ~person_right & model_right),
        ("两者都错", "Both wrong", ~person_right & ~model_right),
    ):
        print(label(chinese, english), int(np.sum(which)))


def save_sheet(path, images, chosen, seed):
    """The numbered sheet to answer, as a PNG file, and the line that names
    it in an answers file."""
    if path.suffix.lower() != ".png":
        raise LessonError(
            "测验图保存为 PNG：文件名要以 .png 结尾",
            "the sheet is saved as PNG: end the file name in .png",
            subject=path,
        )
    figure = quiz.sheet(images, chosen)
    write_atomically(
        path, lambda temporary: figure.savefig(temporary, dpi=100, format="png")
    )
    plt.close(figure)
    print(label("已保存", "Saved"), path)
    line = sheet_line(len(chosen), seed)
    print(
        fitted(
            f"在答案文件里写上这一行，说明答的是哪张测验图：{line}",
            f"Put this line in the answers file, naming the sheet it answers: {line}",
        )
    )


def run(args):
    _, (images, labels) = load_home_photos()
    chosen = quiz.pick(args.count, len(labels), args.seed)
    if args.sheet is not None:
        save_sheet(args.sheet, images, chosen, args.seed)
        return 0
    answers = read_answers(args.answers, args.count, args.seed)
    model_path = args.model or best_model(OUTPUT_DIR)
    model = load_trained_model(model_path)
    model_answers = np.argmax(picture_probabilities(model, images[chosen]), axis=1)
    print(label("答案文件", "Answers"), shown(args.answers))
    print(label("模型", "Model"), model_path)
    compare(answers, model_answers, labels[chosen])
    return 0


def main(argv=None):
    console.make_safe()
    parser = arguments.parser(
        "你和模型比一比：验证集里的家中照片，28×28\n"
        "You against the model: home validation pictures at 28x28"
    )
    parser.add_argument(
        "--answers",
        metavar="PATH",
        type=Path,
        default=ANSWERS_FILE,
        help=f"答案文件（默认：{ANSWERS_DEFAULT}）\n"
        f"the answers file (default: {ANSWERS_DEFAULT})",
    )
    parser.add_argument(
        "--count",
        type=arguments.positive_int,
        default=DEFAULT_COUNT,
        help="测验的图片张数\npictures in the quiz",
    )
    parser.add_argument(
        "--seed",
        type=arguments.seed,
        default=0,
        help="选图片的随机种子（默认：0）\nthe seed that chooses the pictures (default: 0)",
    )
    parser.add_argument(
        "--sheet",
        metavar="PNG",
        type=Path,
        default=None,
        help="只保存测验图（PNG），不打分\nonly save the sheet to answer (PNG), no scoring",
    )
    parser.add_argument(
        "--model",
        metavar="PATH",
        type=Path,
        default=None,
        help="训练好的模型（默认：outputs 里最好的一个）\n"
        "the trained model (default: the best in outputs)",
    )
    return errors.guard(lambda: run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
