"""House rules no linter expresses, checked over the source tree (style.md §4.12)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

DESKTOP = Path(__file__).resolve().parents[1] / "desktop"


def sources(*exclude: str) -> list[Path]:
    return [p for p in DESKTOP.rglob("*.py") if not any(part in exclude for part in p.parts)]


def offenders(pattern: str, files: list[Path]) -> list[str]:
    regex = re.compile(pattern)
    return [
        f"{path.relative_to(DESKTOP.parent)}:{n}"
        for path in files
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if regex.search(line) and not line.lstrip().startswith("#")
    ]


def test_no_modal_exec_anywhere() -> None:
    assert offenders(r"\.exec\(\)|\.exec_\(\)", sources()) == []


def test_tasks_are_started_only_by_the_task_owner() -> None:
    files = [p for p in sources("simulator") if p.name != "tasks.py"]
    assert offenders(r"create_task\(|ensure_future\(", files) == []


def test_no_float_in_money_records() -> None:
    assert offenders(r"\bfloat\(", [DESKTOP / "domain" / "models.py", DESKTOP / "domain" / "amounts.py"]) == []


def test_files_stay_small() -> None:
    big = [f"{p.relative_to(DESKTOP.parent)}: {n}" for p in sources() if (n := len(p.read_text().splitlines())) > 400]
    assert big == []


@pytest.mark.parametrize("package", ["desktop.domain", "desktop.client", "desktop.services", "desktop.simulator"])
def test_qt_free_layers_import_without_qt(package: str) -> None:
    code = f"import sys; sys.modules['PySide6'] = None; sys.modules['pyqtgraph'] = None; import {package}"
    modules = {
        "desktop.domain": "desktop.domain.quote_book, desktop.domain.amounts",
        "desktop.client": "desktop.client.rest, desktop.client.hub",
        "desktop.services": "desktop.services.workstation",
        "desktop.simulator": "desktop.simulator.server.app",
    }[package]
    done = subprocess.run(
        [sys.executable, "-c", f"{code}, {modules}"], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
