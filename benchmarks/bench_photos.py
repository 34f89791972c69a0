"""How well predict.py's photo preparation keeps the model's answers.

    python benchmarks/bench_photos.py [--model outputs/fashion_mnist.keras] [--count 1000]

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

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lesson import console, data, errors, flags, photos  # noqa: E402
from lesson.model import (  # noqa: E402
    load_trained_model,
    normalize,
    predict_probabilities,
)
from lesson.flags import DEFAULT_OUTPUT_DIR, positive_int  # noqa: E402
from lesson.results import MODEL_FILE  # noqa: E402


def white_background(image):
    return 255 - image  # dark item on white, like a product photo


def upscale(image, factor=8):
    size = (image.shape[1] * factor, image.shape[0] * factor)
    return np.asarray(Image.fromarray(image).resize(size, Image.Resampling.BICUBIC))


def as_colour(gray_on_white):
    """Tint the item blue, keep the white background: an RGB photo."""
    ink = (255 - gray_on_white.astype(np.float32)) / 255
    rgb = np.stack([255 - 200 * ink, 255 - 120 * ink, 255 - 40 * ink], axis=-1)
    return np.rint(rgb).astype(np.uint8)


def off_centre(gray_on_white):
    """The item in a corner of a much larger white picture."""
    canvas = np.full((400, 300), 255, np.uint8)
    height, width = gray_on_white.shape
    canvas[40 : 40 + height, 20 : 20 + width] = gray_on_white
    return canvas


def transparent(image):
    """The dark item on a transparent layer (RGBA)."""
    big = upscale(image)
    rgba = np.zeros(big.shape + (4,), np.uint8)
    rgba[..., :3] = (255 - big)[..., None]
    rgba[..., 3] = np.where(big > 0, 255, 0)
    return rgba


def alpha_only(image):
    """A black item whose shape and shades are only in its opacity: a cut-out
    drawn on a transparent layer, as drawing programs export one."""
    big = upscale(image)
    rgba = np.zeros(big.shape + (4,), np.uint8)
    rgba[..., 3] = big
    return rgba


# name: (make the picture from a 28x28 dataset image, file suffix)
PHOTO_FORMS = {
    "white background": (white_background, ".png"),
    "upscaled": (lambda im: upscale(white_background(im)), ".png"),
    "colour": (lambda im: as_colour(upscale(white_background(im))), ".png"),
    "off-centre": (lambda im: off_centre(upscale(white_background(im))), ".png"),
    "transparent": (transparent, ".png"),
    "shape in alpha only": (alpha_only, ".png"),
    "jpeg": (lambda im: as_colour(upscale(white_background(im))), ".jpg"),
}


def classify(model, pictures):
    """Predicted class of each 28x28 uint8 picture."""
    return predict_probabilities(model, normalize(np.stack(pictures))).argmax(axis=1)


def measure_form(model, images, form, folder):
    """Predicted classes of the images written as files in one form, read back."""
    make, suffix = PHOTO_FORMS[form]
    pictures = []
    for index, image in enumerate(images):
        path = Path(folder) / f"{index}{suffix}"
        Image.fromarray(make(image)).save(path)  # JPEG at Pillow's quality 75
        pictures.append(photos.prepare_file(path))
    return photos.photo_probabilities(model, pictures).argmax(axis=1)


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
    parser = flags.parser(__doc__.splitlines()[0])
    parser.add_argument(
        "--model",
        type=Path,
        default=DEFAULT_OUTPUT_DIR / MODEL_FILE,
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
