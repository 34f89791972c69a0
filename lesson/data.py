"""Fashion-MNIST: its classes, its checksums, and Keras' cache filled without a download."""

import gzip
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from lesson.console import both, label, short_path, speaks_chinese
from lesson.errors import LessonError, data_error
from lesson.files import write_atomically
from lesson.names import DATA_DIR
from lesson.startup import import_keras

BUNDLED_DATA_DIR = DATA_DIR / "fashion-mnist"

# The tutorial's class_names, and the same classes in Chinese.
CLASS_NAMES = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]
CLASS_NAMES_ZH = [
    "T恤/上衣",
    "裤子",
    "套头衫",
    "连衣裙",
    "外套",
    "凉鞋",
    "衬衫",
    "运动鞋",
    "包",
    "踝靴",
]

# SHA-256 of each file's decompressed bytes (gzip wrappers differ between copies).
FASHION_MNIST_SHA256 = {
    "train-images-idx3-ubyte.gz": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte.gz": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte.gz": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte.gz": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}
TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS = FASHION_MNIST_SHA256
# SHA-256 of the bundled .gz files byte for byte: a cached copy of one is known
# good without decompressing it (a third of a second); other copies are checked
# by content.
BUNDLED_GZIP_SHA256 = {
    TRAIN_IMAGES: "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
    TRAIN_LABELS: "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
    TEST_IMAGES: "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
    TEST_LABELS: "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
}


def class_name(index):
    """'Ankle boot（踝靴）' where the console shows Chinese, else 'Ankle boot'."""
    english, chinese = CLASS_NAMES[index], CLASS_NAMES_ZH[index]
    return f"{english}（{chinese}）" if speaks_chinese() else english


def sha256_of_gzip_content(path):
    """SHA-256 of the decompressed bytes, or None if the file is not valid gzip."""
    digest = hashlib.sha256()
    try:
        with gzip.open(path, "rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
    except (OSError, EOFError):
        return None
    return digest.hexdigest()


def sha256_of_file(path):
    """SHA-256 of the file's bytes as they are."""
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def is_good_copy(path, name):
    """True if path holds Fashion-MNIST's file `name`: the bundled bytes, or the same content."""
    if not path.is_file():
        return False
    if sha256_of_file(path) == BUNDLED_GZIP_SHA256[name]:
        return True
    return sha256_of_gzip_content(path) == FASHION_MNIST_SHA256[name]


def keras_cache_dir():
    """Where load_data() looks first, resolved the way Keras resolves it."""
    import_keras()  # Keras reads KERAS_HOME once, when it is imported
    try:
        from keras.src.backend.config import keras_home

        keras_home = keras_home()
    except ImportError:
        keras_home = os.environ.get("KERAS_HOME") or os.path.join(
            os.path.expanduser("~"), ".keras"
        )
    keras_home = os.path.expanduser(keras_home)
    if not os.access(keras_home, os.W_OK):  # get_file() falls back the same way
        base = "/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir()
        keras_home = os.path.join(base, ".keras")
    return Path(keras_home) / "datasets" / "fashion-mnist"


def stage(source_dir=None, cache_dir=None):
    """Make sure Keras' cache holds the verified files; return notes of repairs.

    Each cached file is checked by the SHA-256 of its decompressed bytes and,
    where missing or different, copied from source_dir (the bundled copy unless
    --data-dir names another folder).
    """
    cache_dir = Path(cache_dir or keras_cache_dir())
    source_dir = Path(source_dir or BUNDLED_DATA_DIR)
    flag_fix = (
        "给 --data-dir 一个装着 Fashion-MNIST 四个 .gz 文件的文件夹",
        "pass --data-dir a folder holding the four Fashion-MNIST .gz files",
    )
    if not source_dir.is_dir():
        raise data_error(source_dir, ("不是文件夹", "not a folder"), flag_fix)
    bundled = source_dir == BUNDLED_DATA_DIR
    if bundled:
        flag_fix = (
            "用 git checkout -- data/ 恢复它，或" + flag_fix[0],
            "restore it with 'git checkout -- data/', or " + flag_fix[1],
        )
    notes = []
    for name, expected in FASHION_MNIST_SHA256.items():
        cached, source = cache_dir / name, source_dir / name
        cache_ok = is_good_copy(cached, name)
        if cache_ok and bundled:  # a --data-dir folder is checked all the same
            continue
        if not source.is_file():
            raise data_error(source, ("没有这个文件", "no such file"), flag_fix)
        if sha256_of_gzip_content(source) != expected:
            raise data_error(
                source,
                (
                    "文件损坏、不完整，或者不是 Fashion-MNIST（SHA-256 不符）",
                    "corrupt or truncated, or not Fashion-MNIST (its SHA-256 differs)",
                ),
                flag_fix,
            )
        if cache_ok:
            continue
        if cached.exists():
            notes.append(
                both(
                    f"{cached}：损坏的副本已用 {source} 替换",
                    f"{cached}: corrupt copy replaced from {source}",
                )
            )
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise data_error(
                cache_dir,
                (f"无法创建（{exc.strerror}）", f"cannot create it ({exc.strerror})"),
                ("设置 KERAS_HOME 换一个文件夹", "set KERAS_HOME"),
            ) from None
        write_atomically(cached, lambda temporary: shutil.copyfile(source, temporary))
    return notes


def fill_keras_cache(source_dir=None):
    """stage(), saying what it repaired and where load_data() will read from."""
    for note in stage(source_dir):
        print(label("已修复", "Repaired"), note)
    print(both("数据来源", "Data from") + f": {short_path(keras_cache_dir())}")


def load_data(source_dir=None):
    """For the tools: stage() quietly, then the tutorial's load_data()."""
    stage(source_dir)
    fashion_mnist = import_keras().datasets.fashion_mnist
    return fashion_mnist.load_data()


def take_quick_subset(dataset, size, flag):
    """A quick check's data: the first `size` training examples and size/4 (at
    least 1) test ones, from load_data()'s ((train), (test)); all when size is None."""
    if size is None:
        return dataset
    (train_images, train_labels), (test_images, test_labels) = dataset
    return (
        take_first(train_images, train_labels, size, flag),
        take_first(test_images, test_labels, size // 4 or 1, f"{flag} / 4"),
    )


def take_first(images, labels, size, flag):
    """The first `size` examples; all of them when size is None."""
    if size is None:
        return images, labels
    if size > len(images):
        raise LessonError(
            f"只有 {len(images)} 个样本",
            f"there are only {len(images)} examples",
            subject=f"{flag} {size}",
        )
    return images[:size], labels[:size]
