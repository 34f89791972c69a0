"""TensorFlow and Keras imported once, with TensorFlow's start-up log lines
kept out of the way and the garbage collector paused while they load."""

import contextlib
import gc
import importlib
import os
import sys
import tempfile

# TensorFlow writes these start-up lines before its logging is set up, so
# TF_CPP_MIN_LOG_LEVEL cannot hide them; they are hints, not problems.
TENSORFLOW_STARTUP_NOISE = (
    "All log messages before absl::InitializeLog()",
    "cudart_stub.cc",  # Could not find cuda drivers on your machine
    "cuda_platform.cc",  # failed call to cuInit (there is no GPU)
    "cuda_dnn.cc",  # Unable to register cuDNN factory
    "cuda_fft.cc",  # Unable to register cuFFT factory
    "cuda_blas.cc",  # Unable to register cuBLAS factory
    "computation_placer.cc",  # computation placer already registered
    "cpu_feature_guard.cc",  # binary is optimized to use available CPU instructions
    "To enable the following instructions",  # second line of the hint above
    "oneDNN custom operations are on",
    "TF-TRT Warning",  # TensorRT is not installed
)


@contextlib.contextmanager
def collector_paused():
    """No garbage collection while TensorFlow imports; then its objects are frozen.

    TensorFlow's modules make some 300,000 objects that live to the end of the
    run: collecting while they are made only walks them again and again, and
    unfrozen, every later full collection would too (benchmarks/cell_times.py
    shows the time it saves).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
    gc.freeze()


@contextlib.contextmanager
def quiet_tensorflow_startup():
    """Hide TensorFlow's start-up log lines; pass every other stderr line through.

    A user who sets TF_CPP_MIN_LOG_LEVEL gets TensorFlow's own behaviour.
    """
    if "TF_CPP_MIN_LOG_LEVEL" in os.environ:
        with collector_paused():
            yield
        return
    # Keeps later INFO/WARNING lines out; errors still show.
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
    sys.stderr.flush()
    saved_stderr = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            with collector_paused():
                yield
                if "tensorflow" in sys.modules:  # the CUDA probe logs on first use
                    sys.modules["tensorflow"].config.list_physical_devices()
        finally:
            sys.stderr.flush()
            os.dup2(saved_stderr, 2)
            os.close(saved_stderr)
            captured.seek(0)
            lines = captured.read().decode("utf-8", "replace").splitlines(True)
            kept = [
                line
                for line in lines
                if not any(noise in line for noise in TENSORFLOW_STARTUP_NOISE)
            ]
            sys.stderr.write("".join(kept))
            sys.stderr.flush()


def import_quietly(name):
    """The module `name`, imported (once) without TensorFlow's start-up noise."""
    if name not in sys.modules:
        with quiet_tensorflow_startup():
            importlib.import_module(name)
    return sys.modules[name]


def import_keras():
    """The keras module, on the backend $KERAS_BACKEND names (Keras imports
    TensorFlow on its own for the TensorFlow backend)."""
    return import_quietly("keras")


def import_tensorflow():
    """The tensorflow module."""
    return import_quietly("tensorflow")
