"""predict.py: a learner's own photos, turned into what the model was trained on."""

import json
import random
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

from lesson import data, photos
from lesson.errors import LessonError
from lesson.flags import DEFAULT_SEED
from lesson.inference import predict_probabilities
from lesson.model import build_cnn, build_model, compile_model, normalize, train
from lesson.model_files import MODEL_WORDS, best_model, load_trained_model
from lesson.names import CNN_MODEL_FILE, MODEL_FILE, OUTPUT_DIR

import numpy as np
import pytest
from PIL import Image

from conftest import EXAMPLE_PHOTO, REPO, assert_one_line_error, run_python
from tooling.shared import (
    PHOTO_FORMS,
    SOURCE_PHOTOS_DIR,
    alpha_only,
    measure_form,
    transparent,
    upscale,
    white_background,
)

HELD_OUT = 200  # test images turned into "photos"


def answers(result, model):
    """predict.py's lines after those that name the model that answers: its
    path, then, for a lesson's model, the page's words for it."""
    first, *rest = result.stdout.splitlines()
    assert first == f"模型 / Model: {model}"
    if Path(model).name in MODEL_WORDS:
        script, chinese, english = MODEL_WORDS[Path(model).name]
        assert rest.pop(0) == f"  {script}：{chinese} / {english}"
    return rest


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A model trained briefly on the first 10,000 training images, saved like first_nn.py does."""
    import tensorflow as tf

    (train_images, train_labels), (test_images, test_labels) = data.load_data()
    tf.keras.utils.set_random_seed(DEFAULT_SEED)
    model = compile_model(build_model())
    train(
        model,
        normalize(train_images[:10000]),
        train_labels[:10000],
        epochs=3,
        verbose=0,
    )
    path = tmp_path_factory.mktemp("model") / MODEL_FILE
    model.save(path)
    images, labels = test_images[:HELD_OUT], test_labels[:HELD_OUT]
    probabilities = predict_probabilities(model, normalize(images))
    return path, model, images, labels, probabilities


@pytest.mark.parametrize("form", PHOTO_FORMS)
def test_photos_are_classified_like_the_original_arrays(trained, tmp_path, form):
    _, model, images, labels, probabilities = trained
    predicted = measure_form(model, images, form, tmp_path)
    original = probabilities.argmax(axis=1)
    agreement = np.mean(predicted == original)
    photo_accuracy = np.mean(predicted == labels)
    test_accuracy = np.mean(original == labels)
    assert agreement >= 0.85, (form, agreement)
    assert photo_accuracy >= test_accuracy - 0.10, (form, photo_accuracy, test_accuracy)


def test_dataset_style_png_passes_through_unchanged(trained, tmp_path, run_script):
    path, _, images, _, probabilities = trained
    files = []
    for index in range(5):
        files.append(tmp_path / f"sample{index}.png")
        Image.fromarray(images[index]).save(files[-1])
        np.testing.assert_array_equal(
            photos.prepare_file(files[-1]).picture, images[index]
        )
    result = run_script("predict.py", *files, "--model", path, "--json")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["image"] for row in rows] == [str(f) for f in files]
    assert {row["model"] for row in rows} == {str(path)}  # each names its model
    for row in rows:  # a near tie of the top two is flagged, with its note
        top, second = sorted(row["probabilities"])[::-1][:2]
        assert row["unsure"] == (top - second < photos.CLOSE_MARGIN)
        assert row["unsure"] == bool(row["notes"])
    for row, expected in zip(rows, probabilities):
        np.testing.assert_allclose(row["probabilities"], expected, atol=1e-6)
        assert sum(row["probabilities"]) == pytest.approx(1.0, abs=1e-5)
        assert row["class_index"] == int(np.argmax(expected))
        assert row["class_name"] == data.CLASS_NAMES[row["class_index"]]
        assert row["class_name_zh"] == data.CLASS_NAMES_ZH[row["class_index"]]
        assert (
            len(row["top"]) == 3 and row["top"][0]["class_index"] == row["class_index"]
        )
    assert "\\u" in result.stdout  # Chinese escaped: JSON survives any console


@pytest.mark.parametrize("mode", ["L", "LA", "RGB", "RGBA", "P", "I;16", "1"])
def test_every_image_mode_is_read(tmp_path, mode):
    image = np.zeros((60, 40), np.uint8)
    image[10:50, 10:30] = 200
    picture = Image.fromarray(white_background(image))
    if mode == "I;16":
        picture = Image.fromarray(white_background(image).astype(np.uint16) * 257)
    else:
        picture = picture.convert(mode)
    path = tmp_path / "item.png"
    picture.save(path)
    seen = photos.prepare_file(path).picture
    assert seen.shape == (28, 28) and seen.dtype == np.uint8
    # A tall item: light, centred, with black margins left and right.
    assert seen[14, 14] > 100 and seen[:, :4].max() == 0 and seen[:, -4:].max() == 0


def test_exif_orientation_is_honoured(tmp_path):
    image = np.full((60, 30), 255, np.uint8)
    image[5:55, 5:25] = 0  # a tall dark bar on white
    picture = Image.fromarray(image)
    exif = picture.getexif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    path = tmp_path / "sideways.jpg"
    picture.save(path, exif=exif)
    seen = photos.prepare_file(path).picture
    rows, columns = np.nonzero(seen > 100)
    assert np.ptp(columns) > np.ptp(rows)  # shown upright it is wide, not tall


def test_printed_line_lists_the_top_classes(trained, tmp_path, run_script):
    import predict

    path, _, images, _, probabilities = trained
    photo = tmp_path / "shoe.png"
    Image.fromarray(upscale(white_background(images[0]))).save(photo)
    result = run_script(  # flags before and after the file, as learners type them
        "predict.py",
        *["--model", path, "shoe.png", "--top", "2", "--save-inputs", "seen"],
    )
    assert result.returncode == 0, result.stderr
    line, *notes, saved_line, panel_line = answers(result, path)
    assert all(note.startswith("  ") for note in notes)  # a near tie, say
    seen = tmp_path / "seen" / "shoe.png"
    shown = Path("seen") / "shoe.png"  # as given: relative to where it runs
    assert saved_line == f"  模型看到的图片 / Picture the model saw: {shown}"
    panel = Path("seen") / "shoe.panel.png"
    assert panel_line == f"  照片、掩码和图片并排 / Photo, mask and picture: {panel}"
    assert line.startswith("shoe.png: ") and line.count("%") == 2 and "  （" in line
    best = data.CLASS_NAMES[int(np.argmax(probabilities[0]))]
    assert "（" in line and line.split(": ", 1)[1].startswith(best)
    saved = np.asarray(Image.open(seen))
    assert saved.shape == (28, 28)
    mask = np.asarray(Image.open(tmp_path / "seen" / "shoe.mask.png"))
    assert mask.shape == (224, 224) and set(np.unique(mask)) == {0, 255}
    # The panel: the photo, the mask and the picture enlarged, side by side.
    sheet = np.asarray(Image.open(tmp_path / "seen" / "shoe.panel.png"))
    gap = predict.PANEL_GAP
    assert sheet.shape == (224, 3 * 224 + 2 * gap, 3)
    np.testing.assert_array_equal(
        sheet[:, 224 + gap : 2 * 224 + gap, 0], mask
    )  # the mask, as saved
    enlarged = sheet[4::8, 2 * (224 + gap) + 4 :: 8, 0]  # one pixel of each square
    np.testing.assert_array_equal(enlarged, saved)
    photo_part = sheet[:, :224]
    assert photo_part.std() > 10  # the photo itself, not a blank


@pytest.mark.parametrize("unbuffered", ["1", None])
@pytest.mark.parametrize("program", ["predict.py", "first_nn.py"])
def test_a_reader_that_stops_early_gets_no_traceback(
    trained, tmp_path, clean_env, program, unbuffered
):
    path, _, images, _, _ = trained
    photo = tmp_path / "shoe.png"
    Image.fromarray(upscale(white_background(images[0]))).save(photo)
    command = {
        "predict.py": [photo, "--json", "--model", path],
        "first_nn.py": [*"--epochs 1 --train-size 500 --test-size 100".split()]
        + ["--output-dir", tmp_path / "out"],
    }[program]
    env = {key: value for key, value in clean_env.items() if key != "PYTHONUNBUFFERED"}
    if unbuffered:  # each print goes out at once, else when Python ends
        env["PYTHONUNBUFFERED"] = unbuffered
    process = subprocess.Popen(
        [sys.executable, program, *map(str, command)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # as `| head -c 10` does before the answer comes
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=300) == 1
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    if program == "predict.py":
        assert stderr == ""


def test_missing_model_says_to_run_first_nn(tmp_path, run_script):
    photo = tmp_path / "a.png"
    Image.fromarray(np.zeros((28, 28), np.uint8)).save(photo)
    result = run_script("predict.py", photo, "--model", tmp_path / "none.keras")
    assert_one_line_error(result)
    assert (
        "no trained model at" in result.stderr
        and "run python first_nn.py first" in result.stderr
    )


@pytest.mark.parametrize(
    "name, message",
    [
        ("a-folder", "is a folder, not a model file"),
        ("folder.keras", "is a folder, not a model file"),
        ("README.md", "not a .keras file"),
        ("weights.npz", "not a .keras file"),
        ("UP.KERAS", "Keras reads .keras in small letters only; rename it to UP.keras"),
        ("empty.keras", "not a Keras model this program can load \\(the file is"),
    ],
)
def test_a_model_path_of_the_wrong_kind_gets_a_short_message(tmp_path, name, message):
    path = tmp_path / name
    if "." in name and name != "folder.keras":
        path.write_text("text")
    else:
        path.mkdir()
    with pytest.raises(LessonError) as raised:
        load_trained_model(path)
    assert re.match(f"{re.escape(str(path))}: {message}", raised.value.text(False))
    assert str(raised.value).startswith(f"{path}：")  # the Chinese comes first


def test_a_file_that_is_not_a_model_is_refused(tmp_path, run_script):
    fake = tmp_path / "fake.keras"
    fake.write_text("not a model")
    result = run_script("predict.py", tmp_path / "a.png", "--model", fake)
    assert_one_line_error(result)
    assert "not a Keras model" in result.stderr
    assert "damaged or is not a .keras archive" in result.stderr


def test_loading_a_model_leaves_the_random_numbers_as_they_were(tmp_path):
    """photo_cnn.py loads the second lesson's model before it trains its own:
    the load must not change what the seed trains next."""
    path = tmp_path / CNN_MODEL_FILE
    build_cnn().save(path)
    random.seed(DEFAULT_SEED)
    np.random.seed(DEFAULT_SEED)
    python_before, numpy_before = random.getstate(), np.random.get_state()
    load_trained_model(path)
    assert random.getstate() == python_before
    numpy_after = np.random.get_state()
    assert np.array_equal(numpy_after[1], numpy_before[1])
    assert numpy_after[2:] == numpy_before[2:]


def other_models(keras):
    """Models a learner might pass that are not one 28x28 picture -> 10 scores."""
    colour = keras.Sequential(
        [keras.Input(shape=(32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(10)]
    )
    # Without Flatten, Dense gives 10 scores for each of the 28 rows.
    per_row = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Dense(10)])
    first, second = keras.Input(shape=(28, 28)), keras.Input(shape=(28, 28))
    joined = keras.layers.Concatenate()(
        [keras.layers.Flatten()(first), keras.layers.Flatten()(second)]
    )
    two_inputs = keras.Model([first, second], keras.layers.Dense(10)(joined))
    # Saved before it was ever built: it has no input shape at all.
    unbuilt = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10)])
    return {
        "colour": colour,
        "per-row": per_row,
        "two inputs": two_inputs,
        "unbuilt": unbuilt,
    }


@pytest.mark.parametrize("kind", ["colour", "per-row", "two inputs", "unbuilt"])
def test_a_model_of_another_shape_is_refused(tmp_path, run_script, kind):
    import tensorflow as tf

    other_models(tf.keras)[kind].save(tmp_path / "other.keras")
    photo = tmp_path / "a.png"
    Image.fromarray(np.zeros((28, 28), np.uint8)).save(photo)
    result = run_script("predict.py", photo, "--model", tmp_path / "other.keras")
    assert_one_line_error(result)
    assert "not one 28x28 picture and 10 class scores" in result.stderr


def bad_inputs(folder):
    (folder / "empty.png").write_bytes(b"")
    (folder / "notes.txt.png").write_text("this is text")
    (folder / "a-folder").mkdir()
    return {
        "missing": (folder / "missing.jpg", "no such file"),
        "empty": (folder / "empty.png", "empty"),
        "not an image": (folder / "notes.txt.png", "not an image"),
        "folder": (folder / "a-folder", "is a folder"),
    }


@pytest.mark.parametrize("kind", ["missing", "empty", "not an image", "folder"])
def test_a_bad_image_gets_a_one_line_error(trained, tmp_path, run_script, kind):
    image, problem = bad_inputs(tmp_path)[kind]
    result = run_script("predict.py", image, "--model", trained[0])
    assert_one_line_error(result)
    assert str(image) in result.stderr and problem in result.stderr


def test_good_images_are_still_classified_beside_bad_ones(
    trained, tmp_path, run_script
):
    good = tmp_path / "good.png"
    Image.fromarray(trained[2][0]).save(good)
    bad = [image for image, _ in bad_inputs(tmp_path).values()]
    result = run_script(
        "predict.py", bad[0], good.name, *bad[1:], "--model", trained[0]
    )
    assert result.returncode == 1
    [line] = answers(result, trained[0])
    assert line.startswith("good.png: ")
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 4 and all(line.startswith("error: ") for line in errors)
    assert "Traceback" not in result.stderr


def test_photo_benchmark_prints_a_row_per_form(trained, run_script):
    result = run_script(
        "benchmarks.bench_photos", "--model", trained[0], "--count", "20"
    )
    assert result.returncode == 0, result.stderr
    rows = [
        line
        for line in result.stdout.splitlines()
        if line.startswith("| ") and "0." in line
    ]
    assert [row.split("|")[1].strip() for row in rows] == list(PHOTO_FORMS)
    for row in rows:
        assert all(0.0 <= float(cell) <= 1.0 for cell in row.strip("|").split("|")[1:])


@pytest.mark.parametrize("encoding", ["cp936", "cp1252"])
def test_any_console_encoding_prints_the_answer(
    trained, tmp_path, run_script, clean_env, encoding
):
    photo = tmp_path / "boot.png"
    Image.fromarray(trained[2][0]).save(photo)
    env = {**clean_env, "PYTHONIOENCODING": encoding}
    result = run_script(
        "predict.py", photo, "--model", trained[0], env=env, encoding=encoding
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    best = int(np.argmax(trained[4][0]))
    expected = data.CLASS_NAMES[best]
    if encoding == "cp936":
        expected += f"（{data.CLASS_NAMES_ZH[best]}）"
    if encoding == "cp1252":  # no Chinese, and the words in English
        model = f"Model: {trained[0]}\n  first_nn.py: dense network"
    else:
        model = f"模型 / Model: {trained[0]}\n  first_nn.py：全连接网络 / dense network"
    assert result.stdout.startswith(f"{model}\n{photo}: {expected} ")


def test_without_model_the_best_the_lessons_saved_answers(
    trained, tmp_path, run_script
):
    photo = tmp_path / "boot.png"
    Image.fromarray(trained[2][0]).save(photo)
    outputs = tmp_path / OUTPUT_DIR
    outputs.mkdir()
    shutil.copy(trained[0], outputs / MODEL_FILE)
    first = run_script("predict.py", photo.name)
    assert first.returncode == 0, first.stderr
    assert answers(first, OUTPUT_DIR / MODEL_FILE)[0].startswith("boot.png: ")
    # Once the second lesson has run, its model answers (here a copy, by name).
    shutil.copy(trained[0], outputs / CNN_MODEL_FILE)
    second = run_script("predict.py", photo.name)
    assert answers(second, OUTPUT_DIR / CNN_MODEL_FILE) == answers(
        first, OUTPUT_DIR / MODEL_FILE
    )
    assert best_model(outputs) == outputs / CNN_MODEL_FILE


def test_bad_top_is_one_line_without_loading_a_model(run_script, tmp_path):
    result = run_script("predict.py", tmp_path / "a.png", "--top", "11")
    assert_one_line_error(result)
    assert "--top" in result.stderr and "only 10 classes" in result.stderr


def textured_photo(height, width, seed=0):
    """A wooden-floor-like background: uneven brown planks with grain, as RGB."""
    rng = np.random.default_rng(seed)
    rows = np.arange(height)[:, None]
    columns = np.arange(width)[None, :]
    grain = 25 * np.sin(columns / 7.0 + 3 * np.sin(rows / 40.0))
    planks = 30 * ((columns // max(1, width // 6)) % 2)
    noise = rng.normal(0, 12, (height, width))
    base = 120 + grain + planks + noise + 40 * rows / height  # lit unevenly
    rgb = np.stack([base + 40, base, base - 50], axis=-1)
    return np.clip(rgb, 0, 255)


def shirt_mask(height, width):
    """A T-shirt outline: a body and two sleeves, in the middle of the frame."""
    mask = np.zeros((height, width), bool)
    top, bottom = height // 5, 4 * height // 5
    mask[top:bottom, 2 * width // 5 : 3 * width // 5] = True  # body
    mask[top : top + height // 6, width // 4 : 3 * width // 4] = True  # sleeves
    return mask


def test_item_on_a_textured_background_is_found(tmp_path):
    height, width = 300, 400
    rgb = textured_photo(height, width)
    item = shirt_mask(height, width)
    rgb[item] = [40, 60, 150]  # a dark blue shirt on the floor
    hook = np.zeros_like(item)
    hook[20:60, 198:202] = True  # a hanger's hook above it, 4 pixels thin
    rgb[hook] = [40, 60, 150]
    path = tmp_path / "floor.jpg"
    Image.fromarray(rgb.astype(np.uint8)).save(path, quality=90)
    prepared = photos.prepare_file(path)
    mask = prepared.item_mask
    found = np.asarray(Image.fromarray(item).resize(mask.shape[::-1])) > 0
    overlap = (mask & found).sum() / (mask | found).sum()
    assert overlap >= 0.9, overlap
    assert not mask[:50].any()  # the hook is not part of the item
    # Trimmed to the shirt: its sleeves fill the picture from side to side,
    # the floor around it is black, the shirt itself light (negated dark blue).
    picture = prepared.picture
    columns = np.flatnonzero(picture.max(axis=0) > 0)
    assert columns.min() <= 1 and columns.max() >= 26
    assert picture[0].max() == 0 and picture[-1].max() == 0
    assert picture[-3, :5].max() < 20 and picture[-3, -5:].max() < 20  # no floor
    assert picture[14, 14] > 150
    # The floor is gone: a third of the picture and more is black.
    assert (picture == 0).mean() > 0.3


def test_right_pointing_shoes_count_like_left_pointing_ones(trained, tmp_path):
    _, model, images, labels, _ = trained
    shoes = np.flatnonzero(np.isin(labels, photos.SHOE_CLASSES))
    assert len(shoes) >= 50

    def answers(pictures, name):
        prepared = []
        for index, picture in zip(shoes, pictures):
            path = tmp_path / f"{name}{index}.png"
            Image.fromarray(white_background(picture)).save(path)
            prepared.append(photos.prepare_file(path))
        mirrored = photos.photo_probabilities(model, prepared).argmax(axis=1)
        batch = normalize(np.stack([photo.picture for photo in prepared]))
        as_is = predict_probabilities(model, batch).argmax(axis=1)
        return np.mean(mirrored == labels[shoes]), np.mean(as_is == labels[shoes])

    left, left_as_is = answers(images[shoes], "left")
    right, right_as_is = answers(images[shoes][:, :, ::-1], "right")
    assert left >= left_as_is - 0.02, (left, left_as_is)  # costs left shoes ~nothing
    assert right >= left - 0.05, (right, left)  # right shoes almost as well
    assert right >= right_as_is + 0.10, (right, right_as_is)


def test_transparent_png_with_black_under_the_clear_pixels(tmp_path):
    item = np.zeros((120, 80), bool)
    item[10:110, 15:65] = True
    rgba = np.zeros((120, 80, 4), np.uint8)  # clear pixels hide black, not white
    rgba[item] = [200, 30, 30, 255]  # a red item
    path = tmp_path / "cut-out.png"
    Image.fromarray(rgba).save(path)
    on_white = np.full((120, 80, 3), 255, np.uint8)
    on_white[item] = [200, 30, 30]
    other = tmp_path / "on-white.png"
    Image.fromarray(on_white).save(other)
    prepared = photos.prepare_file(path)
    np.testing.assert_array_equal(prepared.item_mask, item)
    np.testing.assert_array_equal(prepared.picture, photos.prepare_file(other).picture)
    assert prepared.notes == ()


def test_a_12_megapixel_photo_is_shrunk_first(tmp_path):
    height, width = 3000, 4000
    rgb = textured_photo(height // 10, width // 10, seed=1)
    item = shirt_mask(height // 10, width // 10)
    rgb[item] = [30, 30, 30]
    big = Image.fromarray(rgb.astype(np.uint8)).resize((width, height))
    path = tmp_path / "phone.jpg"
    big.save(path, quality=85)
    prepared = photos.prepare_file(path)
    assert max(prepared.item_mask.shape) <= photos.WORKING_SIZE
    assert prepared.item_mask.shape[1] > prepared.item_mask.shape[0]  # still 4:3
    assert prepared.picture.shape == (28, 28) and prepared.picture.max() > 200


def test_a_pair_and_a_hard_background_get_a_note(tmp_path, trained, run_script):
    pair = np.full((100, 160), 255, np.uint8)
    pair[20:80, 20:60] = pair[20:80, 100:140] = 40  # two shoes seen from above
    path = tmp_path / "pair.png"
    Image.fromarray(pair).save(path)
    assert "several" in photos.prepare_file(path).notes
    result = run_script("predict.py", path.name, "--model", trained[0])
    assert result.returncode == 0, result.stderr
    first, *note = answers(result, trained[0])
    assert first.startswith("pair.png: ")
    # Chinese, then English on a line of its own where both do not fit in 100.
    assert note[0].startswith("  注意：") and all(n.startswith("  ") for n in note)
    assert "Note: the photo seems to show more" in " ".join(note)
    sheet = np.full((120, 120, 3), 200)  # a striped, grainy bed sheet
    sheet[::6] = sheet[1::6] = 120
    sheet += np.random.default_rng(2).integers(-10, 10, sheet.shape)
    sheet = sheet.clip(0, 255).astype(np.uint8)
    sheet[54:66, 54:66] = (200, 20, 20)  # a small red item: 1% of the photo
    assert "background" in photos.prepare(Image.fromarray(sheet)).notes


@pytest.mark.parametrize("shape", [(1, 1), (3, 40), (40, 3), (4, 4), (3000, 3)])
def test_tiny_or_thin_photos_are_prepared_or_refused_in_one_line(shape):
    noise = np.random.default_rng(3).integers(0, 256, (*shape, 3), dtype=np.uint8)
    try:
        prepared = photos.prepare(Image.fromarray(noise))
    except photos.NoItemFound as exc:
        assert shape == (1, 1)  # its border is all of it
        assert (exc.chinese, exc.english) == photos.NO_ITEM
    else:
        assert prepared.picture.shape == (28, 28) and "background" in prepared.notes


@pytest.mark.parametrize("size", [1, 28, 300])
@pytest.mark.parametrize("shade", [0, 255])
def test_a_picture_with_no_item_is_refused(tmp_path, size, shade):
    blank = tmp_path / "blank.png"
    Image.fromarray(np.full((size, size), shade, np.uint8)).save(blank)
    with pytest.raises(LessonError) as raised:
        photos.prepare_file(blank)
    assert str(raised.value) == f"{blank}：{photos.NO_ITEM[0]} / {photos.NO_ITEM[1]}"


def test_a_blank_photo_gets_an_error_line_not_an_answer(trained, tmp_path, run_script):
    path, _, images, _, _ = trained
    blank, shoe = tmp_path / "blank.png", tmp_path / "shoe.png"
    Image.fromarray(np.full((300, 300), 255, np.uint8)).save(blank)
    Image.fromarray(upscale(white_background(images[0]))).save(shoe)
    result = run_script("predict.py", blank, shoe, "--model", path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: {blank}：{photos.NO_ITEM[0]} / {photos.NO_ITEM[1]}"
    ]
    assert answers(result, path)[0].startswith(f"{shoe}: ")
    assert str(blank) not in result.stdout


def test_a_cut_out_drawn_only_in_its_alpha_channel_keeps_its_faint_edges():
    _, (test_images, _) = data.load_data()
    differences = [
        np.abs(
            photos.prepare(Image.fromarray(alpha_only(image))).picture.astype(int)
            - photos.prepare(Image.fromarray(transparent(image))).picture
        ).mean()
        for image in test_images[:30]
    ]
    # The same item as when its colours show it too (13 gray levels apart when
    # the mask took only the half-opaque pixels: a smaller, cropped item).
    assert np.median(differences) < 5


def test_a_near_tie_between_the_top_two_classes_is_flagged_unsure():
    photo = photos.PreparedPhoto(
        np.zeros((28, 28), np.uint8), np.ones((4, 4), bool), ()
    )
    clear = np.array([0.05, 0.9, 0.05, 0, 0, 0, 0, 0, 0, 0])
    tied = np.array([0.45, 0.40, 0.15, 0, 0, 0, 0, 0, 0, 0])
    assert photos.answer_notes(photo, clear) == ()
    assert photos.answer_notes(photo, tied) == ("close",)
    pair = photo._replace(notes=("several",))
    assert photos.answer_notes(pair, tied) == ("several", "close")
    assert [english for _, english in photos.note_lines(pair, clear)] == [
        photos.NOTES["several"][1]
    ]


def one_boot_from_the_side():
    """An ankle boot's outline as the training pictures show one: an L."""
    boot = np.zeros((40, 60), bool)
    boot[25:, :] = True  # the foot, pointing left
    boot[:25, 40:] = True  # the shaft
    return boot


def test_each_unsure_note_says_what_the_numbers_show():
    photo = photos.PreparedPhoto(
        np.zeros((28, 28), np.uint8), one_boot_from_the_side(), ()
    )

    def answer(**probabilities):
        row = np.zeros(10)
        for index, value in probabilities.items():
            row[int(index[1:])] = value
        return row

    # Two to one is no tie: named as unsure, with both numbers.
    coat_or_bag = answer(c4=0.669, c8=0.33, c0=0.001)
    assert photos.answer_notes(photo, coat_or_bag) == ("close",)
    [(chinese, english)] = photos.note_lines(photo, coat_or_bag)
    assert "Coat 67% against Bag 33%" in english and "Coat（外套） 67%" in chinese
    # A low top probability is said as such, whatever the second.
    no_class = np.full(10, 0.75 / 9)
    no_class[6] = 0.25
    assert photos.answer_notes(photo, no_class) == ("low",)
    assert "only 25%" in photos.note_lines(photo, no_class)[0][1]
    # Close and of one kind: which kind is unsure, the kind is sure.
    sneaker_or_sandal = answer(c7=0.5, c5=0.4, c9=0.1)
    assert photos.answer_notes(photo, sneaker_or_sandal) == ("which kind",)
    [(chinese, english)] = photos.note_lines(photo, sneaker_or_sandal)
    assert english == (
        "the model takes it for a shoe, but is unsure which kind: Sneaker (50%) "
        "or Sandal (40%)."
    )
    assert chinese.startswith("模型认为是鞋，但拿不准是哪一种：Sneaker（运动鞋） 50%")
    assert photos.answer_notes(photo, answer(c7=0.9, c5=0.1)) == ()


def test_a_pair_of_shoes_in_one_outline_is_named_when_the_answer_is_a_shoe():
    rows, columns = np.mgrid[:80, :30]
    sole = ((rows - 40) / 40) ** 2 + ((columns - 15) / 15) ** 2 <= 1
    sole[:40] &= columns[:40] >= 3 * (1 - rows[:40] / 40)  # the big toe's side
    touching = np.concatenate([sole, sole[:, ::-1]], axis=1)  # left and right
    boot = one_boot_from_the_side()
    line = photos.mirror_line(touching)
    assert line.overlap > 0.95 and 0.6 < line.breadth < 0.9  # 60 wide, 80 long
    assert photos.mirror_line(boot).overlap < photos.PAIR_SYMMETRY
    one_sole = photos.mirror_line(sole)  # one shoe from above: as symmetric
    assert one_sole.overlap > 0.95 and one_sole.breadth < photos.PAIR_BREADTH
    sneaker = np.zeros(10)
    sneaker[[7, 5]] = 0.8, 0.2
    shirt = np.zeros(10)
    shirt[[6, 7]] = 0.8, 0.2  # a shoe, but too little of it
    picture = np.zeros((28, 28), np.uint8)
    pair = photos.PreparedPhoto(picture, touching, ())
    assert photos.answer_notes(pair, sneaker) == ("several",)
    assert photos.answer_notes(pair, shirt) == ()
    assert photos.answer_notes(pair._replace(item_mask=boot), sneaker) == ()
    assert photos.answer_notes(pair._replace(item_mask=sole), sneaker) == ()
    apart = pair._replace(notes=("several",))  # found by prepare(): named once
    assert photos.answer_notes(apart, sneaker) == ("several",)
    # A Fashion-MNIST picture given as it is shows one item, whatever its outline.
    assert photos.answer_notes(pair._replace(dataset_picture=True), sneaker) == ()


def test_white_cut_out_and_rounded_corners(tmp_path):
    white = np.zeros((50, 50, 4), np.uint8)
    white[10:40, 10:40] = 255  # a white item on a transparent layer
    assert photos.prepare(Image.fromarray(white)).notes == ("faint",)
    card = np.full((300, 300, 4), 255, np.uint8)  # white, with a dark item
    card[100:200, 120:180, :3] = 30
    rows, columns = np.mgrid[:300, :300]
    for row, column in [(0, 0), (0, 299), (299, 0), (299, 299)]:
        card[(rows - row) ** 2 + (columns - column) ** 2 < 400, 3] = 0
    prepared = photos.prepare(Image.fromarray(card))
    # Rounded transparent corners are not a cut-out: the item is found.
    assert prepared.item_mask.mean() < 0.1
    assert np.flatnonzero(prepared.picture.max(axis=1)).tolist() == list(range(28))


def test_no_image_names_an_example_to_try(run_script):
    result = run_script("predict.py", timeout=120)
    assert_one_line_error(result)
    assert "python predict.py docs/images/example_boot.jpg" in result.stderr
    assert (REPO / "docs" / "images" / "example_boot.jpg").is_file()


def test_damaged_pixel_data_is_refused(tmp_path):
    path = tmp_path / "damaged.png"
    noise = np.random.default_rng(0).integers(0, 256, (64, 64), np.uint8)
    Image.fromarray(noise).save(path)
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 200] = bytes(255 - b for b in data[middle : middle + 200])
    path.write_bytes(bytes(data))
    with pytest.raises(photos.LessonError, match="damaged, it cannot be read .*; copy"):
        photos.open_image(path)
    truncated = tmp_path / "truncated.jpg"
    Image.fromarray(noise).save(truncated)
    truncated.write_bytes(truncated.read_bytes()[:-300])
    with pytest.raises(photos.LessonError, match="damaged, it cannot be read"):
        photos.open_image(truncated)


def test_a_photo_with_too_many_pixels_says_so(tmp_path, monkeypatch):
    path = tmp_path / "huge.png"
    Image.fromarray(np.full((100, 100), 200, np.uint8)).save(path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 2000)  # refused above 4,000
    with pytest.raises(photos.LessonError, match="too many pixels.*save a smaller"):
        photos.open_image(path)


def test_a_photo_over_pillows_size_warning_opens_without_a_warning(
    tmp_path, monkeypatch
):
    path = tmp_path / "big.png"
    Image.fromarray(np.full((100, 100), 200, np.uint8)).save(path)
    # Pillow warns above MAX_IMAGE_PIXELS and refuses above twice that.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 6000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert photos.open_image(path).size == (100, 100)


@pytest.mark.parametrize("encoding", ["cp1252", "gbk"])
def test_real_photo_benchmark_with_chinese_names_on_any_console(
    trained, run_script, clean_env, tmp_path, encoding
):
    folder = tmp_path / "我的照片"
    folder.mkdir()
    boot = (REPO / "docs" / "images" / "example_boot.jpg").read_bytes()
    (folder / "靴子.jpg").write_bytes(boot)
    Image.new("RGB", (200, 200), "white").save(folder / "blank.png")  # no item
    manifest = [
        {"file": "靴子.jpg", "label": 9, "kind": "白底"},
        {"file": "blank.png", "label": 9, "kind": "白底"},
    ]
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = run_script(
        "benchmarks.bench_real_photos",
        "--photos",
        folder,
        "--model",
        trained[0],
        "--sheet-dir",
        tmp_path / "sheets",
        "--home-photos",
        tmp_path / "none",  # the 262 home photos: measured in the test below
        env={**clean_env, "PYTHONIOENCODING": encoding},
        encoding=encoding,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "all: 0.50 (1/2), top-3 0.50" in result.stdout  # the blank one is wrong
    assert "blank.png: found no item, the whole picture looks like background; " in (
        result.stdout
    )
    assert (tmp_path / "sheets" / "real_photos_fashion_mnist.png").is_file()


# bench_real_photos.py with only the first 6 home validation photos: preparing
# all 262 takes a minute, and 6 show the contact sheets kept apart as well.
FIRST_HOME_PHOTOS = (
    "import sys; from benchmarks import bench_real_photos as bench; "
    "rows = bench.home_rows; bench.home_rows = lambda folder: rows(folder)[:6]; "
    "sys.exit(bench.main(sys.argv[1:]))"
)


def test_real_photo_benchmark_keeps_models_of_one_file_name_apart(
    trained, clean_env, tmp_path
):
    """On the real photos and, where their source folder is there, the home photos."""
    folder = tmp_path / "photos"
    folder.mkdir()
    shutil.copy(REPO / EXAMPLE_PHOTO, folder / "boot.jpg")
    manifest = [{"file": "boot.jpg", "label": 9, "kind": "white"}]
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    models = []
    for seed in ("seed-1", "seed-2"):
        (tmp_path / seed).mkdir()
        models.append(shutil.copy(trained[0], tmp_path / seed / MODEL_FILE))
    sheets = tmp_path / "sheets"
    result = run_python(
        ["-c", FIRST_HOME_PHOTOS, "--photos", folder, "--model", *models]
        + ["--sheet-dir", sheets],
        clean_env,
    )
    assert result.returncode == 0, result.stderr
    sheet_names = ["real_photos_fashion_mnist.png", "real_photos_fashion_mnist_2.png"]
    for model in models:
        assert f"model {model}: 1 photos" in result.stdout
    if SOURCE_PHOTOS_DIR.is_dir():
        sheet_names += [name.replace("real", "home") for name in sheet_names]
        for model in models:
            assert f"model {model}: 6 photos" in result.stdout
    else:
        assert "home photos not measured" in result.stdout
    assert sorted(path.name for path in sheets.iterdir()) == sorted(sheet_names)
