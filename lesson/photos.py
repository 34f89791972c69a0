"""A learner's own photo turned into the 28x28 picture the model learned from.

predict.py, the photo benchmarks and app.py all prepare photos here, so they
give the same answer for the same file. The steps follow how the Fashion-MNIST
authors made the dataset from product photos (Xiao, Rasul and Vollgraf, 2017):
find the item, trim the background, shrink the longer edge to 28 pixels, centre
on a 28x28 canvas, negate (dark item on white becomes light on black), 8-bit
grayscale.
"""

import warnings
from pathlib import Path
from typing import NamedTuple

from lesson.data import CLASS_NAMES, CLASS_NAMES_ZH
from lesson.errors import LessonError, data_error
from lesson.inference import predict_probabilities
from lesson.model import normalize

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

SIZE = 28  # Fashion-MNIST pictures are 28x28
READABLE = (
    "请用 PNG、JPEG、BMP、GIF 或 WebP 文件",
    "use a PNG, JPEG, BMP, GIF or WebP file",
)
# Photos are shrunk to this longer edge before the item is looked for: ample
# for a 28-pixel result, and fast for a 12-megapixel phone photo. GrabCut,
# the slow part, works on a copy at most GRABCUT_SIZE across.
WORKING_SIZE = 400
GRABCUT_SIZE = 256
GRABCUT_ROUNDS = 3  # as right as 5 on the real photos, and faster
# Gray levels from the background colour that still count as background, and
# the same as a distance in RGB space.
GRAY_TOLERANCE = 32
TRIM_TOLERANCE = GRAY_TOLERANCE * np.sqrt(3)
# On a textured background, parts of the mask thinner than this share of the
# photo's short side (a hanger's hook, a string) are not kept.
THIN_SHARE = 0.04
# GrabCut needs room for a border band and an inside: a thinner photo is
# treated as a plain background.
GRABCUT_NARROWEST = 16
# In a cut-out, pixels more opaque than this are the item: an item drawn only
# in the alpha channel keeps its faint edges (at 0.5 it lost 8 points on
# benchmarks/bench_photos.py), and a faint haze is still left out.
CUT_OUT_OPACITY = 0.05
# A border whose colours spread less than this is a plain background.
PLAIN_BORDER_SPREAD = 12
# Brightness of the training pictures' items, measured on the first 5,000
# training images: the item's 99th-percentile pixel is 246 in a typical one.
ITEM_BRIGHTEST = 246
# Sandal, Sneaker, Ankle boot: all pointing left in Fashion-MNIST.
SHOE_CLASSES = (5, 7, 9)
# A pair of shoes in one blob: an answer giving shoes at least this share,
# for an outline at least this close to its mirror image and at least this
# wide across the mirror line for its length along it (mirror_line): two
# shoes side by side are, one shoe from the side or from above is not.
# benchmarks/bench_pairs.py measures the rule on pairs and on single shoes.
PAIR_SHOE_SHARE = 0.3
PAIR_SYMMETRY = 0.76
PAIR_BREADTH = 0.5


class PreparedPhoto(NamedTuple):
    """What the model sees, and what was kept of the photo to make it."""

    picture: np.ndarray  # 28x28 uint8: light item on black
    item_mask: np.ndarray  # bool at working size: the pixels taken for the item
    notes: tuple  # keys of NOTES: ways the photo looked unlike the training pictures
    dataset_picture: bool = False  # already 28x28 as in Fashion-MNIST: one item


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
# Notes on the answer itself, filled in with its classes and probabilities
# ({first}, {second}: class names; {p1}, {p2}: percentages; {kind}: the family).
ANSWER_NOTES = {
    "low": (
        "模型对哪个类别都没有把握：最可能的 {first} 也只有 {p1}。",
        "the model is sure of no class: even {first}, the likeliest, is only {p1}.",
    ),
    "which kind": (
        "模型认为是{kind_zh}，但拿不准是哪一种：{first} {p1}，还是 {second} {p2}。",
        "the model takes it for a {kind}, but is unsure which kind: {first} "
        "({p1}) or {second} ({p2}).",
    ),
    "close": (
        "模型拿不准：{first} {p1}，{second} {p2}，第二个答案也可能是对的。",
        "the model is unsure: {first} {p1} against {second} {p2}; the second "
        "may be right.",
    ),
}
# Classes that look alike at 28x28: (Chinese, English) name of the kind.
KINDS = {
    SHOE_CLASSES: ("鞋", "shoe"),
    (0, 2, 4, 6): ("上衣", "top"),  # T-shirt/top, Pullover, Coat, Shirt
}
# An answer whose two most likely classes are closer than this is unsure;
# benchmarks/bench_real_photos.py prints how often each note falls on right
# and on wrong answers, by class group, on the real and the home photos.
CLOSE_MARGIN = 0.35
# An answer whose most likely class is below this is unsure whatever the
# second: with label smoothing (photo_cnn.py) a sure answer is near 0.9.
LOW_TOP = 0.4
# Where an answer is unsure: predict.py's way to see what the model saw.
SEE_WHAT_IT_SAW = (
    "用 --save-inputs 文件夹 保存模型看到的 28×28 图片，看看它和你的照片像不像。",
    "--save-inputs DIR saves the 28x28 picture the model saw: compare it with "
    "your photo.",
)


class NoItemFound(LessonError):
    """The whole picture looks like background: nothing for the model to judge."""


NO_ITEM = (
    "没有找到物品，整张图片看起来都是背景；把物品放在颜色或明暗不同的背景上再拍",
    "found no item, the whole picture looks like background; photograph the "
    "item on a background of another colour or brightness",
)


def opencv():
    """OpenCV, or a LessonError saying how to install it."""
    try:
        import cv2
    except ImportError:
        raise LessonError(
            "缺少 OpenCV（它在照片里找出物品）；运行 "
            "python -m pip install -r requirements.txt",
            "OpenCV is missing (it finds the item in a photo); "
            "run python -m pip install -r requirements.txt",
        ) from None
    return cv2


def open_image(path):
    """Open an image file, upright (EXIF rotation applied), fully read."""
    path = Path(path)
    if path.is_dir():
        raise LessonError(
            "是文件夹，不是图片；请写出里面的文件",
            "is a folder, not an image; name the files in it",
            subject=path,
        )
    if not path.is_file():
        raise LessonError("没有这个文件", "no such file", subject=path)
    if path.stat().st_size == 0:
        raise LessonError("文件是空的", "the file is empty", subject=path)
    try:
        with warnings.catch_warnings():
            # Large phone photos and odd EXIF blocks are fine here: say nothing.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            warnings.simplefilter("ignore", UserWarning)
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
        if isinstance(exc, UnidentifiedImageError):
            problem = ("不是这个程序能读的图片", "not an image this program can read")
            fix = READABLE
        elif isinstance(exc, Image.DecompressionBombError):
            problem = (
                f"像素太多，无法安全打开（{exc}）",
                f"too many pixels to open safely ({exc})",
            )
            fix = (
                "另存一份小一些的（1200 万像素足够了）",
                "save a smaller copy (12 megapixels is plenty)",
            )
        elif isinstance(exc, OSError) and exc.errno is not None:  # permissions, say
            problem = (
                f"无法打开（{exc.strerror}）",
                f"cannot open it ({exc.strerror})",
            )
            fix = ("检查你是否有权限读它", "check that you may read it")
        else:  # the file names a format it can read, but its data is broken
            problem = (
                f"文件损坏，读不出来（{exc}）",
                f"damaged, it cannot be read ({exc})",
            )
            fix = (
                "重新复制或保存这张照片，或者换一张",
                "copy or save the photo again, or try another one",
            )
        raise data_error(path, problem, fix) from None


def upright(image):
    """The image turned by its EXIF tag (photos taken sideways), loaded in memory.

    Damaged pixel data raises OSError; a damaged EXIF block leaves the image
    as it is.
    """
    image.load()  # first, so a broken data stream is not taken for a broken tag
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # Pillow raises many kinds for a broken tag
        return image


def to_arrays(image):
    """Any Pillow mode -> (RGB 0-255, opacity 0-1), float32, at most WORKING_SIZE."""
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):  # 16/32-bit gray
        gray = np.nan_to_num(np.asarray(image, dtype=np.float32))  # NaN in float TIFFs
        top = 65535.0 if gray.max() > 255 else 255.0
        image = Image.fromarray(np.clip(gray * (255.0 / top), 0, 255).astype(np.uint8))
    if image.mode not in ("L", "LA", "RGB", "RGBA"):
        image = image.convert("RGBA")  # palette, CMYK, ...: before shrinking
    if max(image.size) > WORKING_SIZE:
        image = image.copy()  # thumbnail() works in place
        image.thumbnail((WORKING_SIZE, WORKING_SIZE), Image.Resampling.BOX)
    image = image.convert("RGBA")
    rgba = np.asarray(image, dtype=np.float32)
    return rgba[..., :3], rgba[..., 3] / 255.0


def luma(rgb):
    """ITU-R 601-2 luma, the same weights as Pillow's convert("L")."""
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114


def border(values):
    """The outermost pixels of an (H, W, ...) array, as one (N, ...) array."""
    return np.concatenate([values[0], values[-1], values[1:-1, 0], values[1:-1, -1]])


def is_dataset_picture(rgb, opacity):
    """28x28, fully opaque, dark border: already a Fashion-MNIST picture."""
    gray = luma(rgb)
    return (
        gray.shape == (SIZE, SIZE)
        and bool((opacity == 1).all())
        and np.median(border(gray)) < GRAY_TOLERANCE
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
    cv2 = opencv()

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


def large_parts(mask, share):
    """(labels of the mask's connected parts, those at least `share` of the largest)."""
    cv2 = opencv()
    _, labels, stats, _ = cv2.connectedComponentsWithStats(
        mask.astype(np.uint8), connectivity=8
    )
    areas = stats[1:, cv2.CC_STAT_AREA]
    if areas.size == 0:
        return labels, []
    return labels, list(np.flatnonzero(areas >= share * areas.max()) + 1)


def without_thin_parts(mask):
    """The mask opened: parts thinner than THIN_SHARE of the photo's short side go."""
    cv2 = opencv()
    radius = max(1, round(THIN_SHARE * min(mask.shape) / 2))
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1,) * 2)
    opened = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, disc)
    return opened.astype(bool) if opened.any() else mask


def keep_large_parts(mask):
    """The mask without its specks: parts under a quarter of the largest go."""
    labels, large = large_parts(mask, 0.25)
    return np.isin(labels, large)


def looks_like_several(mask):
    """Two or more parts of about the same size: a pair of shoes side by side.

    (A sandal's straps or a bag's handle, smaller, do not count.)
    """
    return len(large_parts(mask, 0.5)[1]) > 1


class MirrorLine(NamedTuple):
    """The line through an outline's centre in which it is most nearly its
    own mirror image."""

    overlap: float  # of the outline and its reflection: intersection over union
    breadth: float  # the outline's extent across the line, over its extent along it


def mirror_line(mask, size=128, step=7.5):
    """The MirrorLine of a mask, the line turned `step` degrees at a time."""
    cv2 = opencv()
    rows, columns = np.nonzero(mask)
    centre_row, centre_column = rows.mean(), columns.mean()
    radius = np.hypot(rows - centre_row, columns - centre_column).max() + 1
    scale = (size / 2 - 1) / radius
    middle = (size - 1) / 2
    centred = np.float32(
        [
            [scale, 0, middle - scale * centre_column],
            [0, scale, middle - scale * centre_row],
        ]
    )
    square = cv2.warpAffine(
        mask.astype(np.uint8), centred, (size, size), flags=cv2.INTER_NEAREST
    )
    best = MirrorLine(0.0, 0.0)
    for angle in np.arange(0, 180, step):
        turn = cv2.getRotationMatrix2D((middle, middle), angle, 1.0)
        turned = cv2.warpAffine(square, turn, (size, size), flags=cv2.INTER_NEAREST)
        mirrored = turned[:, ::-1]  # in the vertical line through the centre
        union = np.count_nonzero(turned | mirrored)
        overlap = np.count_nonzero(turned & mirrored) / max(union, 1)
        if overlap > best.overlap:
            along, across = np.nonzero(turned)
            breadth = np.ptp(across) + 1
            best = MirrorLine(overlap, breadth / (np.ptp(along) + 1))
    return best


def looks_like_a_pair(photo, probabilities, symmetry=PAIR_SYMMETRY):
    """A shoe answer for an outline close to its own mirror image, and wide
    across the mirror line: a left and a right shoe side by side, each the
    other's reflection. A Fashion-MNIST picture given as it is shows one."""
    if photo.dataset_picture:
        return False
    shoe = np.asarray(probabilities)[list(SHOE_CLASSES)].sum() >= PAIR_SHOE_SHARE
    if not shoe:
        return False
    line = mirror_line(photo.item_mask)
    return bool(line.overlap >= symmetry and line.breadth >= PAIR_BREADTH)


def several_items(photo, probabilities, symmetry=PAIR_SYMMETRY):
    """Whether a photo seems to show more than one item: two large parts in
    its mask (prepare()'s "several" note), or a pair of shoes in one."""
    return "several" in photo.notes or looks_like_a_pair(photo, probabilities, symmetry)


def fill_holes(mask):
    """The item's outline filled in: a striped shirt is one piece, not stripes."""
    cv2 = opencv()

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
    rgb = rgb * opacity[..., None] + 255.0 * (1 - opacity[..., None])  # on white
    gray = luma(rgb)
    colours = border(rgb)
    background = np.median(colours, axis=0)
    spread = np.median(np.abs(colours - background).max(axis=-1))
    # A cut-out: transparent all round (not just rounded corners).
    cut_out = np.median(border(opacity)) < 0.5
    height, width = gray.shape
    narrowest = min(height, width) * min(1.0, GRABCUT_SIZE / max(height, width))
    if cut_out or spread < PLAIN_BORDER_SPREAD or narrowest < GRABCUT_NARROWEST:
        if cut_out:  # what is not quite transparent is the item, faint edges too
            mask, level = opacity > CUT_OUT_OPACITY, 255.0
        else:
            mask, level = plain_background_mask(rgb, background), luma(background)
            if spread >= PLAIN_BORDER_SPREAD:
                notes.append("background")
        if level >= 128:
            ink = (level - gray) * (255.0 / max(level, 1.0))
        else:
            ink = (gray - level) * (255.0 / max(255.0 - level, 1.0))
    else:
        mask = grabcut_mask(rgb)
        if not 0.03 <= mask.mean() <= 0.9:
            notes.append("background")
        # A texture leaves specks; a hanger's hook or a string is not the item.
        mask = fill_holes(keep_large_parts(without_thin_parts(mask)))
        ink = np.where(mask, 255.0 - gray, 0.0)
    if looks_like_several(mask):
        notes.append("several")
    return mask, np.clip(ink, 0, 255), notes


def crop(ink, mask):
    rows, columns = np.nonzero(mask)
    return ink[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1]


def match_brightness(ink, notes):
    """Stretch the item so its brightest pixels are as bright as the dataset's."""
    item = ink[ink > 0]
    if item.size == 0:
        notes.append("faint")  # a white item on white, say
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


def picture_of(ink, mask, notes):
    """The 28x28 picture of the ink under the mask: trimmed to it, as bright
    as the dataset's items (notes may gain "faint"), centred."""
    return centre(match_brightness(crop(ink, mask), notes))


def prepare(image):
    """A Pillow image (upright) -> PreparedPhoto."""
    rgb, opacity = to_arrays(image)
    if is_dataset_picture(rgb, opacity):
        gray = luma(rgb)
        if not gray.any():
            raise NoItemFound(*NO_ITEM)
        return PreparedPhoto(np.rint(gray).astype(np.uint8), gray > 0, (), True)
    mask, ink, notes = find_item(rgb, opacity)
    if not mask.any():  # an empty picture would still get a confident answer
        raise NoItemFound(*NO_ITEM)
    return PreparedPhoto(picture_of(ink, mask, notes), mask, tuple(notes))


def prepare_file(path):
    """Read an image file and prepare it: a PreparedPhoto, or a LessonError."""
    try:
        return prepare(open_image(path))
    except NoItemFound as exc:
        raise LessonError(exc.chinese, exc.english, subject=path) from None


def photo_probabilities(model, photos):
    """One row of 10 class probabilities per PreparedPhoto (picture_probabilities)."""
    return picture_probabilities(model, np.stack([photo.picture for photo in photos]))


def picture_probabilities(model, pictures):
    """One row of 10 class probabilities per prepared 28x28 picture (uint8).

    Every Fashion-MNIST shoe points left, while a photo's may point either
    way. Each picture is judged as it is and mirrored; where either answer is
    a shoe, the way round that looks more like a shoe counts, else the
    picture as it is (for other items the mirror image costs accuracy: 4
    points on benchmarks/bench_photos.py when it always counts half).
    """
    pictures = np.asarray(pictures)
    both = predict_probabilities(
        model, normalize(np.concatenate([pictures, pictures[:, :, ::-1]]))
    )
    as_is, mirrored = both[: len(pictures)], both[len(pictures) :]
    shoes = list(SHOE_CLASSES)
    shoe = np.isin(as_is.argmax(axis=1), shoes) | np.isin(
        mirrored.argmax(axis=1), shoes
    )
    mirror_wins = mirrored[:, shoes].sum(axis=1) > as_is[:, shoes].sum(axis=1)
    return np.where((shoe & mirror_wins)[:, None], mirrored, as_is)


def kind_of(label):
    """The (Chinese, English) name of the kind of classes label belongs to, or None."""
    return next((name for kind, name in KINDS.items() if label in kind), None)


def two_likeliest(probabilities):
    """The classes of one answer's two highest probabilities, the highest first."""
    first, second = np.argsort(probabilities)[::-1][:2]
    return first, second


def unsure(probabilities):
    """The key of ANSWER_NOTES that says how the model is unsure, or None:
    "low" when no class is likely, "which kind" when its two likeliest
    classes are close and of one kind, else "close" when they are close."""
    first, second = two_likeliest(probabilities)
    if probabilities[first] < LOW_TOP:
        return "low"
    if probabilities[first] - probabilities[second] >= CLOSE_MARGIN:
        return None
    same = kind_of(first) is not None and kind_of(first) == kind_of(second)
    return "which kind" if same else "close"


def answer_notes(photo, probabilities):
    """The keys of the notes on one answer: the photo's own (NOTES), "several"
    too where the answer and the outline say a pair of shoes, then how the
    model is unsure (ANSWER_NOTES), if it is."""
    notes = photo.notes
    if "several" not in notes and several_items(photo, probabilities):
        notes += ("several",)
    key = unsure(probabilities)
    return notes + ((key,) if key else ())


def filled_in(key, probabilities):
    """An ANSWER_NOTES note with this answer's classes and percentages."""
    first, second = two_likeliest(probabilities)
    kind = kind_of(first) or ("", "")
    values = {
        "p1": f"{100 * probabilities[first]:.0f}%",
        "p2": f"{100 * probabilities[second]:.0f}%",
        "kind_zh": kind[0],
        "kind": kind[1],
    }
    chinese, english = ANSWER_NOTES[key]
    return (
        chinese.format(
            first=f"{CLASS_NAMES[first]}（{CLASS_NAMES_ZH[first]}）",
            second=f"{CLASS_NAMES[second]}（{CLASS_NAMES_ZH[second]}）",
            **values,
        ),
        english.format(first=CLASS_NAMES[first], second=CLASS_NAMES[second], **values),
    )


def note_lines(photo, probabilities):
    """The notes on one answer as (Chinese, English) pairs."""
    return [
        NOTES[key] if key in NOTES else filled_in(key, probabilities)
        for key in answer_notes(photo, probabilities)
    ]
