"""How well predict.py's photo preparation keeps the model's answers.

    python -m benchmarks.bench_photos [--model outputs/fashion_mnist.keras] [--count 1000]

Takes the first held-out test images, writes each back to disk in forms unlike
the dataset (white background, upscaled, colour, off-centre with wide margins,
transparent background, a shape in the alpha channel only, JPEG), reads
them back as predict.py does
(lesson/photos.py), and prints
for each form how often the predicted class is right, next to the model's
accuracy on the original arrays, and how often it agrees with that prediction.
"""

import sys
import tempfile
from pathlib import Path

from lesson import arguments, console, data, errors
from lesson.arguments import positive_int
from lesson.inference import predict_probabilities
from lesson.model import normalize
from lesson.model_files import load_trained_model
from lesson.names import MODEL_FILE, OUTPUT_DIR

import numpy as np

from tooling.shared import PHOTO_FORMS, measure_form


def classify(model, pictures):
    """Predicted class of each 28x28 uint8 picture."""
    return predict_probabilities(model, normalize(np.stack(pictures))).argmax(axis=1)


def measure(args):
    """Print the table: one row per photo form."""
    model = load_trained_model(args.model)
    _, (test_images, test_labels) = data.load_data()
    images, labels = test_images[: args.count], test_labels[: args.count]
    original = classify(model, images)
    print(f"{len(images)} held-out test images; model {args.model}\n")
    print(
        "| form | accuracy | accuracy on the original arrays | same answer as on the array |"
    )
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for form in PHOTO_FORMS:
            predicted = measure_form(model, images, form, folder)
            print(
                f"| {form} | {np.mean(predicted == labels):.3f} "
                f"| {np.mean(original == labels):.3f} | {np.mean(predicted == original):.3f} |"
            )


def main(argv=None):
    console.make_safe()  # the output may quote Chinese paths and labels
    parser = arguments.parser(__doc__.splitlines()[0])
    parser.add_argument(
        "--model",
        type=Path,
        default=OUTPUT_DIR / MODEL_FILE,
        help="the trained model",
    )
    parser.add_argument(
        "--count",
        type=positive_int,
        default=1000,
        help="how many test images to write as photos",
    )
    return errors.guard(lambda: measure(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
