"""QuoteService: keeps the tick feed alive and writes every tick into the QuoteBook.

Imports: desktop.client, desktop.domain, desktop.services, psygnal.
"""

from __future__ import annotations

from psygnal import Signal

from desktop.client.hub import TickHub
from desktop.client.rest import WebApi
from desktop.domain.models import ConnectionState, ConnectionStatus, SymbolSpec
from desktop.domain.quote_book import QuoteBook
from desktop.services.tasks import TaskOwner


class QuoteService:
    """Loads the symbol list, seeds the book with the last known prices and runs the hub.

    Nothing is signalled per tick: the hub writes into :attr:`book`, which the UI reads on
    its frame clock.

    Signals (on the asyncio loop thread):
        status_changed(ConnectionStatus): the tick feed connected, dropped or is retrying.
        symbols_loaded(tuple[SymbolSpec, ...]): the symbols the market watch shows.
    """

    status_changed = Signal(object)
    symbols_loaded = Signal(object)

    def __init__(self, api: WebApi, hub: TickHub, book: QuoteBook, tasks: TaskOwner) -> None:
        self._api = api
        self._hub = hub
        self._tasks = tasks
        self.book = book
        self.symbols: tuple[SymbolSpec, ...] = ()
        self.status = ConnectionStatus(ConnectionState.DISCONNECTED)
        hub.status_changed.connect(self._on_hub_status_changed)

    async def start(self) -> None:
        """Load symbols and last prices, then keep the hub subscribed to every symbol."""
        await self.load_symbols()
        await self.load_prices()
        self.run_feed()

    async def load_symbols(self) -> None:
        """Read the symbol list the market watch shows."""
        self.symbols = tuple(await self._api.symbols())
        self.symbols_loaded.emit(self.symbols)

    async def load_prices(self) -> None:
        """Seed the book with every symbol's last known price."""
        for quote in await self._api.last_ticks():
            self.book.apply(quote.symbol, quote.bid, quote.ask, quote.time)

    def run_feed(self) -> None:
        """Keep the hub subscribed to every loaded symbol, in the background."""
        self._hub.subscribe([s.name for s in self.symbols])
        self._tasks.spawn("tick-hub", self._hub.run())

    def _on_hub_status_changed(self, status: ConnectionStatus) -> None:
        self.status = status
        self.status_changed.emit(status)
