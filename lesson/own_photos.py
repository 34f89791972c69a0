"""The learner's own photos: one subfolder per class, prepared as predict.py
prepares a photo, some kept apart to measure the model on."""

import re
from pathlib import Path

from lesson import photos
from lesson.console import fitted
from lesson.data import CLASS_NAMES, CLASS_NAMES_ZH
from lesson.errors import LessonError

import numpy as np

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"}
# Every fifth photo of a class (the 5th, 10th, ...) is kept apart to measure on.
HELD_OUT_EVERY = 5
# Other names a folder may have, besides the English and Chinese class names.
OTHER_NAMES = {
    "t-shirt": 0,
    "tshirt": 0,
    "top": 0,
    "t恤": 0,
    "上衣": 0,
    "trousers": 1,
    "pants": 1,
    "jeans": 1,
    "裤": 1,
    "sweater": 2,
    "毛衣": 2,
    "卫衣": 2,
    "jacket": 4,
    "夹克": 4,
    "sandals": 5,
    "sneakers": 7,
    "鞋": 7,
    "bags": 8,
    "boot": 9,
    "boots": 9,
    "ankle-boots": 9,
    "靴子": 9,
}


def folder_key(name):
    """A folder name as compared: small letters, '_' and spaces as '-'."""
    return re.sub(r"[\s_]+", "-", name.strip().lower())


FOLDER_CLASSES = {
    **{folder_key(name): label for label, name in enumerate(CLASS_NAMES)},
    **{folder_key(name): label for label, name in enumerate(CLASS_NAMES_ZH)},
    **OTHER_NAMES,
}


def class_of_folder(folder):
    """The class a subfolder's name gives (in the plural too: Shirts, Dresses),
    or a LessonError naming the choices."""
    key = folder_key(folder.name)
    names = [key]
    if key.endswith("s"):
        names.append(key[:-1])  # Shirts
    if key.endswith("es"):
        names.append(key[:-2])  # Dresses
    label = next(
        (FOLDER_CLASSES[name] for name in names if name in FOLDER_CLASSES), None
    )
    if label is None:
        raise LessonError(
            "不是类别名；子文件夹要用十个类别之一命名，比如 T-shirt、Trouser、"
            "Ankle-boot 或 T恤、裤子、踝靴",
            "not a class name; name each subfolder for one of the ten classes, "
            "e.g. T-shirt, Trouser, Ankle-boot",
            subject=folder,
        )
    return label


def hidden(path):
    """What a learner does not see in the folder: .ipynb_checkpoints, .DS_Store,
    macOS's __MACOSX from an unzipped archive."""
    return path.name.startswith(".") or path.name == "__MACOSX"


def load_own_photos(folder):
    """((training pictures, labels), (held-out pictures, labels)) from a folder
    of class subfolders; every HELD_OUT_EVERY-th photo of a class is held out.

    A photo that cannot be read or holds no item is named in one line and
    left out; the others are all kept.
    """
    folder = Path(folder)
    subfolders = sorted(
        path for path in folder.iterdir() if path.is_dir() and not hidden(path)
    )
    if not subfolders:
        raise LessonError(
            "里面没有子文件夹；把每个类别的照片各放进一个子文件夹，比如 T-shirt/、Trouser/",
            "holds no subfolders; put each class's photos in one, e.g. T-shirt/, "
            "Trouser/",
            subject=folder,
        )
    kept = {"train": ([], []), "held": ([], [])}
    for subfolder in subfolders:
        label = class_of_folder(subfolder)
        files = sorted(
            path for path in subfolder.iterdir() if path.is_file() and not hidden(path)
        )
        prepared = []
        for path in files:
            try:
                if path.suffix.lower() not in IMAGE_SUFFIXES:  # .heic, .txt, ...
                    raise LessonError(
                        "不是 PNG、JPEG、BMP、GIF 或 WebP 图片",
                        "not a PNG, JPEG, BMP, GIF or WebP image",
                        subject=path,
                    )
                prepared.append(photos.prepare_file(path).picture)
            except LessonError as exc:  # one bad photo loses only itself
                chinese, english = exc.halves()
                print(fitted(f"跳过 {chinese or english}", f"Skipped: {english}"))
        if 0 < len(prepared) < HELD_OUT_EVERY:
            print(
                fitted(
                    f"{subfolder.name}：只有 {len(prepared)} 张照片，全部用来训练，"
                    f"不留出（至少 {HELD_OUT_EVERY} 张才留出 1 张）",
                    f"{subfolder.name}: only {len(prepared)} photos, all for training, "
                    f"none kept apart (1 of every {HELD_OUT_EVERY} is)",
                )
            )
        for number, picture in enumerate(prepared, start=1):
            part = "held" if number % HELD_OUT_EVERY == 0 else "train"
            kept[part][0].append(picture)
            kept[part][1].append(label)
    if not kept["train"][0]:
        raise LessonError(
            "子文件夹里没有能用的照片（PNG、JPEG、BMP、GIF 或 WebP）",
            "no usable photos in its subfolders (PNG, JPEG, BMP, GIF or WebP)",
            subject=folder,
        )
    return tuple(
        (
            np.array(pictures, np.uint8).reshape(-1, photos.SIZE, photos.SIZE),
            np.array(labels, np.uint8),
        )
        for pictures, labels in kept.values()
    )
