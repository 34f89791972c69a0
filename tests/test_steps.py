"""Each lesson step on its own: data, normalization, model, loss, softmax."""

import gzip
import struct

import numpy as np
import pytest

import first_nn
from conftest import REPO


@pytest.fixture(scope="module")
def data():
    return first_nn.load_data()


def test_load_data_gives_the_tutorials_shapes_and_first_label(data):
    (train_images, train_labels), (test_images, test_labels) = data
    assert train_images.shape == (60000, 28, 28)
    assert test_images.shape == (10000, 28, 28)
    assert train_labels.shape == (60000,) and test_labels.shape == (10000,)
    assert train_images.dtype == np.uint8 and train_labels.dtype == np.uint8
    assert train_labels[0] == 9
    assert first_nn.class_names[train_labels[0]] == "Ankle boot"


def test_load_data_came_from_the_bundled_copy_through_keras_cache():
    cache = first_nn.keras_cache_dir()
    assert str(cache).startswith(first_nn.os.environ["KERAS_HOME"])
    for name, digest in first_nn.FASHION_MNIST_SHA256.items():
        assert first_nn.sha256_of_gzip_content(cache / name) == digest


def test_data_dir_reader_matches_keras(data):
    (train_images, train_labels), (test_images, test_labels) = first_nn.read_idx_folder(
        first_nn.BUNDLED_DATA_DIR
    )
    np.testing.assert_array_equal(train_images, data[0][0])
    np.testing.assert_array_equal(test_labels, data[1][1])


def test_truncated_cache_file_is_repaired_from_bundled_copy(tmp_path):
    first_nn.stage_bundled_data(cache_dir=tmp_path)
    victim = tmp_path / first_nn.TRAIN_IMAGES
    victim.write_bytes(victim.read_bytes()[:1000])
    notes = first_nn.stage_bundled_data(cache_dir=tmp_path)
    assert len(notes) == 1 and "corrupt" in notes[0]
    digest = first_nn.FASHION_MNIST_SHA256[first_nn.TRAIN_IMAGES]
    assert first_nn.sha256_of_gzip_content(victim) == digest


def test_corrupt_cache_without_bundled_copy_is_reported_with_the_fix(tmp_path):
    cache, empty = tmp_path / "cache", tmp_path / "empty"
    cache.mkdir()
    empty.mkdir()
    (cache / first_nn.TRAIN_IMAGES).write_bytes(b"not gzip")
    with pytest.raises(first_nn.LessonError, match="corrupt.*; delete it"):
        first_nn.stage_bundled_data(cache_dir=cache, bundled_dir=empty)


def write_idx(path, array, magic=None):
    magic = magic if magic is not None else 0x0800 | array.ndim
    header = struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape)
    with gzip.open(path, "wb") as stream:
        stream.write(header + array.astype(np.uint8).tobytes())


def small_idx_folder(folder, images=None, labels=None, test_labels=None):
    rng = np.random.default_rng(0)
    write_idx(
        folder / first_nn.TRAIN_IMAGES,
        images if images is not None else rng.integers(0, 256, (6, 28, 28)),
    )
    write_idx(
        folder / first_nn.TRAIN_LABELS, labels if labels is not None else np.arange(6)
    )
    write_idx(folder / first_nn.TEST_IMAGES, rng.integers(0, 256, (4, 28, 28)))
    write_idx(
        folder / first_nn.TEST_LABELS,
        test_labels if test_labels is not None else np.arange(4),
    )
    return folder


def test_small_valid_idx_folder_loads(tmp_path):
    (train_images, train_labels), (test_images, _) = first_nn.read_idx_folder(
        small_idx_folder(tmp_path)
    )
    assert train_images.shape == (6, 28, 28) and test_images.shape == (4, 28, 28)
    assert list(train_labels) == list(range(6))


@pytest.mark.parametrize(
    "kwargs, problem",
    [
        ({"images": np.zeros((6, 27, 27))}, "27x27, not 28x28"),
        ({"labels": np.array([0, 1, 2, 3, 4, 10])}, "label 10"),
        ({"labels": np.arange(5)}, "5 labels for 6 images"),
    ],
)
def test_bad_idx_content_is_named(tmp_path, kwargs, problem):
    small_idx_folder(tmp_path, **kwargs)
    with pytest.raises(first_nn.LessonError, match=problem):
        first_nn.read_idx_folder(tmp_path)


def test_bad_magic_and_truncation_are_named(tmp_path):
    small_idx_folder(tmp_path)
    write_idx(tmp_path / first_nn.TEST_LABELS, np.arange(4), magic=0x0803)
    with pytest.raises(first_nn.LessonError, match="magic number"):
        first_nn.read_idx_folder(tmp_path)
    good = gzip.compress(struct.pack(">II", 0x0801, 4) + bytes(range(4)))
    (tmp_path / first_nn.TEST_LABELS).write_bytes(good[: len(good) // 2])
    with pytest.raises(first_nn.LessonError, match="gzip"):
        first_nn.read_idx_folder(tmp_path)


def test_normalize_gives_float32_between_0_and_1(data):
    images = first_nn.normalize(data[0][0][:1000]).numpy()
    assert images.dtype == np.float32
    assert images.min() == 0.0 and images.max() == 1.0
    np.testing.assert_allclose(images[0], data[0][0][0] / 255.0, rtol=1e-6)


def test_model_has_the_tutorials_layers_and_101770_parameters():
    model = first_nn.build_model()
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Flatten", "Dense", "Dense"]
    assert model.layers[1].units == 128 and model.layers[2].units == 10
    assert model.layers[1].activation.__name__ == "relu"
    assert model.layers[2].activation.__name__ == "linear"
    assert model.count_params() == 101_770
    assert first_nn.build_model(64).count_params() == 784 * 64 + 64 + 64 * 10 + 10


def test_model_outputs_10_logits_per_image(data):
    logits = first_nn.build_model()(first_nn.normalize(data[1][0][:5])).numpy()
    assert logits.shape == (5, 10)
    assert not np.allclose(logits.sum(axis=1), 1.0)  # raw scores, not probabilities


def test_compiled_loss_is_cross_entropy_from_logits(data):
    model = first_nn.compile_model(first_nn.build_model())
    images, labels = first_nn.normalize(data[1][0][:64]), data[1][1][:64]
    loss, accuracy = model.evaluate(images, labels, verbose=0)
    logits = model.predict(images, verbose=0).astype(np.float64)
    log_softmax = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    expected_loss = -log_softmax[np.arange(64), labels].mean()
    assert loss == pytest.approx(expected_loss, rel=1e-4)
    assert accuracy == pytest.approx(np.mean(logits.argmax(axis=1) == labels))


def test_probability_model_rows_sum_to_1_and_keep_the_argmax(data):
    model = first_nn.build_model()
    images = first_nn.normalize(data[1][0][:100])
    probabilities = first_nn.predict(first_nn.make_probability_model(model), images)
    logits = model.predict(images, verbose=0)
    assert probabilities.shape == (100, 10)
    assert (probabilities >= 0).all()
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(probabilities.argmax(axis=1), logits.argmax(axis=1))


def test_bundled_data_has_licence_note():
    note = (REPO / "data" / "fashion-mnist" / "LICENSE").read_text(encoding="utf-8")
    assert "Zalando SE" in note and "MIT" in note


def test_failed_write_leaves_nothing_behind_and_says_which_file(tmp_path):
    def fail_halfway(temporary):
        temporary.write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(first_nn.LessonError, match="metrics.json: cannot write it"):
        first_nn.write_atomically(tmp_path / "metrics.json", fail_halfway)
    assert list(tmp_path.iterdir()) == []
