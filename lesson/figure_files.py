"""Figures saved as PNG files, shown inline in a notebook, and with --show
opened in windows at the end."""

from pathlib import Path

from lesson.console import both, fitted, in_notebook, short_path
from lesson.files import write_atomically

import matplotlib.pyplot as plt
import numpy as np

NON_INTERACTIVE_BACKENDS = {"agg", "pdf", "pgf", "ps", "svg", "cairo", "template"}


class FigureFolder:
    """Saves each figure as output_dir/<name>.png; --show keeps them for the end."""

    def __init__(self, output_dir, keep_open=False, prefix=""):
        self.output_dir, self.keep_open = Path(output_dir), keep_open
        self.prefix = prefix  # e.g. "cnn_", so two lessons share a folder

    def save(self, figure, name, how_to_read=None):
        """Save (>= 600 px on the short side), show inline in a notebook, close.

        how_to_read: (chinese, english), printed after the path.
        """
        path = self.output_dir / f"{self.prefix}{name}.png"
        width, height = figure.get_size_inches()
        dpi = max(100, int(np.ceil(600 / min(width, height))))
        write_atomically(
            path, lambda temporary: figure.savefig(temporary, dpi=dpi, format="png")
        )
        if in_notebook():
            from IPython.display import display

            display(figure)
        if not self.keep_open or in_notebook():  # a notebook has shown it already
            plt.close(figure)
        print(both("已保存图片", "Saved figure") + f": {short_path(path)}")
        if how_to_read:
            print(fitted(*how_to_read, lead="  "))

    def show_kept(self):
        """--show: open the kept figures in windows, or say why it cannot."""
        if not self.keep_open or in_notebook():
            return
        if plt.get_backend().lower() in NON_INTERACTIVE_BACKENDS:
            print(
                both(
                    "没有可用的图形界面，图片只保存为文件",
                    "No display: figures are saved as files only",
                )
            )
        else:
            plt.show()
        plt.close("all")
