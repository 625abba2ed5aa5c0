"""``--smoke``: prove the whole path works, print one ``SMOKE OK`` line, exit.

With ``--smoke-deposit AMOUNT`` the run also makes one deposit on the first account through
the normal path: the balance dialog (form, review, confirm), the write pipeline and the
journal; the line then carries its state and ticket. Anything but ``applied`` fails the run.
With ``--smoke-reconnects N`` it also waits until the tick hub has reconnected N times and
is connected again (for a run under ``--scenario hub-drops``).

Imports: PySide6, the standard library, desktop.app, desktop.domain, desktop.ui.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from desktop.app.desk import Desk
from desktop.domain.models import BalanceKind, ConnectionState
from desktop.domain.operations import OperationState
from desktop.ui.dialogs.balance import BalanceDialog, Step

SMOKE_COMMENT = "smoke"


async def run_smoke(
    desk: Desk,
    screenshot: Path | None,
    timeout_s: float,
    settle_s: float,
    launched_at: float,
    *,
    deposit: str | None = None,
    reconnects: int = 0,
) -> int:
    """Wait for the first quote and the accounts, optionally deposit and grab the window, report.

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
        if time.monotonic() > deadline or not window.isVisible():
            print(f"SMOKE FAILED: after {time.monotonic() - started:.0f} s: {_figures(desk)}")
            return 2
        await asyncio.sleep(0.05)
    ready_s = time.monotonic() - launched_at
    while not _reconnected(desk, reconnects):
        if time.monotonic() > deadline or not window.isVisible():
            print(f"SMOKE FAILED: waiting for {reconnects} reconnection(s): {_figures(desk)}")
            return 7
        await asyncio.sleep(0.05)
    deposited = ""
    if deposit is not None:
        deposited, code = await _deposit(desk, deposit, deadline)
        if code:
            print(f"SMOKE FAILED: deposit {deposited} {_figures(desk)}", flush=True)
            return code
    await asyncio.sleep(settle_s)
    if screenshot is not None and not window.grab().save(str(screenshot)):
        print(f"SMOKE FAILED: could not write {screenshot}")
        return 3
    shown = f" screenshot={screenshot}" if screenshot else ""
    print(f"SMOKE OK {_figures(desk)} ready_s={ready_s:.2f}{deposited}{shown}", flush=True)
    return 0


async def _deposit(desk: Desk, amount: str, deadline: float) -> tuple[str, int]:
    """Deposit ``amount`` on the first account as an operator would; the line's words and an exit code."""
    account = desk.workstation.accounts.all()[0]
    dialog = desk.window.open_balance_dialog(account.login, BalanceKind.DEPOSIT)
    try:
        dialog.form_page.amount_edit.setText(amount)
        dialog.form_page.comment_edit.setText(SMOKE_COMMENT)
        dialog.form_page.review_button.click()
        if dialog.step != Step.REVIEW:
            return f"refused by the form: {_form_errors(dialog)!r}", 4
        dialog.review_page.confirm_button.click()
        while not _answered(dialog):
            if time.monotonic() > deadline + 60 or not desk.window.isVisible():
                return "still unanswered", 5
            await asyncio.sleep(0.05)
        operation = dialog.operation
        assert operation is not None
        entry = desk.workstation.journal.entry(operation.key)
        state = entry.state if entry is not None else OperationState.PENDING
        ticket = entry.outcome.ticket if entry is not None and entry.outcome is not None else None
        words = f" deposit={state.value} ticket={ticket or '-'} login={account.login} amount={amount}"
        return words, 0 if state is OperationState.APPLIED else 6
    finally:
        dialog.close()


def _reconnected(desk: Desk, reconnects: int) -> bool:
    ws = desk.workstation
    return reconnects == 0 or (ws.hub.connections > reconnects and ws.quotes.status.state is ConnectionState.CONNECTED)


def _answered(dialog: BalanceDialog) -> bool:
    return dialog.step == Step.RESULT


def _form_errors(dialog: BalanceDialog) -> str:
    form = dialog.form_page
    return " ".join(label.text() for label in (form.login_error, form.amount_error, form.comment_error) if label.text())


def _figures(desk: Desk) -> str:
    ws = desk.workstation
    platform = ws.session.platform.name if ws.session.platform else "-"
    return (
        f"platform={platform!r} symbols={len(ws.quotes.symbols)} accounts={len(ws.accounts)} "
        f"ticks={ws.book.total_ticks} feed={ws.quotes.status.state.value} connections={ws.hub.connections}"
    )
