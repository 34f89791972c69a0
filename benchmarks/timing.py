"""Timers shared by the two measured recipes; each prints one 'BENCH {json}' line."""

import json
import resource
import time

import keras


class EpochTimer(keras.callbacks.Callback):
    """Records when the first epoch ends."""

    first_epoch_end = None

    def on_epoch_end(self, epoch, logs=None):
        if epoch == 0:
            self.first_epoch_end = time.perf_counter()


def report(started, fit_started, fit_seconds, timer, test_accuracy):
    """Print the measurements for bench_train.py to read."""
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    measurements = {
        "startup_seconds": fit_started - started,
        "first_epoch_seconds": timer.first_epoch_end - fit_started,
        "fit_seconds": fit_seconds,
        "test_accuracy": float(test_accuracy),
        "peak_rss_bytes": peak_kib * 1024,
    }
    print("BENCH " + json.dumps(measurements), flush=True)
