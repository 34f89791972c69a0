"""Text on the figures: Chinese with English where the computer has a Chinese
font (Matplotlib's own has no Chinese glyphs, and would draw boxes), English
alone where it has none."""

import functools
from pathlib import Path

from lesson.data import CLASS_NAMES, CLASS_NAMES_ZH

import matplotlib.pyplot as plt
from matplotlib import font_manager

# Chinese fonts, the first one found is used: Windows, macOS, then Linux's.
CHINESE_FONTS = (
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "STHeiti",
    "Hiragino Sans GB",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
)


# Where those fonts are usually installed: Matplotlib's font list is made once
# and kept, so a font installed after that is not in it until added.
CHINESE_FONT_FILES = (
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
)


def installed_chinese_font():
    """The name of the first Chinese font Matplotlib can draw with, or None."""
    for attempt in range(2):
        known = {font.name for font in font_manager.fontManager.ttflist}
        for name in CHINESE_FONTS:
            if name in known:
                return name
        if attempt == 0:
            for path in CHINESE_FONT_FILES:
                if Path(path).is_file():
                    try:
                        font_manager.fontManager.addfont(path)
                    except (OSError, RuntimeError, ValueError):
                        pass  # unreadable: as if it were not there
    return None


@functools.cache
def chinese_font():
    """installed_chinese_font(), once; figures drawn from then on use it, with
    Matplotlib's own font for the characters it lacks."""
    name = installed_chinese_font()
    if name is not None:
        plt.rcParams["font.family"] = "sans-serif"
        plt.rcParams["font.sans-serif"] = [name, *plt.rcParams["font.sans-serif"]]
    return name


def bilingual(chinese, english, separator="\n"):
    """Figure text: Chinese, separator, English; English alone with no Chinese font."""
    if chinese_font() is None:
        return english
    return f"{chinese}{separator}{english}"


def class_name(label, separator=" "):
    """'踝靴 Ankle boot', or 'Ankle boot' with no Chinese font."""
    return bilingual(CLASS_NAMES_ZH[label], CLASS_NAMES[label], separator)


def class_names(separator=" "):
    """All ten class names, for an axis's tick labels."""
    return [class_name(label, separator) for label in range(len(CLASS_NAMES))]
