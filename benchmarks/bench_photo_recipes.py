"""The third lesson's recipe and variations of it, side by side, seed by seed.

    python -m benchmarks.bench_photo_recipes [--recipes lesson batch-norm ...] [--seeds 42 43 44]

Each recipe trains the second lesson's network on Fashion-MNIST plus the
bundled home photos, as photo_cnn.py's steps 6 to 8 do, with one change. Each
training is then measured on the Fashion-MNIST test set, on the home photos'
262 validation pictures (the five classes their folder names, and all), and on
the real photos of --photos where that folder is there, prepared as predict.py
prepares them. The table at the end is docs/third-lesson.md's "What was tried".
On a 2-core CPU one training and its measuring take 30 to 60 seconds, and
the default recipes at 3 seeds about 25 minutes.
"""

import multiprocessing
import sys
import time
import zlib
from pathlib import Path

from lesson import arguments, console, data, errors, flags, home_photos, photos
from lesson.arguments import positive_int
from lesson.backends import speed_settings
from lesson.inference import predict_probabilities
from lesson.model import CNN_BATCH_SIZE, CNN_EPOCHS, build_cnn
from lesson.model_files import load_trained_model
from lesson.names import CNN_MODEL_FILE, OUTPUT_DIR
from lesson.startup import import_tensorflow

import numpy as np
from PIL import Image

from benchmarks.bench_real_photos import (
    BLANK,
    DEFAULT_PHOTOS,
    NO_ITEM,
    prepare_all,
    read_manifest,
)
from tooling.shared import SOURCE_PHOTOS_DIR

LABEL_SMOOTHING = 0.1  # photo_cnn.py's

RECIPES = {
    "lesson": "photo_cnn.py as it is",
    "no-smoothing": "no label smoothing",
    "copies-unmirrored": "no copy of a home photo mirrored",
    "mirrored-both-ways": "a random half of the Fashion-MNIST pictures mirrored "
    "too; answers averaged over both ways round",
    "random-flip-both-ways": "a RandomFlip layer; answers averaged over both ways round",
    "shift-zoom-rotate": "RandomTranslation, RandomZoom, RandomRotation layers",
    "turned-photos": "2 of the copies prepared from the photo turned (up to 10 "
    "degrees) and stretched (up to 10%); needs --home-photos",
    "batch-norm": "batch normalization after each convolution",
    "wider": "32 filters, 128 hidden units",
    "from-lesson-2": "from the second lesson's weights (--lesson-2-model), 3 epochs",
    "ceiling": "32 filters, 128 units, dropout 0.3, 10 epochs (on request only)",
}
DEFAULT_RECIPES = [name for name in RECIPES if name != "ceiling"]
BOTH_WAYS = ("mirrored-both-ways", "random-flip-both-ways")


def turned(image, rng):
    """A photo turned by up to 10 degrees and stretched sideways by up to 10%,
    its corners filled by reflection, so its border stays background."""
    cv2 = photos.opencv()
    rgb = np.asarray(image.convert("RGB"))
    height, width = rgb.shape[:2]
    stretch = rng.uniform(0.9, 1.1)
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), rng.uniform(-10, 10), 1)
    matrix[0] *= stretch
    matrix[0, 2] += (1 - stretch) * width / 2
    rgb = cv2.warpAffine(
        rgb,
        matrix,
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REFLECT_101,
    )
    return Image.fromarray(rgb)


def prepare_turned(job):
    """One training photo turned, then prepared as predict.py does: a picture,
    or None where no item is found (that copy keeps the photo as it is)."""
    path, variant = job
    rng = np.random.default_rng(zlib.crc32(f"{variant}:{path.name}".encode()))
    try:
        return photos.prepare(turned(photos.open_image(path), rng)).picture
    except photos.NoItemFound:
        return None


def turned_copies(folder, pictures, count, workers):
    """`count` turned versions of every home training picture, from its photo."""
    folder = Path(folder)
    sources = [
        folder / row["source"]
        for row in home_photos.read_sources()
        if row["split"] == "train"
    ]
    if len(sources) != len(pictures):
        raise errors.LessonError(
            "data/home-photos/sources.csv 列出的训练照片和训练图片的数量对不上",
            "data/home-photos/sources.csv lists another number of training "
            "photos than there are training pictures",
            subject=home_photos.HOME_PHOTOS_DIR,
        )
    if not all(path.is_file() for path in sources):
        raise errors.LessonError(
            "不是做出 data/home-photos 的那个照片文件夹；用 --home-photos 指定它，"
            "或者去掉 turned-photos 这个做法",
            "not the folder data/home-photos was made from; name it with "
            "--home-photos, or leave out the turned-photos recipe",
            subject=folder,
        )
    context = multiprocessing.get_context("spawn")
    copies = []
    with context.Pool(workers) as pool:
        for variant in range(count):
            jobs = [(path, variant) for path in sources]
            made = pool.map(prepare_turned, jobs, chunksize=8)
            copies.append(
                np.stack(
                    [
                        new if new is not None else old
                        for new, old in zip(made, pictures)
                    ]
                )
            )
    return copies


def home_copies(recipe, pictures, copies, turned_sets):
    """The home pictures' copies for the mix: photo_cnn.py mirrors every other."""
    sets = [pictures] * copies
    if recipe == "turned-photos":
        sets[1], sets[3] = turned_sets  # the 2nd and the 4th copies
    if recipe == "copies-unmirrored":
        return sets
    return [
        each[:, :, ::-1] if number % 2 else each for number, each in enumerate(sets)
    ]


def build(recipe, keras):
    """The second lesson's network, or the recipe's change of it."""
    if recipe in ("wider", "ceiling"):
        model = build_cnn(filters=32, hidden_units=128)
    else:
        model = build_cnn()
    layers = list(model.layers)
    if recipe not in (
        "random-flip-both-ways",
        "shift-zoom-rotate",
        "batch-norm",
        "ceiling",
    ):
        return model  # as photo_cnn.py builds it, from the same random numbers
    if recipe == "random-flip-both-ways":
        layers = [keras.layers.RandomFlip("horizontal"), *layers]
    elif recipe == "shift-zoom-rotate":
        layers = [
            keras.layers.RandomTranslation(0.1, 0.1),
            keras.layers.RandomZoom(0.1),
            keras.layers.RandomRotation(0.05),
            *layers,
        ]
    elif recipe == "batch-norm":
        layers = [
            keras.layers.Conv2D(16, 3, padding="same", use_bias=False),
            keras.layers.BatchNormalization(),
            keras.layers.ReLU(),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(32, 3, padding="same", use_bias=False),
            keras.layers.BatchNormalization(),
            keras.layers.ReLU(),
            *layers[3:],
        ]
    elif recipe == "ceiling":
        layers = [*layers[:-1], keras.layers.Dropout(0.3), layers[-1]]
    return keras.Sequential([keras.Input(shape=(28, 28, 1)), *layers])


def probabilities(model, pictures, both_ways):
    """Class probabilities as predict.py gets them, or averaged over both ways round."""
    if not both_ways:
        return photos.picture_probabilities(model, pictures)
    images = np.asarray(pictures, np.float32) / 255
    return (
        predict_probabilities(model, images)
        + predict_probabilities(model, images[:, :, ::-1])
    ) / 2


def train_one(recipe, seed, args, datasets):
    """Train one recipe at one seed; (scores, fit seconds)."""
    tf = import_tensorflow()
    keras = tf.keras
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    (train_images, train_labels), test, home, check, real, turned_sets = datasets
    if recipe == "mirrored-both-ways":
        mirror = np.random.default_rng(seed).random(len(train_images)) < 0.5
        train_images = np.where(
            mirror[:, None, None], train_images[:, :, ::-1], train_images
        )
    added = home_copies(recipe, home[0], args.photo_copies, turned_sets)
    images = np.concatenate([train_images, *added])
    labels = np.concatenate([train_labels, *[home[1]] * len(added)])
    epochs = args.epochs
    if recipe == "from-lesson-2":
        model, epochs = load_trained_model(args.lesson_2_model), 3
    else:
        model = build(recipe, keras)
    if recipe == "ceiling":
        epochs = 10
    smoothing = 0.0 if recipe == "no-smoothing" else LABEL_SMOOTHING
    model.compile(
        optimizer="adam",
        loss=keras.losses.CategoricalCrossentropy(
            from_logits=True, label_smoothing=smoothing
        ),
        metrics=["accuracy"],
        # photo_cnn.py's speed settings, on whichever backend Keras runs
        **speed_settings(steps_per_execution=32, jit_compile=False),
    )
    started = time.perf_counter()
    model.fit(
        (images / 255.0).astype(np.float32)[..., None],
        keras.utils.to_categorical(labels, 10),
        epochs=epochs,
        batch_size=CNN_BATCH_SIZE,
        verbose=0,
    )
    seconds = time.perf_counter() - started
    both_ways = recipe in BOTH_WAYS
    scores = {}
    # The test set as photo_cnn.py's step 9 measures it; photos as predict.py does.
    if both_ways:
        scores["test"] = probabilities(model, test[0], True).argmax(axis=1) == test[1]
    else:
        test_images = (test[0] / 255.0).astype(np.float32)[..., None]
        predicted = model.predict(test_images, verbose=0, batch_size=1024)
        scores["test"] = predicted.argmax(axis=1) == test[1]
    for name, (pictures, truth) in (("home", check), ("real", real)):
        if len(truth):
            scores[name] = (
                probabilities(model, pictures, both_ways).argmax(axis=1) == truth
            )
    return scores, seconds


def real_photos(folder):
    """The real photos prepared as bench_real_photos.py prepares them: (pictures,
    labels); a photo with no item found keeps its empty picture and gets the
    label NO_ITEM, which no answer matches, so it counts as wrong there too."""
    if not Path(folder).is_dir():
        print(f"no photos at {folder}: real photos not measured")
        return np.zeros((0, 28, 28), np.uint8), np.zeros(0, int)
    rows = read_manifest(folder)
    prepared, _, _ = prepare_all(rows)
    labels = [
        NO_ITEM if photo is BLANK else label
        for photo, (_, label, _) in zip(prepared, rows)
    ]
    return np.stack([photo.picture for photo in prepared]), np.array(labels)


def load(args):
    """Every dataset the recipes need, once."""
    (train_images, train_labels), test = data.load_data(args.data_dir)
    train = data.take_first(train_images, train_labels, args.train_size, "--train-size")
    home, check = home_photos.load_home_photos()
    real = real_photos(args.photos)
    turned_sets = None
    if "turned-photos" in args.recipes:
        print(
            f"preparing 2 turned copies of {len(home[1])} photos from {args.home_photos}"
        )
        turned_sets = turned_copies(args.home_photos, home[0], 2, args.workers)
    return train, test, home, check, real, turned_sets


def cell(values):
    return ", ".join(f"{value:.3f}" for value in values) if values else "-"


def measure(args):
    if "turned-photos" in args.recipes and not Path(args.home_photos).is_dir():
        print(f"no photos at {args.home_photos}: turned-photos not trained")
        args.recipes = [name for name in args.recipes if name != "turned-photos"]
        if not args.recipes:
            raise errors.LessonError(
                "没有可以训练的做法",
                "no recipe left to train",
                subject=args.home_photos,
            )
    if "from-lesson-2" in args.recipes:
        load_trained_model(args.lesson_2_model)  # there? (one error line first)
    if "turned-photos" in args.recipes and args.photo_copies < 4:
        raise errors.LessonError(
            "turned-photos 需要 --photo-copies 4 或更多",
            "turned-photos needs --photo-copies 4 or more",
        )
    import_tensorflow().get_logger().setLevel("ERROR")
    datasets = load(args)
    folder_classes = home_photos.labelled_by_folder("validation")
    rows = []
    for recipe in args.recipes:
        found = {"test": [], "five": [], "all": [], "real": [], "fit": []}
        for seed in args.seeds:
            scores, seconds = train_one(recipe, seed, args, datasets)
            found["test"].append(scores["test"].mean())
            found["five"].append(scores["home"][folder_classes].mean())
            found["all"].append(scores["home"].mean())
            if "real" in scores:
                found["real"].append(scores["real"].mean())
            found["fit"].append(seconds)
            print(
                f"{recipe}, seed {seed}: Fashion-MNIST {found['test'][-1]:.4f}, "
                f"home five classes {found['five'][-1]:.3f}, all {found['all'][-1]:.3f}"
                + (f", real photos {found['real'][-1]:.3f}" if found["real"] else "")
                + f"; fit {seconds:.1f} s",
                flush=True,
            )
        rows.append((recipe, found))
    print(
        "\n| recipe | Fashion-MNIST | home, five classes | home, all | real photos "
        "| fit, s |\n|---|---|---|---|---|---|"
    )
    for recipe, found in rows:
        print(
            f"| {recipe}: {RECIPES[recipe]} | {cell(found['test'])} | {cell(found['five'])} "
            f"| {cell(found['all'])} | {cell(found['real'])} "
            f"| {np.median(found['fit']):.1f} |"
        )


def main(argv=None):
    console.make_safe()  # the output may quote Chinese paths
    parser = arguments.parser(__doc__.splitlines()[0])
    parser.add_argument(
        "--recipes",
        nargs="+",
        choices=list(RECIPES),
        default=DEFAULT_RECIPES,
        help="which recipes to train: "
        + "; ".join(f"{name}: {what}" for name, what in RECIPES.items()),
    )
    parser.add_argument(
        "--seeds", nargs="+", type=arguments.seed, default=[42, 43, 44], help="seeds"
    )
    parser.add_argument(
        "--epochs",
        type=positive_int,
        default=CNN_EPOCHS,
        help="epochs (photo_cnn.py's)",
    )
    parser.add_argument(
        "--photo-copies",
        type=arguments.from_to(0, flags.MOST_PHOTO_COPIES, "copies of each home photo"),
        default=5,
        help="copies of each home photo in the mix (photo_cnn.py's)",
    )
    parser.add_argument(
        "--train-size",
        type=positive_int,
        default=None,
        help="train on the first N Fashion-MNIST pictures only (default: all)",
    )
    parser.add_argument(
        "--data-dir",
        type=arguments.existing_folder,
        default=None,
        help="where the Fashion-MNIST files are (default: the bundled copy)",
    )
    parser.add_argument(
        "--photos",
        type=Path,
        default=DEFAULT_PHOTOS,
        help="real photos with a manifest.json (see bench_real_photos.py), "
        "measured where the folder is there",
    )
    parser.add_argument(
        "--home-photos",
        type=Path,
        default=SOURCE_PHOTOS_DIR,
        help="the phone photos data/home-photos/ was made from (turned-photos only)",
    )
    parser.add_argument(
        "--lesson-2-model",
        type=Path,
        default=OUTPUT_DIR / CNN_MODEL_FILE,
        help="the second lesson's model (from-lesson-2 only)",
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=2,
        help="processes preparing the turned photos",
    )
    return errors.guard(lambda: measure(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
