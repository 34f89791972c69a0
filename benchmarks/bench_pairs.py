"""How often the "several items" note marks a pair of shoes, and a single item.

    python -m benchmarks.bench_pairs [--photos ../shared/clothing_photos]

Prepares every shoe photo of the home photos' source folder as predict.py
does, each labelled by looking as showing one shoe or a pair
(data/home-photos/shoe_items_by_looking.csv), and the validation photos of
every other folder, one garment each, and prints how often the "several"
note falls on pairs and on single items, against the targets.
"""

import csv
import sys

from lesson import arguments, console, errors, photos
from lesson.errors import LessonError
from lesson.home_photos import HOME_PHOTOS_DIR, read_sources

from tooling.shared import SOURCE_PHOTOS_DIR

ITEMS_BY_LOOKING = HOME_PHOTOS_DIR / "shoe_items_by_looking.csv"
PAIRS_TARGET, SINGLES_TARGET = 0.80, 0.10  # pairs marked at least, singles at most


def labelled_photos():
    """(source path, items seen: 1 or 2) for each photo measured."""
    with open(ITEMS_BY_LOOKING, encoding="utf-8", newline="") as file:
        shoes = [(row["path"], int(row["items"])) for row in csv.DictReader(file)]
    garments = [
        (row["source"], 1)
        for row in read_sources()
        if row["split"] == "validation" and row["folder"] != "shoes"
    ]
    return shoes + garments


def measure(args):
    if not args.photos.is_dir():
        raise LessonError(
            f"{args.photos}: no such folder of photos; name it with --photos"
        )
    marked = {1: [], 2: []}
    for source, items in labelled_photos():
        try:
            prepared = photos.prepare(photos.open_image(args.photos / source))
        except photos.NoItemFound:
            continue  # predict.py answers with an error line: no note to count
        marked[items].append("several" in prepared.notes)
    for items, what, target, met in (
        (2, "pairs of shoes", PAIRS_TARGET, lambda share: share >= PAIRS_TARGET),
        (1, "single items", SINGLES_TARGET, lambda share: share <= SINGLES_TARGET),
    ):
        share = sum(marked[items]) / len(marked[items])
        print(
            f"'several' note on {what}: {sum(marked[items])}/{len(marked[items])} "
            f"({share:.2f}; target {'>=' if items == 2 else '<='} {target:.2f}): "
            f"{'met' if met(share) else 'NOT met'}"
        )


def main(argv=None):
    console.make_safe()
    parser = arguments.parser(__doc__.splitlines()[0])
    parser.add_argument(
        "--photos",
        type=arguments.existing_folder,
        default=SOURCE_PHOTOS_DIR,
        help="the home photos' source folder (its README: CC0)",
    )
    return errors.guard(lambda: measure(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
