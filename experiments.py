"""The tutorial's "next step", measured: does a wider hidden layer, or more
epochs, beat the 88% test accuracy?

    python experiments.py                     # 5 widths x 3 epoch counts, full data
    python experiments.py --hidden-units 64 128 --epochs 2 4 --train-size 5000

The method matters as much as the answer:
- Choose on a validation set, not on the test set. The last 10,000 training
  images are held out; every model trains on the rest, and the cell with the
  best validation accuracy is chosen. The test accuracy is reported beside it,
  but picking by it would make it a score the model was tuned to.
- One training per width covers every epoch count: the model trains to the
  largest count and is measured when it passes each smaller one.
- The train-validation gap shows overfitting: it grows with width and epochs.

Writes experiments.md (a table), experiments.json and experiments.png to the
output folder.
"""

from __future__ import annotations

import json
import sys
import time

import first_nn
from first_nn import LessonError, plt, tf


def parse_args(argv=None):
    parser = first_nn.LessonArgumentParser(
        description="Train the tutorial's model for a grid of widths and epoch counts.",
        formatter_class=first_nn.DefaultsHelpFormatter,
    )
    grid = dict(type=first_nn.positive_int, nargs="+", metavar="N")
    parser.add_argument(
        "--hidden-units",
        default=[32, 64, 128, 256, 512],
        help="hidden layer widths",
        **grid,
    )
    parser.add_argument(
        "--epochs", default=[5, 10, 20], help="epoch counts to measure at", **grid
    )
    first_nn.add_data_arguments(parser)
    parser.add_argument(
        "--validation-size",
        type=first_nn.positive_int,
        metavar="N",
        default=10000,
        help="hold out the last N training images; --train-size counts the rest",
    )
    args = parser.parse_args(argv)
    args.hidden_units = sorted(set(args.hidden_units))
    args.epochs = sorted(set(args.epochs))
    return args


def split_data(args):
    """(train, validation, test) pairs of normalized images and labels."""
    (train_images, train_labels), (test_images, test_labels) = first_nn.load_data(
        args.data_dir
    )
    if args.validation_size >= len(train_images):
        raise LessonError(
            f"--validation-size {args.validation_size}: leaves no training images out of {len(train_images)}"
        )
    held_out = len(train_images) - args.validation_size
    validation = (train_images[held_out:], train_labels[held_out:])
    train = first_nn.take_first(
        train_images[:held_out],
        train_labels[:held_out],
        args.train_size,
        "--train-size",
    )
    test = first_nn.take_first(test_images, test_labels, args.test_size, "--test-size")
    return [
        (first_nn.normalize(images), labels)
        for images, labels in (train, validation, test)
    ]


class MeasureAtEpochs(tf.keras.callbacks.Callback):
    """Scores the model on validation and test data when it reaches each wanted epoch."""

    def __init__(self, epochs, validation, test):
        super().__init__()
        self.wanted, self.validation, self.test = set(epochs), validation, test
        self.fit_seconds, self.rows = 0.0, []

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch_started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.fit_seconds += (
            time.perf_counter() - self.epoch_started
        )  # scoring not included
        if epoch + 1 not in self.wanted:
            return
        _, validation_accuracy = self.model.evaluate(*self.validation, verbose=0)
        _, test_accuracy = self.model.evaluate(*self.test, verbose=0)
        self.rows.append(
            {
                "epochs": epoch + 1,
                "train_accuracy": float(logs["accuracy"]),
                "validation_accuracy": float(validation_accuracy),
                "test_accuracy": float(test_accuracy),
                "gap": float(logs["accuracy"]) - float(validation_accuracy),
                "fit_seconds": round(self.fit_seconds, 2),
            }
        )


def train_width(hidden_units, epochs, train, validation, test, seed):
    """One training to max(epochs); a result row for each requested epoch count."""
    tf.keras.utils.set_random_seed(seed)
    model = first_nn.compile_model(first_nn.build_model(hidden_units))
    measure = MeasureAtEpochs(epochs, validation, test)
    first_nn.train(model, *train, epochs=max(epochs), verbose=0, callbacks=[measure])
    return [
        {"hidden_units": hidden_units, "parameters": model.count_params(), **row}
        for row in measure.rows
    ]


def clock(seconds):
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes}:{seconds:02d}"


def run_grid(args, train, validation, test):
    rows, started = [], time.perf_counter()
    for done, hidden_units in enumerate(args.hidden_units, start=1):
        width_rows = train_width(
            hidden_units, args.epochs, train, validation, test, args.seed
        )
        rows += width_rows
        best = max(width_rows, key=lambda row: row["validation_accuracy"])
        elapsed = time.perf_counter() - started
        left = elapsed / done * (len(args.hidden_units) - done)
        print(
            f"[{done}/{len(args.hidden_units)}] hidden units {hidden_units}: {max(args.epochs)} epochs in "
            f"{width_rows[-1]['fit_seconds']:.1f} s, best validation accuracy {best['validation_accuracy']:.4f} "
            f"at {best['epochs']} epochs | elapsed {clock(elapsed)}, about {clock(left)} left",
            flush=True,
        )
    return rows


def choose(rows):
    """The best validation accuracy; on a tie, the smaller and shorter model."""
    return max(
        rows,
        key=lambda row: (
            row["validation_accuracy"],
            -row["parameters"],
            -row["epochs"],
        ),
    )


def markdown_table(rows, chosen):
    lines = [
        "| hidden units | epochs | parameters | train accuracy | validation accuracy | test accuracy "
        "| train − validation gap | fit s | chosen |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        mark = "✓" if row is chosen else ""
        lines.append(
            f"| {row['hidden_units']} | {row['epochs']} | {row['parameters']:,} | {row['train_accuracy']:.4f} "
            f"| {row['validation_accuracy']:.4f} | {row['test_accuracy']:.4f} | {row['gap']:+.4f} "
            f"| {row['fit_seconds']:.1f} | {mark} |"
        )
    return "\n".join(lines) + "\n"


def plot_grid(rows, chosen):
    """Validation and test accuracy against width, one line per epoch count; and the gap."""
    figure, (accuracy_axes, gap_axes) = plt.subplots(1, 2, figsize=(12, 4.8))
    for color, epochs in zip(
        plt.rcParams["axes.prop_cycle"].by_key()["color"],
        sorted({r["epochs"] for r in rows}),
    ):
        cells = [row for row in rows if row["epochs"] == epochs]
        widths = [row["hidden_units"] for row in cells]
        accuracy_axes.plot(
            widths,
            [r["validation_accuracy"] for r in cells],
            "o-",
            color=color,
            label=f"{epochs} epochs, validation",
        )
        accuracy_axes.plot(
            widths,
            [r["test_accuracy"] for r in cells],
            "s--",
            color=color,
            alpha=0.6,
            label=f"{epochs} epochs, test",
        )
        gap_axes.plot(
            widths,
            [r["gap"] for r in cells],
            "o-",
            color=color,
            label=f"{epochs} epochs",
        )
    accuracy_axes.plot(
        chosen["hidden_units"],
        chosen["validation_accuracy"],
        "*",
        color="black",
        markersize=16,
        label="chosen by validation",
    )
    for axes in (accuracy_axes, gap_axes):
        axes.set_xscale("log", base=2)
        axes.set_xticks(
            sorted({r["hidden_units"] for r in rows}),
            [str(w) for w in sorted({r["hidden_units"] for r in rows})],
        )
        axes.set_xlabel("hidden units")
        axes.grid(True, alpha=0.3)
    accuracy_axes.set_ylabel("accuracy")
    accuracy_axes.set_title("Validation (solid) and test (dashed) accuracy")
    accuracy_axes.legend(fontsize=8)
    gap_axes.set_ylabel("train accuracy - validation accuracy")
    gap_axes.set_title("Overfitting: the train-validation gap")
    gap_axes.legend(fontsize=8)
    figure.tight_layout()
    return figure


def main(argv=None):
    first_nn.make_console_safe()
    try:
        args = parse_args(argv)
        output_dir = first_nn.prepare_output_dir(args.output_dir)
        train, validation, test = split_data(args)
        print(
            f"{len(args.hidden_units)} trainings ({len(args.hidden_units)} widths x {len(args.epochs)} epoch counts): "
            f"{len(train[1])} training, {len(validation[1])} validation, {len(test[1])} test images"
        )
        started = time.perf_counter()
        rows = run_grid(args, train, validation, test)
        seconds = time.perf_counter() - started
        chosen = choose(rows)
        results = {
            "settings": {
                "hidden_units": args.hidden_units,
                "epochs": args.epochs,
                "train_size": len(train[1]),
                "validation_size": len(validation[1]),
                "test_size": len(test[1]),
                "seed": args.seed,
            },
            "trainings": len(args.hidden_units),
            "total_seconds": round(seconds, 1),
            "chosen": {key: chosen[key] for key in ("hidden_units", "epochs")},
            "rows": rows,
            "versions": first_nn.library_versions(),
        }
        table = markdown_table(rows, chosen)
        first_nn.write_atomically(
            output_dir / "experiments.md",
            lambda path: path.write_text(table, encoding="utf-8"),
        )
        first_nn.write_atomically(
            output_dir / "experiments.json",
            lambda path: path.write_text(
                json.dumps(results, indent=2) + "\n", encoding="utf-8"
            ),
        )
        first_nn.save_figure(plot_grid(rows, chosen), output_dir, "experiments")
    except LessonError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("\n" + table)
    print(
        f"Chosen by validation accuracy: {chosen['hidden_units']} hidden units, {chosen['epochs']} epochs "
        f"(validation {chosen['validation_accuracy']:.4f}, test {chosen['test_accuracy']:.4f}); "
        f"{len(args.hidden_units)} trainings in {clock(seconds)}"
    )
    print(f"Wrote {output_dir / 'experiments.md'}, {output_dir / 'experiments.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
