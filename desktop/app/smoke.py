"""``--smoke``: prove the whole path works, print one ``SMOKE OK`` line, exit.

Imports: PySide6, the standard library, desktop.app.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from desktop.app.desk import Desk


async def run_smoke(desk: Desk, screenshot: Path | None, timeout_s: float, settle_s: float, launched_at: float) -> int:
    """Wait for the first quote and the accounts, optionally grab the window, report.

    ``launched_at`` is the ``time.monotonic()`` of the command's start: the line reports how
    long the window took to show quotes and accounts from there. ``settle_s`` is how long the
    window then runs before the grab (at least a second, for the status bar's figures).
    """
    window, workstation = desk.window, desk.workstation
    window.resize(1600, 1000)
    window.show()
    started = time.monotonic()
    deadline = started + timeout_s
    while workstation.book.total_ticks == 0 or len(workstation.accounts) == 0:
        if time.monotonic() > deadline:
            print(f"SMOKE FAILED: after {timeout_s:.0f} s: {_figures(desk)}")
            return 2
        await asyncio.sleep(0.05)
    ready_s = time.monotonic() - launched_at
    await asyncio.sleep(settle_s)
    if screenshot is not None and not window.grab().save(str(screenshot)):
        print(f"SMOKE FAILED: could not write {screenshot}")
        return 3
    shown = f" screenshot={screenshot}" if screenshot else ""
    print(f"SMOKE OK {_figures(desk)} ready_s={ready_s:.2f}{shown}", flush=True)
    return 0


def _figures(desk: Desk) -> str:
    ws = desk.workstation
    platform = ws.session.platform.name if ws.session.platform else "-"
    return (
        f"platform={platform!r} symbols={len(ws.quotes.symbols)} accounts={len(ws.accounts)} "
        f"ticks={ws.book.total_ticks} feed={ws.quotes.status.state.value}"
    )
