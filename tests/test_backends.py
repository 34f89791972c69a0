"""Keras' backends: the lessons and predict.py on JAX and PyTorch, a model that
moves between backends, and one error line for a bad or missing backend."""

import importlib.util
import json
import os
import re

from lesson import backends, names
from lesson.errors import LessonError

import numpy as np
import pytest

from conftest import (
    ONE_EPOCH_SUBSET,
    REPO,
    assert_nothing_written,
    assert_one_line_error,
    clean_environment,
    run_repo_script,
)


def require(backend):
    """Skip a test of a backend that is not installed, unless CI requires it."""
    if backends.installed(backend):
        return
    if backend == "torch" and os.environ.get("REQUIRE_TORCH"):
        pytest.fail("REQUIRE_TORCH is set but PyTorch is not installed")
    pytest.skip(f"{backend} is not installed ({backends.BACKENDS[backend][2]})")


OTHER_BACKENDS = ["jax", "torch"]
LESSONS = {  # lesson: (model file, the first of its saved figures)
    "first_nn.py": (names.MODEL_FILE, "step08_hidden_weights.png"),
    "first_cnn.py": (names.CNN_MODEL_FILE, "cnn_step10_feature_maps.png"),
}


@pytest.fixture(scope="module")
def lesson_runs(tmp_path_factory):
    """Each lesson's one-epoch subset run on each other installed backend, once."""
    runs = {}

    def run(lesson, backend):
        if (lesson, backend) not in runs:
            home = tmp_path_factory.mktemp("home")
            out = tmp_path_factory.mktemp("out")
            result = run_repo_script(
                lesson,
                *ONE_EPOCH_SUBSET,
                "--backend",
                backend,
                "--output-dir",
                out,
                env=clean_environment(home),
                cwd=home,
            )
            runs[lesson, backend] = result, out
        return runs[lesson, backend]

    return run


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
@pytest.mark.parametrize("lesson", list(LESSONS))
def test_lesson_runs_on_the_backend_and_says_so(lesson_runs, lesson, backend):
    require(backend)
    result, out = lesson_runs(lesson, backend)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert f"Keras 的后端 / Keras backend: {backend}\n" in result.stdout
    for step in range(1, 11):
        assert f"== 步骤 {step}：" in result.stdout
    speed = (
        "steps_per_execution=1, jit_compile=False"
        if backend == "torch"
        else "steps_per_execution=32, jit_compile=True"  # JAX compiles every step
    )
    assert speed in result.stdout
    accuracy = float(re.search(r"Test accuracy: (0\.\d{4})\n", result.stdout)[1])
    assert accuracy > 0.5  # one epoch on 2,000 images learns well beyond chance
    model_file, figure = LESSONS[lesson]
    assert (out / model_file).is_file() and (out / figure).is_file()
    metrics_file = (
        names.METRICS_FILE if lesson == "first_nn.py" else names.CNN_METRICS_FILE
    )
    metrics = json.loads((out / metrics_file).read_text(encoding="utf-8"))
    assert metrics["versions"]["backend"] == backend
    assert metrics["versions"][backend] != "not installed"


def probabilities_on(backend, model_path, image, home):
    """predict.py --json on one image with that backend: its 10 probabilities."""
    result = run_repo_script(
        "predict.py",
        image,
        "--model",
        model_path,
        "--json",
        "--backend",
        backend,
        env=clean_environment(home),
        cwd=home,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return np.array(json.loads(result.stdout)["probabilities"])


@pytest.mark.parametrize("trained_on", ["tensorflow", "jax"])
def test_a_model_saved_on_one_backend_answers_the_same_on_another(
    subset_run, lesson_runs, tmp_path, trained_on
):
    """.keras files hold no backend: the same photo, the same probabilities."""
    require("jax")
    if trained_on == "tensorflow":
        _, out = subset_run
    else:
        result, out = lesson_runs("first_nn.py", "jax")
        assert result.returncode == 0, result.stderr
    model_path = out / names.MODEL_FILE
    image = REPO / "docs" / "images" / "example_pullover.jpg"
    answers = {
        backend: probabilities_on(backend, model_path, image, tmp_path / backend)
        for backend in backends.BACKENDS
        if backends.installed(backend)
    }
    assert {"tensorflow", "jax"} <= set(answers)
    for backend, probabilities in answers.items():
        np.testing.assert_allclose(
            probabilities, answers[trained_on], atol=1e-5, err_msg=backend
        )


BOOT = REPO / "docs" / "images" / "example_boot.jpg"
SCRIPTS = {  # what each script needs besides --backend, and its output flag
    "first_nn.py": ["--output-dir"],
    "first_cnn.py": ["--output-dir"],
    "experiments.py": ["--output-dir"],
    "predict.py": [BOOT, "--save-inputs"],
    "app.py": ["--no-browser", "--output-dir"],
}


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_an_unknown_backend_is_one_error_line(run_script, tmp_path, script):
    out = tmp_path / "out"
    result = run_script(script, "--backend", "tf", *SCRIPTS[script], out)
    assert_one_line_error(result)
    assert result.returncode == 1
    assert "unknown backend 'tf': choose tensorflow, jax or torch" in result.stderr
    assert "未知的后端“tf”" in result.stderr
    assert_nothing_written(out)


def test_keras_backend_variable_is_read_and_checked_the_same(run_script, clean_env):
    result = run_script("predict.py", BOOT, env={**clean_env, "KERAS_BACKEND": "mxnet"})
    assert_one_line_error(result)
    assert "unknown backend 'mxnet'" in result.stderr


@pytest.fixture
def without_jax(tmp_path, clean_env):
    """An environment whose Python cannot import jax, as if it were not installed."""
    hider = tmp_path / "hide_jax"
    hider.mkdir()
    (hider / "sitecustomize.py").write_text(
        "import sys\nsys.modules['jax'] = None  # import jax: not installed\n"
    )
    return {**clean_env, "PYTHONPATH": str(hider)}


@pytest.mark.parametrize("script", ["first_nn.py", "predict.py"])
def test_a_missing_backend_names_its_requirements_file(
    run_script, without_jax, tmp_path, script
):
    out = tmp_path / "out"
    result = run_script(
        script, "--backend", "jax", *SCRIPTS[script], out, env=without_jax
    )
    assert_one_line_error(result)
    assert result.returncode == 1
    assert (
        "JAX is not installed: python -m pip install -r requirements-jax.txt"
        in result.stderr
    )
    assert "没有安装 JAX" in result.stderr
    assert_nothing_written(out)


def test_speed_settings_are_what_each_backend_takes(monkeypatch):
    asked = {"steps_per_execution": 32, "jit_compile": False}
    expected = {
        "tensorflow": asked,
        "jax": {"steps_per_execution": 32, "jit_compile": True},
        "torch": {"steps_per_execution": 1, "jit_compile": False},
    }
    for backend, settings in expected.items():
        monkeypatch.setattr(backends, "current", lambda: backend)
        assert backends.speed_settings(**asked) == settings


def test_the_backend_cannot_change_once_keras_runs():
    import keras  # noqa: F401  (the tests run on TensorFlow)

    assert backends.use("tensorflow") == "tensorflow"
    other = next(name for name in ("jax", "torch") if backends.installed(name))
    with pytest.raises(LessonError, match="Keras already runs on tensorflow"):
        backends.use(other)


def test_requirements_files_pin_each_backend_beside_requirements_txt():
    for name, (_, module, requirements) in backends.BACKENDS.items():
        text = (REPO / requirements).read_text(encoding="utf-8")
        assert re.search(rf"^{module}==\d+\.\d+\.\d+$", text, re.M), requirements
        if requirements != "requirements.txt":
            assert "-r requirements.txt" in text.splitlines()
    assert importlib.util.find_spec("jax") is not None  # requirements-dev.txt has it


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_the_page_answers_on_the_backend_as_on_tensorflow(
    subset_run, tmp_path, backend
):
    """python app.py --backend …: the same top class as the page on TensorFlow."""
    require(backend)
    from gradio_client import Client, handle_file

    import app
    from tooling.shared import start_app, stop_app, top_class

    _, out = subset_run
    image = REPO / "docs" / "images" / "example_pullover.jpg"
    on_tensorflow = app.answer(app.Classifier(), out, {"path": str(image)}, None)
    process, url = start_app(
        "--output-dir", out, "--backend", backend, env=clean_environment(tmp_path)
    )
    try:
        client = Client(url, verbose=False, download_files=False)
        answer = client.predict(handle_file(str(image)), None, api_name="/classify")
    finally:
        stderr = stop_app(process)
    assert "Traceback" not in stderr, stderr
    assert top_class(answer) == top_class(on_tensorflow) is not None
