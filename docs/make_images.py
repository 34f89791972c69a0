"""Regenerate the README's pictures: python docs/make_images.py

Runs the full default lesson into a temporary folder and saves a smaller copy
of each figure in docs/images/.
"""

import sys
import tempfile
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import first_nn  # noqa: E402

IMAGES = REPO / "docs" / "images"
MAX_SIDE = 900  # pixels; enough for a README, small enough to commit


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
    return 0


if __name__ == "__main__":
    sys.exit(main())
