"""v2 server-level reads: online sessions, groups, common settings and the journal.

Imports: ``desktop.simulator`` (``accounts``, ``rest.v2.dto.trades``, ``rest.pipeline.envelope``, ``journal``,
``rest.pipeline.operation``, ``rest.pipeline.params``). Registered by ``rest.pipeline.v2``.

``OnlineGet`` pages the seeded sessions by login (never ``NoConnect``: the simulator's pump
is always warm). ``GroupRecordGet`` and ``EnsureGroupNameExist`` compare names exactly
(case-sensitive); a group segment over 16 characters is ``Validation``.
``JournalRequest`` needs ``?from``; ``?to`` defaults to now, ``?mode`` to ``Full``; ``?filter``
is a case-insensitive substring of the message (or the IP).
"""

from __future__ import annotations

from desktop.simulator.rest.pipeline.envelope import ApiFailure, Payload
from desktop.simulator.rest.pipeline.operation import TIMEOUT_HISTORY, Operation, V2Request
from desktop.simulator.rest.pipeline.params import enum_param, group_param, paged, query_value, time_param
from desktop.simulator.rest.v2.dto.config import mt4_common, mt4_group
from desktop.simulator.rest.v2.dto.trades import mt4_online, mt4_server_log
from desktop.simulator.world.mt4.journal import LOG_TYPES
from desktop.simulator.world.mt4.online import Session


def online_get(request: V2Request) -> Payload:
    """``GET OnlineGet``: online client sessions by login, cursor-paged.

    Args:
        request: The call.

    Returns:
        A page of ``MT4Online``.
    """
    book = request.control.book
    sessions = [book.online[login] for login in sorted(book.online) if login in book.accounts]

    def build(session: Session) -> object:
        return mt4_online(session.login, book.accounts[session.login].group)

    return paged(sessions, lambda session: session.login, request.query, build)


def groups_get(request: V2Request) -> Payload:
    """``GET GroupsGet``: every group.

    Args:
        request: The call.

    Returns:
        A list of ``MT4Group``.
    """
    groups = request.control.book.groups
    return Payload([mt4_group(groups.record(name)) for name in groups.names()])


def group_record_get(request: V2Request) -> Payload:
    """``GET GroupRecordGet/{group}``.

    Args:
        request: The call.

    Returns:
        One ``MT4Group``.
    """
    name = group_param(request.params["group"])
    try:
        return Payload(mt4_group(request.control.book.groups.record(name)))
    except KeyError:
        raise ApiFailure.not_found(f"Group '{name}' not found.") from None


def ensure_group_name_exist(request: V2Request) -> Payload:
    """``GET EnsureGroupNameExist/{group}``.

    Args:
        request: The call.

    Returns:
        Whether the group exists (exact name).
    """
    name = group_param(request.params["group"])
    return Payload(name in request.control.book.groups.names())


def manager_common(request: V2Request) -> Payload:
    """``GET ManagerCommon``.

    Args:
        request: The call.

    Returns:
        The ``MT4Common``.
    """
    return Payload(mt4_common(request.control.book.settings.common))


def journal_request(request: V2Request) -> Payload:
    """``GET JournalRequest?from=&to=&mode=&filter=``.

    Args:
        request: The call.

    Returns:
        A list of ``MT4ServerLog`` in time order.
    """
    start = time_param(request.query, "from")
    if start is None:
        raise ApiFailure.validation("from is required.")
    end = time_param(request.query, "to")
    mode = enum_param(request.query, "mode", LOG_TYPES, "Full")
    text = query_value(request.query, "filter") or ""
    entries = request.control.book.journal.query(start, request.now if end is None else end, mode, text)
    return Payload([mt4_server_log(entry) for entry in entries])


OPERATIONS = (
    Operation("GET", "OnlineGet", online_get),
    Operation("GET", "GroupsGet", groups_get),
    Operation("GET", "GroupRecordGet/{group}", group_record_get),
    Operation("GET", "EnsureGroupNameExist/{group}", ensure_group_name_exist, error_data=False),
    Operation("GET", "ManagerCommon", manager_common),
    Operation("GET", "JournalRequest", journal_request, timeout=TIMEOUT_HISTORY),
)
