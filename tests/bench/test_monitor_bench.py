"""The margin-monitor benchmark runs against the real simulator and prints its summary line."""

from __future__ import annotations

import re

import pytest

from desktop.bench.monitor import run_monitor

pytestmark = pytest.mark.integration


def test_monitor_bench_prints_one_summary_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_monitor(scans=3, accounts=50, seed=1) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    number = r"\d+\.\d\d"
    pattern = rf"monitor: accounts=50 scans=3 mean_ms={number} p50_ms={number} p99_ms={number} max_ms={number}"
    assert re.fullmatch(pattern, last), last
