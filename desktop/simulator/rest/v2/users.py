"""v2 account writes: create, update, merge patch, bulk group operation and passwords.

Imports: stdlib, orjson and ``desktop.simulator`` (``book``, ``rest.v2.dto.mt4``, ``rest.pipeline.envelope``,
``rest.pipeline.operation``, ``rest.pipeline.params``, ``users``). Registered by ``rest.pipeline.v2``.

Bodies: a body that is not JSON, or not the JSON type the operation takes (an object; a
string for the password operations), is ``Validation``. ``UsersGroupOp`` needs a known
``command`` (name in any case or native number 0-4) and a non-empty ``logins`` array of
logins ≥ 1; every login must exist (``NotFound`` otherwise, nothing changed). Passwords:
4-15 characters (MT4's limits), else ``MT4Error``/``InvalidData``; a wrong password in
``UserPasswordCheck`` is ``MT4Error``/``InvalidData`` with ``data`` false. Field rules are in
``users``. Every successful change publishes ``UserChanged`` (through ``book``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from desktop.simulator.rest.pipeline.envelope import ApiFailure, Payload
from desktop.simulator.rest.pipeline.operation import (
    TIMEOUT_CHANGE,
    TIMEOUT_MAINTENANCE,
    Operation,
    V2Request,
    login_param,
)
from desktop.simulator.rest.pipeline.params import bool_param, enum_value
from desktop.simulator.rest.v2.dto.mt4 import mt4_user
from desktop.simulator.world.mt4 import users
from desktop.simulator.world.mt4.accounts import Account
from desktop.simulator.world.mt4.book import UnknownLogin

_MIN_PASSWORD = 4
_MAX_PASSWORD = 15


def json_body(raw: bytes) -> Any:
    """Decode a JSON request body.

    Args:
        raw: Body bytes.

    Returns:
        The value.

    Raises:
        ApiFailure: Not JSON (``Validation``).
    """
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ApiFailure.validation("The request body is not valid JSON.") from None


def object_body(raw: bytes, dto: str) -> dict[str, Any]:
    """Decode a JSON object body.

    Args:
        raw: Body bytes.
        dto: Name of the expected DTO (for the message).

    Returns:
        The object.

    Raises:
        ApiFailure: Not a JSON object (``Validation``).
    """
    body = json_body(raw)
    if not isinstance(body, dict):
        raise ApiFailure.validation(f"The request body must be a {dto} object.")
    return body


def _user_call(run: Callable[[], Account]) -> Payload:
    try:
        return Payload(mt4_user(run()))
    except UnknownLogin as exc:
        raise ApiFailure.not_found(f"Account {exc.args[0]} not found.") from None
    except users.BadField as exc:
        raise ApiFailure.validation(str(exc)) from None
    except users.InvalidUserData as exc:
        raise ApiFailure.mt4("InvalidData", str(exc)) from None


def user_record_new(request: V2Request) -> Payload:
    """``POST UserRecordNew``: create an account (login 0 = next free login).

    Args:
        request: The call.

    Returns:
        The new ``MT4User``.
    """
    body = object_body(request.body, "MT4UserCreate")
    return _user_call(lambda: users.create(request.control.book, body, request.now))


def user_record_patch(request: V2Request) -> Payload:
    """``PATCH UserRecord/{login}``: JSON merge patch of an account.

    Args:
        request: The call.

    Returns:
        The merged ``MT4User``.
    """
    login = login_param(request.params["login"])
    body = object_body(request.body, "JSON merge patch")
    return _user_call(lambda: users.patch(request.control.book, login, body))


def user_record_update(request: V2Request) -> Payload:
    """``POST UserRecordUpdate/{login}``: full replace of the writable fields.

    Args:
        request: The call.

    Returns:
        The updated ``MT4User``.
    """
    login = login_param(request.params["login"])
    body = object_body(request.body, "MT4UserUpdate")
    return _user_call(lambda: users.replace(request.control.book, login, body))


def _password(request: V2Request) -> tuple[int, str]:
    login = login_param(request.params["login"])
    body = json_body(request.body)
    if not isinstance(body, str):
        raise ApiFailure.validation("The request body must be the password as a JSON string.")
    try:
        request.control.book.get(login)
    except UnknownLogin:
        raise ApiFailure.not_found(f"Account {login} not found.") from None
    return login, body


def user_password_set(request: V2Request) -> Payload:
    """``POST UserPasswordSet/{login}`` (``?changeInvestor`` sets the investor password).

    Args:
        request: The call.

    Returns:
        True.
    """
    investor = bool_param(request.query, "changeInvestor")
    bool_param(request.query, "cleanPubkey")  # accepted; there are no public keys here
    login, password = _password(request)
    if not _MIN_PASSWORD <= len(password) <= _MAX_PASSWORD:
        raise ApiFailure.mt4("InvalidData", f"A password has {_MIN_PASSWORD} to {_MAX_PASSWORD} characters.")
    request.control.book.set_password(login, password, investor)
    return Payload(True)


def user_password_check(request: V2Request) -> Payload:
    """``POST UserPasswordCheck/{login}``: verify the main password.

    Args:
        request: The call.

    Returns:
        True when it matches.
    """
    login, password = _password(request)
    if not request.control.book.check_password(login, password):
        raise ApiFailure.mt4("InvalidData", f"Invalid password for account {login}.")
    return Payload(True)


def _logins(body: dict[str, Any]) -> list[int]:
    logins = body.get("logins")
    if not isinstance(logins, list) or not logins:
        raise ApiFailure.validation("logins must be a non-empty array of logins.")
    for login in logins:
        if not isinstance(login, int) or isinstance(login, bool) or not 1 <= login <= 2**31 - 1:
            raise ApiFailure.validation(f"'{login}' is not a valid login.")
    return logins


def users_group_op(request: V2Request) -> Payload:
    """``POST UsersGroupOp``: Delete/Enable/Disable/Leverage/SetGroup over a list of logins.

    Args:
        request: The call.

    Returns:
        True.
    """
    body = object_body(request.body, "MT4UsersGroupOp")
    if body.get("command") in (None, ""):
        raise ApiFailure.validation("command is required.")
    command = enum_value(body["command"], users.GROUP_COMMANDS, "command")
    logins = _logins(body)
    new_group, leverage = body.get("newGroup") or "", body.get("leverage") or 0
    if not isinstance(new_group, str) or not isinstance(leverage, int) or isinstance(leverage, bool):
        raise ApiFailure.validation("newGroup must be a string and leverage an integer.")
    try:
        users.group_operation(request.control.book, command, logins, new_group, leverage)
    except UnknownLogin as exc:
        raise ApiFailure.not_found(f"Account {exc.args[0]} not found; nothing was changed.") from None
    except users.InvalidUserData as exc:
        raise ApiFailure.mt4("InvalidData", str(exc)) from None
    return Payload(True)


OPERATIONS = (
    Operation("POST", "UserRecordNew", user_record_new, timeout=TIMEOUT_CHANGE),
    Operation("PATCH", "UserRecord/{login}", user_record_patch, timeout=TIMEOUT_CHANGE),
    Operation("POST", "UserRecordUpdate/{login}", user_record_update, timeout=TIMEOUT_CHANGE),
    Operation("POST", "UserPasswordSet/{login}", user_password_set, timeout=TIMEOUT_CHANGE, error_data=False),
    Operation(
        "POST", "UserPasswordCheck/{login}", user_password_check, timeout=TIMEOUT_CHANGE, error_data=False, writes=False
    ),
    Operation("POST", "UsersGroupOp", users_group_op, timeout=TIMEOUT_MAINTENANCE, error_data=False),
)
