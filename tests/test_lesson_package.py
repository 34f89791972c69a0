"""The lesson/ package on its own: data, model, flags, console, errors, files."""

import ast
import gzip
import io
import os
import re
import subprocess
import sys

from lesson import console, data, errors, files, flags, inference, model, names, results

import keras
import numpy as np
import pytest

from conftest import REPO


@pytest.fixture(scope="module")
def arrays():
    return data.load_data()


def test_load_data_gives_the_tutorials_shapes_and_first_label(arrays):
    (train_images, train_labels), (test_images, test_labels) = arrays
    assert train_images.shape == (60000, 28, 28)
    assert test_images.shape == (10000, 28, 28)
    assert train_labels.shape == (60000,) and test_labels.shape == (10000,)
    assert train_images.dtype == np.uint8 and train_labels.dtype == np.uint8
    assert train_labels[0] == 9
    assert data.CLASS_NAMES[train_labels[0]] == "Ankle boot"


def test_load_data_came_from_the_bundled_copy_through_keras_cache(arrays):
    cache = data.keras_cache_dir()
    assert str(cache).startswith(os.environ["KERAS_HOME"])
    for name, digest in data.FASHION_MNIST_SHA256.items():
        assert data.sha256_of_gzip_content(cache / name) == digest


def test_bundled_files_match_their_byte_and_content_checksums():
    for name, content_sha256 in data.FASHION_MNIST_SHA256.items():
        path = data.BUNDLED_DATA_DIR / name
        assert data.sha256_of_file(path) == data.BUNDLED_GZIP_SHA256[name]
        assert data.sha256_of_gzip_content(path) == content_sha256
        assert data.is_good_copy(path, name)


def test_truncated_cache_file_is_repaired_from_bundled_copy(tmp_path):
    data.stage(cache_dir=tmp_path)
    victim = tmp_path / data.TRAIN_IMAGES
    victim.write_bytes(victim.read_bytes()[:1000])
    notes = data.stage(cache_dir=tmp_path)
    assert len(notes) == 1 and "corrupt" in notes[0]
    digest = data.FASHION_MNIST_SHA256[data.TRAIN_IMAGES]
    assert data.sha256_of_gzip_content(victim) == digest


def copy_of_the_data(folder, recompress=False):
    """The four files in folder; recompressed ones have another gzip wrapper."""
    folder.mkdir()
    for name in data.FASHION_MNIST_SHA256:
        raw = (data.BUNDLED_DATA_DIR / name).read_bytes()
        if recompress:
            raw = gzip.compress(gzip.decompress(raw), compresslevel=1, mtime=0)
        (folder / name).write_bytes(raw)
    return folder


def test_a_cached_copy_is_good_by_its_bytes_or_by_its_content(tmp_path):
    folder = copy_of_the_data(tmp_path / "rewrapped", recompress=True)
    for name in data.FASHION_MNIST_SHA256:
        assert data.sha256_of_file(folder / name) != data.BUNDLED_GZIP_SHA256[name]
        assert data.is_good_copy(folder / name, name)
    (folder / data.TEST_LABELS).write_bytes(b"not gzip")
    assert not data.is_good_copy(folder / data.TEST_LABELS, data.TEST_LABELS)
    assert not data.is_good_copy(folder / "missing.gz", data.TEST_LABELS)


def test_data_dir_is_accepted_by_content_not_by_gzip_wrapper(tmp_path):
    source = copy_of_the_data(tmp_path / "debian", recompress=True)
    assert (source / data.TEST_LABELS).read_bytes() != (
        data.BUNDLED_DATA_DIR / data.TEST_LABELS
    ).read_bytes()
    assert data.stage(source, cache_dir=tmp_path / "cache") == []
    for name in data.FASHION_MNIST_SHA256:
        assert (tmp_path / "cache" / name).is_file()


@pytest.mark.parametrize(
    "damage, problem",
    [
        (
            lambda path: path.write_bytes(path.read_bytes()[:5000]),
            "corrupt or truncated",
        ),
        (
            lambda path: path.write_bytes(gzip.compress(b"\0\0\x08\x01" + bytes(8))),
            "SHA-256",
        ),
        (lambda path: path.unlink(), "no such file"),
    ],
)
def test_a_bad_data_dir_file_is_named_with_the_fix(tmp_path, damage, problem):
    source = copy_of_the_data(tmp_path / "source")
    damage(source / data.TRAIN_IMAGES)
    with pytest.raises(errors.LessonError) as raised:
        data.stage(source, cache_dir=tmp_path / "cache")
    message = str(raised.value)
    assert data.TRAIN_IMAGES in message and problem in message
    assert "--data-dir" in message and "git checkout" not in message


def test_a_data_dir_is_checked_even_when_the_cache_is_good(tmp_path):
    data.stage(cache_dir=tmp_path / "cache")
    with pytest.raises(errors.LessonError, match="not a folder"):
        data.stage(tmp_path / "no-such-folder", cache_dir=tmp_path / "cache")
    source = copy_of_the_data(tmp_path / "source")
    (source / data.TEST_LABELS).write_bytes(b"broken")
    with pytest.raises(errors.LessonError, match=data.TEST_LABELS):
        data.stage(source, cache_dir=tmp_path / "cache")


def test_a_broken_bundled_copy_says_how_to_restore_it(tmp_path, monkeypatch):
    source = copy_of_the_data(tmp_path / "bundle")
    (source / data.TEST_IMAGES).write_bytes(b"not gzip")
    monkeypatch.setattr(data, "BUNDLED_DATA_DIR", source)
    with pytest.raises(errors.LessonError, match="git checkout -- data/"):
        data.stage(cache_dir=tmp_path / "cache")


def test_take_first_refuses_more_than_there_are(arrays):
    images, labels = data.take_first(*arrays[1], 5, "--test-size")
    assert len(images) == len(labels) == 5
    with pytest.raises(errors.LessonError) as raised:
        data.take_first(*arrays[1], 10001, "--test-size")
    assert raised.value.text(chinese=False) == (
        "--test-size 10001: there are only 10000 examples"
    )
    assert str(raised.value) == (
        "--test-size 10001：只有 10000 个样本 / there are only 10000 examples"
    )


def test_first_nn_uses_the_tutorials_class_names():
    tree = ast.parse((REPO / "first_nn.py").read_text(encoding="utf-8"))
    assigned = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(getattr(t, "id", None) == "class_names" for t in node.targets)
    ]
    assert len(assigned) == 1
    assert ast.literal_eval(assigned[0]) == data.CLASS_NAMES
    assert len(data.CLASS_NAMES_ZH) == len(set(data.CLASS_NAMES_ZH)) == 10


def test_normalize_gives_float32_between_0_and_1(arrays):
    images = keras.ops.convert_to_numpy(model.normalize(arrays[0][0][:1000]))
    assert images.dtype == np.float32
    assert images.min() == 0.0 and images.max() == 1.0
    np.testing.assert_allclose(images[0], arrays[0][0][0] / 255.0, rtol=1e-6)


def test_model_has_the_tutorials_layers_and_101770_parameters():
    built = model.build_model()
    kinds = [type(layer).__name__ for layer in built.layers]
    assert kinds == ["Flatten", "Dense", "Dense"]
    assert built.layers[1].units == 128 and built.layers[2].units == 10
    assert built.layers[1].activation.__name__ == "relu"
    assert built.layers[2].activation.__name__ == "linear"
    assert built.count_params() == 101_770
    assert model.build_model(64).count_params() == 784 * 64 + 64 + 64 * 10 + 10


def test_model_outputs_10_logits_per_image(arrays):
    logits = keras.ops.convert_to_numpy(
        model.build_model()(model.normalize(arrays[1][0][:5]))
    )
    assert logits.shape == (5, 10)
    assert not np.allclose(logits.sum(axis=1), 1.0)  # raw scores, not probabilities


def test_compiled_loss_is_cross_entropy_from_logits(arrays):
    compiled = model.compile_model(model.build_model())
    images, labels = model.normalize(arrays[1][0][:64]), arrays[1][1][:64]
    loss, accuracy = compiled.evaluate(images, labels, verbose=0)
    logits = compiled.predict(images, verbose=0).astype(np.float64)
    log_softmax = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    expected_loss = -log_softmax[np.arange(64), labels].mean()
    assert loss == pytest.approx(expected_loss, rel=1e-4)
    assert accuracy == pytest.approx(np.mean(logits.argmax(axis=1) == labels))


def test_compile_settings_are_read_back_from_the_model():
    compiled = model.compile_model(model.build_model())
    assert model.compile_settings(compiled) == (
        "optimizer=Adam, loss=SparseCategoricalCrossentropy(from_logits=True),\n"
        "metrics=['accuracy'], steps_per_execution=32, jit_compile=True"
    )
    other = model.build_model()
    other.compile(optimizer="sgd", loss="mse", steps_per_execution=4)
    described = model.compile_settings(other)
    assert (
        "optimizer=SGD, loss=mse," in described and "steps_per_execution=4" in described
    )


def test_probability_model_rows_sum_to_1_and_keep_the_argmax(arrays):
    built = model.build_model()
    images = model.normalize(arrays[1][0][:100])
    probabilities = inference.predict_probabilities(built, images)
    logits = built.predict(images, verbose=0)
    assert probabilities.shape == (100, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(probabilities.argmax(axis=1), logits.argmax(axis=1))


def test_bundled_data_has_licence_note():
    note = (REPO / "data" / "fashion-mnist" / "LICENSE").read_text(encoding="utf-8")
    assert "Zalando SE" in note and "MIT" in note


def test_failed_write_leaves_nothing_behind_and_says_which_file(tmp_path):
    def fail_halfway(temporary):
        temporary.write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(errors.LessonError) as raised:
        files.write_atomically(tmp_path / names.METRICS_FILE, fail_halfway)
    assert raised.value.text(chinese=False).startswith(
        f"{tmp_path / names.METRICS_FILE}: cannot write it (No space left on device)"
    )
    assert "无法写入" in str(raised.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--epochs", "0"], "--epochs"),
        (["--epochs", "ten"], "'ten'"),
        (["--train-size", "0"], "--train-size"),
        (["--hidden-units", "-5"], "--hidden-units"),
        (["--seed", "x"], "--seed"),
        (["--seed", "-1"], "--seed"),
        (["--seed", str(2**32)], "--seed"),
        (["--bogus"], "--bogus"),
    ],
)
def test_bad_lesson_flags_raise_a_lesson_error(argv, message):
    with pytest.raises(errors.LessonError, match=message):
        flags.parse_lesson_flags(argv)


def test_lesson_flag_defaults_are_the_tutorials():
    args = flags.parse_lesson_flags([])
    assert (args.epochs, args.hidden_units, args.seed) == (10, 128, 42)
    assert args.train_size is None and args.data_dir is None and not args.show


def test_notebook_flags_come_from_the_environment(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipykernel", sys)  # pretend to be a kernel
    monkeypatch.setenv(names.NOTEBOOK_FLAGS, "--epochs 2 --output-dir 'my runs'")
    args = flags.parse_lesson_flags()
    assert args.epochs == 2 and str(args.output_dir) == "my runs"


def test_labels_drop_chinese_where_the_console_cannot_show_it(monkeypatch):
    utf8 = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", utf8)
    assert console.label("第一个标签", "First label") == "第一个标签 / First label:"
    western = io.TextIOWrapper(io.BytesIO(), encoding="cp1252")
    monkeypatch.setattr(sys, "stdout", western)
    assert console.label("第一个标签", "First label") == "First label:"
    assert data.class_name(9) == "Ankle boot"
    chinese = io.TextIOWrapper(io.BytesIO(), encoding="gbk")
    monkeypatch.setattr(sys, "stdout", chinese)
    assert data.class_name(9) == "Ankle boot（踝靴）"


@pytest.mark.parametrize(
    "encoding, shown",
    [
        ("gbk", "踝靴 yes - \\U0001f642 ━━"),
        ("cp1252", "\\u8e1d\\u9774 yes - \\U0001f642 =="),
    ],
)
def test_make_safe_replaces_what_the_console_cannot_encode(
    monkeypatch, encoding, shown
):
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding)
    monkeypatch.setattr(sys, "stdout", stream)
    console.make_safe()
    print("踝靴 ✓ − 🙂 ━━")
    stream.flush()
    # What the console lacks: an ASCII stand-in where there is one, else an escape.
    assert raw.getvalue().decode(encoding) == shown + "\n"


def test_short_path_writes_the_home_as_a_tilde(tmp_path):
    assert console.short_path(
        os.path.join(os.path.expanduser("~"), "a", "b")
    ) == os.path.join("~", "a", "b")
    assert console.short_path(f"{names.OUTPUT_DIR}/x.png") == os.path.join(
        names.OUTPUT_DIR, "x.png"
    )


@pytest.mark.parametrize(
    "raised, status, line",
    [
        (errors.LessonError("x.png: no such file"), 1, "error: x.png: no such file"),
        (
            errors.LessonError("没有这个文件", "no such file", subject="x.png"),
            1,
            "error: x.png：没有这个文件 / no such file",
        ),
        (KeyboardInterrupt(), 130, "error: 已中断 / interrupted"),
    ],
)
def test_guard_turns_errors_into_one_line_and_a_status(capsys, raised, status, line):
    def fail():
        raise raised

    assert errors.guard(fail) == status
    assert capsys.readouterr().err == line + "\n"
    assert errors.guard(lambda: 3) == 3


def test_a_lesson_error_in_a_notebook_is_one_line(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        shell.run_cell(
            "from lesson.errors import LessonError, handle_uncaught\n"
            "handle_uncaught()\n"
            "raise LessonError('--epochs: must be at least 1, got 0')\n"
        )
        printed = capsys.readouterr()
    finally:
        InteractiveShell.clear_instance()
    assert printed.err == "error: --epochs: must be at least 1, got 0\n"
    assert "Traceback" not in printed.out + printed.err


def test_notebook_flags_keep_windows_paths(monkeypatch):
    monkeypatch.setattr(flags.os, "name", "nt")
    assert flags.split_flags(r'--output-dir C:\runs\a "--data-dir" "D:\my data"') == [
        "--output-dir",
        r"C:\runs\a",
        "--data-dir",
        r"D:\my data",
    ]


def test_versions_are_the_installed_ones():
    import matplotlib

    versions = results.library_versions()
    assert versions["numpy"] == np.__version__
    assert versions["matplotlib"] == matplotlib.__version__


def test_importing_the_package_and_tools_has_no_side_effects(clean_env, tmp_path):
    code = (
        "import os, sys\n"
        "import lesson.console, lesson.data, lesson.errors, lesson.files\n"
        "import lesson.flags, lesson.model, lesson.results, lesson.figures\n"
        "import predict, experiments\n"
        "assert 'tensorflow' not in sys.modules, 'tensorflow was imported'\n"
        "assert 'TF_CPP_MIN_LOG_LEVEL' not in os.environ\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={**clean_env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]
    assert not (tmp_path / "home" / ".keras").exists()


def test_startup_filter_drops_tensorflow_noise_and_keeps_real_errors(clean_env):
    code = (
        "import os\n"
        "from lesson.startup import quiet_tensorflow_startup\n"
        "with quiet_tensorflow_startup():\n"
        "    os.write(2, b'WARNING: All log messages before absl::InitializeLog() is called\\n')\n"
        "    os.write(2, b'I0000 cudart_stub.cc:31] Could not find cuda drivers\\n')\n"
        "    os.write(2, b'E0000 something.cc:1] a real problem\\n')\n"
    )
    env = {**clean_env, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert result.stderr == "E0000 something.cc:1] a real problem\n"
    # A user who chose a log level sees TensorFlow's own output, unfiltered.
    env["TF_CPP_MIN_LOG_LEVEL"] = "0"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert "cudart_stub.cc" in result.stderr and "a real problem" in result.stderr


@pytest.mark.parametrize(
    "training, test, meaning",
    [
        (0.9, 0.8, "+10.0 points (higher on the training set: overfitting)"),
        (0.5, 0.6, "-10.0 points (not higher on the training set: no overfitting)"),
        (0.8004, 0.8, "+0.0 points (not higher on the training set: no overfitting)"),
    ],
)
def test_the_gap_line_says_overfitting_only_when_training_is_higher(
    monkeypatch, capsys, training, test, meaning
):
    monkeypatch.setattr(console, "speaks_chinese", lambda: False)
    results.print_overfitting({"accuracy": [training]}, test)
    assert meaning in capsys.readouterr().out


def test_layer_sizes_are_bounded_so_a_typo_is_not_an_out_of_memory_crash():
    assert flags.parse_lesson_flags(["--hidden-units", "8192"]).hidden_units == 8192
    assert flags.parse_cnn_flags(["--filters", "256"]).filters == 256
    with pytest.raises(errors.LessonError, match="must be from 1 to 8192"):
        flags.parse_lesson_flags(["--hidden-units", "99999999999"])
    with pytest.raises(errors.LessonError, match="must be from 1 to 256"):
        flags.parse_cnn_flags(["--filters", "257"])


def test_a_mistyped_flag_gets_the_flag_it_resembles():
    with pytest.raises(errors.LessonError) as raised:
        flags.parse_lesson_flags(["--hiden-units", "64"])
    assert str(raised.value) == (
        "无法识别的参数：--hiden-units 64；是不是想用 --hidden-units？ / "
        "unrecognized arguments: --hiden-units 64; did you mean --hidden-units?"
    )
    with pytest.raises(errors.LessonError, match="; .*--help lists them$"):
        flags.parse_lesson_flags(["--no-such-flag"])


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["--train-size", "60001"],
            "参数 --train-size：要在 1 到 60000 之间，却是 60001 / "
            "argument --train-size: must be from 1 to 60000, got 60001",
        ),
        (
            ["--test-size", "10001"],
            "参数 --test-size：要在 1 到 10000 之间，却是 10001 / "
            "argument --test-size: must be from 1 to 10000, got 10001",
        ),
        (
            ["--data-dir", "NO_SUCH"],
            "参数 --data-dir：NO_SUCH：没有这个文件夹 / "
            "argument --data-dir: NO_SUCH: no such folder",
        ),
        (
            ["--data-dir", "A_FILE"],
            "参数 --data-dir：A_FILE：是文件，不是文件夹 / "
            "argument --data-dir: A_FILE: is a file, not a folder",
        ),
        (
            ["--data-dir", ""],
            "参数 --data-dir：文件夹名是空的 / argument --data-dir: the folder name is empty",
        ),
    ],
)
def test_data_flags_are_checked_before_any_work(tmp_path, argv, message):
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    names = {"NO_SUCH": str(tmp_path / "none"), "A_FILE": str(a_file)}
    argv = [names.get(word, word) for word in argv]
    for name, path in names.items():
        message = message.replace(name, path)
    assert flags.parse_lesson_flags(["--train-size", "60000"]).train_size == 60000
    with pytest.raises(errors.LessonError, match=f"^{re.escape(message)}$"):
        flags.parse_lesson_flags(argv)


def test_next_steps_name_the_model_this_run_saved(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)  # outputs/ holds only what the test puts there
    monkeypatch.setattr(console, "speaks_chinese", lambda: False)
    (tmp_path / names.OUTPUT_DIR).mkdir()
    (tmp_path / names.OUTPUT_DIR / names.MODEL_FILE).write_text("")
    results.print_next_steps(names.OUTPUT_DIR)
    results.print_next_steps(os.path.join(names.OUTPUT_DIR, "hidden-64"))
    default_run, other_run = capsys.readouterr().out.split("Next:")[1:]
    assert "  python predict.py docs/images/example_boot.jpg\n" in default_run
    assert "--model" not in default_run
    model = os.path.join(names.OUTPUT_DIR, "hidden-64", names.MODEL_FILE)
    assert f"docs/images/example_boot.jpg --model {model}\n" in other_run
    results.print_next_steps(names.OUTPUT_DIR, names.CNN_MODEL_FILE)
    cnn_run = capsys.readouterr().out
    model = os.path.join(names.OUTPUT_DIR, names.CNN_MODEL_FILE)
    assert f"docs/images/example_boot.jpg --model {model}\n" in cnn_run
    assert "experiments.py" not in cnn_run  # its grid is of dense networks
    assert "  python photo_cnn.py\n" in cnn_run  # the third lesson, next
    assert "photo_cnn.py" not in default_run + other_run
    results.print_next_steps(
        os.path.join(names.OUTPUT_DIR, "cnn"), names.CNN_MODEL_FILE
    )
    folder = os.path.join(names.OUTPUT_DIR, "cnn")
    assert f"  python photo_cnn.py --output-dir {folder}\n" in capsys.readouterr().out
    # Once it is there, predict.py picks the second lesson's model by itself.
    (tmp_path / names.OUTPUT_DIR / names.CNN_MODEL_FILE).write_text("")
    results.print_next_steps(names.OUTPUT_DIR, names.CNN_MODEL_FILE)
    assert "--model" not in capsys.readouterr().out


def test_without_first_nn_metrics_the_command_names_this_folder(tmp_path, capsys):
    folder = tmp_path / "cnn only"
    assert results.compare(folder / names.METRICS_FILE, {}, folder) is None
    assert f'python first_nn.py --output-dir "{folder}" to compare' in (
        capsys.readouterr().out
    )


PRETEND_PYTHON_3_14 = """import sys


class Version(tuple):
    major, minor, micro = 3, 14, 0


sys.version_info = Version((3, 14, 0, "final", 0))
"""
HIDE_TENSORFLOW = (
    "import sys\nsys.modules['tensorflow'] = None  # as if not installed\n"
)
# NumPy is imported by the tools before TensorFlow: lesson/ must check first.
HIDE_NUMPY = "import sys\nsys.modules['numpy'] = None  # as if not installed\n"


@pytest.mark.parametrize(
    "script", ["first_nn.py", "first_cnn.py", "predict.py", "app.py", "experiments.py"]
)
@pytest.mark.parametrize(
    "site, expected",
    [
        (
            PRETEND_PYTHON_3_14,
            "needs 64-bit Python 3.11-3.13 (this is 64-bit 3.14.0): see README.md",
        ),
        (
            HIDE_TENSORFLOW,
            "missing packages tensorflow: in the activated virtual environment, run "
            "python -m pip install -r requirements.txt",
        ),
        (
            HIDE_NUMPY,
            "missing packages numpy: in the activated virtual environment, run "
            "python -m pip install -r requirements.txt",
        ),
    ],
)
def test_an_unsupported_python_or_a_missing_package_is_one_line(
    run_script, clean_env, tmp_path, script, site, expected
):
    (tmp_path / "sitecustomize.py").write_text(site)
    env = {**clean_env, "PYTHONPATH": str(tmp_path)}
    result = run_script(script, "--help", env=env)
    lines = result.stderr.splitlines()
    assert result.returncode == 1 and result.stdout == ""
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert expected in lines[0]
    assert ("需要 64 位的 Python 3.11–3.13" in lines[0]) == (
        site == PRETEND_PYTHON_3_14
    )
