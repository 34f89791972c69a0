"""python -m benchmarks.bench_quiz: the 100-picture sheet, one person's answers
file, and both scored beside the model's on the same pictures."""

import re

from lesson import quiz
from lesson.home_photos import load_home_photos
from lesson.model import build_cnn
from lesson.model_files import load_trained_model
from lesson.photos import picture_probabilities

import numpy as np
import pytest

from benchmarks import bench_quiz
from conftest import assert_large_and_not_blank


def test_the_answers_file_holds_one_class_number_for_each_picture():
    answers = bench_quiz.read_answers(
        bench_quiz.ANSWERS_FILE, bench_quiz.DEFAULT_COUNT, seed=0
    )
    assert len(answers) == bench_quiz.DEFAULT_COUNT
    assert set(answers) <= set(range(10))


def test_the_sheet_is_saved_and_nothing_is_scored(tmp_path, capsys):
    sheet = tmp_path / "quiz.png"
    assert bench_quiz.main(["--sheet", str(sheet), "--count", "30"]) == 0
    assert_large_and_not_blank(sheet)
    saved, *naming = capsys.readouterr().out.splitlines()
    assert saved == f"已保存 / Saved: {sheet}"
    assert naming[-1].endswith(": # --count 30 --seed 0")  # the line to copy
    assert bench_quiz.main(["--sheet", str(tmp_path / "quiz.jpg")]) == 1
    assert capsys.readouterr().err.strip().endswith("end the file name in .png")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["quiz.png"]


@pytest.fixture(scope="module")
def untrained_model(tmp_path_factory):
    """A convolutional network as the lessons build it, saved before any
    training: its answers are whatever they are, and the command must say so."""
    import keras

    keras.utils.set_random_seed(0)
    model = build_cnn()
    path = tmp_path_factory.mktemp("model") / "untrained.keras"
    model.save(path)
    return path


def scores(out):
    """{group: (the person's right answers, the model's, pictures)} as printed."""
    rows = re.findall(
        r"^[^:\n]+ / ([a-z ]+): 答题人 / person (\d+)/(\d+)  模型 / model (\d+)/\d+$",
        out,
        re.M,
    )
    return {
        group: (int(person), int(model), int(count))
        for group, person, count, model in rows
    }


def test_both_scores_are_counted_on_the_same_pictures(
    untrained_model, tmp_path, capsys
):
    count = 40
    _, (images, labels) = load_home_photos()
    chosen = quiz.pick(count, len(labels))
    truth = labels[chosen]
    # Right on every other picture, a wrong class on the rest, one skipped.
    answers = [int(t) if n % 2 else (int(t) + 1) % 10 for n, t in enumerate(truth)]
    answers[1] = "?"
    file = tmp_path / "answers.txt"
    file.write_text("# a comment line\n" + " ".join(map(str, answers)) + "\n")
    argv = ["--answers", str(file), "--count", str(count), "--model"]
    assert bench_quiz.main([*argv, str(untrained_model)]) == 0
    out = capsys.readouterr().out
    model = load_trained_model(untrained_model)
    model_answers = np.argmax(picture_probabilities(model, images[chosen]), axis=1)
    printed = scores(out)
    assert printed["all"] == (
        count // 2 - 1,
        int(np.sum(model_answers == truth)),
        count,
    )
    shoes = np.isin(truth, (5, 7, 9))
    assert printed["shoes"][2] == int(np.sum(shoes))
    assert sum(printed[group][2] for group in printed if group != "all") == count
    both_right = int(
        sum(a == t and m == t for a, m, t in zip(answers, model_answers, truth))
    )
    assert f"两者都对 / Both right: {both_right}\n" in out


@pytest.mark.parametrize(
    "text, message",
    [
        ("1 2 3", "expected 5 answers (one a picture, ? for one you skip), got 3"),
        ("1 2 3 4 x", "answer 5, 'x', is not a class number from 0 to 9"),
        ("# only a comment\n", "the answers file is empty"),
        (
            "# --count 5 --seed 3\n1 2 3 4 5",
            "the answers are for the sheet of --count 5 --seed 3, "
            "not of --count 5 --seed 0",
        ),
    ],
)
def test_a_bad_answers_file_gets_one_error_line(
    tmp_path, capsys, untrained_model, text, message
):
    file = tmp_path / "answers.txt"
    file.write_text(text)
    argv = ["--answers", str(file), "--count", "5", "--model", str(untrained_model)]
    assert bench_quiz.main(argv) == 1
    captured = capsys.readouterr()
    [line] = captured.err.strip().splitlines()
    assert line.startswith("error: ") and line.endswith(message), line
    assert captured.out == ""
