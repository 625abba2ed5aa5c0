"""Wire shapes of the MT4 server's configuration: common settings, access hours, groups, symbols, plugins.

Imports: stdlib and ``desktop.simulator`` (``rest.v2.dto.mt4``, ``world.market.symbols``). Used by
the ``rest.v2`` configuration operations. The records are kept by the world under the spec's
field names; each builder returns exactly the properties of the schema it is named after.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop.simulator.rest.v2.dto.mt4 import mt4_symbol_config
from desktop.simulator.world.market.symbols import SymbolSpec

_COMMON = ("name", "owner", "build", "version", "timeZone")
_PLUGIN = ("file", "name", "version", "copyright", "enabled", "configurable", "managerAccess")


def mt4_common(common: Mapping[str, Any]) -> dict[str, Any]:
    """Build an ``MT4Common`` from the server's common settings."""
    return {key: common[key] for key in _COMMON}


def mt4_group(record: Mapping[str, Any]) -> dict[str, Any]:
    """Build an ``MT4Group`` from a group's record."""
    return dict(record)


def mt4_server_time(hours: list[int]) -> dict[str, Any]:
    """Build an ``MT4ServerTime`` (168 access hours, Sunday 00:00 first)."""
    return {"accessHours": list(hours)}


def mt4_plugin(plugin: Mapping[str, Any]) -> dict[str, Any]:
    """Build an ``MT4Plugin``."""
    return {key: plugin[key] for key in _PLUGIN}


def mt4_plugin_param(plugin: Mapping[str, Any], params: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """Build an ``MT4PluginParam`` (a plugin and its parameters)."""
    return {"plugin": mt4_plugin(plugin), "params": [{"name": name, "value": value} for name, value in params]}


def mt4_symbol_record(spec: SymbolSpec, trade_mode: str, stored: Mapping[str, Any]) -> dict[str, Any]:
    """Build an ``MT4SymbolConfig`` from the contract, its trade mode and its stored fields."""
    return {**mt4_symbol_config(spec, trade_mode), **stored}
