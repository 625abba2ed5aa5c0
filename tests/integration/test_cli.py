"""``dealer-desk --demo --smoke`` as a user runs it: a real process, the simulator as its child."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

pytestmark = pytest.mark.integration


def test_demo_smoke_prints_figures_and_saves_a_screenshot(tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "desktop.app.main", "--demo", "--smoke", "--screenshot", str(shot)],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("SMOKE OK"))
    figures = dict(re.findall(r"(\w+)=(\S+)", line))
    assert int(figures["symbols"]) >= 30
    assert int(figures["accounts"]) >= 1000
    assert int(figures["ticks"]) > 0
    assert figures["feed"] == "connected"
    assert float(figures["ready_s"]) > 0  # the figure is reported; speed is judged by the benchmark
    image = QImage(str(shot))
    assert image.width() >= 1200
    assert image.height() >= 800


def test_bad_command_line_is_refused_with_usage() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "desktop.app.main", "--screenshot", "x.png"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2
    assert "--screenshot goes with --smoke" in done.stderr
