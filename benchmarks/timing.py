"""Timers shared by the measured recipes; each prints one 'BENCH {json}' line."""

import json
import sys
import time

import keras


def peak_rss_bytes():
    """The most memory this process has held (peak resident set size), in bytes."""
    if sys.platform == "win32":
        import ctypes
        from ctypes import wintypes

        class Counters(ctypes.Structure):  # PROCESS_MEMORY_COUNTERS
            _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD)]
            _fields_ += [
                (name, ctypes.c_size_t)
                for name in (
                    "PeakWorkingSetSize",
                    "WorkingSetSize",
                    "QuotaPeakPagedPoolUsage",
                    "QuotaPagedPoolUsage",
                    "QuotaPeakNonPagedPoolUsage",
                    "QuotaNonPagedPoolUsage",
                    "PagefileUsage",
                    "PeakPagefileUsage",
                )
            ]

        counters = Counters(cb=ctypes.sizeof(Counters))
        ctypes.windll.psapi.GetProcessMemoryInfo(
            ctypes.windll.kernel32.GetCurrentProcess(),
            ctypes.byref(counters),
            counters.cb,
        )
        return counters.PeakWorkingSetSize
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # macOS: bytes; Linux: KiB


class EpochTimer(keras.callbacks.Callback):
    """Records when the first epoch ends, and how many epochs ran."""

    first_epoch_end = None
    epochs = 0

    def on_epoch_end(self, epoch, logs=None):
        if epoch == 0:
            self.first_epoch_end = time.perf_counter()
        self.epochs = epoch + 1


def report(started, fit_started, fit_seconds, timer, test_accuracy):
    """Print the measurements for bench_train.py to read."""
    measurements = {
        "startup_seconds": fit_started - started,
        "first_epoch_seconds": timer.first_epoch_end - fit_started,
        "fit_seconds": fit_seconds,
        "epochs": timer.epochs,
        "test_accuracy": float(test_accuracy),
        "peak_rss_bytes": peak_rss_bytes(),
    }
    print("BENCH " + json.dumps(measurements), flush=True)
