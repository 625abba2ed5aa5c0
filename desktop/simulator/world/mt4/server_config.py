"""The MT4 server's own configuration as live state: common settings, access hours, and the lists.

Imports: stdlib, ``desktop.simulator.config`` and ``desktop.simulator.world`` (``market.symbols``,
``mt4.records``). Used by ``book`` (``Book.settings``) and the ``rest.v2`` configuration operations.

What is state and what is fixed:

* common settings (``ConCommon``): name, owner, time zones, time sync host, minimum builds,
  retention and flood settings change through ``CfgUpdateCommon``; build and version do not.
  The simulated clock stays UTC whatever ``timeZone`` says (times on the wire are UTC);
* access hours (``ConTime``): 168 entries of 0/1, Sunday 00:00 first, all 1 when seeded; a
  change is stored and reported, the simulated server still accepts connections at any hour;
* managers: one per OAuth2 client of the organisation: the dealer client (login 1, no admin
  right) and the administrator client (login 2, ``admin``); only an administrator may change
  the common settings or the access hours (``NotEnoughRights`` otherwise);
* access list, data feeds, holidays, plugins and symbol groups are fixed: the holidays are
  listed but disabled (the trading sessions take no holiday), the one data feed is the
  simulator's own price generator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from desktop.simulator.config import ADMIN_CLIENT_ID, ORGANIZATION_NAME
from desktop.simulator.world.market.symbols import SECURITY_GROUPS
from desktop.simulator.world.mt4.records import Shape, overlay

SERVER_NAME = "DealerDesk-Demo"
SERVER_BUILD = 1420
SERVER_VERSION = 4
HOURS_PER_WEEK = 168
COMMON_SHAPE = Shape(read_only=frozenset({"build", "version"}))
_RIGHTS = ("manager", "money", "online", "riskMan", "broker", "admin", "logs", "reports", "trades", "marketWatch",
           "email", "userDetails", "seeTrades", "news", "plugins", "market", "notifications", "serverReports",
           "techSupport")  # fmt: skip
_DEALER_RIGHTS = frozenset(_RIGHTS) - {"admin", "techSupport", "serverReports", "plugins", "logs"}
_GROUP_DESCRIPTIONS = {
    "Forex": "Currency pairs",
    "Metals": "Precious metals",
    "Indices": "Stock indices",
    "Crypto": "Crypto currencies",
    "Energies": "Energies",
}


class InvalidSetting(ValueError):
    """A value the trade server refuses (``MT4Error``/``InvalidData``)."""


@dataclass(frozen=True)
class Manager:
    """A manager account of the server.

    Attributes:
        login: Manager login.
        name: Display name.
        admin: The ``admin`` right (server settings).
    """

    login: int
    name: str
    admin: bool


def _seed_common() -> dict[str, Any]:
    return {
        "name": SERVER_NAME, "owner": ORGANIZATION_NAME, "build": SERVER_BUILD, "version": SERVER_VERSION,
        "timeZone": 0, "daylightCorrection": 0, "timeZoneReal": 0, "timeSync": "pool.ntp.org", "minClient": 1380,
        "minApi": 1380, "keepEmails": 30, "keepTicks": 30, "antiFlood": 0, "floodControl": 0,
    }  # fmt: skip


def _check_common(common: Mapping[str, Any]) -> None:
    for key in ("timeZone", "timeZoneReal"):
        if not -12 <= common[key] <= 14:
            raise InvalidSetting(f"{key} must be between -12 and 14 hours.")
    if not common["name"].strip() or len(common["name"]) > 64:
        raise InvalidSetting("name must be 1 to 64 characters.")
    negative = [key for key in ("minClient", "minApi", "keepEmails", "keepTicks", "antiFlood") if common[key] < 0]
    if negative:
        raise InvalidSetting(f"{negative[0]} must not be negative.")


class ServerSettings:
    """Common settings, access hours and the fixed configuration lists of the server."""

    def __init__(self) -> None:
        self.common: dict[str, Any] = {}
        self.access_hours: list[int] = []
        self.managers = (Manager(1, "Dealing desk", False), Manager(2, "Administrator", True))
        self.reset()

    def reset(self) -> None:
        """Restore the seeded settings."""
        self.common = _seed_common()
        self.access_hours = [1] * HOURS_PER_WEEK

    def manager_of(self, client: str) -> Manager:
        """Return the manager an OAuth2 client acts as.

        Args:
            client: Client id.

        Returns:
            The administrator for the administrator client, the dealing desk for any other.
        """
        return self.managers[1] if client == ADMIN_CLIENT_ID else self.managers[0]

    def update_common(self, change: Mapping[str, Any]) -> dict[str, Any]:
        """Lay an ``MT4CommonUpdate`` over the common settings.

        Raises:
            BadValue: Wrong JSON type of a field.
            InvalidSetting: A value the server refuses (nothing changed).
        """
        after = overlay(self.common, change, COMMON_SHAPE)
        _check_common(after)
        self.common = after
        return dict(after)

    def set_access_hours(self, hours: object) -> list[int]:
        """Replace the access hours.

        Args:
            hours: Decoded ``accessHours``.

        Returns:
            The new hours.

        Raises:
            InvalidSetting: Not 168 entries of 0 or 1 (nothing changed).
        """
        if not isinstance(hours, list) or len(hours) != HOURS_PER_WEEK:
            raise InvalidSetting(f"accessHours must have {HOURS_PER_WEEK} entries (day * 24 + hour).")
        if any(isinstance(hour, bool) or hour not in (0, 1) for hour in hours):
            raise InvalidSetting("Every accessHours entry must be 0 (denied) or 1 (allowed).")
        self.access_hours = [int(hour) for hour in hours]
        return list(self.access_hours)


def manager_rights(manager: Manager) -> dict[str, Any]:
    """Build an ``MT4ManagerRights`` record.

    Args:
        manager: The manager.

    Returns:
        The record.
    """
    allowed = frozenset(_RIGHTS) if manager.admin else _DEALER_RIGHTS
    record: dict[str, Any] = {"login": manager.login, "name": manager.name, "groups": "*", "mailBox": "",
                              "infoDepth": 30}  # fmt: skip
    record.update({right: right in allowed for right in _RIGHTS})
    record.update({"ipFilter": 0, "ipFrom": 0, "ipTo": 0})
    return record


def holidays() -> list[dict[str, Any]]:
    """Return the configured holidays (disabled: the sessions take none)."""
    return [
        {"year": 2026, "month": 12, "day": 25, "from": 0, "to": 0, "symbol": "All", "description": "Christmas Day",
         "enable": False},
        {"year": 2027, "month": 1, "day": 1, "from": 0, "to": 0, "symbol": "All", "description": "New Year's Day",
         "enable": False},
    ]  # fmt: skip


def access_list() -> list[dict[str, Any]]:
    """Return the IP access list (one rule permitting every address)."""
    return [{"action": 1, "ipFrom": 0, "ipTo": 4_294_967_295, "comment": "permit every address"}]


def feeders() -> list[dict[str, Any]]:
    """Return the data feeds (the simulator's price generator)."""
    return [
        {"name": "Simulated quotes", "file": "simfeed.feed", "server": "localhost", "login": "", "keywords": "",
         "enable": 1, "dataFeedMode": "Quotes", "timeout": 120, "timeoutReconnect": 5, "timeoutSleep": 60,
         "attempsSleep": 10, "newsLangId": 0},
    ]  # fmt: skip


PLUGINS = (
    ({"file": "cplugin.webapi.dll", "name": "CPlugin WebAPI", "version": 2, "copyright": "CPlugin",
      "enabled": 1, "configurable": 1, "managerAccess": 1}, (("Threads", "4"), ("LogLevel", "Info"))),
)  # fmt: skip


def symbol_groups() -> list[dict[str, Any]]:
    """Return the security (symbol) groups, index = ``MT4SymbolConfig.type``."""
    return [{"name": name, "description": _GROUP_DESCRIPTIONS[name]} for name in SECURITY_GROUPS]
