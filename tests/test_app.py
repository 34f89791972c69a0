"""app.py: the local web page, in this process, through gradio_client, and in a real browser."""

import importlib.util
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import zlib

from lesson import data
from lesson.flags import DEFAULT_SEED
from lesson.model import (
    build_cnn,
    build_model,
    compile_cnn,
    compile_model,
    normalize,
    train,
)
from lesson.names import CNN_MODEL_FILE, MODEL_FILE, OUTPUT_DIR

import numpy as np
import pytest
from PIL import Image

import app
from conftest import REPO, assert_one_line_error, clean_environment, run_python
from tooling.browser_check import find_browser
from tooling.shared import phone_photo, start_app, stop_app, top_class

EXAMPLES = [
    REPO / "docs" / "images" / f"example_{name}.jpg"
    for name in ("boot", "pullover", "shirt")
]
CONCURRENT = 20


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """Both lessons' models, trained briefly, saved as the lessons save them.

    The dense one is good enough to call the example boot an ankle boot.
    """
    import tensorflow as tf

    (images, labels), _ = data.load_data()
    images = normalize(images)
    out = tmp_path_factory.mktemp("out")
    tf.keras.utils.set_random_seed(DEFAULT_SEED)
    dense = compile_model(build_model())
    train(dense, images, labels, epochs=3, verbose=0)  # about 10 s
    dense.save(out / MODEL_FILE)
    cnn = compile_cnn(build_cnn())
    train(cnn, images[:3000, ..., None], labels[:3000], epochs=1, verbose=0)
    cnn.save(out / CNN_MODEL_FILE)
    return out


@pytest.fixture(scope="module")
def server(models, tmp_path_factory):
    """python app.py --no-browser on a free port: (process, address)."""
    home = tmp_path_factory.mktemp("home")
    process, url = start_app("--output-dir", models, env=clean_environment(home))
    yield process, url
    stderr = stop_app(process)
    assert "Traceback" not in stderr, stderr


def predict_py(run_script, model, files):
    """predict.py --json's rows for the files."""
    result = run_script("predict.py", *files, "--model", model, "--json")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def bomb_png(path, side=30000):
    """A PNG whose header claims side x side pixels: a decompression bomb."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )
    return path


def bad_files(folder):
    """{kind: (file, words its message holds)}."""
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "notes.png").write_text("this is text")
    with open(folder / "huge.jpg", "wb") as huge:  # sparse: no disk used
        huge.truncate((app.MAX_UPLOAD_MB + 1) * 1024 * 1024)
    return {
        "empty": (folder / "empty.jpg", "empty"),
        "not an image": (folder / "notes.png", "not an image"),
        "decompression bomb": (bomb_png(folder / "bomb.png"), "too many pixels"),
        "too large": (folder / "huge.jpg", f"larger than {app.MAX_UPLOAD_MB} MB"),
    }


def test_importing_app_starts_nothing(clean_env):
    result = run_python(
        [
            "-c",
            "import app, sys; print(sorted({'gradio', 'tensorflow'} & set(sys.modules)))",
        ],
        clean_env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_help_shows_the_defaults(capsys):
    with pytest.raises(SystemExit):
        app.main(["--help"])
    help_text = capsys.readouterr().out
    for default in ("127.0.0.1", "7860", str(OUTPUT_DIR), "--no-browser", "0.0.0.0"):
        assert default in help_text


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--port", "0"], "--port"),
        (["--top", "11"], "--top"),
        (["--port", "x"], "--port"),
        (["--host", ""], "--host"),
        (["--host", "::1"], "IPv4 addresses only"),
        (["--host", "999.1.1.1"], "no such address"),
        (["--host", "10.255.255.1"], "cannot listen there"),
        (["--output-dir", "A_FILE"], "is a file, not a folder"),
    ],
)
def test_bad_flags_get_one_error_line(run_script, tmp_path, argv, message):
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    argv = [a_file if word == "A_FILE" else word for word in argv]
    result = run_script("app.py", "--no-browser", *argv, timeout=120)
    assert_one_line_error(result)
    assert message in result.stderr


def test_without_gradio_one_line_names_the_install_command(clean_env):
    blocked = "import sys; sys.modules['gradio'] = None; import app; "
    result = run_python(
        ["-c", blocked + "sys.exit(app.main(['--no-browser']))"], clean_env, timeout=120
    )
    assert_one_line_error(result)
    assert "pip install -r requirements-app.txt" in result.stderr


def test_the_first_free_port_is_used():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert app.first_free_port("127.0.0.1", port) > port
        # localhost may also be ::1: the port must be free on every address of it.
        assert app.first_free_port("localhost", port) > port


def test_the_page_gives_predict_py_answer(models, tmp_path, run_script):
    files = [*EXAMPLES, phone_photo(tmp_path)]
    classifier = app.Classifier()
    for choice, model in app.available_models(models).items():
        for row, path in zip(predict_py(run_script, model, files), files):
            bars, picture, message = app.answer(
                classifier, models, {"path": str(path)}, choice
            )
            probabilities = [bars[app.class_label(i)] for i in range(10)]
            np.testing.assert_allclose(probabilities, row["probabilities"], atol=1e-6)
            assert (
                top_class((bars,)) == f"{row['class_name']}（{row['class_name_zh']}）"
            )
            assert picture.shape == (280, 280) and picture.max() > 0
            # Which model answered, then predict.py's notes (a near tie, say).
            assert message.startswith(f"模型 / Model：{choice}")
            assert all(note in message for note in row["notes"] + row["notes_zh"])
            assert (message == f"模型 / Model：{choice}") == (not row["unsure"])


def test_the_picture_is_enlarged_without_smoothing():
    picture = np.arange(28 * 28, dtype=np.uint16).reshape(28, 28) % 256
    big = app.enlarge(picture.astype(np.uint8))
    assert big.shape == (280, 280)
    np.testing.assert_array_equal(big[::10, ::10], picture)
    np.testing.assert_array_equal(big[5::10, 9::10], picture)


def test_bad_files_get_a_message_and_the_next_photo_works(models, tmp_path):
    classifier = app.Classifier()
    choice = next(iter(app.available_models(models)))
    for kind, (path, words) in bad_files(tmp_path).items():
        bars, picture, message = app.answer(
            classifier, models, {"path": str(path), "orig_name": path.name}, choice
        )
        assert bars is None and picture is None, kind
        assert words in message and "无法识别" in message, (kind, message)
        assert (
            str(tmp_path) not in message
        )  # the learner's file name, not the server's copy
        bars, _, _ = app.answer(classifier, models, {"path": str(EXAMPLES[0])}, choice)
        assert bars and abs(sum(bars.values()) - 1) < 1e-5, kind


def test_models_are_offered_best_first_and_the_next_command_is_named(models, tmp_path):
    found = app.available_models(models)
    assert [path.name for path in found.values()] == [CNN_MODEL_FILE, MODEL_FILE]
    assert not app.only_the_first_model(found)
    (tmp_path / MODEL_FILE).write_bytes((models / MODEL_FILE).read_bytes())
    assert app.only_the_first_model(app.available_models(tmp_path))
    assert "python first_cnn.py" in app.BETTER_MODEL[0] + app.BETTER_MODEL[1]


def test_without_a_model_the_page_names_the_command(tmp_path):
    bars, picture, message = app.answer(
        app.Classifier(), tmp_path, {"path": str(EXAMPLES[0])}, None
    )
    assert bars is None and picture is None
    assert "python first_nn.py" in message and "还没有训练好的模型" in message


def test_without_a_model_the_app_still_starts_and_says_so(tmp_path):
    process, url = start_app(
        "--output-dir", tmp_path / "none", env=clean_environment(tmp_path / "home")
    )
    try:
        from gradio_client import Client, handle_file

        client = Client(url, verbose=False, download_files=False)
        bars, picture, message = client.predict(
            handle_file(str(EXAMPLES[0])), None, api_name="/classify"
        )
    finally:
        stderr = stop_app(process)
    assert not bars and picture is None
    assert "python first_nn.py" in message
    assert "Traceback" not in stderr


@pytest.mark.skipif(sys.platform == "win32", reason="Ctrl-C is a POSIX signal here")
@pytest.mark.parametrize("encoding", ["cp936", "cp1252"])
def test_ctrl_c_stops_the_page_quietly_in_any_console(models, tmp_path, encoding):
    process, url = start_app(
        "--output-dir",
        models,
        "--host",
        "0.0.0.0",
        env=clean_environment(tmp_path),
        encoding=encoding,
    )
    lines = [process.stdout.readline()]
    while lines[-1] and "Ctrl-C" not in lines[-1]:  # the last line it prints
        lines.append(process.stdout.readline())
    process.send_signal(signal.SIGINT)
    stdout = "".join(lines) + process.stdout.read()
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 0, stderr
    assert "anyone on this network" in stdout and "Stopped." in stdout
    assert ("已停止" in stdout) == (encoding == "cp936")
    assert stderr == ""


def test_concurrent_requests_are_all_answered_right(server, models, tmp_path):
    from gradio_client import Client, handle_file

    _, url = server
    client = Client(url, verbose=False, download_files=False)
    classifier = app.Classifier()
    choices = list(app.available_models(models))
    expected = {
        (path, choice): top_class(
            app.answer(classifier, models, {"path": str(path)}, choice)
        )
        for path in EXAMPLES
        for choice in choices
    }
    sent = [(EXAMPLES[i % 3], choices[i % 2]) for i in range(CONCURRENT)]
    jobs = [
        client.submit(handle_file(str(path)), choice, api_name="/classify")
        for path, choice in sent
    ]
    answers = [job.result(timeout=300) for job in jobs]
    assert [top_class(answer) for answer in answers] == [expected[key] for key in sent]


def test_bad_uploads_through_the_server_get_a_message(server, models, tmp_path):
    from gradio_client import Client, handle_file

    _, url = server
    client = Client(url, verbose=False, download_files=False)
    choice = next(iter(app.available_models(models)))
    for kind, (path, words) in bad_files(tmp_path).items():
        if kind == "too large":  # refused by the server before it is stored
            with pytest.raises(Exception, match="(?i)size|large"):
                client.predict(handle_file(str(path)), choice, api_name="/classify")
        else:
            bars, _, message = client.predict(
                handle_file(str(path)), choice, api_name="/classify"
            )
            assert not bars and words in message, (kind, message)
        bars, _, message = client.predict(
            handle_file(str(EXAMPLES[0])), choice, api_name="/classify"
        )
        assert bars and bars["label"], kind


def network_isolation(command):
    """command run in a network namespace with only loopback, where the system allows it."""
    if sys.platform != "linux" or not (shutil.which("unshare") and shutil.which("ip")):
        return command, False
    namespace = ["unshare", "-n"] if os.geteuid() == 0 else ["unshare", "-rn"]
    loopback = 'ip link set lo up && exec "$0" "$@"'
    probe = subprocess.run(
        [*namespace, "sh", "-c", loopback, "true"], capture_output=True
    )
    if probe.returncode != 0:
        return command, False
    return [*namespace, "sh", "-c", loopback, *command], True


def test_the_page_in_a_real_browser_with_no_network(models, tmp_path, run_script):
    browser, driver = find_browser()
    missing = [
        name
        for name, found in (
            ("chromium", browser),
            ("chromedriver", driver),
            ("selenium", importlib.util.find_spec("selenium")),
        )
        if not found
    ]
    required = os.environ.get("REQUIRE_BROWSER") == "1"  # set by .ci/run
    if missing and not required:
        pytest.skip(f"not installed: {', '.join(missing)}")
    assert not missing, f"REQUIRE_BROWSER=1 but not installed: {', '.join(missing)}"
    screenshot = tmp_path / "page.png"
    bad_file = tmp_path / "notes.png"
    bad_file.write_text("this is text")
    command, isolated = network_isolation(
        [
            sys.executable,
            "-m",
            "tooling.browser_check",
            "--output-dir",
            str(models),
            "--screenshot",
            str(screenshot),
            "--bad-file",
            str(bad_file),
        ]
    )
    assert isolated or not required or sys.platform != "linux", "no network namespace"
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=clean_environment(tmp_path / "home"),
        cwd=REPO,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    if isolated:
        assert seen["network_interfaces"] == ["lo"]
    assert seen["foreign_requests"] == []
    # The page starts with the best model there is: the second lesson's.
    expected = predict_py(run_script, models / CNN_MODEL_FILE, EXAMPLES[:2])
    for key, row in zip(("boot", "pullover"), expected):
        lines = seen[key].splitlines()
        # The bars' title, then the top class, then each bar's name and percentage.
        assert lines[1] == f"{row['class_name']}（{row['class_name_zh']}）", seen[key]
    assert seen["boot"].splitlines()[1] == "Ankle boot（踝靴）"
    assert seen["picture"] == [280, 280, "pixelated"]
    assert "maximum allowed size of 20" in seen["too_large"], seen["too_large"]
    assert "not an image" in seen["bad_file"] and "notes.png" in seen["bad_file"]
    assert "%" not in seen["bars_after_bad_file"]
    assert "Traceback" not in seen["app_stderr"]
    # Where Chinese would show as boxes, the page names the font package.
    assert "sudo apt install fonts-noto-cjk" in seen["page"]
    assert "Chinese shown as boxes?" in seen["page"]
    pixels = np.asarray(Image.open(screenshot).convert("L"), dtype=np.float32)
    assert pixels.shape[1] >= 1000 and pixels.std() > 10
