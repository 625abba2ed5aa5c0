"""MT5 v2 configuration: ``TimeGet`` and the merge patches of groups and symbols.

Imports: ``desktop.simulator`` (``rest.pipeline``, ``rest.v2.dto.mt5``, ``rest.v2.dto.mt5_symbol``,
``rest.v2.users``, ``world.mt4.records``, ``world.mt5``). Registered by ``rest.pipeline.v2`` under
``MT5_PREFIX``.

``TimeGet`` reports the platform's time settings: GMT (``timeZone`` 0 minutes), no daylight
saving. ``PATCH GroupRecord/{group}`` and ``PATCH SymbolRecord/{symbol}`` take a JSON merge
patch (RFC 7386) and answer the whole updated record; which fields are writable is in
``world.mt5.config``, other keys are ignored; a wrong JSON type or an unknown enum name is
``Validation``, a value the server refuses ``MT5Error``/``InvalidData``. Group names match
exactly; symbols exactly, then ignoring case.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop.simulator.rest.pipeline.envelope import ApiFailure, Payload
from desktop.simulator.rest.pipeline.operation import TIMEOUT_CHANGE, Operation, V2Request, symbol_param
from desktop.simulator.rest.v2.dto.mt5 import mt5_group
from desktop.simulator.rest.v2.dto.mt5_symbol import mt5_symbol
from desktop.simulator.rest.v2.users import object_body
from desktop.simulator.world.mt4.records import BadValue
from desktop.simulator.world.mt5.config import InvalidConfig
from desktop.simulator.world.mt5.platform import mt5_group as find_group

TIME_SERVER = "pool.ntp.org"


def _patched(run: Callable[[], dict[str, Any]]) -> Payload:
    try:
        return Payload(run())
    except BadValue as exc:
        raise ApiFailure.validation(str(exc)) from None
    except InvalidConfig as exc:
        raise ApiFailure("MT5Error", str(exc), "InvalidData") from None


def time_get(request: V2Request) -> Payload:
    """``GET TimeGet``: the ``MT5Time`` settings."""
    return Payload({"timeZone": 0, "timeServer": TIME_SERVER, "daylight": False, "daylightState": 0})


def group_record_patch(request: V2Request) -> Payload:
    """``PATCH GroupRecord/{group}``: merge patch of an ``MT5ConGroup``."""
    body = object_body(request.body, "MT5ConGroup merge patch")
    name = request.params["group"]
    group = find_group(name)
    if group is None:
        raise ApiFailure.not_found(f"Group '{name}' not found.")
    return _patched(lambda: request.control.mt5.config.patch_group(group.name, mt5_group(group), body))


def symbol_record_patch(request: V2Request) -> Payload:
    """``PATCH SymbolRecord/{symbol}``: merge patch of an ``MT5Symbol``."""
    body = object_body(request.body, "MT5Symbol merge patch")
    name = symbol_param(request.params["symbol"])
    index = request.control.feed.resolve(name)
    if index is None:
        raise ApiFailure.not_found(f"Symbol '{name}' not found.")
    spec = request.control.feed.symbols[index]
    return _patched(lambda: request.control.mt5.config.patch_symbol(spec.name, mt5_symbol(spec), body))


OPERATIONS = (
    Operation("GET", "TimeGet", time_get),
    Operation("PATCH", "GroupRecord/{group}", group_record_patch, timeout=TIMEOUT_CHANGE),
    Operation("PATCH", "SymbolRecord/{symbol}", symbol_record_patch, timeout=TIMEOUT_CHANGE),
)
