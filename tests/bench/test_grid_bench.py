"""The grid benchmark fills the real accounts model and prints its summary line."""

from __future__ import annotations

import re
from typing import Any

import pytest

from desktop.bench.grid import run_grid


def test_grid_bench_prints_one_summary_line(qapp: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_grid(rows=2_000) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    # the filter "client 99" keeps the accounts whose login has "99" in it
    shown = sum(1 for login in range(1, 2_001) if "99" in str(login))
    assert re.fullmatch(rf"grid: rows=2000 load_ms=\d+\.\d sort_ms=\d+\.\d filter_ms=\d+\.\d shown={shown}", last), last
