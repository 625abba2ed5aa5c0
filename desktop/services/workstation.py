"""Workstation: one connected session with its quote feed, accounts and background tasks.

This is the single object the UI receives; it wires the client objects to the services.

Imports: desktop.client, desktop.domain, desktop.config, desktop.services.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from psygnal import Signal

from desktop.client.hub import TickHub
from desktop.client.rest import WebApi
from desktop.config import AppConfig, Credentials
from desktop.domain.models import TradePlatform
from desktop.domain.quote_book import QuoteBook
from desktop.services.accounts import AccountService
from desktop.services.journal import OperationsJournal
from desktop.services.operations import OperationsLog, RecoveryReport
from desktop.services.operator import os_user_name
from desktop.services.pipeline import WritePipeline
from desktop.services.quotes import QuoteService
from desktop.services.session import Session
from desktop.services.startup import StartupRetry
from desktop.services.tasks import TaskOwner


class Workstation:
    """Everything one connected window needs, started and closed together.

    ``pipeline`` is the one write path (every change on the trade server goes through it)
    and ``journal`` its record; the journal is this OS user's unless one is given. Once the
    session is open, every journal entry left unsettled by an earlier run is reconciled in
    the background (``operations.recover``; ``operations.recovered`` says when it is over).

    A slow or failing server does not end the start: every transient failure is retried
    with backoff (:mod:`desktop.services.startup`) and reported through ``starting``.

    Signals (on the asyncio loop thread):
        starting(str): why the start is waiting and when it tries again; ``""`` once past it.
        started(TradePlatform): the session is open, symbols and accounts are loaded.
    """

    starting = Signal(str)
    started = Signal(object)

    def __init__(
        self,
        credentials: Credentials,
        config: AppConfig,
        *,
        operator: str | None = None,
        journal: OperationsJournal | None = None,
    ) -> None:
        self.config = config
        self.tasks = TaskOwner()
        self.book = QuoteBook(history=config.history)
        self.api = WebApi(credentials, request_timeout_s=config.request_timeout_s)
        self._owns_journal = journal is None
        self.journal = journal or OperationsJournal()
        self.pipeline = WritePipeline(
            self.api, self.journal, operator=operator or os_user_name(), platform=credentials.trade_platform or ""
        )
        self.set_aside = self.api.set_aside
        """Records of every REST list and hub stream that could not be read this session."""
        self.hub = TickHub(self.api.hub_url, self.api.access_token, self.book.apply, set_aside=self.set_aside)
        self.session = Session(self.api)
        self.startup = StartupRetry(self.api)
        self.startup.progress.connect(self.starting.emit)
        self.quotes = QuoteService(self.api, self.hub, self.book, self.tasks)
        self.accounts = AccountService(
            self.api, self.tasks, self.pipeline, refresh_s=config.margins_refresh_s, max_amount=config.max_amount
        )
        self._platform_id = credentials.trade_platform
        self.operations = OperationsLog(self.journal)
        self.recovery: asyncio.Task[RecoveryReport] | None = None
        self.hub.watch_account_changes(self.accounts.apply_change)
        self.hub.watch_margin_calls(self.accounts.apply_margin)

    async def start(self, *, wait_for_first_contact: bool = True) -> TradePlatform:
        """Open the session, start the tick feed and load the accounts.

        Transient failures are waited out (``starting`` says why), so this returns only once
        everything is loaded, or raises a final failure. Without ``wait_for_first_contact``
        a server that cannot be reached at all is reported at once (the connection dialog:
        the address may be mistyped); once it has answered, every later step waits as usual.

        Raises:
            AuthFailed, ApiFailure, InvalidInput, DecodeError: the session cannot open.
        """
        step = self.startup.run
        platform = await step("session", lambda: self.session.choose(self._platform_id), patient=wait_for_first_contact)
        await step("clock", self.session.sync_clock)
        self.pipeline.platform = platform.id
        self.operations.attach(self.pipeline)
        self.recovery = self.tasks.spawn("operations-recovery", self.operations.recover())
        # Quotes and accounts load side by side: neither waits for the other's slow read.
        await self._together(self._load_quotes(), step("accounts", self.accounts.load))
        self.started.emit(platform)
        return platform

    async def _together(self, *steps: Coroutine[Any, Any, Any]) -> None:
        """Run ``steps`` at once; the first failure cancels the others and is raised as it is."""
        tasks = [self.tasks.spawn("start-up", step) for step in steps]
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _load_quotes(self) -> None:
        """Symbols, then last prices, each retried on its own; then the feed."""
        await self.startup.run("symbols", self.quotes.load_symbols)
        await self.startup.run("prices", self.quotes.load_prices)
        self.quotes.run_feed()

    async def aclose(self) -> None:
        """Stop every background task and close the network clients."""
        await self.tasks.aclose()
        await self.api.aclose()
        if self._owns_journal:
            self.journal.close()
