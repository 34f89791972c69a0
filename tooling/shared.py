"""Helpers that the tests and the tooling (benchmarks, builders) share: the
folders of photos beside the repository, child processes, the page started
in the background, and dataset pictures made to look like photos."""

import os
import platform
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from lesson import photos
from lesson.errors import LessonError
from lesson.names import REPO

import numpy as np
from PIL import Image

# Folders looked for beside the repository (../shared/): the phone photos that
# data/home-photos/ is made from, and photos labelled by hand, to measure on.
SOURCE_PHOTOS_DIR = REPO.parent / "shared" / "clothing_photos"
REAL_PHOTOS_DIR = REPO.parent / "shared" / "real_photos"
EXAMPLE_BOOT = REPO / "docs" / "images" / "example_boot.jpg"


def run_checked(args, what, **options):
    """Run `python ARGS` with its output captured; the CompletedProcess.

    A non-zero exit raises LessonError naming `what` and the child's last
    stderr line. options go to subprocess.run (cwd, env).
    """
    result = subprocess.run(
        [sys.executable, *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        **options,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise LessonError(
            f"{what} 失败（退出码 {result.returncode}）：{last}",
            f"{what} failed (exit {result.returncode}): {last}",
        )
    return result


# The instruction sets a benchmark can run a child with: this CPU's own, or
# AVX2 only (oneDNN's and XLA's kernels), which stands in for a laptop without
# AVX-512 on a CPU that has it.
INSTRUCTION_SETS = {
    "native": {},
    "AVX2": {"ONEDNN_MAX_CPU_ISA": "AVX2", "XLA_FLAGS": "--xla_cpu_max_isa=AVX2"},
}


def cpu_description():
    """'AMD EPYC, with AVX-512' on Linux; elsewhere the platform's own word."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return platform.processor() or platform.machine()
    names = [
        line.split(":", 1)[1].strip()
        for line in text.splitlines()
        if line.startswith("model name")
    ]
    has_avx512 = " avx512f" in text
    name = names[0] if names else platform.machine()
    return f"{name}, {'with' if has_avx512 else 'without'} AVX-512"


PHONE_SIZE = (4032, 3024)  # a 12-megapixel phone photo
ADDRESS = re.compile(r"http://[0-9.]+:[0-9]+")
STARTUP_SECONDS = 180


def phone_photo(folder):
    """The README's example boot enlarged to fill the height of a white
    12-megapixel JPEG, its shape kept."""
    path = Path(folder) / "phone_boot.jpg"
    with Image.open(EXAMPLE_BOOT) as image:
        side = PHONE_SIZE[1]
        boot = image.convert("RGB").resize((side, side), Image.Resampling.BICUBIC)
    photo = Image.new("RGB", PHONE_SIZE, "white")
    photo.paste(boot, ((PHONE_SIZE[0] - side) // 2, 0))
    photo.save(path, quality=90)
    return path


def restore_ctrl_c():
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_app(*args, env=None, timeout=STARTUP_SECONDS, encoding="utf-8"):
    """Start python app.py --no-browser ARGS; return (process, its address)."""
    env = dict(os.environ if env is None else env, PYTHONIOENCODING=encoding)
    process = subprocess.Popen(
        [sys.executable, str(REPO / "app.py"), "--no-browser", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding=encoding,
        env=env,
        # Ctrl-C reaches it even when this runs in the background.
        preexec_fn=None if os.name == "nt" else restore_ctrl_c,
    )
    deadline = time.monotonic() + timeout
    for line in process.stdout:
        match = ADDRESS.search(line)
        if match:
            return process, match.group(0)
        if time.monotonic() > deadline:
            break
    stop_app(process)
    raise LessonError(f"app.py did not start: {process.stderr.read().strip()}")


def stop_app(process):
    """End the app started by start_app(); returns what it wrote on stderr."""
    process.terminate()
    try:
        _, stderr = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
    return stderr


def top_class(result):
    """The top class's name in the page's answer: through gradio_client
    ({"label": name, ...}) or from app.answer() ({name: probability})."""
    bars = result[0]
    if not bars:
        return None
    return bars["label"] if "confidences" in bars else max(bars, key=bars.get)


def white_background(image):
    return 255 - image  # dark item on white, like a product photo


def upscale(image, factor=8):
    size = (image.shape[1] * factor, image.shape[0] * factor)
    return np.asarray(Image.fromarray(image).resize(size, Image.Resampling.BICUBIC))


def as_colour(gray_on_white):
    """Tint the item blue, keep the white background: an RGB photo."""
    ink = (255 - gray_on_white.astype(np.float32)) / 255
    rgb = np.stack([255 - 200 * ink, 255 - 120 * ink, 255 - 40 * ink], axis=-1)
    return np.rint(rgb).astype(np.uint8)


def off_centre(gray_on_white):
    """The item in a corner of a much larger white picture."""
    canvas = np.full((400, 300), 255, np.uint8)
    height, width = gray_on_white.shape
    canvas[40 : 40 + height, 20 : 20 + width] = gray_on_white
    return canvas


def transparent(image):
    """The dark item on a transparent layer (RGBA)."""
    big = upscale(image)
    rgba = np.zeros(big.shape + (4,), np.uint8)
    rgba[..., :3] = (255 - big)[..., None]
    rgba[..., 3] = np.where(big > 0, 255, 0)
    return rgba


def alpha_only(image):
    """A black item whose shape and shades are only in its opacity: a cut-out
    drawn on a transparent layer, as drawing programs export one."""
    big = upscale(image)
    rgba = np.zeros(big.shape + (4,), np.uint8)
    rgba[..., 3] = big
    return rgba


# name: (make the picture from a 28x28 dataset image, file suffix)
PHOTO_FORMS = {
    "white background": (white_background, ".png"),
    "upscaled": (lambda im: upscale(white_background(im)), ".png"),
    "colour": (lambda im: as_colour(upscale(white_background(im))), ".png"),
    "off-centre": (lambda im: off_centre(upscale(white_background(im))), ".png"),
    "transparent": (transparent, ".png"),
    "shape in alpha only": (alpha_only, ".png"),
    "jpeg": (lambda im: as_colour(upscale(white_background(im))), ".jpg"),
}


def measure_form(model, images, form, folder):
    """Predicted classes of the images written as files in one form, read back."""
    make, suffix = PHOTO_FORMS[form]
    pictures = []
    for index, image in enumerate(images):
        path = Path(folder) / f"{index}{suffix}"
        Image.fromarray(make(image)).save(path)  # JPEG at Pillow's quality 75
        pictures.append(photos.prepare_file(path))
    return photos.photo_probabilities(model, pictures).argmax(axis=1)
