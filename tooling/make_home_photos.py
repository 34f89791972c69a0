"""Rebuild data/home-photos/ from the clothing photos folder, as predict.py sees photos.

    python -m tooling.make_home_photos --photos ../shared/clothing_photos

Each photo of the Fashion-MNIST classes is prepared by lesson/photos.py's
prepare_file() (what predict.py does with a learner's photo) and written as a
28x28 picture in Fashion-MNIST's idx format, keeping the photos' train and
validation split. sources.csv says which photo each picture came from and
where its label came from. A rebuild gives the same files byte for byte.
"""

import csv
import gzip
import hashlib
import io
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from lesson import arguments, console, errors
from lesson.data import CLASS_NAMES
from lesson.errors import LessonError
from lesson.files import prepare_output_dir
from lesson.home_photos import (
    FOLDER_CLASSES,
    HOME_PHOTOS_DIR,
    HOME_PHOTOS_SHA256,
    IMAGES_MAGIC,
    LABELS_BY_LOOKING,
    LABELS_MAGIC,
    LEFT_OUT_FOLDERS,
    LOOKED_AT_FOLDERS,
    SOURCES_FILE,
    SPLITS,
    file_names,
    prepare_picture,
)

import numpy as np

from tooling.shared import SOURCE_PHOTOS_DIR

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
SOURCE_COLUMNS = [
    "split",
    "index",
    "source",
    "folder",
    "label",
    "label_name",
    "label_from",
    "note",
]
# Labels found clearly wrong on looking at the prepared pictures:
# source path -> (class name, why).
CORRECTIONS = {}


def read_labels_by_looking(folder):
    """labels_by_looking.csv as {source path: class index or None for 'none'}."""
    path = folder / LABELS_BY_LOOKING
    if not path.is_file():
        raise LessonError(
            f"{path}: no such file; --photos names the clothing photos folder, "
            f"with train/, validation/ and {LABELS_BY_LOOKING}"
        )
    labels = {}
    with open(path, newline="", encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            name = row.get("label")
            if name != "none" and name not in CLASS_NAMES:
                raise LessonError(
                    f"{path}: {row.get('path')}: unknown label {name!r}; "
                    f"expected one of {', '.join(CLASS_NAMES)} or none"
                )
            labels[row["path"]] = None if name == "none" else CLASS_NAMES.index(name)
    return labels


def list_photos(folder):
    """Every photo to prepare, sorted by split, folder, file name.

    Returns a list of dicts: split, source, folder, label, label_from, note.
    """
    if not folder.is_dir():
        raise LessonError(
            f"{folder}: no such folder; pass --photos the clothing photos folder"
        )
    for split in SPLITS:
        if not (folder / split).is_dir():
            raise LessonError(
                f"{folder / split}: no such folder; --photos names the clothing "
                "photos folder, with train/ and validation/"
            )
    looked_at = read_labels_by_looking(folder)
    known = set(FOLDER_CLASSES) | set(LOOKED_AT_FOLDERS) | set(LEFT_OUT_FOLDERS)
    entries = []
    for split in SPLITS:
        for class_dir in sorted(p for p in (folder / split).iterdir() if p.is_dir()):
            if class_dir.name not in known:
                raise LessonError(
                    f"{class_dir}: a folder this script does not know; "
                    f"expected {', '.join(sorted(known))}"
                )
            if class_dir.name in LEFT_OUT_FOLDERS:
                continue
            for photo in sorted(class_dir.iterdir()):
                if photo.suffix.lower() not in PHOTO_SUFFIXES:
                    continue
                entry = label_of(photo.relative_to(folder).as_posix(), looked_at)
                if entry is not None:
                    entries.append(dict(entry, split=split, folder=class_dir.name))
    return entries


def label_of(source, looked_at):
    """{source, label, label_from, note} for one photo, or None to leave it out."""
    folder = source.split("/")[1]
    if folder in FOLDER_CLASSES:
        label, label_from = FOLDER_CLASSES[folder], "folder"
    elif source in looked_at:
        label, label_from = looked_at[source], "looking"
    else:
        raise LessonError(f"{source}: not in {LABELS_BY_LOOKING}; give it a label")
    note = ""
    if source in CORRECTIONS:
        name, note = CORRECTIONS[source]
        label = None if name == "none" else CLASS_NAMES.index(name)
        label_from = "corrected"
    if label is None:
        return None
    return dict(source=source, label=label, label_from=label_from, note=note)


def quiet_worker():
    """In each worker: one OpenCV thread, so N workers use about N cores."""
    import cv2

    cv2.setNumThreads(1)


def prepare_one(path):
    """(picture or None, the error line): runs in a worker process."""
    try:
        return prepare_picture(path), None
    except LessonError as exc:
        return None, exc.english  # the reason; the summary names the photo


def prepare_all(folder, entries, workers):
    """Prepare every photo; yields (entry, picture or None, error) in entries' order."""
    paths = [folder / entry["source"] for entry in entries]
    if workers == 1:
        for entry, path in zip(entries, paths):
            yield entry, *prepare_one(path)
        return
    # spawn: a fresh process each, as on Windows and macOS, whatever the platform.
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=quiet_worker) as pool:
        for entry, (picture, error) in zip(
            entries, pool.imap(prepare_one, paths, chunksize=8)
        ):
            yield entry, picture, error


def idx_bytes(array, magic):
    """An idx file's bytes: magic number and sizes big-endian, then uint8 data."""
    header = np.array([magic, *array.shape], ">u4").tobytes()
    return header + np.ascontiguousarray(array, np.uint8).tobytes()


def gzip_bytes(content):
    """gzip with no file name and mtime 0, so a rebuild is byte-identical."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as stream:
        stream.write(content)
    return buffer.getvalue()


def sources_csv(rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, SOURCE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_all(output_dir, files):
    """Write {name: bytes} to temporary names, then rename them all: no half-set."""
    temporaries = {}
    try:
        for name, content in files.items():
            fd, temporary = tempfile.mkstemp(dir=output_dir, prefix=f".{name}-")
            temporaries[name] = temporary
            with os.fdopen(fd, "wb") as stream:
                stream.write(content)
            os.chmod(temporary, 0o644)
        for name, temporary in temporaries.items():
            os.replace(temporary, output_dir / name)
    except OSError as exc:
        raise LessonError(
            f"{output_dir}: cannot write the files ({exc.strerror or exc}); "
            "check the folder"
        ) from None
    finally:
        for temporary in temporaries.values():
            if os.path.exists(temporary):
                os.remove(temporary)


def build(args):
    start = time.perf_counter()
    folder = args.photos.expanduser()
    entries = list_photos(folder)  # bad input fails here, before any work
    output_dir = prepare_output_dir(args.output_dir)
    print(f"Preparing {len(entries)} photos from {folder} with {args.workers} workers")
    kept, skipped = {split: [] for split in SPLITS}, []
    for done, (entry, picture, error) in enumerate(
        prepare_all(folder, entries, args.workers), 1
    ):
        if picture is None:
            skipped.append((entry["source"], error))
        else:
            kept[entry["split"]].append((entry, picture))
        if done % 250 == 0 or done == len(entries):
            print(f"  {done}/{len(entries)}  ({time.perf_counter() - start:.0f} s)")

    files, rows = {}, []
    for split in SPLITS:
        pictures = np.zeros((len(kept[split]), 28, 28), np.uint8)
        for index, (_, picture) in enumerate(kept[split]):
            pictures[index] = picture
        labels = np.array([entry["label"] for entry, _ in kept[split]], np.uint8)
        images_name, labels_name = file_names(split)
        files[images_name] = idx_bytes(pictures, IMAGES_MAGIC)
        files[labels_name] = idx_bytes(labels, LABELS_MAGIC)
        for index, (entry, _) in enumerate(kept[split]):
            rows.append(
                dict(
                    entry,
                    index=index,
                    label_name=CLASS_NAMES[entry["label"]],
                )
            )
    sha256 = {
        name: hashlib.sha256(content).hexdigest() for name, content in files.items()
    }
    files = {name: gzip_bytes(content) for name, content in files.items()}
    files[SOURCES_FILE] = sources_csv(rows)
    licence = folder / "LICENSE"
    if licence.is_file():
        files["LICENSE"] = licence.read_bytes()
    write_all(output_dir, files)
    summarize(kept, skipped, sha256, output_dir, time.perf_counter() - start)


def summarize(kept, skipped, sha256, output_dir, seconds):
    """Counts per split and class, skipped photos, time, size, checksums."""
    print("\n| class | " + " | ".join(SPLITS) + " |")
    print("|---|" + "---|" * len(SPLITS))
    counts = {split: Counter(e["label"] for e, _ in kept[split]) for split in SPLITS}
    for label, name in enumerate(CLASS_NAMES):
        if any(counts[split][label] for split in SPLITS):
            cells = " | ".join(str(counts[split][label]) for split in SPLITS)
            print(f"| {label} {name} | {cells} |")
    totals = " | ".join(str(len(kept[split])) for split in SPLITS)
    print(f"| total | {totals} |")
    print(
        f"\nSkipped {len(skipped)} photos that could not be prepared"
        + ":" * bool(skipped)
    )
    for source, error in skipped:
        print(f"  {source}: {error}")
    size = sum(path.stat().st_size for path in output_dir.iterdir() if path.is_file())
    print(f"\nDone in {seconds:.0f} s; {output_dir} holds {size:,} bytes")
    if sha256 == HOME_PHOTOS_SHA256:
        print("SHA-256 unchanged: the files are the ones lesson/home_photos.py expects")
    else:
        print("New SHA-256 values: paste them into lesson/home_photos.py")
        print("HOME_PHOTOS_SHA256 = {")
        for name, value in sha256.items():
            print(f'    "{name}": "{value}",')
        print("}")


def main(argv=None):
    console.make_safe()  # the output may quote Chinese paths
    parser = arguments.parser(
        "用家里拍的衣物照片重新生成 data/home-photos/ 里的 28x28 图片。\n"
        + __doc__.splitlines()[0]
    )
    parser.add_argument(
        "--photos",
        metavar="DIR",
        type=Path,
        default=SOURCE_PHOTOS_DIR,
        help=f"衣物照片的文件夹：train/、validation/、{LABELS_BY_LOOKING}\n"
        f"the clothing photos folder: train/, validation/, {LABELS_BY_LOOKING}",
    )
    parser.add_argument(
        "--output-dir",
        metavar="DIR",
        type=Path,
        default=HOME_PHOTOS_DIR,
        help="idx 文件、sources.csv 和 LICENSE 写到哪里\n"
        "where the idx files, sources.csv and LICENSE go",
    )
    parser.add_argument(
        "--workers",
        metavar="N",
        type=arguments.positive_int,
        default=2,
        help="同时处理照片的进程数\nprocesses preparing photos at once",
    )
    return errors.guard(lambda: build(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
