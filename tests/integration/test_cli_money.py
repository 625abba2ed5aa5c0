"""The money commands as a user runs them: a smoke deposit, journal verify and export, SIGTERM mid-operation."""

from __future__ import annotations

import csv
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

APP = [sys.executable, "-m", "desktop.app.main"]


def env_for(data_dir: Path) -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DEALER_DESK_DATA_DIR": str(data_dir)}


def run(args: list[str], data_dir: Path, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        APP + args, capture_output=True, text=True, timeout=timeout, env=env_for(data_dir), check=False
    )


def test_smoke_deposit_then_journal_verify_passes_and_fails_on_one_changed_byte(tmp_path: Path) -> None:
    done = run(["--demo", "--smoke", "--smoke-deposit", "12.50", "--operator", "Ann Smith"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("SMOKE OK"))
    figures = dict(re.findall(r"(\w+)=(\S+)", line))
    assert figures["deposit"] == "applied"
    assert int(figures["ticket"]) > 0
    assert (tmp_path / "operator.txt").read_text(encoding="utf-8").strip() == "Ann Smith"

    verified = run(["journal", "verify"], tmp_path, timeout=30)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "journal OK: 3 rows" in verified.stdout

    audit = tmp_path / "audit.csv"
    exported = run(["journal", "export", "--csv", str(audit)], tmp_path, timeout=30)
    assert exported.returncode == 0, exported.stderr
    with audit.open(newline="", encoding="utf-8") as handle:
        lines = list(csv.DictReader(handle))
    assert [line["kind"] for line in lines] == ["intent", "attempt", "outcome"]
    assert lines[-1]["state"] == "applied"
    assert lines[-1]["ticket"] == figures["ticket"]
    assert {line["operator"] for line in lines} == {"Ann Smith"}

    journal = tmp_path / "journal.sqlite3"
    raw = journal.read_bytes()
    at = raw.index(b'"price":12.5')
    journal.write_bytes(raw[:at] + b'"price":92.5' + raw[at + len(b'"price":12.5') :])
    broken = run(["journal", "verify"], tmp_path, timeout=30)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "journal BROKEN at row 1:" in broken.stdout


def test_journal_verify_without_a_journal_says_so(tmp_path: Path) -> None:
    done = run(["journal", "verify"], tmp_path / "none", timeout=30)
    assert done.returncode == 2
    assert "no operations journal" in done.stderr


def journal_rows(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as db:
        return [(kind, data) for kind, data in db.execute("SELECT kind, data FROM journal ORDER BY seq")]


def start_slow_deposit(data_dir: Path) -> subprocess.Popen[str]:
    """A smoke deposit whose send the server answers only after 4 s (OutcomeUnknown, applied in the end)."""
    process = subprocess.Popen(
        [*APP, "--demo", "--smoke", "--smoke-deposit", "10", "--scenario", "flaky-writes:every=1,delay=4"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env_for(data_dir),
    )
    journal = data_dir / "journal.sqlite3"
    deadline = time.monotonic() + 60
    while not (journal.exists() and _has_rows(journal)):
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail(f"no operation was journaled: {process.communicate()[0]}")
        time.sleep(0.05)
    time.sleep(0.5)  # the first send is on the wire now
    return process


def _has_rows(journal: Path) -> bool:
    try:
        return bool(journal_rows(journal))
    except sqlite3.Error:
        return False


def test_sigterm_waits_for_the_answer_records_it_and_exits(tmp_path: Path) -> None:
    process = start_slow_deposit(tmp_path)
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    waited = time.monotonic() - sent
    kinds = [kind for kind, _ in journal_rows(tmp_path / "journal.sqlite3")]
    assert kinds == ["intent", "attempt", "outcome"], output
    assert '"result":"unknown"' in journal_rows(tmp_path / "journal.sqlite3")[1][1]
    assert 1.0 < waited < 5 + 10 + 10, output  # waited for the 4 s answer, within deadline + margin (+ start-up slack)
    assert "waiting up to" in output


def test_a_second_sigterm_exits_at_once_leaving_the_operation_unknown(tmp_path: Path) -> None:
    process = start_slow_deposit(tmp_path)
    process.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    rows = journal_rows(tmp_path / "journal.sqlite3")
    # no attempt row: the app did not wait for the 4 s answer
    assert [kind for kind, _ in rows] == ["intent", "outcome"], output
    assert '"state":"unknown"' in rows[-1][1]
    assert "stopped before the server answered" in rows[-1][1]
    assert "second stop signal" in output
    assert process.returncode != 0
