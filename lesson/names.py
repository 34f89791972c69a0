"""The names a learner types or a lesson writes, spelled once: the
repository's folder, the output folder, the models and metrics files the
lessons save, and the environment variables that carry a lesson's flags in a
notebook."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "data"

# Where the lessons and tools write, relative to the folder they run in.
OUTPUT_DIR = Path("outputs")

# The lessons' models and scores, lesson by lesson.
MODEL_FILE = "fashion_mnist.keras"  # first_nn.py
CNN_MODEL_FILE = "fashion_mnist_cnn.keras"  # first_cnn.py
PHOTO_MODEL_FILE = "fashion_mnist_photos.keras"  # photo_cnn.py
METRICS_FILE = "metrics.json"  # first_nn.py
CNN_METRICS_FILE = "metrics_cnn.json"  # first_cnn.py
PHOTO_METRICS_FILE = "metrics_photos.json"  # photo_cnn.py

# Environment variables: a lesson's flags when it runs as a notebook.
NOTEBOOK_FLAGS = "FIRST_NN_ARGS"
CNN_NOTEBOOK_FLAGS = "FIRST_CNN_ARGS"
PHOTO_NOTEBOOK_FLAGS = "PHOTO_CNN_ARGS"
