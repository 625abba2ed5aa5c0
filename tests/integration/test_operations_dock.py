"""An operation in flight when the app died shows up in the Operations dock, resolved, after the next start."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop.app.desk import open_desk
from desktop.client.rest import WebApi
from desktop.config import AppConfig, Credentials
from desktop.domain.operations import OperationState
from desktop.services.journal import OperationsJournal
from desktop.simulator import PLATFORM_ID, SimulatorThread
from desktop.ui.models.operations import STATE_COLUMN
from tests.integration.conftest import wait_until
from tests.integration.pipeline_helpers import deposit

pytestmark = [pytest.mark.integration, pytest.mark.gui]

Run = Callable[[Coroutine[Any, Any, None]], None]


def test_unsettled_operations_of_a_dead_app_are_resolved_at_start_and_shown(
    arun: Run, credentials: Credentials, sim: SimulatorThread
) -> None:
    sent, never_sent = deposit("4.00", "sent"), deposit("6.00", "never sent")

    async def died_in_flight() -> None:
        """What an app killed mid-operation leaves: intents on disk, one of them applied by the server."""
        journal = OperationsJournal()
        api = WebApi(credentials)
        api.use_platform(PLATFORM_ID)
        try:
            journal.record_intent("ana", PLATFORM_ID, sent)
            journal.record_intent("ana", PLATFORM_ID, never_sent)
            await api.send_write(sent.endpoint, sent.body, sent.key)
        finally:
            journal.close()
            await api.aclose()

    async def next_start() -> None:
        desk = await open_desk(credentials, AppConfig(), settings=None)
        window = desk.window
        try:
            model = window.operations_model
            await wait_until(lambda: model.rowCount() == 2, what="both operations listed")
            states = lambda: {model.index(r, STATE_COLUMN).data() for r in range(model.rowCount())}  # noqa: E731
            await wait_until(lambda: states() == {"Applied"}, limit_s=20, what="both resolved")
            assert window.operations_dock.toggleViewAction().text() == "Operations"
            journal = desk.workstation.journal
            for operation in (sent, never_sent):
                entry = journal.entry(operation.key)
                assert entry is not None
                assert entry.state is OperationState.APPLIED
                assert entry.outcome is not None
                assert entry.outcome.ticket
            ledger = sim.control.book.ledger
            for operation in (sent, never_sent):
                assert len([op for op in ledger if op.comment.endswith(operation.reference)]) == 1
            tips = model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
            assert "Key dd-" in tips
        finally:
            await desk.aclose()
            window.deleteLater()

    arun(died_in_flight())
    arun(next_start())
