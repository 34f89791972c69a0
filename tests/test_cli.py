"""--help and a bad flag, in Chinese and English, for every lesson and tool."""

import argparse
import re

from lesson import console, flags
from lesson.console import MOST_COLUMNS, columns
from lesson.errors import LessonError

import pytest

from conftest import run_repo_script

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def parse_tools():
    """Each lesson's and tool's flag parser, by the script's name."""
    import app
    import experiments
    import predict

    return {
        "first_nn.py": flags.parse_lesson_flags,
        "first_cnn.py": flags.parse_cnn_flags,
        "photo_cnn.py": flags.parse_photo_flags,
        "predict.py": predict.parse_args,
        "app.py": app.parse_args,
        "experiments.py": experiments.parse_args,
    }


SCRIPTS = list(parse_tools())


def help_text(script, capsys):
    with pytest.raises(SystemExit) as ended:
        parse_tools()[script](["--help"])
    assert ended.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("script", SCRIPTS)
def test_help_says_every_flag_in_chinese_then_english(script, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")  # wider than the 100 columns allowed
    text = help_text(script, capsys)
    assert text.startswith("用法 / usage: ")
    assert "选项 / options:" in text
    description = text.split("\n\n")[1].splitlines()
    assert CHINESE.search(description[0]) and not CHINESE.search(description[-1])
    entries = re.split(r"\n  (?=-)", text.split("选项 / options:", 1)[1])[1:]
    assert len(entries) >= 2
    for entry in entries:
        lines = entry.splitlines()
        chinese = [n for n, line in enumerate(lines) if CHINESE.search(line)]
        english = [n for n, line in enumerate(lines) if re.search(r"[a-z]{3} ", line)]
        assert chinese and english and chinese[0] <= english[-1], entry
    assert max(map(columns, text.splitlines())) <= MOST_COLUMNS


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_bad_flag_says_what_is_wrong_in_chinese_and_english(script):
    images = ["x.jpg"] if script == "predict.py" else []  # it needs one
    with pytest.raises(LessonError) as raised:
        parse_tools()[script](["--no-such-flag", *images])
    error = raised.value
    assert error.chinese.startswith("无法识别的参数：--no-such-flag；")
    assert error.english.startswith("unrecognized arguments: --no-such-flag; ")
    assert str(error) == f"{error.chinese} / {error.english}"


@pytest.mark.parametrize(
    "argv, chinese, english",
    [
        (
            ["--epochs", "ten"],
            "参数 --epochs：要一个整数，却是 'ten'",
            "argument --epochs: expected a whole number, got 'ten'",
        ),
        (
            ["--seed"],
            "参数 --seed：后面要跟一个值",
            "argument --seed: expected one argument",
        ),
        (
            ["--epochs", "0"],
            "参数 --epochs：至少要是 1，却是 0",
            "argument --epochs: must be at least 1, got 0",
        ),
    ],
)
def test_argparse_and_the_flags_own_messages_are_both_translated(
    argv, chinese, english
):
    with pytest.raises(LessonError) as raised:
        flags.parse_lesson_flags(argv)
    assert (raised.value.chinese, raised.value.english) == (chinese, english)


def test_a_console_without_chinese_gets_english_alone(clean_env, tmp_path):
    env = {**clean_env, "PYTHONIOENCODING": "cp1252"}
    shown = run_repo_script(
        "predict.py", "--help", env=env, cwd=tmp_path, encoding="cp1252"
    )
    assert shown.returncode == 0
    assert shown.stdout.startswith("usage: predict.py")
    assert shown.stdout.isascii() and "options:" in shown.stdout
    refused = run_repo_script(
        "predict.py", "--tops", "3", "x.jpg", env=env, cwd=tmp_path, encoding="cp1252"
    )
    assert refused.returncode == 1
    assert (
        refused.stderr == "error: unrecognized arguments: --tops; did you mean --top?\n"
    )


def test_long_bilingual_lines_put_the_english_on_a_line_of_its_own(monkeypatch):
    monkeypatch.setattr(console, "speaks_chinese", lambda stream=None: True)
    short = console.fitted("训练用时", "Fit time")
    assert short == "训练用时 / Fit time"
    long = console.fitted("很长的说明" * 10, "a long explanation " * 5, lead="  ")
    lines = long.splitlines()
    assert all(columns(line) <= MOST_COLUMNS for line in lines)
    assert all(line.startswith("  ") for line in lines)
    assert "".join(lines[:1]).strip().startswith("很长的说明")
    monkeypatch.setattr(console, "speaks_chinese", lambda stream=None: False)
    assert console.fitted("训练用时", "Fit time", lead="  ") == "  Fit time"


def test_wrapped_lines_are_even_so_no_word_is_left_alone():
    text = (
        "Skipped: /home/learner/我的衣服/T-shirt/IMG_20240101_123456.heic: "
        "not a PNG, JPEG, BMP, GIF or WebP image"
    )
    lines = console.wrap_columns(text, MOST_COLUMNS)
    assert len(lines) == 2
    assert all(MOST_COLUMNS // 3 < columns(line) <= MOST_COLUMNS for line in lines)


@pytest.mark.parametrize("width", [10, 40, 100])
def test_wrapping_by_columns_keeps_every_character_and_the_width(width):
    text = (
        "一个 epoch（轮）就是让模型把训练集的 60,000 张图片都看一遍；"
        "a folder holding the four Fashion-MNIST .gz files, e.g. /usr/share/datasets"
    )
    lines = console.wrap_columns(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    longest_word = max(columns(word) for word in text.split())
    assert all(columns(line) <= max(width, longest_word) for line in lines)
    assert not any(line.startswith(("，", "；", "）")) for line in lines)


def long_flags(script):
    """The script's flags written out in full (--help aside)."""
    parser_of = parse_tools()[script]
    captured = {}

    def keep(self, *args, **kwargs):
        captured["parser"] = self
        raise SystemExit(0)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(argparse.ArgumentParser, "parse_intermixed_args", keep)
        patch.setattr(argparse.ArgumentParser, "parse_args", keep)
        with pytest.raises(SystemExit):
            parser_of([])
    return [
        option
        for option in captured["parser"]._option_string_actions
        if option.startswith("--") and option != "--help"
    ]


@pytest.mark.parametrize("script", SCRIPTS)
def test_an_abbreviated_flag_is_refused_not_guessed(script):
    """argparse would take --epoch for --epochs and run; here each flag of every
    lesson and tool must be written out."""
    images = ["x.jpg"] if script == "predict.py" else []
    refused = 0
    for option in long_flags(script):
        shorter = option[:-1]
        if shorter in long_flags(script) or len(shorter) < 4:
            continue
        with pytest.raises(LessonError) as raised:
            parse_tools()[script]([shorter, "3", *images])
        assert raised.value.chinese.startswith(f"无法识别的参数：{shorter}")
        assert f"是不是想用 {option}？" in raised.value.chinese
        assert f"did you mean {option}?" in raised.value.english
        refused += 1
    assert refused >= 1
