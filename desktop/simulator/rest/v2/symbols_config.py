"""v2 symbol configuration writes (full replace, merge patch, live change, hide, add) and the symbol groups.

Imports: ``desktop.simulator`` (``rest.pipeline``, ``rest.v2.config``, ``rest.v2.dto.config``,
``rest.v2.market``, ``rest.v2.users``, ``world.mt4.records``, ``world.mt4.symbol_config``,
``world.mt4.server_config``). Registered by ``rest.pipeline.v2``.

``CfgUpdateSymbol/{symbol}`` takes a full ``MT4SymbolConfigUpdate``, ``PATCH SymbolConfig/{symbol}``
a JSON merge patch, ``SymbolChange`` an ``MT4SymbolChangeRequest`` (its ``symbol``, ``spread``,
``stopsLevel``, ``spreadBalance``, ``exeMode``; ``color`` is ``backgroundColor``, ``smoothing``
``filterSmoothing``). Each lays the known fields over the live ``MT4SymbolConfig`` and applies
them as ``world.mt4.symbol_config`` says, so ``CfgRequestSymbol``, ``SymbolInfoGet``, the
quotes and ``StreamSymbolUpdates`` show the change. ``SymbolHide``/``SymbolAdd`` answer
``true`` (also when the symbol already was hidden / shown). Symbols are looked up exactly,
then ignoring case.
"""

from __future__ import annotations

from typing import Any

from desktop.simulator.rest.pipeline.envelope import ApiFailure, Payload
from desktop.simulator.rest.pipeline.operation import TIMEOUT_CHANGE, Operation, V2Request
from desktop.simulator.rest.v2.config import setting_call
from desktop.simulator.rest.v2.market import symbol_index, symbol_record
from desktop.simulator.rest.v2.users import object_body
from desktop.simulator.world.mt4 import server_config
from desktop.simulator.world.mt4.records import overlay
from desktop.simulator.world.mt4.symbol_config import SYMBOL_SHAPE

_CHANGE_FIELDS = {"spread": "spread", "spreadBalance": "spreadBalance", "stopsLevel": "stopsLevel",
                  "exeMode": "symbolExecMode", "color": "backgroundColor", "smoothing": "filterSmoothing"}  # fmt: skip


def _apply(request: V2Request, index: int, change: dict[str, Any]) -> dict[str, Any]:
    control = request.control
    before = symbol_record(request, index)

    def run() -> None:
        after = overlay(before, change, SYMBOL_SHAPE)
        tick = control.book.symbol_config.apply(control.feed, index, before, after, request.now)
        if tick is not None:
            control.charts.record(tick)
            control.hub.publish(tick)

    setting_call(run)
    return symbol_record(request, index)


def cfg_update_symbol(request: V2Request) -> Payload:
    """``POST CfgUpdateSymbol/{symbol}``: full replace (``MT4SymbolConfigUpdate``)."""
    body = object_body(request.body, "MT4SymbolConfigUpdate")
    return Payload(_apply(request, symbol_index(request), body))


def symbol_config_patch(request: V2Request) -> Payload:
    """``PATCH SymbolConfig/{symbol}``: JSON merge patch of an ``MT4SymbolConfig``."""
    body = object_body(request.body, "MT4SymbolConfig merge patch")
    return Payload(_apply(request, symbol_index(request), body))


def symbol_change(request: V2Request) -> Payload:
    """``POST SymbolChange``: the live properties (spread, stops level, execution, colour, smoothing)."""
    body = object_body(request.body, "MT4SymbolChangeRequest")
    raw = body.get("symbol")
    if not isinstance(raw, str):
        raise ApiFailure.validation("symbol is required.")
    change = {_CHANGE_FIELDS[key]: value for key, value in body.items() if key in _CHANGE_FIELDS}
    _apply(request, symbol_index(request, raw), change)
    return Payload(True)


def symbol_hide(request: V2Request) -> Payload:
    """``POST SymbolHide/{symbol}``: no more ticks nor orders for the symbol."""
    index = symbol_index(request)
    return Payload(request.control.book.symbol_config.set_hidden(request.control.feed, index, True))


def symbol_add(request: V2Request) -> Payload:
    """``POST SymbolAdd/{symbol}``: the symbol ticks and trades again."""
    index = symbol_index(request)
    return Payload(request.control.book.symbol_config.set_hidden(request.control.feed, index, False))


def symbols_groups_get(request: V2Request) -> Payload:
    """``GET SymbolsGroupsGet``: the security groups (``MT4SymbolGroup``), index = symbol ``type``."""
    return Payload(server_config.symbol_groups())


OPERATIONS = (
    Operation("POST", "CfgUpdateSymbol/{symbol}", cfg_update_symbol, timeout=TIMEOUT_CHANGE),
    Operation("PATCH", "SymbolConfig/{symbol}", symbol_config_patch, timeout=TIMEOUT_CHANGE),
    Operation("POST", "SymbolChange", symbol_change, timeout=TIMEOUT_CHANGE, error_data=False),
    Operation("POST", "SymbolHide/{symbol}", symbol_hide, timeout=TIMEOUT_CHANGE, error_data=False),
    Operation("POST", "SymbolAdd/{symbol}", symbol_add, timeout=TIMEOUT_CHANGE, error_data=False),
    Operation("GET", "SymbolsGroupsGet", symbols_groups_get),
)
