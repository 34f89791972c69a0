"""The training benchmark runs and prints its table (it reports; it asserts no time)."""

import re


def test_quick_benchmark_prints_its_table(run_script):
    result = run_script("benchmarks/bench_train.py", "--quick", timeout=900)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert (
        "| recipe | runs | fit s (min) | fit s (median) | fit ratio (median) | peak RSS GB"
        in out
    )
    rows = {}
    for line in out.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0] in ("tutorial as written", "first_nn.py"):
            rows[cells[0]] = cells
    assert set(rows) == {"tutorial as written", "first_nn.py"}
    assert rows["tutorial as written"][4] == "1.00"  # the baseline's own ratio
    for cells in rows.values():
        assert float(cells[2]) > 0 and float(cells[5]) > 0.1  # fit seconds, peak GB
        assert 0.0 <= float(cells[8]) <= 1.0  # test accuracy
    assert re.search(r"fit time / tutorial fit time \(medians\): [0-9.]+", out)
