"""Benchmarks: each script measures something and prints ratios or a table.
Run one from the repository's folder, as `python -m benchmarks.bench_train`.
Nothing outside benchmarks/ imports them (their own tests aside)."""
