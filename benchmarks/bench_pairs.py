"""How often the "several items" note marks a pair of shoes, and a single item.

    python -m benchmarks.bench_pairs [--photos ../shared/clothing_photos]

Prepares every shoe photo of the home photos' source folder as predict.py
does, each labelled by looking as showing one shoe or a pair
(data/home-photos/shoe_items_by_looking.csv), and the validation photos of
every other folder, one garment each; lets the model answer each, as
predict.py does, and prints how often the "several" note
(photos.answer_notes) falls on pairs and on single items, against the
targets. The pairs of the home photos' validation split are counted apart
too: photo_cnn.py's model trained on the others. Then the same for single
shoes seen from the side, Fashion-MNIST's test shoes made into photos: the
note must stay off those too. Last, where a pair lies apart, whether the
model is right more often on one shoe alone than on the pair.
"""

import argparse
import csv
import sys
import tempfile
from pathlib import Path

from lesson import arguments, console, errors, photos
from lesson.data import CLASS_NAMES, load_data
from lesson.errors import LessonError
from lesson.home_photos import HOME_PHOTOS_DIR, read_sources
from lesson.model_files import best_model, load_trained_model
from lesson.names import OUTPUT_DIR

import numpy as np
from PIL import Image

from tooling.shared import PHOTO_FORMS, SOURCE_PHOTOS_DIR

ITEMS_BY_LOOKING = HOME_PHOTOS_DIR / "shoe_items_by_looking.csv"
PAIRS_TARGET, SINGLES_TARGET = 0.80, 0.10  # pairs marked at least, singles at most


def labelled_photos():
    """(source path, what it shows: "pair", "single shoe" or "garment", split)
    for each photo measured."""
    splits = {row["source"]: row["split"] for row in read_sources()}
    with open(ITEMS_BY_LOOKING, encoding="utf-8", newline="") as file:
        shoes = [
            (
                row["path"],
                "pair" if row["items"] == "2" else "single shoe",
                splits.get(row["path"], "left out"),
            )
            for row in csv.DictReader(file)
        ]
    garments = [
        (row["source"], "garment", row["split"])
        for row in read_sources()
        if row["split"] == "validation" and row["folder"] != "shoes"
    ]
    return shoes + garments


def several_marked(model, prepared, symmetry):
    """Per prepared photo, whether predict.py would add the "several" note
    (with the pair rule at this mirror overlap)."""
    probabilities = photos.photo_probabilities(model, prepared)
    return np.array(
        [
            photos.several_items(photo, row, symmetry)
            for photo, row in zip(prepared, probabilities)
        ]
    )


def share_line(what, marked, target=None, at_least=True):
    """'several' note on WHAT: k/n (share; target): met or NOT met."""
    share = marked.mean()
    line = f"'several' note on {what}: {int(marked.sum())}/{marked.size} ({share:.2f}"
    if target is None:
        return line + ")"
    met = share >= target if at_least else share <= target
    sign = ">=" if at_least else "<="
    return line + f"; target {sign} {target:.2f}): {'met' if met else 'NOT met'}"


def side_view_shoes(per_class, folder):
    """Fashion-MNIST's first per_class test pictures of each shoe class,
    written as colour photos on white and prepared as predict.py does:
    (prepared photos, their classes)."""
    (_, _), (images, labels) = load_data()
    make, suffix = PHOTO_FORMS["colour"]
    prepared, classes = [], []
    for label in photos.SHOE_CLASSES:
        for index in np.flatnonzero(labels == label)[:per_class]:
            path = Path(folder) / f"{index}{suffix}"
            Image.fromarray(make(images[index])).save(path)
            prepared.append(photos.prepare_file(path))
            classes.append(label)
    return prepared, np.array(classes)


def apart_pairs(folder, sources):
    """For the home shoe photos among sources (those whose mask has two
    large parts): the picture of the whole, the picture of its largest part
    alone, the class, and whether the photo is in the validation split."""
    whole, largest, labels, validation = [], [], [], []
    for row in read_sources():
        if row["folder"] != "shoes" or row["source"] not in sources:
            continue
        rgb, opacity = photos.to_arrays(photos.open_image(folder / row["source"]))
        mask, ink, _ = photos.find_item(rgb, opacity)
        parts, large = photos.large_parts(mask, 0.5)
        biggest = max(large, key=lambda part: np.count_nonzero(parts == part))
        for kept, pictures in ((mask, whole), (parts == biggest, largest)):
            pictures.append(photos.picture_of(np.where(kept, ink, 0), kept, []))
        labels.append(int(row["label"]))
        validation.append(row["split"] == "validation")
    return np.array(whole), np.array(largest), np.array(labels), np.array(validation)


def one_shoe_or_the_pair(model, folder, sources):
    """Whether one shoe of a pair apart is answered right more often than the
    pair, on the photos among sources whose mask has two large parts."""
    whole, largest, labels, validation = apart_pairs(folder, sources)
    if not len(labels):
        return
    right = [
        photos.picture_probabilities(model, pictures).argmax(axis=1) == labels
        for pictures in (whole, largest)
    ]
    print(
        f"shoe photos with the pair apart: {len(labels)} ({int(validation.sum())} "
        f"in the validation split); right with the pair {int(right[0].sum())} "
        f"({int(right[0][validation].sum())}), with its larger shoe alone "
        f"{int(right[1].sum())} ({int(right[1][validation].sum())})"
    )


def measure(args):
    if not args.photos.is_dir():
        raise LessonError(
            f"{args.photos}: no such folder of photos; name it with --photos"
        )
    model_path = args.model or best_model(OUTPUT_DIR)
    model = load_trained_model(model_path)
    print(
        f"model: {model_path}; the pair rule at a mirror overlap of {args.pair_symmetry}"
    )
    kept = []
    for source, shows, split in labelled_photos():
        try:
            prepared = photos.prepare(photos.open_image(args.photos / source))
        except photos.NoItemFound:
            continue  # predict.py answers with an error line: no note to count
        kept.append((prepared, shows, split, source))
    marked = several_marked(
        model, [prepared for prepared, *_ in kept], args.pair_symmetry
    )
    shows = np.array([shows for _, shows, *_ in kept])
    validation = np.array([split == "validation" for _, _, split, _ in kept])
    pairs, singles = shows == "pair", shows != "pair"
    print(share_line("pairs of shoes", marked[pairs], PAIRS_TARGET))
    print("  " + share_line("the validation split's pairs", marked[pairs & validation]))
    print(share_line("single items", marked[singles], SINGLES_TARGET, False))
    for what in ("garment", "single shoe"):
        print("  " + share_line(f"{what}s", marked[shows == what]))
    with tempfile.TemporaryDirectory() as folder:
        side_views, classes = side_view_shoes(args.side_view_shoes, folder)
    side_marked = several_marked(model, side_views, args.pair_symmetry)
    what = "single shoes seen from the side (Fashion-MNIST test shoes as photos)"
    print(share_line(what, side_marked, SINGLES_TARGET, False))
    for label in photos.SHOE_CLASSES:
        print("  " + share_line(CLASS_NAMES[label], side_marked[classes == label]))
    apart = {source for prepared, _, _, source in kept if "several" in prepared.notes}
    one_shoe_or_the_pair(model, args.photos, apart)


def overlap(text):
    """argparse type: a mirror overlap, 0 to 1."""
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not 0 <= value <= 1:  # NaN too
        raise argparse.ArgumentTypeError(
            f"要 0 到 1 之间的数，却是 {text!r} / "
            f"expected a number from 0 to 1, got {text!r}"
        )
    return value


def main(argv=None):
    console.make_safe()
    parser = arguments.parser(__doc__.splitlines()[0])
    parser.add_argument(
        "--photos",
        type=arguments.existing_folder,
        default=SOURCE_PHOTOS_DIR,
        help="the home photos' source folder (its README: CC0)",
    )
    parser.add_argument(
        "--model",
        metavar="PATH",
        type=Path,
        default=None,
        help="the model that answers (default: the best in outputs)",
    )
    parser.add_argument(
        "--side-view-shoes",
        metavar="N",
        type=arguments.positive_int,
        default=100,
        help="Fashion-MNIST test pictures of each shoe class to measure",
    )
    parser.add_argument(
        "--pair-symmetry",
        metavar="OVERLAP",
        type=overlap,
        default=photos.PAIR_SYMMETRY,
        help="the mirror overlap from which a shoe answer's outline is a pair",
    )
    return errors.guard(lambda: measure(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
