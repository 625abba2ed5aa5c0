"""Typed settings of one Dealer Desk session: where the WebAPI is and how the UI paces itself.

Imports: the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal

PRODUCTION_API = "https://cloud.mywebapi.com"
PRODUCTION_AUTH = "https://auth.cplugin.net"


@dataclass(frozen=True, repr=False)
class Credentials:
    """Where to connect and with which OAuth2 client.

    ``repr()`` and ``str()`` show ``client_secret='***'`` (or ``''`` when there is none), never
    the secret: credentials end up in log lines, tracebacks and test reports.
    """

    api_url: str
    auth_url: str
    client_id: str
    client_secret: str
    trade_platform: str | None = None  # GUID; None = ask the user / take the only one

    def __repr__(self) -> str:
        shown = {f.name: getattr(self, f.name) for f in fields(self)}
        shown["client_secret"] = "***" if self.client_secret else ""
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in shown.items())})"


@dataclass(frozen=True)
class AppConfig:
    """Pacing and limits of the workstation.

    Attributes:
        frame_ms: the UI frame clock: quotes reach the grids and chart at most this often.
        chart_points: how many ticks of the selected symbol the chart shows.
        margins_refresh_s: how often the account grid's equity and margin are refreshed.
        max_amount: the largest amount one balance operation may carry.
        request_timeout_s: server deadline sent with every REST call (X-Request-Timeout).
        stale_after_s: a symbol without a tick for this long is greyed in the market watch.
    """

    frame_ms: int = 50
    chart_points: int = 5_000
    history: int = 10_000
    margins_refresh_s: float = 2.0
    max_amount: Decimal = Decimal("1000000.00")
    request_timeout_s: float = 10.0
    stale_after_s: float = 15.0
