"""Account writes: create, full update, merge patch, bulk group operations and passwords.

Imports: stdlib and ``desktop.simulator`` model modules. Used by ``rest.v2.users``.

Two kinds of failure, as in the v2 service: a JSON value of the wrong type (text where a
number belongs, a number out of its integer range, ``null`` for a number) is a binding
error — ``BadField`` (``Validation``); a well-typed value the trade server refuses —
unknown group, leverage below 1, text longer than the native field, ``enableFlags``
outside 0-15, a negative agent, a taken login — is ``InvalidUserData`` (``MT4Error`` /
``InvalidData``). Nothing changes on either. In a merge patch ``null`` clears a text field;
unknown keys (and read-only ones such as ``login`` or ``registrationDate``) are ignored.
A full update (``UserRecordUpdate``) gives every field missing from the body its .NET
default (empty text, 0), balance and credit included; balance and credit written this way
bypass the ledger and the history, as the spec warns. ``UserRecordNew`` with leverage 0
takes the group's default leverage; its balance is 0 and its passwords empty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from desktop.simulator.wire import to_cents
from desktop.simulator.world.mt4.accounts import Account, group_by_name
from desktop.simulator.world.mt4.book import Book

_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)
#: ``UsersGroupOp`` commands (native ``GROUP_*`` numbers are their positions).
GROUP_COMMANDS = ("Delete", "Enable", "Disable", "Leverage", "SetGroup")


class BadField(ValueError):
    """A JSON value of the wrong type (``Validation``)."""


class InvalidUserData(ValueError):
    """The trade server refuses a value (``MT4Error``/``InvalidData``)."""


@dataclass(frozen=True)
class Field:
    """A writable ``MT4User`` field: wire name → attribute, value kind and text limit."""

    attribute: str
    kind: str  # text | int32 | int64 | number | money
    limit: int = 0


#: Fields of ``MT4UserUpdate`` (the create DTO has the same minus balance/credit, plus login).
FIELDS: dict[str, Field] = {
    "group": Field("group", "text", 16), "name": Field("name", "text", 127),
    "externalId": Field("external_id", "text", 31), "status": Field("status", "text", 15),
    "country": Field("country", "text", 31), "city": Field("city", "text", 31), "state": Field("state", "text", 31),
    "zipCode": Field("zip_code", "text", 15), "address": Field("address", "text", 95),
    "leadSource": Field("lead_source", "text", 31), "phone": Field("phone", "text", 31),
    "email": Field("email", "text", 47), "comment": Field("comment", "text", 63),
    "leverage": Field("leverage", "int32"), "agentAccount": Field("agent_account", "int32"),
    "balance": Field("balance_cents", "money"), "credit": Field("credit_cents", "money"),
    "interestRate": Field("interest_rate", "number"), "taxes": Field("taxes", "number"),
    "enableFlags": Field("enable_flags", "int32"), "sendReports": Field("send_reports", "int32"),
    "mqid": Field("mqid", "int64"), "userColor": Field("user_color", "int32"),
}  # fmt: skip
CREATE_FIELDS = {name: field for name, field in FIELDS.items() if name not in ("balance", "credit")}


def _coerce(name: str, field: Field, value: Any) -> Any:
    if field.kind == "text":
        if value is None:
            return ""
        if not isinstance(value, str):
            raise BadField(f"{name} must be a string.")
        return value
    if field.kind in ("int32", "int64"):
        low, high = _INT32 if field.kind == "int32" else _INT64
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise BadField(f"{name} must be a {field.kind[3:]}-bit integer.")
        return value
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise BadField(f"{name} must be a number.")
    return to_cents(value) if field.kind == "money" else float(value)


def coerce(body: dict[str, Any], fields: dict[str, Field]) -> dict[str, Any]:
    """Type-check the known fields of a body (unknown keys are dropped).

    Args:
        body: Decoded JSON object.
        fields: The DTO's fields.

    Returns:
        Attribute name → typed value.

    Raises:
        BadField: A value of the wrong type.
    """
    return {field.attribute: _coerce(name, field, body[name]) for name, field in fields.items() if name in body}


def _check_values(values: dict[str, Any]) -> None:
    for name, field in FIELDS.items():
        value = values.get(field.attribute)
        if field.kind == "text" and value is not None and len(value) > field.limit:
            raise InvalidUserData(f"{name} is longer than {field.limit} characters.")
    if "group" in values:
        try:
            group_by_name(values["group"])
        except KeyError:
            raise InvalidUserData(f"Group '{values['group']}' does not exist.") from None
    if "leverage" in values and values["leverage"] < 1:
        raise InvalidUserData(f"Invalid leverage {values['leverage']}.")
    if not 0 <= values.get("enable_flags", 0) <= 15:
        raise InvalidUserData(f"Invalid enableFlags {values['enable_flags']}.")
    if min(values.get("agent_account", 0), values.get("send_reports", 0), values.get("mqid", 0)) < 0:
        raise InvalidUserData("agentAccount, sendReports and mqid must not be negative.")


def patch(book: Book, login: int, body: dict[str, Any]) -> Account:
    """Apply a JSON merge patch to an account (``PATCH UserRecord``).

    Args:
        book: The accounts.
        login: The account.
        body: The patch object.

    Returns:
        The merged account.

    Raises:
        UnknownLogin: No such account.
        BadField: A value of the wrong type.
        InvalidUserData: A value the server refuses.
    """
    account = book.get(login)
    values = coerce(body, FIELDS)
    _check_values(values)
    changed = [attribute for attribute, value in values.items() if getattr(account, attribute) != value]
    for attribute in changed:
        setattr(account, attribute, values[attribute])
    if changed:
        book.changed(login, "account updated (" + ", ".join(sorted(changed)) + ")")
    return account


def replace(book: Book, login: int, body: dict[str, Any]) -> Account:
    """Overwrite every writable field of an account (``UserRecordUpdate``).

    Args:
        book: The accounts.
        login: The account.
        body: An ``MT4UserUpdate`` object; missing fields take their defaults.

    Returns:
        The updated account.
    """
    defaults = {name: ("" if field.kind == "text" else 0) for name, field in FIELDS.items()}
    return patch(book, login, {**defaults, **body})


def create(book: Book, body: dict[str, Any], now: float) -> Account:
    """Create an account (``UserRecordNew``).

    Args:
        book: The accounts.
        body: An ``MT4UserCreate`` object.
        now: Unix time (registration and last date).

    Returns:
        The new account.

    Raises:
        BadField: A value of the wrong type, or a negative login.
        InvalidUserData: A value the server refuses, or a taken login.
    """
    login = _coerce("login", Field("login", "int32"), body.get("login", 0))
    if login < 0:
        raise BadField("login must be 0 (next free login) or a positive login.")
    values = coerce(body, CREATE_FIELDS)
    values.setdefault("group", "")
    if values.get("leverage", 0) == 0:
        values["leverage"] = _default_leverage(book, values["group"])
    _check_values(values)
    login = login or book.next_login()
    if book.last_known(login) is not None:
        raise InvalidUserData(f"Login {login} is already used.")
    text = {field.attribute: "" for field in CREATE_FIELDS.values() if field.kind == "text"}
    account = Account(**{**text, "agent_account": 0, "last_ip": 0, "registered": int(now), "last_date": int(now),
                         "balance_cents": 0, "enable_flags": 0, "send_reports": 0, "user_color": 0,
                         **values, "login": login})  # fmt: skip
    book.add(account)
    return account


def _default_leverage(book: Book, group: str) -> int:
    try:
        return book.groups.get(group).leverages[0]
    except KeyError:
        return 0


def group_operation(book: Book, command: str, logins: list[int], new_group: str, leverage: int) -> None:
    """Apply ``UsersGroupOp`` to every login (all or nothing).

    Args:
        book: The accounts.
        command: One of ``GROUP_COMMANDS``.
        logins: Accounts (every one must exist).
        new_group: Target group of ``SetGroup``.
        leverage: New leverage of ``Leverage``.

    Raises:
        UnknownLogin: A login does not exist (nothing changed).
        InvalidUserData: Unknown group, leverage below 1, or an account to delete has open trades.
    """
    accounts = [book.get(login) for login in dict.fromkeys(logins)]
    if command == "Delete":
        busy = [a.login for a in accounts if a.positions or a.pending]
        if busy:
            raise InvalidUserData(f"Accounts with open trades cannot be deleted: {busy[:10]}.")
        for account in accounts:
            book.remove(account.login)
        return
    changes: dict[str, Any] = {"leverage": leverage} if command == "Leverage" else {}
    if command == "SetGroup":
        changes = {"group": new_group}
    _check_values(changes)
    for account in accounts:
        values = dict(changes)
        if command in ("Enable", "Disable"):
            values["enableFlags"] = account.enable_flags | 1 if command == "Enable" else account.enable_flags & ~1
        patch(book, account.login, values)
