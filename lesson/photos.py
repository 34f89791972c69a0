"""A learner's own photo turned into the 28x28 picture the model learned from.

predict.py, the photo benchmarks and app.py all prepare photos here, so they
give the same answer for the same file. The preparation follows how the
Fashion-MNIST authors made the dataset from product photos (Xiao, Rasul and
Vollgraf, 2017): trim the background, shrink the longer edge to 28 pixels,
centre on a 28x28 canvas, light item on a dark background, 8-bit grayscale.
"""

from pathlib import Path
from typing import NamedTuple

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from lesson.errors import LessonError
from lesson.model import normalize, predict_probabilities

SIZE = 28  # Fashion-MNIST pictures are 28x28
# Gray levels from the background colour that still count as background.
TRIM_TOLERANCE = 32
READABLE = "use a PNG, JPEG, BMP, GIF or WebP file"


class PreparedPhoto(NamedTuple):
    """What the model sees, and what was kept of the photo to make it."""

    picture: np.ndarray  # 28x28 uint8: light item on black
    item_mask: np.ndarray  # bool, the photo's pixels taken for the item
    notes: tuple  # keys of NOTES: ways the photo looked unlike the training pictures


# Why an answer may be unreliable: (中文, English), the same words everywhere.
NOTES = {}


def open_image(path):
    """Open an image file, upright (EXIF rotation applied), fully read."""
    path = Path(path)
    if path.is_dir():
        raise LessonError(f"{path}: is a folder, not an image; name the files in it")
    if not path.is_file():
        raise LessonError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise LessonError(f"{path}: the file is empty")
    try:
        with Image.open(path) as image:
            return upright(image)
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
        raise LessonError(f"{path}: {problem}; {READABLE}") from None


def upright(image):
    """The image turned by its EXIF tag (photos taken sideways), loaded in memory."""
    image = ImageOps.exif_transpose(image)
    image.load()
    return image


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


def prepare(image):
    """A Pillow image (upright) -> PreparedPhoto."""
    gray, opacity = image_to_gray(image)
    if looks_like_fashion_mnist(gray, opacity):
        return PreparedPhoto(np.rint(gray).astype(np.uint8), gray > 0, ())
    if not (opacity > 0).any():
        return PreparedPhoto(np.zeros((SIZE, SIZE), np.uint8), opacity > 0, ())
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
    return PreparedPhoto(centre(ink), keep, ())


def centre(ink):
    """Shrink so the longer edge is 28 and centre on a black 28x28 canvas, 8-bit."""
    height, width = ink.shape
    scale = SIZE / max(height, width)
    new_size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = Image.fromarray(ink.astype(np.float32)).resize(
        new_size, Image.Resampling.LANCZOS
    )
    small = np.clip(np.asarray(small), 0, 255)
    canvas = np.zeros((SIZE, SIZE), np.float32)
    top, left = (SIZE - small.shape[0]) // 2, (SIZE - small.shape[1]) // 2
    canvas[top : top + small.shape[0], left : left + small.shape[1]] = small
    return np.rint(canvas).astype(np.uint8)


def prepare_file(path):
    """Read an image file and prepare it: a PreparedPhoto, or a LessonError."""
    return prepare(open_image(path))


def photo_probabilities(model, photos):
    """One row of 10 class probabilities per PreparedPhoto."""
    pictures = np.stack([photo.picture for photo in photos])
    return predict_probabilities(model, normalize(pictures))


def note_lines(photo):
    """The notes on one photo as (中文, English) pairs."""
    return [NOTES[key] for key in photo.notes]
