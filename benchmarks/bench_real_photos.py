"""How often the trained models are right on real clothing photos.

    python -m benchmarks.bench_real_photos [--photos ../shared/real_photos] [--model PATH ...]

Reads a folder of photos labelled by hand, prepares each one as predict.py
does (lesson/photos.py) and prints, for each model: accuracy overall, per kind
of photo and per class, top-3 accuracy, the time to prepare a photo, the same
for two preparations typical tutorials use, and the targets. It also times a
12-megapixel photo and draws a contact sheet: every photo beside the 28x28
picture the model saw and its answer, right in blue, wrong in red.

The folder holds the photos and a manifest.json, a list with one object per
photo:

    [{"file": "boot.jpg", "label": 9, "kind": "product-white-bg"}, ...]

`file` is the photo's name in the folder, `label` its class (0-9, in the
order of lesson.data.CLASS_NAMES) and `kind` any word that groups photos
(for example product-white-bg, flat-lay-or-hanger, cluttered); other keys
are ignored.
"""

import json
import sys
import tempfile
import time
from pathlib import Path

from lesson import arguments, console, errors, photos
from lesson.data import CLASS_NAMES
from lesson.errors import LessonError
from lesson.files import prepare_output_dir, write_atomically
from lesson.home_photos import read_sources
from lesson.inference import predict_probabilities
from lesson.model import normalize
from lesson.model_files import load_trained_model
from lesson.names import CNN_MODEL_FILE, MODEL_FILE, OUTPUT_DIR, PHOTO_MODEL_FILE
from lesson.startup import import_tensorflow

import numpy as np
from PIL import Image, ImageOps

from tooling.shared import REAL_PHOTOS_DIR, SOURCE_PHOTOS_DIR

DEFAULT_PHOTOS = REAL_PHOTOS_DIR
DEFAULT_MODELS = [
    OUTPUT_DIR / name for name in (MODEL_FILE, CNN_MODEL_FILE, PHOTO_MODEL_FILE)
]
FLAT_LAY = "flat-lay-or-hanger"
# model file name: (what the targets call it, overall target)
TARGETS = {
    MODEL_FILE: ("dense", 0.70),
    CNN_MODEL_FILE: ("convolutional", 0.80),
    PHOTO_MODEL_FILE: ("home-photo", 0.88),
}
# photo_cnn.py's model on the home photos' validation set: (kind or "all", target).
HOME_TARGETS = (("home, label by folder", 0.92), ("all", 0.85))
FLAT_LAY_TARGET = 0.65  # with the convolutional model
SECONDS_TARGET = 0.5  # to prepare one 12-megapixel photo
# The unsure notes (photos.ANSWER_NOTES; a photo with no item counts as "low"):
# on most wrong answers and few right ones, overall and in every class group.
FLAGGED_WRONG_TARGET, FLAGGED_RIGHT_TARGET = 0.60, 0.20
# A cut-out that covers this share of one side of the photo, within EDGE_BAND
# of its short side from that edge, reaches the edge: the item may run past
# it, or the cut-out took in some background. Measured to see whether a note
# on it would say something about the answer.
EDGE_SHARE, EDGE_BAND = 0.4, 0.06


def read_manifest(folder):
    """The manifest's entries as (path, label, kind), or a LessonError."""
    folder = Path(folder)
    if not folder.is_dir():
        raise LessonError(
            f"{folder}: no such folder of photos; name a folder with a "
            "manifest.json (see docs/photos.md) with --photos"
        )
    manifest = folder / "manifest.json"
    try:
        entries = json.loads(manifest.read_text("utf-8"))
    except FileNotFoundError:
        raise LessonError(
            f"{manifest}: missing; list the photos there (see --help for the format)"
        ) from None
    except (OSError, ValueError) as exc:
        raise LessonError(f"{manifest}: not a JSON list of photos ({exc})") from None
    if not isinstance(entries, list) or not entries:
        raise LessonError(f"{manifest}: expected a non-empty JSON list of photos")
    rows = []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not {"file", "label", "kind"} <= set(entry):
            raise LessonError(
                f"{manifest}: entry {number} is not an object with file, label and kind"
            )
        file, label, kind = entry["file"], entry["label"], entry["kind"]
        if not isinstance(file, str) or not file:
            raise LessonError(f"{manifest}: entry {number}: file must be a file name")
        if type(label) is not int or not 0 <= label < len(CLASS_NAMES):
            raise LessonError(f"{manifest}: entry {number}: label must be 0-9")
        rows.append((folder / file, label, str(kind)))
    return rows


def home_rows(folder):
    """data/home-photos' validation pictures as (source photo, label, kind):
    the photos no lesson trains on, read from the folder they were made from."""
    return [
        (
            Path(folder) / row["source"],
            int(row["label"]),
            f"home, label by {row['label_from']}",
        )
        for row in read_sources()
        if row["split"] == "validation"
    ]


# Class groups the notes are measured on, by the photo's true class.
CLASS_GROUPS = {
    "tops": (0, 2, 4, 6),
    "bottoms and dresses": (1, 3),
    "shoes": photos.SHOE_CLASSES,
}


def marked_by(notes, key):
    """Per answer, whether its notes include key; "unsure" is any of
    photos.ANSWER_NOTES, the notes on the answer itself."""
    if key == "unsure":
        return np.array([bool(set(n) & set(photos.ANSWER_NOTES)) for n in notes])
    return np.array([key in n for n in notes])


def by_group(right, labels):
    """{group: (its wrong answers, its right ones)} as boolean masks."""
    masks = {}
    for group, classes in CLASS_GROUPS.items():
        members = np.isin(labels, classes)
        masks[group] = (members & ~right, members & right)
    return masks


def note_lines_by_group(notes, right, labels):
    """How often each note falls on wrong and on right answers, per class group."""
    lines = []
    for key in ["unsure", *photos.ANSWER_NOTES, *photos.NOTES]:
        marked = marked_by(notes, key)
        parts = [
            f"{group} {int(marked[wrong].sum())}/{int(wrong.sum())} wrong, "
            f"{int(marked[fine].sum())}/{int(fine.sum())} right"
            for group, (wrong, fine) in by_group(right, labels).items()
        ]
        lines.append(f"  note {key!r}: " + "; ".join(parts))
    return lines


def group_rates(notes, right, labels):
    """{group: (share of its wrong answers marked unsure, share of right ones)}."""
    marked = marked_by(notes, "unsure")
    return {
        group: (
            float(marked[wrong].mean()) if wrong.any() else 0.0,
            float(marked[fine].mean()) if fine.any() else 0.0,
        )
        for group, (wrong, fine) in by_group(right, labels).items()
    }


def flag_line(flagged, right):
    """How often the unsure flag marks wrong answers, and right ones."""
    wrong = ~right
    return (
        f"  unsure flag: {int(flagged[wrong].sum())}/{int(wrong.sum())} wrong answers "
        f"({flagged[wrong].mean() if wrong.any() else 0:.2f}), "
        f"{int(flagged[right].sum())}/{int(right.sum())} right ones "
        f"({flagged[right].mean() if right.any() else 0:.2f})"
    )


def resize_invert(image):
    """What many tutorials do: grayscale, squeeze to 28x28, invert."""
    gray = ImageOps.grayscale(image.convert("RGB")).resize((28, 28))
    return 255 - np.asarray(gray)


def letterbox_autocontrast(image):
    """A careful tutorial: pad to a square, 28x28, stretch, invert on a light border."""
    gray = ImageOps.grayscale(image.convert("RGB"))
    values = np.asarray(gray)
    # Not photos.border: the "before" row runs this with an older lesson/photos.py.
    edges = [values[0], values[-1], values[:, 0], values[:, -1]]
    background = int(np.median(np.concatenate(edges)))
    side = max(gray.size)
    square = Image.new("L", (side, side), background)
    square.paste(gray, ((side - gray.width) // 2, (side - gray.height) // 2))
    small = np.asarray(ImageOps.autocontrast(square.resize((28, 28))))
    return 255 - small if background >= 128 else small


BASELINES = {
    "typical tutorial: resize + invert": resize_invert,
    "typical tutorial: letterbox + autocontrast + invert": letterbox_autocontrast,
}


NO_ITEM = -1  # the answer for a photo where no item was found: always wrong
BLANK = photos.PreparedPhoto(
    np.zeros((photos.SIZE, photos.SIZE), np.uint8), np.zeros((1, 1), bool), ()
)


def prepare_all(rows):
    """PreparedPhoto per photo (BLANK where no item was found), the images, and
    the seconds each took to prepare."""
    prepared, images, seconds = [], [], []
    photos.prepare(photos.open_image(rows[0][0]).resize((64, 64)))  # imports, untimed
    for path, _, _ in rows:
        started = time.perf_counter()
        image = photos.open_image(path)
        try:
            prepared.append(photos.prepare(image))
        except photos.NoItemFound:
            print(f"{path}: {photos.NO_ITEM[1].split(';')[0]}; counted as wrong")
            prepared.append(BLANK)
        seconds.append(time.perf_counter() - started)
        images.append(image)
    return prepared, images, seconds


def reaches_edge(mask):
    """Whether the item's mask runs along one side of the photo (EDGE_SHARE)."""
    band = max(2, round(EDGE_BAND * min(mask.shape)))
    sides = (
        mask[:band].any(axis=0),
        mask[-band:].any(axis=0),
        mask[:, :band].any(axis=1),
        mask[:, -band:].any(axis=1),
    )
    return max(side.mean() for side in sides) >= EDGE_SHARE


def edge_line(prepared, right):
    """How often the model is right where the mask reaches the edge, and elsewhere."""
    edge = np.array([reaches_edge(photo.item_mask) for photo in prepared])
    return (
        f"  mask reaching an edge: {int(edge.sum())} photos, "
        f"{right[edge].mean() if edge.any() else 0:.2f} right; the others "
        f"{right[~edge].mean() if (~edge).any() else 0:.2f} right"
    )


def accuracy_line(name, right, top3=None):
    extra = f", top-3 {np.mean(top3):.2f}" if top3 is not None else ""
    return f"  {name}: {np.mean(right):.2f} ({int(np.sum(right))}/{len(right)}){extra}"


def per_kind(right, kinds):
    return "; ".join(
        f"{kind} {right[kinds == kind].mean():.2f}" for kind in sorted(set(kinds))
    )


def report(model_path, rows, prepared, images):
    """Print one model's results; return (overall, flat-lay accuracy, answers,
    (share of wrong answers flagged unsure, share of right ones))."""
    model = load_trained_model(model_path)
    labels = np.array([label for _, label, _ in rows])
    kinds = np.array([kind for _, _, kind in rows])
    probabilities = photos.photo_probabilities(model, prepared)
    found = np.array([photo is not BLANK for photo in prepared])
    probabilities[~found] = 0.0
    answers = np.where(found, probabilities.argmax(axis=1), NO_ITEM)
    right = answers == labels
    top3 = (np.argsort(probabilities, axis=1)[:, -3:] == labels[:, None]).any(axis=1)
    top3 &= found
    notes = [
        photos.answer_notes(photo, row) if photo is not BLANK else ("low",)
        for photo, row in zip(prepared, probabilities)
    ]
    flagged = marked_by(notes, "unsure")
    print(f"\nmodel {model_path}: {len(rows)} photos")
    print(accuracy_line("all", right, top3))
    print(flag_line(flagged, right))
    print("\n".join(note_lines_by_group(notes, right, labels)))
    print(edge_line(prepared, right))
    for kind in sorted(set(kinds)):
        print(accuracy_line(kind, right[kinds == kind], top3[kinds == kind]))
    print(
        "  per class: "
        + ", ".join(
            f"{CLASS_NAMES[c]} {int(right[labels == c].sum())}/{int((labels == c).sum())}"
            for c in range(len(CLASS_NAMES))
            if (labels == c).any()
        )
    )
    for name, baseline in BASELINES.items():
        pictures = np.stack([baseline(image) for image in images])
        guessed = predict_probabilities(model, normalize(pictures)).argmax(axis=1)
        print(
            f"{accuracy_line(name, guessed == labels)}; {per_kind(guessed == labels, kinds)}"
        )
    flat = right[kinds == FLAT_LAY].mean() if (kinds == FLAT_LAY).any() else None
    rates = (
        float(flagged[~right].mean()) if (~right).any() else 0.0,
        float(flagged[right].mean()) if right.any() else 0.0,
    )
    by_kind = {kind: float(right[kinds == kind].mean()) for kind in set(kinds)}
    by_kind["all"] = float(right.mean())
    return float(right.mean()), flat, answers, rates, by_kind, (notes, right, labels)


def twelve_megapixel_seconds(path, repeats=3):
    """Median seconds to open and prepare a 4000x3000 JPEG made from a photo."""
    with Image.open(path) as image:
        big = image.convert("RGB").resize((4000, 3000), Image.Resampling.BICUBIC)
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "12mp.jpg"
        big.save(file, quality=90)
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            photos.prepare_file(file)
            times.append(time.perf_counter() - started)
    return float(np.median(times))


def contact_sheet(path, rows, images, prepared, answers, title):
    """Every photo beside the 28x28 picture the model saw; answer in blue or red."""
    import matplotlib

    matplotlib.use("Agg")
    from lesson.figures import RIGHT_COLOR, WRONG_COLOR

    import matplotlib.pyplot as plt

    columns = 8
    lines = -(-len(rows) // columns)
    figure, axes = plt.subplots(
        lines, 2 * columns, figsize=(2 * columns * 0.9, lines * 1.1), squeeze=False
    )
    for axis in axes.flat:
        axis.axis("off")
    for index, ((_, label, _), image, photo, answer) in enumerate(
        zip(rows, images, prepared, answers)
    ):
        row, column = divmod(index, columns)
        thumbnail = image.convert("RGBA")
        thumbnail.thumbnail((96, 96))
        shown = Image.new("RGBA", thumbnail.size, "white")
        shown.alpha_composite(thumbnail)
        axes[row, 2 * column].imshow(shown)
        axes[row, 2 * column + 1].imshow(photo.picture, cmap="gray", vmin=0, vmax=255)
        colour = RIGHT_COLOR if answer == label else WRONG_COLOR
        axes[row, 2 * column + 1].set_title(
            CLASS_NAMES[answer] if answer != NO_ITEM else "no item",
            color=colour,
            fontsize=7,
            loc="left",
        )
    figure.suptitle(title, fontsize=10)
    figure.tight_layout(pad=0.3, rect=(0, 0, 1, 0.95))  # room for the title
    write_atomically(
        path, lambda temporary: figure.savefig(temporary, dpi=80, format="png")
    )
    plt.close(figure)
    print(f"  contact sheet: {path}")


def measure_set(name, rows, models, sheet_dir):
    """One photo set, every model: {model path: (overall, flat-lay, flag rates)}
    and the photos' preparing times."""
    missing = [str(path) for path, _, _ in rows if not path.is_file()]
    if missing:
        raise LessonError(f"{missing[0]}: listed for {name} but missing")
    prepared, images, seconds = prepare_all(rows)
    print(
        f"\n== {name}: {len(rows)} photos; preparing one took "
        f"{1000 * np.median(seconds):.0f} ms (median), {1000 * max(seconds):.0f} ms at most"
    )
    results = {}
    stems = [Path(model_path).stem for model_path in models]
    for number, model_path in enumerate(models):
        # One sheet per model: a file name met before gets its place in the list.
        stem = stems[number]
        if stem in stems[:number]:
            stem = f"{stem}_{number + 1}"
        overall, flat, answers, rates, by_kind, marked = report(
            model_path, rows, prepared, images
        )
        # By path: models of the same file name in other folders stay apart.
        results[str(model_path)] = (overall, flat, rates, by_kind, marked)
        contact_sheet(
            sheet_dir / f"{name.split()[0]}_photos_{stem}.png",
            rows,
            images,
            prepared,
            answers,
            f"{Path(model_path).name}: {overall:.2f} right on {len(rows)} photos",
        )
    return results, seconds


def print_group_targets(sets):
    """The unsure note's targets, per class group, for the best model measured
    (the third lesson's where it is there), on all the photo sets together."""
    names = list(next(iter(sets.values())))
    best = next(
        (name for name in names if Path(name).name == PHOTO_MODEL_FILE), names[0]
    )
    notes, right, labels = (
        [item for found in sets.values() for item in found[best][4][part]]
        for part in range(3)
    )
    for group, (wrong, fine) in group_rates(
        notes, np.array(right), np.array(labels)
    ).items():
        met = wrong >= FLAGGED_WRONG_TARGET and fine <= FLAGGED_RIGHT_TARGET
        print(
            f"  unsure note, {best} on {' and '.join(sets)}, {group}: {wrong:.2f} of "
            f"wrong answers (>= {FLAGGED_WRONG_TARGET:.2f}), {fine:.2f} of right ones "
            f"(<= {FLAGGED_RIGHT_TARGET:.2f}): {'met' if met else 'NOT met'}"
        )


def measure(args):
    rows = read_manifest(args.photos)
    sheet_dir = prepare_output_dir(args.sheet_dir, "--sheet-dir")
    models = [Path(path) for path in args.model if Path(path).exists()]
    if not models:
        load_trained_model(args.model[0])  # says which command trains one
    for path in args.model:
        if not Path(path).exists():
            print(f"no model at {path}: not measured (train it to measure it too)")
    # Keras warns when predict meets new batch sizes; here that is expected.
    import_tensorflow().get_logger().setLevel("ERROR")
    results, seconds = measure_set(
        f"real photos ({args.photos})", rows, models, sheet_dir
    )
    sets = {"real photos": results}
    if args.home_photos.is_dir():
        sets["home photos"], _ = measure_set(
            f"home photos (data/home-photos validation, from {args.home_photos})",
            home_rows(args.home_photos),
            models,
            sheet_dir,
        )
    else:
        print(f"\nno photos at {args.home_photos}: home photos not measured")
    slowest = rows[int(np.argmax(seconds))][0]  # the costliest way to prepare
    big = twelve_megapixel_seconds(slowest)
    print("\ntargets:")
    for set_name, found in sets.items():
        for name, (_, _, (wrong, right), _, _) in found.items():
            met = wrong >= FLAGGED_WRONG_TARGET and right <= FLAGGED_RIGHT_TARGET
            print(
                f"  unsure flag, {name} on {set_name}: {wrong:.2f} of wrong answers "
                f"(>= {FLAGGED_WRONG_TARGET:.2f}), {right:.2f} of right ones "
                f"(<= {FLAGGED_RIGHT_TARGET:.2f}): {'met' if met else 'NOT met'}"
            )
    print_group_targets(sets)
    for name, (_, _, _, home, _) in sets.get("home photos", {}).items():
        for kind, target in HOME_TARGETS if Path(name).name == PHOTO_MODEL_FILE else ():
            print(
                f"  home-photo model {name} on home photos, {kind} {home[kind]:.2f} "
                f"(>= {target:.2f}): {'met' if home[kind] >= target else 'NOT met'}"
            )
    for name, (overall, flat, _, _, _) in results.items():
        if Path(name).name in TARGETS:
            what, target = TARGETS[Path(name).name]
            print(
                f"  {what} model {name} overall {overall:.2f} (>= {target:.2f}): "
                f"{'met' if overall >= target else 'NOT met'}"
            )
        if Path(name).name == CNN_MODEL_FILE and flat is not None:
            print(
                f"  convolutional model {name} on {FLAT_LAY} {flat:.2f} "
                f"(>= {FLAT_LAY_TARGET:.2f}): {'met' if flat >= FLAT_LAY_TARGET else 'NOT met'}"
            )
    print(
        f"  preparing a 12-megapixel JPEG ({slowest.name} enlarged) {big:.2f} s (<= {SECONDS_TARGET} s): "
        f"{'met' if big <= SECONDS_TARGET else 'NOT met'}"
    )


def main(argv=None):
    console.make_safe()  # the output may quote Chinese paths and labels
    parser = arguments.parser(__doc__.splitlines()[0])
    parser.add_argument(
        "--photos", type=Path, default=DEFAULT_PHOTOS, help="folder with manifest.json"
    )
    parser.add_argument(
        "--home-photos",
        type=Path,
        default=SOURCE_PHOTOS_DIR,
        help="the phone photos data/home-photos/ was made from: its validation "
        "photos are measured too where the folder is there",
    )
    parser.add_argument(
        "--model",
        type=Path,
        nargs="+",
        default=[str(path) for path in DEFAULT_MODELS],
        help="trained models to measure (those that exist)",
    )
    parser.add_argument(
        "--sheet-dir",
        type=Path,
        default=OUTPUT_DIR,
        help="where the contact sheets go",
    )
    return errors.guard(lambda: measure(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
