"""Real photos of clothes at home, prepared as predict.py prepares a learner's photo.

data/home-photos/ holds them as 28x28 pictures in Fashion-MNIST's idx format,
made by tooling/make_home_photos.py from CC0 phone photos (its README.md says
where they come from). Each picture is exactly what predict.py would show the
model for that photo, so training on them and using the model match.
"""

import csv
import gzip
import hashlib
from pathlib import Path

from lesson import photos
from lesson.errors import LessonError, data_error
from lesson.names import DATA_DIR, REPO

import numpy as np

HOME_PHOTOS_DIR = DATA_DIR / "home-photos"
SOURCES_FILE = "sources.csv"
SPLITS = ("train", "validation")

# Source folders whose every photo is one Fashion-MNIST class (lesson/data.py's order).
FOLDER_CLASSES = {"t-shirt": 0, "pants": 1, "dress": 3, "outwear": 4, "shirt": 6}
# Folders of several classes: labels_by_looking.csv gives each photo's class or none.
LOOKED_AT_FOLDERS = ("longsleeve", "shoes")
LABELS_BY_LOOKING = "labels_by_looking.csv"
# None of the ten classes: left out.
LEFT_OUT_FOLDERS = ("shorts", "skirt", "hat")

# idx magic numbers, as in Fashion-MNIST: unsigned bytes, 3 or 1 dimensions.
IMAGES_MAGIC, LABELS_MAGIC = 2051, 2049

# SHA-256 of each file's decompressed bytes, as for Fashion-MNIST (lesson/data.py).
# tooling/make_home_photos.py prints new values after a rebuild.
HOME_PHOTOS_SHA256 = {
    "train-images-idx3-ubyte.gz": "3ce780dee14661fbc6619cb72d8e8fe57c9343428d2033934cdbbe5699f37659",
    "train-labels-idx1-ubyte.gz": "68aa0a886738783a23fd37d582645450093243814ae71c0ad3fa7dfd2d304ef7",
    "validation-images-idx3-ubyte.gz": "007865073a6d56d3f6f2d4888ba781240612d52556e22ce14d204eed4c05138b",
    "validation-labels-idx1-ubyte.gz": "e935a8f17661b70dd61a7ed4cb6e02717a9cc9a3d82b7801dba725092f5e675e",
}
# What a damaged file is, in Chinese and English.
DAMAGED = (
    "文件损坏或被截断（SHA-256 不符）",
    "corrupt or truncated (its SHA-256 differs)",
)


def file_names(split):
    """(images file, labels file) of one split."""
    return f"{split}-images-idx3-ubyte.gz", f"{split}-labels-idx1-ubyte.gz"


def prepare_picture(path):
    """One source photo as the model sees it: predict.py's very preparation."""
    return photos.prepare_file(path).picture


def shown(path):
    """A path as the learner knows it: relative to the repository when inside it."""
    try:
        return str(Path(path).relative_to(REPO).as_posix())
    except ValueError:
        return str(path)


def bad_file(path, problem, bundled):
    """The one-line bilingual LessonError for a missing or damaged file;
    problem is a (Chinese, English) pair."""
    if bundled:
        fix = ("用 git checkout -- data/ 恢复", "restore it with git checkout -- data/")
    else:
        rebuild = "python -m tooling.make_home_photos"
        fix = (f"用 {rebuild} 重新生成", f"rebuild it with {rebuild}")
    return data_error(shown(path), problem, fix)


def read_checked(path, expected, bundled):
    """The decompressed bytes of a bundled file, or a LessonError if missing or wrong."""
    if not path.is_file():
        raise bad_file(path, ("没有这个文件", "no such file"), bundled)
    try:
        with gzip.open(path, "rb") as stream:
            content = stream.read()
    except (OSError, EOFError):  # not gzip, or cut short
        content = None
    if content is None or hashlib.sha256(content).hexdigest() != expected:
        raise bad_file(path, DAMAGED, bundled)
    return content


def parse_idx(content, magic):
    """idx bytes (big-endian header, then uint8 data) -> a uint8 array."""
    dimensions = magic - 0x800  # 2051: 3 dimensions, 2049: 1
    header = np.frombuffer(content, ">u4", count=1 + dimensions)
    if header[0] != magic:
        raise LessonError(
            f"不是魔数为 {magic} 的 idx 文件",
            f"not an idx file of magic number {magic}",
        )
    data = np.frombuffer(content, np.uint8, offset=4 * (1 + dimensions))
    return data.reshape(tuple(int(size) for size in header[1:]))


def load_home_photos(data_dir=None):
    """((train_images, train_labels), (validation_images, validation_labels)).

    uint8 arrays of shape (N, 28, 28) and (N,), as Fashion-MNIST's
    load_data() gives; each file is checked by its SHA-256 first.
    """
    data_dir = Path(data_dir or HOME_PHOTOS_DIR)
    bundled = data_dir.resolve() == Path(HOME_PHOTOS_DIR).resolve()
    splits = []
    for split in SPLITS:
        arrays = []
        for name, magic in zip(file_names(split), (IMAGES_MAGIC, LABELS_MAGIC)):
            content = read_checked(data_dir / name, HOME_PHOTOS_SHA256[name], bundled)
            # A copy: writable, as load_data()'s arrays are.
            arrays.append(parse_idx(content, magic).copy())
        splits.append(tuple(arrays))
    return tuple(splits)


def read_sources(data_dir=None):
    """sources.csv's rows as dicts: which photo each picture was made from."""
    path = Path(data_dir or HOME_PHOTOS_DIR) / SOURCES_FILE
    with open(path, newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def labelled_by_folder(split="validation", data_dir=None):
    """One bool per picture of a split: its class came from its folder (the
    five classes the source has as they are), not from looking at it."""
    return np.array(
        [
            row["label_from"] == "folder"
            for row in read_sources(data_dir)
            if row["split"] == split
        ]
    )


def with_copies(images, labels, pictures, picture_labels, copies):
    """images and labels, then `copies` copies of the pictures, every other
    copy mirrored left to right (a T-shirt is a T-shirt either way round)."""
    pictures = np.asarray(pictures)
    added = [pictures[:, :, ::-1] if copy % 2 else pictures for copy in range(copies)]
    return (
        np.concatenate([images, *added]),
        np.concatenate([labels, *[picture_labels] * copies]).astype(labels.dtype),
    )
