"""Classify your own clothing photos with the best model the lessons trained.

    python predict.py shoe.jpg shirt.png
    python predict.py photos/*.jpg --top 5 --save-inputs seen/

The model is photo_cnn.py's where it has run, else first_cnn.py's, else
first_nn.py's (model_files.MODELS_BEST_FIRST; --model names another).

Each photo is turned into what the model learned from by lesson/photos.py
(find the item, trim, shrink to 28x28, light item on a dark background),
then scaled to 0-1 exactly as training did.
"""

import argparse
import json
import sys
from itertools import zip_longest
from pathlib import Path

import lesson  # noqa: F401  (first: a supported Python and the packages)
from lesson import backends, console, errors, photos
from lesson.arguments import parser, positive_int
from lesson.console import (
    MOST_COLUMNS,
    both,
    columns,
    fitted,
    label,
    speaks_chinese,
)
from lesson.data import CLASS_NAMES, CLASS_NAMES_ZH, class_name
from lesson.errors import LessonError
from lesson.files import prepare_output_dir, write_atomically
from lesson.model_files import (
    MODEL_WORDS,
    MODELS_BEST_FIRST,
    best_model,
    load_trained_model,
)
from lesson.names import OUTPUT_DIR

import numpy as np
from PIL import Image


def top_classes(probabilities, k):
    order = np.argsort(probabilities)[::-1][:k]
    return [
        {
            "class_index": int(i),
            "class_name": CLASS_NAMES[i],
            "class_name_zh": CLASS_NAMES_ZH[i],
            "probability": float(probabilities[i]),
        }
        for i in order
    ]


def describe(image, probabilities, k):
    """The answer: 'shoe.jpg: Sneaker（运动鞋）93.1%  (Sandal（凉鞋）4.2%, …)', the
    other classes on a second line where one would be wider than MOST_COLUMNS.

    Chinese names appear where the console can show them.
    """
    best, *others = [
        f"{class_name(row['class_index'])} {100 * row['probability']:.1f}%"
        for row in top_classes(probabilities, k)
    ]
    if not others:
        return f"{image}: {best}"
    if speaks_chinese():
        rest = f"（{'，'.join(others)}）"
    else:
        rest = f"({', '.join(others)})"
    line = f"{image}: {best}  {rest}"
    if columns(line) <= MOST_COLUMNS:
        return line
    return f"{image}: {best}\n  {rest}"  # the other classes on a line of their own


def notes(photo, probabilities):
    """The lines that say why an answer may be wrong, indented."""
    return [
        fitted("注意：" + chinese, "Note: " + english, lead="  ")
        for chinese, english in photos.note_lines(photo, probabilities)
    ]


def as_json(image, photo, probabilities, k, seen=None, model=None):
    best = top_classes(probabilities, 1)[0]
    saved = {} if seen is None else {"picture_the_model_saw": str(seen)}
    lines = photos.note_lines(photo, probabilities)
    return json.dumps(
        {
            "image": str(image),
            "model": str(model),
            **saved,
            **best,
            "probabilities": [float(p) for p in probabilities],
            "top": top_classes(probabilities, k),
            "unsure": bool(lines),
            "notes": [english for _, english in lines],
            "notes_zh": [chinese for chinese, _ in lines],
        },
        ensure_ascii=True,  # any console can carry it; JSON readers restore it
    )


def save_image(path, pixels):
    write_atomically(
        path, lambda temporary: Image.fromarray(pixels).save(temporary, format="PNG")
    )


# What --save-inputs writes for each image, besides NAME.png.
SAVED_BESIDE = (".mask", ".panel")


def saved_beside(picture_path, kind):
    """NAME.mask.png or NAME.panel.png, beside the picture NAME.png."""
    return picture_path.with_name(f"{picture_path.stem}{kind}.png")


PANEL_GAP = 8  # white pixels between the panel's three parts


def panel(image, photo):
    """The photo, the pixels taken for the item (white) and the 28x28 picture
    the model saw, enlarged without smoothing, side by side on white: where
    an answer came from, at a glance."""
    height, width = photo.item_mask.shape  # the photo as shrunk for the search
    shown = photos.open_image(image).convert("RGBA").resize((width, height))
    white = Image.new("RGBA", shown.size, "white")
    parts = [
        Image.alpha_composite(white, shown).convert("RGB"),
        Image.fromarray(photo.item_mask.astype(np.uint8) * 255).convert("RGB"),
        Image.fromarray(photo.picture)
        .resize((height, height), Image.Resampling.NEAREST)
        .convert("RGB"),
    ]
    sheet = Image.new(
        "RGB",
        (sum(part.width for part in parts) + PANEL_GAP * (len(parts) - 1), height),
        "white",
    )
    left = 0
    for part in parts:
        sheet.paste(part, (left, 0))
        left += part.width + PANEL_GAP
    return np.asarray(sheet)


def save_inputs(folder, pictures):
    """Write what the model saw for each image: folder/<image name>.png, the
    28x28 picture; folder/<image name>.mask.png, the pixels taken for the
    item (white) in the photo as shrunk for the search (photos.WORKING_SIZE);
    and folder/<image name>.panel.png, the photo, that mask and the picture
    side by side (panel()).
    Returns the pictures' paths, in order (a name taken twice gets -2, -3, …)."""
    used = set()
    paths = []
    for image, photo in pictures:
        name = Path(image).stem or "image"
        candidate, number = name, 1

        def names(stem):  # casefolded: Windows and macOS ignore case
            return {f"{stem}{end}".casefold() for end in ("", *SAVED_BESIDE)}

        while names(candidate) & used:  # none of its names taken yet
            number += 1
            candidate = f"{name}-{number}"
        used |= names(candidate)
        picture_path = folder / f"{candidate}.png"
        save_image(picture_path, photo.picture)
        mask = photo.item_mask.astype(np.uint8) * 255
        save_image(saved_beside(picture_path, ".mask"), mask)
        save_image(saved_beside(picture_path, ".panel"), panel(image, photo))
        paths.append(picture_path)
    return paths


def top_k(text):
    value = positive_int(text)
    if value > len(CLASS_NAMES):
        raise argparse.ArgumentTypeError(
            f"只有 {len(CLASS_NAMES)} 个类别，却是 {value} / "
            f"there are only {len(CLASS_NAMES)} classes, got {value}"
        )
    return value


def parse_args(argv=None):
    flags = parser(
        "说出每张衣物图片是 Fashion-MNIST 10 个类别中的哪一个。\n"
        "Say which of the 10 Fashion-MNIST classes each clothing picture is."
    )
    flags.add_argument(
        "images",
        metavar="IMAGE",
        nargs="+",
        help="PNG、JPEG、BMP、GIF 或 WebP 图片文件\nPNG, JPEG, BMP, GIF or WebP files",
    )
    flags.add_argument(
        "--model",
        metavar="PATH",
        type=Path,
        default=None,
        help="训练好的模型（默认：outputs 里最好的一个，"
        + "，否则 ".join(MODELS_BEST_FIRST)
        + "）\nthe trained model (default: the best in outputs, "
        + ", else ".join(MODELS_BEST_FIRST)
        + ")",
    )
    flags.add_argument(
        "--top",
        metavar="K",
        type=top_k,
        default=3,
        help="每张图片列出几个类别\nhow many classes to list per image",
    )
    flags.add_argument(
        "--json",
        action="store_true",
        help="每张图片改为输出一个 JSON 对象\nprint one JSON object per image instead",
    )
    flags.add_argument(
        "--save-inputs",
        metavar="DIR",
        type=Path,
        default=None,
        help="保存模型看到的 28x28 图片、被当作衣物的像素（NAME.mask.png），"
        "以及照片、像素和图片并排的一张图（NAME.panel.png）\n"
        "save the 28x28 picture the model saw for each image, the "
        "pixels taken for the item (NAME.mask.png), and the photo, those pixels "
        "and the picture side by side (NAME.panel.png)",
    )
    backends.add_backend_argument(flags)
    try:
        args = flags.parse_intermixed_args(argv)  # files and flags in any order
    except LessonError as exc:
        if "required: IMAGE" not in exc.english:
            raise
        example = "python predict.py docs/images/example_boot.jpg"
        raise LessonError(
            f"{exc.chinese}；例如：{example}", f"{exc.english}; for example: {example}"
        ) from None
    backends.use(args.backend)
    return args


def classify(args):
    """Print the answer for each readable image; return 1 if any could not be read."""
    if args.save_inputs is not None:  # refuse a bad folder before any work
        args.save_inputs = prepare_output_dir(args.save_inputs, "--save-inputs")
    args.model = args.model or best_model(OUTPUT_DIR)
    model = load_trained_model(args.model)
    if not args.json:  # each JSON object names it
        print(label("模型", "Model"), args.model)
        if args.model.name in MODEL_WORDS:  # by its file name, as the page does
            script, chinese, english = MODEL_WORDS[args.model.name]
            colon = "：" if speaks_chinese() else ": "
            print(f"  {script}{colon}{both(chinese, english)}")
    failed = False
    pictures = []
    for image in args.images:
        try:
            pictures.append((image, photos.prepare_file(image)))
        except LessonError as exc:
            errors.report(exc)
            failed = True
    if pictures:
        probabilities = photos.photo_probabilities(
            model, [photo for _, photo in pictures]
        )
        saved = []
        if args.save_inputs is not None:
            try:
                saved = save_inputs(args.save_inputs, pictures)
            except LessonError as exc:
                errors.report(exc)
                failed = True
        for (image, photo), row, seen in zip_longest(pictures, probabilities, saved):
            if args.json:
                print(as_json(image, photo, row, args.top, seen, args.model))
                continue
            lines = [describe(image, row, args.top), *notes(photo, row)]
            if seen is None and photos.answer_notes(photo, row):
                lines.append(fitted(*photos.SEE_WHAT_IT_SAW, lead="  "))
            if seen is not None:
                lines += [
                    f"  {label('模型看到的图片', 'Picture the model saw')} {seen}",
                    f"  {label('照片、掩码和图片并排', 'Photo, mask and picture')} "
                    f"{saved_beside(seen, '.panel')}",
                ]
            print("\n".join(lines))
    return 1 if failed else 0


def main(argv=None):
    """Classify the images; exit status 1 if any could not be read, 130 on Ctrl-C."""
    console.make_safe()
    return errors.guard(lambda: classify(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
