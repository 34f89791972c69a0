"""photo_cnn.py, the third lesson: Fashion-MNIST and home photos, and your own."""

import json
import re

from lesson import (
    data,
    flags,
    home_photos,
    model_files,
    names,
    own_photos,
    quiz,
    results,
)
from lesson.console import MOST_COLUMNS, columns
from lesson.errors import LessonError

import numpy as np
import pytest
from PIL import Image

from conftest import assert_one_line_error

SHORT_RUN = ["--train-size", "2000", "--test-size", "500", "--epochs", "1"]


def write_own_photos(folder, per_class=6):
    """A learner's folder: test images as PNG photos, dark on white, in class
    subfolders named four ways (one of 2 photos), a file that is not an image,
    one of a kind not read, and what Jupyter and macOS leave there unseen."""
    _, (test_images, test_labels) = data.load_data()
    for name, label, count in (
        ("T-shirt", 0, per_class),
        ("裤子", 1, per_class),
        ("ankle_boot", 9, per_class),
        ("Dresses", 3, 2),
    ):
        (folder / name).mkdir(parents=True)
        for number, index in enumerate(np.flatnonzero(test_labels == label)[:count]):
            picture = np.kron(255 - test_images[index], np.ones((4, 4), np.uint8))
            Image.fromarray(picture).save(folder / name / f"{number}.png")
    (folder / "T-shirt" / "notes.png").write_text("not an image")
    (folder / "T-shirt" / "IMG_0001.heic").write_bytes(b"\0" * 64)
    (folder / "T-shirt" / ".DS_Store").write_bytes(b"\0" * 64)
    for unseen in (".ipynb_checkpoints", "__MACOSX"):
        (folder / unseen).mkdir()
    return folder


def test_the_short_run_trains_on_both_and_measures_the_home_photos(
    run_script, tmp_path
):
    mine = write_own_photos(tmp_path / "mine")
    out = tmp_path / "out"
    result = run_script(
        "photo_cnn.py", *SHORT_RUN, "--my-photos", mine, "--output-dir", out
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    text = result.stdout
    for step in range(1, 11):
        assert f"== 步骤 {step}：" in text
    # At most 100 columns, but for the long temporary paths here.
    lines = [line for line in text.splitlines() if str(tmp_path) not in line]
    assert max(map(columns, lines)) <= MOST_COLUMNS
    # The bad files are named and left out, the unseen ones not; the 20 photos
    # all kept, 3 held out (none of the 2 dresses).
    assert "notes.png" in text and "IMG_0001.heic" in text and "跳过" in text
    assert "DS_Store" not in text and "ipynb_checkpoints" not in text
    assert "Dresses: only 2 photos, all for training, none kept apart" in text
    assert (
        "你的照片（训练 + 留出） / Your photos (training + kept apart): 17 + 3" in text
    )
    # 2,000 + 5 copies of 2,403 home photos + 5 copies of 17 own ones.
    assert f"({2000 + 5 * 2403 + 5 * 17}, 28, 28)" in text
    # The quiz's sheet is saved; unanswered, it gives the model's score alone.
    assert (out / "photo_quiz_sheet.png").is_file()
    assert re.search(r"Quiz skipped.*\n模型 / Model: \d+/20\n", text)
    metrics = json.loads((out / names.PHOTO_METRICS_FILE).read_text(encoding="utf-8"))
    home = metrics["home_photos"]
    assert 0 <= home["by_folder"] <= 1 and 0 <= home["all"] <= 1
    assert home["per_class"][8] is None  # no bags among the home photos
    assert metrics["my_photos"]["all"] is not None
    assert metrics["lesson_2_on_home_photos"] is None  # first_cnn.py has not run
    assert "python first_cnn.py --output-dir" in text
    assert (out / names.PHOTO_MODEL_FILE).is_file()
    assert model_files.best_model(out) == out / names.PHOTO_MODEL_FILE
    for name in ("step04_dataset_beside_photos", "step09_per_class_accuracy"):
        assert (out / f"photo_{name}.png").is_file()


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda folder: (folder / "socks").mkdir(), "not a class name"),
        (lambda folder: (folder / "Coat").mkdir(), "no usable photos"),
        (lambda folder: None, "holds no subfolders"),
    ],
)
def test_a_bad_photo_folder_is_one_line_before_any_training(
    run_script, tmp_path, make, words
):
    mine = tmp_path / "mine"
    mine.mkdir()
    make(mine)
    out = tmp_path / "out"
    result = run_script(
        "photo_cnn.py", *SHORT_RUN, "--my-photos", mine, "--output-dir", out
    )
    assert_one_line_error(result)
    assert words in result.stderr
    assert "Epoch" not in result.stdout
    assert not out.exists()  # not even the empty output folder
    assert tmp_path.is_dir() and mine.is_dir()  # folders that were there stay


@pytest.mark.parametrize(
    "name, label",
    [
        ("T-shirt", 0),
        ("T恤", 0),
        ("Trouser", 1),
        ("pants", 1),
        ("Ankle boot", 9),
        ("ankle_boot", 9),
        ("踝靴", 9),
        ("SNEAKER", 7),
        ("Shirts", 6),
        ("Dresses", 3),
        ("t-shirts", 0),
        ("Ankle boots", 9),
    ],
)
def test_a_subfolder_may_be_named_in_english_or_chinese(tmp_path, name, label):
    assert own_photos.class_of_folder(tmp_path / name) == label


def test_a_subfolder_of_no_class_names_the_choices(tmp_path):
    with pytest.raises(LessonError) as raised:
        own_photos.class_of_folder(tmp_path / "hats")
    assert "T-shirt" in raised.value.english and "T恤" in raised.value.chinese


def test_no_copies_of_the_home_photos_would_leave_out_the_learners_too(tmp_path):
    with pytest.raises(LessonError, match="--photo-copies 0 would leave"):
        flags.parse_photo_flags(["--my-photos", str(tmp_path), "--photo-copies", "0"])


def test_copies_of_the_photos_are_added_every_other_one_mirrored():
    images, labels = np.zeros((3, 28, 28), np.uint8), np.zeros(3, np.uint8)
    photo = np.zeros((1, 28, 28), np.uint8)
    photo[0, 5, 2] = 200  # a pixel on the left
    mixed, mixed_labels = home_photos.with_copies(
        images, labels, photo, np.array([7], np.uint8), 3
    )
    assert mixed.shape == (6, 28, 28) and list(mixed_labels) == [0, 0, 0, 7, 7, 7]
    assert mixed[3, 5, 2] == mixed[5, 5, 2] == 200  # as it is
    assert mixed[4, 5, 25] == 200 and mixed[4, 5, 2] == 0  # mirrored
    assert mixed_labels.dtype == labels.dtype


def test_the_direct_classes_are_the_validation_photos_labelled_by_folder():
    direct = home_photos.labelled_by_folder("validation")
    _, (_, labels) = home_photos.load_home_photos()
    assert direct.shape == labels.shape and 0 < direct.sum() < len(direct)
    assert set(labels[direct]) == {0, 1, 3, 4, 6}


def test_photo_accuracy_counts_only_the_classes_there_are(capsys):
    true = np.array([0, 0, 1, 9])
    predicted = np.array([0, 1, 1, 7])
    by_folder = np.array([True, True, True, False])
    measured = results.print_photo_accuracy(true, predicted, by_folder)
    assert measured["all"] == 0.5 and measured["by_folder"] == pytest.approx(2 / 3)
    assert np.isnan(measured["per_class"][8])
    shown = capsys.readouterr().out
    names = [data.class_name(klass) for klass in (0, 1, 9)]
    assert f"{names[0]} 0.50, {names[1]} 1.00, {names[2]} 0.00" in shown
    assert "Bag" not in shown
    assert re.search(r"全部 / All: 0\.500 \(2/4\)", shown)


def test_counts_per_class_keep_each_name_beside_its_number(capsys, monkeypatch):
    monkeypatch.setattr(data, "speaks_chinese", lambda stream=None: True)
    results.print_per_class(np.array([889, 468, 201, 239, 184, 45, 292, 57, 0, 28]))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) > 1 and all(columns(line) <= MOST_COLUMNS for line in lines)
    named = ", ".join(line.strip().rstrip(",") for line in lines).split(", ")
    assert named[0] == "T-shirt/top（T恤/上衣） 889" and len(named) == 10
    assert named[8] == "Bag（包） 0"


def test_the_recipe_benchmark_trains_the_lesson_as_photo_cnn_does(run_script, tmp_path):
    """benchmarks/bench_photo_recipes.py's "lesson" row is photo_cnn.py itself:
    the same seed gives the same scores, so the other rows compare with it."""
    short = ["--train-size", "2000", "--epochs", "1", "--seed"]
    out = tmp_path / "out"
    lesson = run_script("photo_cnn.py", *short, "7", "--output-dir", out)
    assert lesson.returncode == 0, lesson.stderr
    metrics = json.loads((out / names.PHOTO_METRICS_FILE).read_text(encoding="utf-8"))
    bench = run_script(
        "benchmarks.bench_photo_recipes",
        "--recipes",
        "lesson",
        "random-flip-both-ways",
        *short[:-1],
        "--seeds",
        "7",
        "--photos",
        tmp_path / "none",
        timeout=600,
    )
    assert bench.returncode == 0, bench.stderr
    assert "real photos not measured" in bench.stdout
    found = re.search(
        r"^lesson, seed 7: Fashion-MNIST (\S+), home five classes (\S+), all (\S+);",
        bench.stdout,
        re.M,
    )
    assert found, bench.stdout
    test, five, every = map(float, found.groups())
    assert test == pytest.approx(metrics["test_accuracy"], abs=1e-4)
    assert five == pytest.approx(metrics["home_photos"]["by_folder"], abs=1e-3)
    assert every == pytest.approx(metrics["home_photos"]["all"], abs=1e-3)
    rows = [line for line in bench.stdout.splitlines() if line.startswith("| ")]
    assert [row.split(":")[0] for row in rows[1:]] == [
        "| lesson",
        "| random-flip-both-ways",
    ]
    for row in rows[1:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert all(0 <= float(cell) <= 1 for cell in cells[1:4]) and cells[4] == "-"


def test_the_quiz_picks_the_same_pictures_and_shows_no_names():
    picked = quiz.pick(20, 262)
    assert list(picked) == list(quiz.pick(20, 262)) and len(set(picked)) == 20
    assert list(picked) != sorted(picked) and picked.max() < 262  # no class order
    images = np.zeros((262, 28, 28), np.uint8)
    figure = quiz.sheet(images, picked)
    titles = [axis.get_title() for axis in figure.axes if axis.get_title()]
    assert titles == [str(number) for number in range(1, 21)]
    assert all(name not in " ".join(titles) for name in data.CLASS_NAMES)
    with pytest.raises(LessonError, match="1 到 262"):
        quiz.pick(263, 262)


def test_quiz_answers_are_class_numbers_with_a_mark_to_skip_one():
    assert quiz.parse_answers("", 3) == []
    assert quiz.parse_answers("0, 6 ?", 3) == [0, 6, None]
    assert quiz.parse_answers("9，-，1", 3) == [9, None, 1]
    with pytest.raises(LessonError, match="expected 3 answers"):
        quiz.parse_answers("1 2", 3)
    with pytest.raises(LessonError, match="answer 2, 'shirt', is not a class number"):
        quiz.parse_answers("1 shirt 3", 3)
    with pytest.raises(LessonError, match="answer 1, '10'"):
        quiz.parse_answers("10 2 3", 3)


def test_the_quiz_scores_you_beside_the_model_and_the_truth(capsys):
    truth = np.array([0, 6, 9, 1])
    model = np.array([0, 4, 9, 1])
    assert quiz.score([0, 6, None, 3], model, truth) == (2, 3)
    out = capsys.readouterr().out
    assert "   2   6     4     6  Shirt" in out and "   3   ?     9     9" in out
    assert "你 / You: 2/4" in out and "模型 / Model: 3/4" in out
    assert quiz.score([], model, truth) == (None, 3)
    out = capsys.readouterr().out
    assert "Quiz skipped" in out and "模型 / Model: 3/4" in out
