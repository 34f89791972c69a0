"""A learner's own photo turned into the 28x28 picture the model learned from.

predict.py, the photo benchmarks and app.py all prepare photos here, so they
give the same answer for the same file. The steps follow how the Fashion-MNIST
authors made the dataset from product photos (Xiao, Rasul and Vollgraf, 2017):
find the item, trim the background, shrink the longer edge to 28 pixels, centre
on a 28x28 canvas, negate (dark item on white becomes light on black), 8-bit
grayscale.
"""

from pathlib import Path
from typing import NamedTuple

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from lesson.errors import LessonError
from lesson.model import normalize, predict_probabilities

SIZE = 28  # Fashion-MNIST pictures are 28x28
READABLE = "use a PNG, JPEG, BMP, GIF or WebP file"
# Photos are shrunk to this longer edge before the item is looked for: ample
# for a 28-pixel result, and fast for a 12-megapixel phone photo. GrabCut,
# the slow part, works on a copy at most GRABCUT_SIZE across.
WORKING_SIZE = 400
GRABCUT_SIZE = 256
GRABCUT_ROUNDS = 3  # as right as 5 on the real photos, and faster
# Colour distance from the background that still counts as background: 32
# gray levels, as a distance in RGB space.
TRIM_TOLERANCE = 32 * np.sqrt(3)
# A border whose colours spread less than this is a plain background.
PLAIN_BORDER_SPREAD = 12
# Brightness of the training pictures' items, measured on the first 5,000
# training images: the item's 99th-percentile pixel is 246 in a typical one.
ITEM_BRIGHTEST = 246
# Sandal, Sneaker, Ankle boot: all pointing left in Fashion-MNIST.
SHOE_CLASSES = (5, 7, 9)


class PreparedPhoto(NamedTuple):
    """What the model sees, and what was kept of the photo to make it."""

    picture: np.ndarray  # 28x28 uint8: light item on black
    item_mask: np.ndarray  # bool at working size: the pixels taken for the item
    notes: tuple  # keys of NOTES: ways the photo looked unlike the training pictures


# Why an answer may be unreliable: (Chinese, English), the same words everywhere.
NOTES = {
    "background": (
        "很难把物品和背景分开，答案可能不可靠；换一个纯色背景再拍一张试试。",
        "the item was hard to separate from the background, so the answer may be "
        "unreliable; try again on a plain background.",
    ),
    "several": (
        "照片里似乎不止一件物品（比如一双鞋），而训练图片每张只有一件。",
        "the photo seems to show more than one item (a pair of shoes, say); each "
        "training picture shows one.",
    ),
    "faint": (
        "物品和背景的明暗很接近，所以模型看到的图片很淡。",
        "the item is about as light as its background, so the picture the model "
        "saw is faint.",
    ),
}


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
            # A JPEG can be decoded straight at a fraction of its size.
            image.draft("RGB", (2 * WORKING_SIZE, 2 * WORKING_SIZE))
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


def to_arrays(image):
    """Any Pillow mode -> (RGB 0-255, opacity 0-1), float32, at most WORKING_SIZE."""
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):  # 16/32-bit gray
        gray = np.asarray(image, dtype=np.float32)
        top = 65535.0 if gray.max() > 255 else 255.0
        image = Image.fromarray(np.clip(gray * (255.0 / top), 0, 255).astype(np.uint8))
    image = image.convert("RGBA")
    if max(image.size) > WORKING_SIZE:
        image = image.copy()
        image.thumbnail((WORKING_SIZE, WORKING_SIZE), Image.Resampling.BOX)
    rgba = np.asarray(image, dtype=np.float32)
    return rgba[..., :3], rgba[..., 3] / 255.0


def luma(rgb):
    """ITU-R 601-2 luma, the same weights as Pillow's convert("L")."""
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114


def border(values):
    """The outermost pixels of an (H, W, ...) array, as one (N, ...) array."""
    return np.concatenate([values[0], values[-1], values[1:-1, 0], values[1:-1, -1]])


def is_dataset_picture(rgb, opacity):
    """28x28, gray, fully opaque, dark border: already a Fashion-MNIST picture."""
    gray = luma(rgb)
    return (
        gray.shape == (SIZE, SIZE)
        and bool((opacity == 1).all())
        and np.median(border(gray)) < TRIM_TOLERANCE
    )


def plain_background_mask(rgb, background):
    """The item on a plain background: every pixel unlike the border colour."""
    distance = np.sqrt(((rgb - background) ** 2).sum(axis=-1))
    return distance > TRIM_TOLERANCE


def grabcut_mask(rgb):
    """The item on a textured or uneven background: OpenCV's GrabCut.

    It learns colour models of the background from a band along the border
    and of the item from the rest, and separates them with a graph cut.
    """
    import cv2

    full_size = rgb.shape[1], rgb.shape[0]
    scale = GRABCUT_SIZE / max(full_size)
    if scale < 1:
        small = (round(full_size[0] * scale), round(full_size[1] * scale))
        rgb = cv2.resize(rgb, small, interpolation=cv2.INTER_AREA)
    height, width = rgb.shape[:2]
    margin = max(2, round(0.04 * min(height, width)))
    rectangle = (margin, margin, width - 2 * margin, height - 2 * margin)
    mask = np.zeros((height, width), np.uint8)
    background_model = np.zeros((1, 65), np.float64)
    item_model = np.zeros((1, 65), np.float64)
    image = np.ascontiguousarray(rgb[..., ::-1].astype(np.uint8))  # OpenCV is BGR
    cv2.setRNGSeed(0)  # the same photo gives the same answer every time
    cv2.grabCut(
        image,
        mask,
        rectangle,
        background_model,
        item_model,
        GRABCUT_ROUNDS,
        cv2.GC_INIT_WITH_RECT,
    )
    item = ((mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)).astype(np.uint8)
    return cv2.resize(item, full_size, interpolation=cv2.INTER_NEAREST).astype(bool)


def large_parts(mask):
    """(labels of the mask's connected parts, those at least a quarter the largest's size)."""
    import cv2

    _, labels, stats, _ = cv2.connectedComponentsWithStats(
        mask.astype(np.uint8), connectivity=8
    )
    areas = stats[1:, cv2.CC_STAT_AREA]
    if areas.size == 0:
        return labels, []
    return labels, list(np.flatnonzero(areas >= 0.25 * areas.max()) + 1)


def keep_large_parts(mask):
    """The mask without its specks."""
    labels, large = large_parts(mask)
    return np.isin(labels, large)


def count_large_parts(mask):
    """How many parts of the mask are large: 2 for a pair of shoes side by side."""
    return len(large_parts(mask)[1])


def fill_holes(mask):
    """The item's outline filled in: a striped shirt is one piece, not stripes."""
    import cv2

    outside = np.pad(~mask, 1, constant_values=True).astype(np.uint8)
    cv2.floodFill(outside, None, (0, 0), 2)  # the background reached from the edge
    return outside[1:-1, 1:-1] != 2


def find_item(rgb, opacity):
    """(mask of the item, its ink, notes) for a photo at working size.

    The ink is the item as the dataset draws it: light on black, the
    background 0. On a plain background, as in the dataset's recipe, the
    background colour itself becomes 0 and the item keeps every shade (a
    light background is negated, a dark one taken as light-on-dark already,
    a dataset picture enlarged, say); on a textured one, everything outside
    the mask is 0 and the item is negated like a product photo on white.
    """
    notes = []
    gray = luma(rgb) * opacity + 255.0 * (1 - opacity)  # transparent means white
    colours = border(rgb)
    background = np.median(colours, axis=0)
    spread = np.median(np.abs(colours - background).max(axis=-1))
    if (opacity < 0.5).any() or spread < PLAIN_BORDER_SPREAD:
        if (opacity < 0.5).any():  # transparent: the opaque part is the item
            mask, level = opacity >= 0.5, 255.0
        else:
            mask, level = plain_background_mask(rgb, background), luma(background)
        if level >= 128:
            ink = (level - gray) * (255.0 / max(level, 1.0))
        else:
            ink = (gray - level) * (255.0 / max(255.0 - level, 1.0))
        if count_large_parts(mask) > 1:
            notes.append("several")
    else:
        mask = grabcut_mask(rgb)
        if not 0.03 <= mask.mean() <= 0.9:
            notes.append("background")
        mask = keep_large_parts(mask)  # a textured background leaves specks
        if count_large_parts(mask) > 1:
            notes.append("several")
        mask = fill_holes(mask)
        ink = np.where(mask, 255.0 - gray, 0.0)
    return mask, np.clip(ink, 0, 255), notes


def crop(ink, mask):
    rows, columns = np.nonzero(mask)
    return ink[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1]


def match_brightness(ink, notes):
    """Stretch the item so its brightest pixels are as bright as the dataset's."""
    item = ink[ink > 0]
    if item.size == 0:
        return ink
    brightest = np.percentile(item, 99)
    if brightest < 64:
        notes.append("faint")
    return np.clip(ink * (ITEM_BRIGHTEST / max(brightest, 1.0)), 0, 255)


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


def prepare(image):
    """A Pillow image (upright) -> PreparedPhoto."""
    rgb, opacity = to_arrays(image)
    if is_dataset_picture(rgb, opacity):
        gray = luma(rgb)
        return PreparedPhoto(np.rint(gray).astype(np.uint8), gray > 0, ())
    mask, ink, notes = find_item(rgb, opacity)
    if not mask.any():
        notes = ["background"]
        return PreparedPhoto(np.zeros((SIZE, SIZE), np.uint8), mask, tuple(notes))
    ink = crop(ink, mask)
    ink = match_brightness(ink, notes)
    return PreparedPhoto(centre(ink), mask, tuple(notes))


def prepare_file(path):
    """Read an image file and prepare it: a PreparedPhoto, or a LessonError."""
    return prepare(open_image(path))


def photo_probabilities(model, photos):
    """One row of 10 class probabilities per PreparedPhoto.

    Every Fashion-MNIST shoe points left, while a photo's may point either
    way. Each picture is judged as it is and mirrored; where either answer is
    a shoe, the way round that looks more like a shoe counts, else the
    picture as it is (for other items the mirror image costs accuracy: 4
    points on benchmarks/bench_photos.py when it always counts half).
    """
    pictures = np.stack([photo.picture for photo in photos])
    both = predict_probabilities(
        model, normalize(np.concatenate([pictures, pictures[:, :, ::-1]]))
    )
    as_is, mirrored = both[: len(photos)], both[len(photos) :]
    shoes = list(SHOE_CLASSES)
    shoe = np.isin(as_is.argmax(axis=1), shoes) | np.isin(
        mirrored.argmax(axis=1), shoes
    )
    mirror_wins = mirrored[:, shoes].sum(axis=1) > as_is[:, shoes].sum(axis=1)
    return np.where((shoe & mirror_wins)[:, None], mirrored, as_is)


def note_lines(photo):
    """The notes on one photo as (Chinese, English) pairs."""
    return [NOTES[key] for key in photo.notes]
