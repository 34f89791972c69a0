"""Regenerate the README's pictures: python docs/make_images.py

Runs the full default lesson into a temporary folder, saves a smaller copy of
each figure in docs/images/, and makes docs/images/example_*.jpg: held-out
test images turned into photo-like files (colour, white background, 336 px)
for the README's predict.py example.
"""

import sys
import tempfile
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import first_nn  # noqa: E402
from benchmarks.bench_photos import as_colour, upscale, white_background  # noqa: E402

IMAGES = REPO / "docs" / "images"
MAX_SIDE = 900  # pixels; enough for a README, small enough to commit


EXAMPLES = {"boot": 0, "pullover": 1, "shirt": 4}  # test image indices


def make_example_photos():
    """Write a few test images as colour JPEGs on white, like product photos."""
    _, (test_images, _) = first_nn.load_data()
    for name, index in EXAMPLES.items():
        photo = Image.fromarray(
            as_colour(upscale(white_background(test_images[index]), 12))
        )
        path = IMAGES / f"example_{name}.jpg"
        first_nn.write_atomically(
            path, lambda temporary: photo.save(temporary, format="JPEG", quality=90)
        )
        print(f"wrote {path}")


def main():
    with tempfile.TemporaryDirectory() as run_dir:
        status = first_nn.main(["--output-dir", run_dir])
        if status:
            return status
        IMAGES.mkdir(parents=True, exist_ok=True)
        for figure in sorted(Path(run_dir).glob("*.png")):
            with Image.open(figure) as image:
                image.thumbnail((MAX_SIDE, MAX_SIDE))
                first_nn.write_atomically(
                    IMAGES / figure.name,
                    lambda temporary: image.save(
                        temporary, format="PNG", optimize=True
                    ),
                )
            print(f"wrote {IMAGES / figure.name}")
    make_example_photos()
    return 0


if __name__ == "__main__":
    sys.exit(main())
