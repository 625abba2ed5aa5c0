"""Session: which trade platform this workstation works on, and the trade server's clock.

Imports: desktop.client, desktop.domain, the standard library.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from desktop.client.rest import WebApi
from desktop.domain.errors import InvalidInput
from desktop.domain.models import TradePlatform


class Session:
    """Opens the connection to one trade platform and keeps the server clock.

    The server clock is read once on :meth:`open` and then derived from the local clock,
    so the status bar can show it every frame without a request.
    """

    def __init__(self, api: WebApi) -> None:
        self._api = api
        self._offset_s: float | None = None
        self.platform: TradePlatform | None = None

    async def open(self, platform_id: str | None = None) -> TradePlatform:
        """Authenticate, choose the platform (the only one, or ``platform_id``), read the clock.

        Raises:
            AuthFailed, ServerUnreachable, ApiFailure: from the client.
            InvalidInput: when ``platform_id`` is not one the credentials can reach.
        """
        platform = await self.choose(platform_id)
        await self.sync_clock()
        return platform

    async def choose(self, platform_id: str | None = None) -> TradePlatform:
        """Authenticate and choose the platform (the first half of :meth:`open`)."""
        platforms = await self._api.trade_platforms()
        self.platform = choose_platform(platforms, platform_id)
        self._api.use_platform(self.platform.id)
        return self.platform

    async def sync_clock(self) -> None:
        """Read the trade server's time and remember its offset from the local clock."""
        server = await self._api.server_time()
        self._offset_s = server.timestamp() - time.time()

    def server_time(self) -> datetime | None:
        """The trade server's time now, or ``None`` before the first read."""
        if self._offset_s is None:
            return None
        return datetime.fromtimestamp(time.time() + self._offset_s, tz=UTC)


def choose_platform(platforms: list[TradePlatform], platform_id: str | None) -> TradePlatform:
    """Pick ``platform_id`` from ``platforms``, or the first MT4 one when no id is given.

    Raises:
        InvalidInput: when there is no such platform, or none at all.
    """
    if platform_id is not None:
        for platform in platforms:
            if platform.id.lower() == platform_id.lower():
                return platform
        raise InvalidInput(f"The credentials give no access to trade platform {platform_id}.")
    mt4 = [p for p in platforms if p.type.upper() == "MT4"]
    if not mt4:
        raise InvalidInput("The credentials give access to no MT4 trade platform.")
    return mt4[0]
