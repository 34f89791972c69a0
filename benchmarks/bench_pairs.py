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
    """(source path, items seen: 1 or 2, split) for each photo measured."""
    splits = {row["source"]: row["split"] for row in read_sources()}
    with open(ITEMS_BY_LOOKING, encoding="utf-8", newline="") as file:
        shoes = [
            (row["path"], int(row["items"]), splits.get(row["path"], "left out"))
            for row in csv.DictReader(file)
        ]
    garments = [
        (row["source"], 1, row["split"])
        for row in read_sources()
        if row["split"] == "validation" and row["folder"] != "shoes"
    ]
    return shoes + garments


def several_marked(model, prepared):
    """Per prepared photo, whether predict.py would add the "several" note."""
    probabilities = photos.photo_probabilities(model, prepared)
    return np.array(
        [
            "several" in photos.answer_notes(photo, row)
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
    written as colour photos on white and prepared as predict.py does."""
    (_, _), (images, labels) = load_data()
    make, suffix = PHOTO_FORMS["colour"]
    prepared = {}
    for label in photos.SHOE_CLASSES:
        chosen = np.flatnonzero(labels == label)[:per_class]
        prepared[label] = []
        for index in chosen:
            path = Path(folder) / f"{index}{suffix}"
            Image.fromarray(make(images[index])).save(path)
            prepared[label].append(photos.prepare_file(path))
    return prepared


def apart_pairs(folder):
    """For the home shoe photos whose mask has two large parts: (the picture
    of the whole, the picture of its largest part alone, the class)."""
    whole, largest, labels = [], [], []
    for row in read_sources():
        if row["folder"] != "shoes":
            continue
        rgb, opacity = photos.to_arrays(photos.open_image(folder / row["source"]))
        mask, ink, notes = photos.find_item(rgb, opacity)
        if "several" not in notes:
            continue
        parts, large = photos.large_parts(mask, 0.5)
        biggest = max(large, key=lambda part: np.count_nonzero(parts == part))
        for kept, pictures in ((mask, whole), (parts == biggest, largest)):
            item = photos.crop(np.where(kept, ink, 0), kept)
            pictures.append(photos.centre(photos.match_brightness(item, [])))
        labels.append(int(row["label"]))
    return np.array(whole), np.array(largest), np.array(labels)


def one_shoe_or_the_pair(model, folder):
    """Whether one shoe of a pair apart is answered right more often than the pair."""
    whole, largest, labels = apart_pairs(folder)
    if not len(labels):
        return
    right = [
        int(np.sum(photos.picture_probabilities(model, pictures).argmax(1) == labels))
        for pictures in (whole, largest)
    ]
    print(
        f"shoe photos with the pair apart: {len(labels)}; right with the pair "
        f"{right[0]}, with its larger shoe alone {right[1]}"
    )


def measure(args):
    if not args.photos.is_dir():
        raise LessonError(
            f"{args.photos}: no such folder of photos; name it with --photos"
        )
    photos.PAIR_SYMMETRY = args.pair_symmetry  # to try another threshold
    model_path = args.model or best_model(OUTPUT_DIR)
    model = load_trained_model(model_path)
    print(f"model: {model_path}")
    kept = []
    for source, items, split in labelled_photos():
        try:
            prepared = photos.prepare(photos.open_image(args.photos / source))
        except photos.NoItemFound:
            continue  # predict.py answers with an error line: no note to count
        kept.append((prepared, items, split))
    marked = several_marked(model, [prepared for prepared, _, _ in kept])
    items = np.array([items for _, items, _ in kept])
    validation = np.array([split == "validation" for _, _, split in kept])
    pairs, singles = items == 2, items == 1
    print(share_line("pairs of shoes", marked[pairs], PAIRS_TARGET))
    print("  " + share_line("the validation split's pairs", marked[pairs & validation]))
    print(share_line("single items", marked[singles], SINGLES_TARGET, False))
    with tempfile.TemporaryDirectory() as folder:
        side_views = side_view_shoes(args.side_view_shoes, folder)
    by_class = {
        label: several_marked(model, prepared) for label, prepared in side_views.items()
    }
    print(
        share_line(
            "single shoes seen from the side (Fashion-MNIST test shoes as photos)",
            np.concatenate(list(by_class.values())),
            SINGLES_TARGET,
            False,
        )
    )
    for label, class_marked in by_class.items():
        print("  " + share_line(CLASS_NAMES[label], class_marked))
    one_shoe_or_the_pair(model, args.photos)


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
        type=float,
        default=photos.PAIR_SYMMETRY,
        help="the mirror overlap from which a shoe answer's outline is a pair",
    )
    return errors.guard(lambda: measure(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
