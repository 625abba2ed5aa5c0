"""v2 group configuration: the live list, security entries and margins, full replace and merge patch.

Imports: ``desktop.simulator`` (``rest.pipeline``, ``rest.v2.config``, ``rest.v2.dto.config``,
``rest.v2.users``, ``world.mt4.groups``). Registered by ``rest.pipeline.v2``.

Names match exactly (case-sensitive, 1-16 characters). ``GroupRecordUpdate`` takes a full
``MT4GroupUpdate`` and ``PATCH GroupRecord`` a JSON merge patch; both lay the known fields
over the live record (unknown keys ignored) and answer the new ``MT4Group``; the rules are in
``world.mt4.groups``. ``GroupsGet`` and ``GroupRecordGet`` read the same records.
"""

from __future__ import annotations

from typing import Any

from desktop.simulator.rest.pipeline.envelope import ApiFailure, Payload
from desktop.simulator.rest.pipeline.operation import TIMEOUT_CHANGE, Operation, V2Request
from desktop.simulator.rest.pipeline.params import group_param, paged
from desktop.simulator.rest.v2.config import setting_call
from desktop.simulator.rest.v2.dto.config import mt4_group
from desktop.simulator.rest.v2.users import object_body
from desktop.simulator.world.mt4.groups import sec_groups, sec_margins


def _name(request: V2Request) -> str:
    name = group_param(request.params["group"])
    if name not in request.control.book.groups.names():
        raise ApiFailure.not_found(f"Group '{name}' not found.")
    return name


def groups_request(request: V2Request) -> Payload:
    """``GET GroupsRequest``: every ``MT4Group`` (live), paged by position."""
    groups = request.control.book.groups
    numbered = list(enumerate(groups.names(), start=1))
    return paged(numbered, lambda item: item[0], request.query, lambda item: mt4_group(groups.record(item[1])))


def group_sec_groups_get(request: V2Request) -> Payload:
    """``GET GroupSecGroupsGet/{group}``: the 32 ``MT4GroupSec`` entries."""
    return Payload(sec_groups(request.control.book.groups.get(_name(request))))


def group_sec_margins_get(request: V2Request) -> Payload:
    """``GET GroupSecMarginsGet/{group}``: the ``MT4GroupMargin`` overrides."""
    return Payload(sec_margins(request.control.book.groups.get(_name(request))))


def _update(request: V2Request, dto: str) -> Payload:
    body: dict[str, Any] = object_body(request.body, dto)
    name = _name(request)
    return Payload(mt4_group(setting_call(lambda: request.control.book.groups.update(name, body))))


def group_record_update(request: V2Request) -> Payload:
    """``POST GroupRecordUpdate/{group}``: full replace (``MT4GroupUpdate``)."""
    return _update(request, "MT4GroupUpdate")


def group_record_patch(request: V2Request) -> Payload:
    """``PATCH GroupRecord/{group}``: JSON merge patch of an ``MT4Group``."""
    return _update(request, "MT4Group merge patch")


OPERATIONS = (
    Operation("GET", "GroupsRequest", groups_request),
    Operation("GET", "GroupSecGroupsGet/{group}", group_sec_groups_get),
    Operation("GET", "GroupSecMarginsGet/{group}", group_sec_margins_get),
    Operation("POST", "GroupRecordUpdate/{group}", group_record_update, timeout=TIMEOUT_CHANGE),
    Operation("PATCH", "GroupRecord/{group}", group_record_patch, timeout=TIMEOUT_CHANGE),
)
