"""data/home-photos/: the bundled real-photo pictures load, are checked, and are
what lesson/photos.py makes of their source photos."""

import csv
import gzip
import importlib.util
import shutil
from collections import Counter
from pathlib import Path

from lesson import home_photos
from lesson.errors import LessonError

import numpy as np
import pytest

from conftest import assert_nothing_written, assert_one_line_error
from tooling.shared import SOURCE_PHOTOS_DIR

PHOTOS = SOURCE_PHOTOS_DIR
needs_photos = pytest.mark.skipif(
    not PHOTOS.is_dir(), reason=f"{PHOTOS}: the source photos are not here"
)
# A sample to rebuild: (split, folder), one photo each, the first in sources.csv.
SAMPLE = [
    ("train", "t-shirt"),
    ("train", "longsleeve"),
    ("train", "shoes"),
    ("train", "outwear"),
    ("validation", "pants"),
    ("validation", "shoes"),
]


@pytest.fixture(scope="module")
def bundled():
    return home_photos.load_home_photos()


@pytest.fixture(scope="module")
def sources():
    return home_photos.read_sources()


def make_script():
    """tooling/make_home_photos.py as a module (importing it runs nothing)."""
    return importlib.import_module("tooling.make_home_photos")


def test_bundled_files_load_with_the_counts_sources_csv_gives(bundled, sources):
    for split, (images, labels) in zip(home_photos.SPLITS, bundled):
        rows = [row for row in sources if row["split"] == split]
        assert images.dtype == labels.dtype == np.uint8
        assert images.shape == (len(rows), 28, 28) and labels.shape == (len(rows),)
        assert [int(row["index"]) for row in rows] == list(range(len(rows)))
        assert [int(row["label"]) for row in rows] == labels.tolist()
        assert set(labels.tolist()) <= set(range(10)) - {8}  # no bags
        assert {row["label_from"] for row in rows} <= {"folder", "looking", "corrected"}
        assert images.reshape(len(images), -1).max(axis=1).min() > 0  # none blank
        # Light item on black: the border is darker than the middle.
        assert images[:, :, [0, -1]].mean() < images[:, 7:21, 7:21].mean()
    (train_images, _), (validation_images, _) = bundled
    assert len(train_images) > 2000 and len(validation_images) > 200


def test_idx_headers_are_fashion_mnists(bundled):
    for split, (images, labels) in zip(home_photos.SPLITS, bundled):
        images_name, labels_name = home_photos.file_names(split)
        with gzip.open(home_photos.HOME_PHOTOS_DIR / images_name) as stream:
            header = stream.read(16)
        assert header == np.array([2051, len(images), 28, 28], ">u4").tobytes()
        with gzip.open(home_photos.HOME_PHOTOS_DIR / labels_name) as stream:
            assert stream.read(8) == np.array([2049, len(labels)], ">u4").tobytes()


def test_writing_the_same_pictures_again_gives_the_same_bytes(bundled):
    script = make_script()
    for split, (images, labels) in zip(home_photos.SPLITS, bundled):
        for name, array, magic in zip(
            home_photos.file_names(split), (images, labels), (2051, 2049)
        ):
            written = script.gzip_bytes(script.idx_bytes(array, magic))
            assert written == (home_photos.HOME_PHOTOS_DIR / name).read_bytes()


def damaged_copy(tmp_path, name, damage):
    copy = tmp_path / "home-photos"
    shutil.copytree(home_photos.HOME_PHOTOS_DIR, copy)
    damage(copy / name)
    return copy


def truncate(path):
    path.write_bytes(path.read_bytes()[:-100])


def change_one_byte(path):
    content = bytearray(gzip.decompress(path.read_bytes()))
    content[5000] ^= 0xFF
    path.write_bytes(gzip.compress(bytes(content)))


def assert_one_bilingual_line(error, path, chinese, english):
    """'path：中文 / English', or 'path: English' where Chinese cannot show."""
    assert str(error) == f"{path}：{chinese} / {english}"
    assert error.text(chinese=False) == f"{path}: {english}"
    assert "\n" not in str(error)


RESTORE = ("用 git checkout -- data/ 恢复", "restore it with git checkout -- data/")


@pytest.mark.parametrize("damage", [truncate, change_one_byte, Path.unlink])
def test_a_damaged_bundled_file_gives_one_bilingual_line(tmp_path, monkeypatch, damage):
    name = "train-images-idx3-ubyte.gz"
    copy = damaged_copy(tmp_path, name, damage)
    monkeypatch.setattr(home_photos, "HOME_PHOTOS_DIR", copy)
    with pytest.raises(LessonError) as caught:
        home_photos.load_home_photos()
    if damage is Path.unlink:
        zh, en = "没有这个文件", "no such file"
    else:
        zh, en = home_photos.DAMAGED
    assert_one_bilingual_line(
        caught.value, copy / name, f"{zh}；{RESTORE[0]}", f"{en}; {RESTORE[1]}"
    )


def test_the_bundled_path_is_named_from_the_repository():
    error = home_photos.bad_file(
        home_photos.HOME_PHOTOS_DIR / "x.gz", home_photos.DAMAGED, bundled=True
    )
    assert_one_bilingual_line(
        error,
        "data/home-photos/x.gz",
        "文件损坏或被截断（SHA-256 不符）；用 git checkout -- data/ 恢复",
        "corrupt or truncated (its SHA-256 differs); "
        "restore it with git checkout -- data/",
    )


def test_another_folder_is_checked_too(tmp_path):
    copy = damaged_copy(tmp_path, "validation-labels-idx1-ubyte.gz", truncate)
    with pytest.raises(LessonError, match="python -m tooling.make_home_photos"):
        home_photos.load_home_photos(copy)


@needs_photos
def test_a_sample_rebuilt_from_the_photos_is_byte_identical(bundled, sources):
    pictures = dict(zip(home_photos.SPLITS, (images for images, _ in bundled)))
    rows = [
        next(r for r in sources if (r["split"], r["folder"]) == wanted)
        for wanted in SAMPLE
    ]
    assert Counter(row["label_from"] for row in rows)["looking"] == 3
    for row in rows:
        picture = home_photos.prepare_picture(PHOTOS / row["source"])
        assert picture.dtype == np.uint8 and picture.shape == (28, 28)
        bundled_picture = pictures[row["split"]][int(row["index"])]
        assert picture.tobytes() == bundled_picture.tobytes(), row["source"]


def test_make_script_refuses_a_missing_photos_folder(run_script, tmp_path):
    out = tmp_path / "out"
    result = run_script(
        "tooling.make_home_photos",
        "--photos",
        tmp_path / "nowhere",
        "--output-dir",
        out,
    )
    assert_one_line_error(result)
    assert "no such folder" in result.stderr
    assert_nothing_written(out)


def test_make_script_refuses_a_folder_without_labels(run_script, tmp_path):
    photos, out = tmp_path / "photos", tmp_path / "out"
    for split in home_photos.SPLITS:
        (photos / split / "pants").mkdir(parents=True)
    result = run_script(
        "tooling.make_home_photos", "--photos", photos, "--output-dir", out
    )
    assert_one_line_error(result)
    assert home_photos.LABELS_BY_LOOKING in result.stderr
    assert_nothing_written(out)


def test_make_script_help_shows_every_default(run_script):
    result = run_script("tooling.make_home_photos", "--help")
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert text.count("default:") == 3  # --photos, --output-dir, --workers
    assert "default: 2)" in text


def test_every_shoe_photo_is_labelled_by_looking_as_one_shoe_or_a_pair(sources):
    with open(
        home_photos.HOME_PHOTOS_DIR / "shoe_items_by_looking.csv", encoding="utf-8"
    ) as file:
        rows = list(csv.DictReader(file))
    items = {row["path"]: row["items"] for row in rows}
    assert len(items) == len(rows)  # one row a photo
    assert set(items.values()) == {"1", "2"}
    bundled_shoes = {row["source"] for row in sources if row["folder"] == "shoes"}
    assert bundled_shoes <= set(items)
    assert all("/shoes/" in path for path in items)
