"""Keras 3's backends: TensorFlow, JAX or PyTorch, chosen before Keras is imported.

The same model code runs on each; Keras reads the KERAS_BACKEND environment
variable once, when it is first imported, so use() sets it before that.
"""

import importlib.util
import os
import sys

from lesson.errors import LessonError

VARIABLE = "KERAS_BACKEND"
DEFAULT = "tensorflow"  # the tutorial's
# name: (what people call it, the module it needs, the requirements file with it)
BACKENDS = {
    "tensorflow": ("TensorFlow", "tensorflow", "requirements.txt"),
    "jax": ("JAX", "jax", "requirements-jax.txt"),
    "torch": ("PyTorch", "torch", "requirements-torch.txt"),
}


def requested():
    """The backend asked for by $KERAS_BACKEND, else TensorFlow."""
    return os.environ.get(VARIABLE, "").strip() or DEFAULT


def add_backend_argument(parser):
    """--backend NAME, whose default is $KERAS_BACKEND or tensorflow."""
    parser.add_argument(
        "--backend",
        metavar="NAME",
        default=requested(),
        help="Keras 的后端：tensorflow、jax 或 torch；默认值可以用 $KERAS_BACKEND 设置\n"
        "Keras' backend: tensorflow, jax or torch ($KERAS_BACKEND sets the "
        "default)",
    )


def installed(name):
    """True if the backend's module can be imported (it is not imported here)."""
    return importlib.util.find_spec(BACKENDS[name][1]) is not None


def use(name):
    """Make Keras use this backend; a LessonError if it is unknown or not installed.

    Call before Keras is imported. Once it is (a notebook's second run), only
    the backend it already has can be used.
    """
    name = (name or "").strip()
    if name not in BACKENDS:
        raise LessonError(
            f"未知的后端“{name}”：可选 tensorflow、jax、torch",
            f"unknown backend {name!r}: choose tensorflow, jax or torch",
        )
    title, _, requirements = BACKENDS[name]
    if not installed(name):
        raise LessonError(
            f"没有安装 {title}：先运行 python -m pip install -r {requirements}",
            f"{title} is not installed: python -m pip install -r {requirements}",
        )
    if "keras" in sys.modules:
        current = sys.modules["keras"].backend.backend()
        if current != name:
            raise LessonError(
                f"Keras 已经在用 {current} 后端：重启内核后再换",
                f"Keras already runs on {current}: restart the kernel to change "
                "the backend",
            )
    os.environ[VARIABLE] = name
    return name


def current():
    """The backend Keras runs on (imports Keras)."""
    from lesson.startup import import_keras

    return import_keras().backend.backend()


def speed_settings(steps_per_execution, jit_compile):
    """The compile() speed settings as this backend takes them.

    TensorFlow: as given. JAX compiles every step with XLA (without it, each
    operation runs on its own, many times slower). PyTorch's trainer runs one
    batch per call and compiles nothing.
    """
    backend = current()
    if backend == "jax":
        return {"steps_per_execution": steps_per_execution, "jit_compile": True}
    if backend == "torch":
        return {"steps_per_execution": 1, "jit_compile": False}
    return {"steps_per_execution": steps_per_execution, "jit_compile": jit_compile}
