"""What the lessons and tools need before anything else: a supported Python
and the packages of requirements.txt.

It imports nothing beyond the standard library, so that it can say what is
missing in one line instead of an ImportError.
"""

import importlib.util
import struct
import sys

OLDEST, NEWEST = (3, 11), (
    3,
    13,
)  # TensorFlow 2.21 has wheels for 3.10-3.13, NumPy 2.4 from 3.11
# import name: the package pip installs
PACKAGES = {
    "numpy": "numpy",
    "matplotlib": "matplotlib",
    "PIL": "pillow",
    "tensorflow": "tensorflow",
    "keras": "keras",
    "cv2": "opencv-python-headless",
}
SECTION_ZH = "README.zh-CN.md 的“从零开始，到第一次运行”"
SECTION_EN = "README.md, From nothing to the first run"


def problem():
    """The one line that says what to do, or None when all is there."""
    version = ".".join(map(str, sys.version_info[:3]))
    bits = struct.calcsize("P") * 8
    if not OLDEST <= tuple(sys.version_info[:2]) <= NEWEST or bits != 64:
        supported = f"{OLDEST[0]}.{OLDEST[1]}–{NEWEST[0]}.{NEWEST[1]}"
        return (
            f"需要 64 位的 Python {supported}（现在是 {bits} 位的 {version}）："
            f"见 {SECTION_ZH} / needs 64-bit Python {supported.replace('–', '-')} "
            f"(this is {bits}-bit "
            f"{version}): see {SECTION_EN}"
        )
    missing = [
        package
        for module, package in PACKAGES.items()
        if importlib.util.find_spec(module) is None
    ]
    if missing:
        return (
            f"缺少软件包 {'、'.join(missing)}：在已激活的虚拟环境里运行 "
            "python -m pip install -r requirements.txt / missing packages "
            f"{', '.join(missing)}: in the activated virtual environment, run "
            "python -m pip install -r requirements.txt"
        )
    return None


def check():
    """Exit with status 1 and one 'error:' line when problem() finds one."""
    found = problem()
    if found is None:
        return
    try:
        found.encode(sys.stderr.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):  # no Chinese here: the English half
        found = found.split(" / ", 1)[1]
    print(f"error: {found}", file=sys.stderr, flush=True)
    raise SystemExit(1)
