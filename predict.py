"""Classify your own clothing photos with the model first_nn.py trained.

    python predict.py shoe.jpg shirt.png
    python predict.py photos/*.jpg --top 5 --save-inputs seen/

Each photo is turned into what the model learned from, the way the
Fashion-MNIST authors made the dataset from product photos (Xiao, Rasul and
Vollgraf, 2017): trim the background, shrink the longer edge to 28 pixels,
centre on a 28x28 canvas, make the item light on a dark background, 8-bit
grayscale; then scale to 0-1 exactly as training did.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from lesson import console, errors
from lesson.console import speaks_chinese
from lesson.data import CLASS_NAMES, CLASS_NAMES_ZH, class_name
from lesson.errors import LessonError
from lesson.files import prepare_output_dir, write_atomically
from lesson.flags import DEFAULT_OUTPUT_DIR, parser, positive_int
from lesson.model import normalize, predict_probabilities
from lesson.results import MODEL_FILE

DEFAULT_MODEL = DEFAULT_OUTPUT_DIR / MODEL_FILE
SIZE = 28  # Fashion-MNIST pictures are 28x28
MODEL_INPUTS = {(SIZE, SIZE), (SIZE, SIZE, 1)}  # first_nn.py's, first_cnn.py's
# Gray levels from the background colour that still count as background.
TRIM_TOLERANCE = 32


def read_image(path):
    """Open an image file, upright, as (gray values 0-255, opacity 0-1)."""
    path = Path(path)
    if path.is_dir():
        raise LessonError(f"{path}: is a folder, not an image; name the files in it")
    if not path.is_file():
        raise LessonError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise LessonError(f"{path}: the file is empty")
    try:
        with Image.open(path) as image:
            image = ImageOps.exif_transpose(image)  # photos taken sideways
            return image_to_gray(image)
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        ValueError,
        SyntaxError,
    ) as exc:
        problem = (
            "not an image this program can read"
            if isinstance(exc, UnidentifiedImageError)
            else f"cannot read it ({exc})"
        )
        raise LessonError(
            f"{path}: {problem}; use a PNG, JPEG, BMP, GIF or WebP file"
        ) from None


def image_to_gray(image):
    """Any Pillow mode -> (gray values 0-255, opacity 0-1), as float32 arrays."""
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):  # 16/32-bit gray
        gray = np.asarray(image, dtype=np.float32)
        top = 65535.0 if gray.max() > 255 else 255.0
        return np.clip(gray * (255.0 / top), 0, 255), np.ones(gray.shape, np.float32)
    rgba = np.asarray(image.convert("RGBA"), dtype=np.float32)
    # ITU-R 601-2 luma, the same weights as Pillow's convert("L").
    gray = rgba[..., 0] * 0.299 + rgba[..., 1] * 0.587 + rgba[..., 2] * 0.114
    return gray, rgba[..., 3] / 255.0


def border_median(gray):
    """The typical colour of the outermost pixels: the background."""
    return float(
        np.median(np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]]))
    )


def looks_like_fashion_mnist(gray, opacity):
    """28x28, fully opaque, dark border: already a dataset-style picture."""
    return (
        gray.shape == (SIZE, SIZE)
        and bool((opacity == 1).all())
        and border_median(gray) < TRIM_TOLERANCE
    )


def to_model_input(gray, opacity):
    """A photo as a 28x28 uint8 picture: light item, dark background, centred."""
    if looks_like_fashion_mnist(gray, opacity):
        return np.rint(gray).astype(np.uint8)
    if not (opacity > 0).any():
        return np.zeros((SIZE, SIZE), np.uint8)
    # Transparent pixels are background. The dataset's product photos were
    # shot on white, so blend them into white; the opaque part is the item.
    item = None
    if (opacity < 1).any():
        gray = opacity * gray + (1 - opacity) * 255.0
        item = opacity >= 0.5
    background = border_median(gray)
    # Negate where the background is light, so the item is light on black,
    # and stretch so that the background colour itself becomes 0.
    if background >= 128:
        ink = (background - gray) * (255.0 / max(background, 1.0))
    else:
        ink = (gray - background) * (255.0 / max(255.0 - background, 1.0))
    ink = np.clip(ink, 0, 255)
    # Trim: keep the box around every pixel that differs from the background.
    keep = ink > TRIM_TOLERANCE if item is None else (ink > TRIM_TOLERANCE) | item
    rows, columns = np.nonzero(keep)
    if rows.size:
        ink = ink[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1]
    # Shrink so the longer edge is 28, keeping the aspect ratio.
    height, width = ink.shape
    scale = SIZE / max(height, width)
    new_size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = Image.fromarray(ink.astype(np.float32)).resize(
        new_size, Image.Resampling.LANCZOS
    )
    small = np.clip(np.asarray(small), 0, 255)
    # Centre on a black 28x28 canvas and make it 8-bit.
    canvas = np.zeros((SIZE, SIZE), np.float32)
    top, left = (SIZE - small.shape[0]) // 2, (SIZE - small.shape[1]) // 2
    canvas[top : top + small.shape[0], left : left + small.shape[1]] = small
    return np.rint(canvas).astype(np.uint8)


def prepare_image(path):
    """Read an image file and return the 28x28 uint8 picture the model sees."""
    return to_model_input(*read_image(path))


def load_trained_model(path):
    """The model first_nn.py saved, or a LessonError saying what to do."""
    path = Path(path)
    if not path.exists():
        raise LessonError(
            f"no trained model at {path}; run python first_nn.py first "
            "(or python first_cnn.py for the second lesson's model)"
        )
    try:
        model = console.import_tensorflow().keras.models.load_model(path)
    except Exception as exc:  # Keras raises many kinds for a bad file
        reason = (
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        )
        raise LessonError(
            f"{path}: not a Keras model this program can load ({reason}); run python first_nn.py to make one"
        ) from None
    if model.input_shape[1:] not in MODEL_INPUTS or model.output_shape[-1:] != (10,):
        raise LessonError(
            f"{path}: takes {model.input_shape[1:]} and gives {model.output_shape[-1]} "
            "scores, not a 28x28 picture and 10 class scores; use a model first_nn.py "
            "or first_cnn.py saved"
        )
    return model


def top_classes(probabilities, k):
    order = np.argsort(probabilities)[::-1][:k]
    return [
        {
            "class_index": int(i),
            "class_name": CLASS_NAMES[i],
            "class_name_zh": CLASS_NAMES_ZH[i],
            "probability": float(probabilities[i]),
        }
        for i in order
    ]


def describe(image, probabilities, k):
    """The one-line answer: 'shoe.jpg: Sneaker（运动鞋）93.1%  (Sandal（凉鞋）4.2%, …)'.

    Chinese names appear where the console can show them.
    """
    best, *others = [
        f"{class_name(row['class_index'])} {100 * row['probability']:.1f}%"
        for row in top_classes(probabilities, k)
    ]
    if not others:
        return f"{image}: {best}"
    if speaks_chinese():
        return f"{image}: {best}  （{'，'.join(others)}）"
    return f"{image}: {best}  ({', '.join(others)})"


def as_json(image, probabilities, k):
    best = top_classes(probabilities, 1)[0]
    return json.dumps(
        {
            "image": str(image),
            **best,
            "probabilities": [float(p) for p in probabilities],
            "top": top_classes(probabilities, k),
        },
        ensure_ascii=True,  # any console can carry it; JSON readers restore it
    )


def save_inputs(folder, pictures):
    """Write each 28x28 picture the model saw as folder/<image name>.png."""
    used = set()
    for image, picture in pictures:
        name = Path(image).stem or "image"
        candidate, number = name, 1
        while candidate.casefold() in used:  # Windows and macOS ignore case
            number += 1
            candidate = f"{name}-{number}"
        used.add(candidate.casefold())
        write_atomically(
            folder / f"{candidate}.png",
            lambda temporary: Image.fromarray(picture).save(temporary, format="PNG"),
        )


def top_k(text):
    value = positive_int(text)
    if value > len(CLASS_NAMES):
        raise argparse.ArgumentTypeError(
            f"there are only {len(CLASS_NAMES)} classes, got {value}"
        )
    return value


def parse_args(argv=None):
    flags = parser(
        "Say which of the 10 Fashion-MNIST classes each clothing picture is."
    )
    flags.add_argument(
        "images", metavar="IMAGE", nargs="+", help="PNG, JPEG, BMP, GIF or WebP files"
    )
    flags.add_argument(
        "--model",
        metavar="PATH",
        type=Path,
        default=DEFAULT_MODEL,
        help="the trained model",
    )
    flags.add_argument(
        "--top",
        metavar="K",
        type=top_k,
        default=3,
        help="how many classes to list per image",
    )
    flags.add_argument(
        "--json", action="store_true", help="print one JSON object per image instead"
    )
    flags.add_argument(
        "--save-inputs",
        metavar="DIR",
        type=Path,
        default=None,
        help="save the 28x28 picture the model saw for each image",
    )
    return flags.parse_args(argv)


def classify(args):
    """Print the answer for each readable image; return 1 if any could not be read."""
    if args.save_inputs is not None:  # refuse a bad folder before any work
        args.save_inputs = prepare_output_dir(args.save_inputs, "--save-inputs")
    model = load_trained_model(args.model)
    failed = False
    pictures = []
    for image in args.images:
        try:
            pictures.append((image, prepare_image(image)))
        except LessonError as exc:
            errors.report(exc)
            failed = True
    if pictures:
        batch = normalize(np.stack([picture for _, picture in pictures]))
        probabilities = predict_probabilities(model, batch)
        for (image, _), row in zip(pictures, probabilities):
            print(
                as_json(image, row, args.top)
                if args.json
                else describe(image, row, args.top)
            )
        if args.save_inputs is not None:
            try:
                save_inputs(args.save_inputs, pictures)
            except LessonError as exc:
                errors.report(exc)
                failed = True
    return 1 if failed else 0


def main(argv=None):
    """Classify the images; exit status 1 if any could not be read, 130 on Ctrl-C."""
    console.make_safe()
    return errors.guard(lambda: classify(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
