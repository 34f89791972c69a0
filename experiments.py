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

import os
import sys
import time

import lesson  # noqa: F401  (first: a supported Python and the packages)
from lesson import arguments, backends, console, data, errors, flags, startup
from lesson.console import both, fitted, label
from lesson.errors import LessonError
from lesson.figure_files import FigureFolder
from lesson.figure_text import bilingual
from lesson.files import prepare_output_dir, write_json, write_text
from lesson.model import build_model, compile_model, normalize, train
from lesson.results import library_versions

import matplotlib.pyplot as plt
import numpy as np

# What a run writes to the output folder.
TABLE_FILE, JSON_FILE, FIGURE_NAME = "experiments.md", "experiments.json", "experiments"


def parse_args(argv=None):
    parser = arguments.parser(
        "用不同的隐藏层宽度和 epoch（轮）数训练教程的模型，列出比较表。\n"
        "Train the tutorial's model for a grid of widths and epoch counts."
    )
    parser.add_argument(
        "--hidden-units",
        type=flags.hidden_layer_size,
        nargs="+",
        metavar="N",
        default=[32, 64, 128, 256, 512],
        help=f"隐藏层的神经元个数，每个 1 到 {flags.MOST_HIDDEN_UNITS}\n"
        f"hidden layer widths, each 1 to {flags.MOST_HIDDEN_UNITS}",
    )
    parser.add_argument(
        "--epochs",
        type=arguments.positive_int,
        nargs="+",
        metavar="N",
        default=[5, 10, 20],
        help="在哪些 epoch（轮）数上测量\nepoch counts to measure at",
    )
    flags.add_data_arguments(parser)
    backends.add_backend_argument(parser)
    parser.add_argument(
        "--validation-size",
        type=arguments.positive_int,
        metavar="N",
        default=10000,
        help="留出训练集最后 N 张图片做验证；--train-size 从其余的算起\n"
        "hold out the last N training images; --train-size counts the rest",
    )
    args = parser.parse_args(argv)
    left = flags.TRAINING_EXAMPLES - args.validation_size
    if left < 1:
        raise LessonError(
            f"留出这么多做验证后，{flags.TRAINING_EXAMPLES} 张训练图片一张也不剩了",
            f"leaves no training images out of {flags.TRAINING_EXAMPLES}",
            subject=f"--validation-size {args.validation_size}",
        )
    if args.train_size is not None and args.train_size > left:
        raise LessonError(
            f"留出 {args.validation_size} 张做验证后只剩 {left} 张训练图片；"
            f"用 --train-size {left} 或更小的 --validation-size",
            f"{left} training images are left after the {args.validation_size} "
            f"held out for validation; use --train-size {left} or a smaller "
            "--validation-size",
            subject=f"--train-size {args.train_size}",
        )
    backends.use(args.backend)
    args.hidden_units = sorted(set(args.hidden_units))
    args.epochs = sorted(set(args.epochs))
    return args


def split_data(args):
    """(train, validation, test) pairs of normalized images and labels."""
    (train_images, train_labels), (test_images, test_labels) = data.load_data(
        args.data_dir
    )
    held_out = len(train_images) - args.validation_size
    validation = (train_images[held_out:], train_labels[held_out:])
    train_pair = data.take_first(
        train_images[:held_out],
        train_labels[:held_out],
        args.train_size,
        "--train-size",
    )
    test = data.take_first(test_images, test_labels, args.test_size, "--test-size")
    return [
        (normalize(images), labels) for images, labels in (train_pair, validation, test)
    ]


class Progress:
    """One line per epoch: the width, the epoch, time so far and an estimate of the rest.

    An epoch's time is taken as fixed + per_neuron * width, fitted to the
    epochs done so far. Until two widths have trained, the fixed part is taken
    as the work of FIXED_NEURONS neurons (about what docs/exercises.md's table shows),
    so wider layers to come are not assumed as fast as the first one.
    """

    FIXED_NEURONS = 256

    def __init__(self, widths, epochs, clock=time.perf_counter):
        self.widths, self.epochs, self.clock = widths, epochs, clock
        self.started = self.last = clock()
        self.seconds = []  # (width, seconds) of each epoch done

    def per_epoch_cost(self):
        """(fixed seconds, seconds per neuron) of one epoch, from the epochs done."""
        widths = np.array([width for width, _ in self.seconds], float)
        seconds = np.array([second for _, second in self.seconds], float)
        if len(set(widths)) > 1:
            per_neuron, fixed = np.polyfit(widths, seconds, 1)
            if per_neuron > 0 and fixed >= 0:
                return fixed, per_neuron
        per_neuron = seconds.sum() / (widths + self.FIXED_NEURONS).sum()
        return per_neuron * self.FIXED_NEURONS, per_neuron

    def epoch_done(self, hidden_units, epoch):
        now = self.clock()
        self.seconds.append((hidden_units, now - self.last))
        self.last, elapsed = now, now - self.started
        fixed, per_neuron = self.per_epoch_cost()
        position = self.widths.index(hidden_units)
        to_come = [(hidden_units, self.epochs - epoch)] + [
            (width, self.epochs) for width in self.widths[position + 1 :]
        ]
        left = sum(count * (fixed + per_neuron * width) for width, count in to_come)
        training = position + 1
        print(
            f"[{training}/{len(self.widths)}] "
            + both(f"{hidden_units} 个神经元", f"{hidden_units} units")
            + f" | epoch {epoch}/{self.epochs} | "
            + both("已用", "elapsed")
            + f" {clock(elapsed)} | "
            + both("还需约", "left")
            + f" ~{clock(left)}",
            flush=True,
        )


class EpochMeasurements:
    """Scores the model on validation and test data when it reaches each wanted epoch."""

    def __init__(self, model, hidden_units, epochs, validation, test, progress):
        self.model, self.hidden_units = model, hidden_units
        self.wanted, self.validation, self.test = set(epochs), validation, test
        self.progress = progress
        self.fit_seconds, self.rows = 0.0, []

    def callback(self):
        keras = startup.import_keras()
        return keras.callbacks.LambdaCallback(
            on_epoch_begin=self.epoch_begin, on_epoch_end=self.epoch_end
        )

    def epoch_begin(self, epoch, logs=None):
        self.epoch_started = time.perf_counter()

    def epoch_end(self, epoch, logs=None):
        # Fit time only; the scoring below is not included.
        self.fit_seconds += time.perf_counter() - self.epoch_started
        if epoch + 1 in self.wanted:
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
        self.progress.epoch_done(self.hidden_units, epoch + 1)


def train_width(hidden_units, epochs, train_pair, validation, test, seed, progress):
    """One training to max(epochs); a result row for each requested epoch count."""
    startup.import_keras().utils.set_random_seed(seed)
    model = compile_model(build_model(hidden_units))
    measure = EpochMeasurements(model, hidden_units, epochs, validation, test, progress)
    train(
        model,
        *train_pair,
        epochs=max(epochs),
        verbose=0,
        callbacks=[measure.callback()],
    )
    return [
        {"hidden_units": hidden_units, "parameters": model.count_params(), **row}
        for row in measure.rows
    ]


def clock(seconds):
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes}:{seconds:02d}"


def run_grid(args, train_pair, validation, test):
    """Train each width once; print a line per epoch and a summary per width."""
    rows = []
    progress = Progress(args.hidden_units, max(args.epochs))
    for done, hidden_units in enumerate(args.hidden_units, start=1):
        width_rows = train_width(
            hidden_units,
            args.epochs,
            train_pair,
            validation,
            test,
            args.seed,
            progress,
        )
        rows += width_rows
        best = max(width_rows, key=lambda row: row["validation_accuracy"])
        seconds = f"{width_rows[-1]['fit_seconds']:.1f}"
        epochs, accuracy = max(args.epochs), f"{best['validation_accuracy']:.4f}"
        print(
            fitted(
                f"隐藏层 {hidden_units} 个神经元：{epochs} 轮，{seconds} 秒 | "
                f"最高验证准确率 {accuracy}（第 {best['epochs']} 轮）",
                f"{counted(hidden_units, 'hidden unit')}: "
                f"{counted(epochs, 'epoch')}, {seconds} s | "
                f"best validation accuracy {accuracy} (epoch {best['epochs']})",
                lead=f"[{done}/{len(args.hidden_units)}] ",
            ),
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


def counted(number, noun):
    """'1 epoch', '20 epochs'."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


# What the table's columns mean (written above it in experiments.md too).
TABLE_CAPTION = (
    "准确率：training 训练集、validation 验证集、test 测试集；"
    "gap = training − validation；fit s：训练秒数",
    "accuracy on the training, validation and test sets; "
    "gap = training − validation; fit s: seconds",
)


def markdown_table(rows, chosen):
    lines = [
        "| hidden units | epochs | parameters | training | validation | test "
        "| gap | fit s | chosen |",
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
            label=bilingual(
                f"{epochs} 轮，验证集", f"{epochs} epochs, validation", " / "
            ),
        )
        accuracy_axes.plot(
            widths,
            [r["test_accuracy"] for r in cells],
            "s--",
            color=color,
            alpha=0.6,
            label=bilingual(f"{epochs} 轮，测试集", f"{epochs} epochs, test", " / "),
        )
        gap_axes.plot(
            widths,
            [r["gap"] for r in cells],
            "o-",
            color=color,
            label=bilingual(f"{epochs} 轮", f"{epochs} epochs", " / "),
        )
    accuracy_axes.plot(
        chosen["hidden_units"],
        chosen["validation_accuracy"],
        "*",
        color="black",
        markersize=16,
        label=bilingual("按验证集选出", "chosen by validation", " / "),
    )
    for axes in (accuracy_axes, gap_axes):
        axes.set_xscale("log", base=2)
        axes.set_xticks(
            sorted({r["hidden_units"] for r in rows}),
            [str(w) for w in sorted({r["hidden_units"] for r in rows})],
        )
        axes.set_xlabel(bilingual("隐藏层神经元", "hidden units", " / "))
        axes.grid(True, alpha=0.3)
    accuracy_axes.set_ylabel(bilingual("准确率", "accuracy", " / "))
    accuracy_axes.set_title(
        bilingual(
            "验证集（实线）和测试集（虚线）的准确率",
            "Validation (solid) and test (dashed) accuracy",
        )
    )
    accuracy_axes.legend(fontsize=8)
    gap_axes.set_ylabel(
        bilingual(
            "训练集准确率 − 验证集准确率",
            "train accuracy - validation accuracy",
        )
    )
    gap_axes.set_title(
        bilingual(
            "过拟合：训练集和验证集的差距", "Overfitting: the train-validation gap"
        )
    )
    gap_axes.legend(fontsize=8)
    figure.tight_layout()
    return figure


def run(args):
    """Train the grid, choose by validation accuracy, write the table, JSON and figure."""
    output_dir = prepare_output_dir(
        args.output_dir, file_names=[TABLE_FILE, JSON_FILE, f"{FIGURE_NAME}.png"]
    )
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # as in first_nn.py step 2
    train_pair, validation, test = split_data(args)
    trainings = len(args.hidden_units)
    counts = len(args.epochs)
    print(
        label("训练次数", "Trainings"),
        both(
            f"{trainings} 次（{trainings} 种宽度，每次记下 {counts} 种 epoch 数的结果）",
            f"{trainings} ({counted(trainings, 'width')} x "
            f"{counted(counts, 'epoch count')})",
        ),
    )
    train_count, validation_count = len(train_pair[1]), len(validation[1])
    print(
        label("图片数量", "Images"),
        both(
            f"训练集 {train_count}，验证集 {validation_count}，测试集 {len(test[1])}",
            f"{train_count} training, {validation_count} validation, "
            f"{len(test[1])} test",
        ),
        flush=True,
    )
    started = time.perf_counter()
    rows = run_grid(args, train_pair, validation, test)
    seconds = time.perf_counter() - started
    chosen = choose(rows)
    results = {
        "settings": {
            "hidden_units": args.hidden_units,
            "epochs": args.epochs,
            "train_size": len(train_pair[1]),
            "validation_size": len(validation[1]),
            "test_size": len(test[1]),
            "seed": args.seed,
        },
        "trainings": trainings,
        "total_seconds": round(seconds, 1),
        "chosen": {key: chosen[key] for key in ("hidden_units", "epochs")},
        "rows": rows,
        "versions": library_versions(),
    }
    table = markdown_table(rows, chosen)
    write_text(
        output_dir / TABLE_FILE, f"{TABLE_CAPTION[0]}\n\n{TABLE_CAPTION[1]}\n\n{table}"
    )
    write_json(output_dir / JSON_FILE, results)
    FigureFolder(output_dir).save(plot_grid(rows, chosen), FIGURE_NAME)
    print()
    print(fitted(*TABLE_CAPTION))
    print(table)
    print(
        fitted(
            f"按验证准确率选出：{chosen['hidden_units']} 个神经元，{chosen['epochs']} 轮"
            f"（验证准确率 {chosen['validation_accuracy']:.4f}，测试准确率 "
            f"{chosen['test_accuracy']:.4f}）；{trainings} 次训练共用 {clock(seconds)}",
            "Chosen by validation: "
            f"{counted(chosen['hidden_units'], 'hidden unit')}, "
            f"{counted(chosen['epochs'], 'epoch')} "
            f"(validation {chosen['validation_accuracy']:.4f}, test "
            f"{chosen['test_accuracy']:.4f}); {counted(trainings, 'training')} "
            f"in {clock(seconds)}",
        )
    )
    print(
        label("已写入", "Wrote"),
        f"{output_dir / TABLE_FILE}, {output_dir / JSON_FILE}",
    )


def main(argv=None):
    """Run the grid; exit status 1 after a one-line error, 130 on Ctrl-C."""
    console.make_safe()
    return errors.guard(lambda: run(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
