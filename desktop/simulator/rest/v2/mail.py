"""v2 online sessions (live) and the server's mail, news and push notifications.

Imports: stdlib and ``desktop.simulator`` (``rest.pipeline``, ``rest.v2.dto``, ``rest.v2.server``,
``rest.v2.users``, ``world.mt4``). Registered by ``rest.pipeline.v2``. Storage rules are in
``world.mt4.mail``.

* ``OnlineRequest`` answers what ``OnlineGet`` answers (the same sessions, paged by login).
* ``MailSend``: ``body`` non-empty; ``logins`` 1 to 10 000 existing accounts (unknown →
  ``NotFound``, nothing sent); ``subject`` ≤ 128 and ``senderName`` ≤ 64 characters;
  ``senderLogin`` ≥ 0. Answers ``true``; ``MailsRequest`` then lists it and ``MailLast``
  answers its path ("" before the first mail).
* ``NewsSend``: ``topic`` (≤ 256) and ``body`` required, ``category`` ≤ 64.
* ``NotificationsSend``: ``logins`` of existing accounts (at least one) and a ``message`` of
  1 to 255 characters (MT4's push limit).
Wrong JSON types or limits → ``Validation``. Every send writes a journal line.
"""

from __future__ import annotations

from typing import Any

from desktop.simulator.rest.pipeline.envelope import ApiFailure, Payload
from desktop.simulator.rest.pipeline.operation import TIMEOUT_CHANGE, Operation, V2Request
from desktop.simulator.rest.v2.dto.mail import mt4_mail_box
from desktop.simulator.rest.v2.server import online_get
from desktop.simulator.rest.v2.users import object_body
from desktop.simulator.world.mt4.mail import News, Notification

MAX_RECIPIENTS = 10_000
MAX_PUSH = 255


def _text(body: dict[str, Any], name: str, limit: int, required: bool = False) -> str:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise ApiFailure.validation(f"{name} is required.")
        return ""
    if not isinstance(value, str):
        raise ApiFailure.validation(f"{name} must be a string.")
    if len(value) > limit:
        raise ApiFailure.validation(f"{name} must be at most {limit} characters.")
    return value


def _logins(request: V2Request, body: dict[str, Any]) -> list[int]:
    logins = body.get("logins")
    if not isinstance(logins, list) or not 1 <= len(logins) <= MAX_RECIPIENTS:
        raise ApiFailure.validation(f"logins must name 1 to {MAX_RECIPIENTS} accounts.")
    if not all(isinstance(login, int) and not isinstance(login, bool) and login >= 1 for login in logins):
        raise ApiFailure.validation("logins must be logins (integers of at least 1).")
    missing = [login for login in logins if login not in request.control.book.accounts]
    if missing:
        raise ApiFailure.not_found(f"Account {missing[0]} not found.")
    return list(dict.fromkeys(logins))


def mail_send(request: V2Request) -> Payload:
    """``POST MailSend``: mail to client logins.

    Args:
        request: The call.

    Returns:
        ``true``.
    """
    body = object_body(request.body, "MT4MailSendRequest")
    sender = body.get("senderLogin", 0) or 0
    if not isinstance(sender, int) or isinstance(sender, bool) or not 0 <= sender < 2**31:
        raise ApiFailure.validation("senderLogin must be a login or 0.")
    name, subject = _text(body, "senderName", 64), _text(body, "subject", 128)
    text = _text(body, "body", 1_000_000, required=True)
    logins = _logins(request, body)
    book = request.control.book
    mail = book.mail.send_mail(request.now, (sender, name), subject, text, logins)
    book.journal.add(request.now, "Standard", f"mail '{subject}' sent to {len(logins)} account(s) ({mail.path})")
    return Payload(True)


def mails_request(request: V2Request) -> Payload:
    """``GET MailsRequest``: every stored mail, oldest first.

    Args:
        request: The call.

    Returns:
        A list of ``MT4MailBox``.
    """
    return Payload([mt4_mail_box(mail) for mail in request.control.book.mail.mails])


def mail_last(request: V2Request) -> Payload:
    """``GET MailLast``: path of the newest mail.

    Args:
        request: The call.

    Returns:
        The path, "" when none.
    """
    return Payload(request.control.book.mail.last_path())


def news_send(request: V2Request) -> Payload:
    """``POST NewsSend``: a news item to every terminal.

    Args:
        request: The call.

    Returns:
        ``true``.
    """
    body = object_body(request.body, "MT4NewsSendRequest")
    topic = _text(body, "topic", 256, required=True)
    category, text = _text(body, "category", 64), _text(body, "body", 1_000_000, required=True)
    high = body.get("highPriority", False)
    if not isinstance(high, bool):
        raise ApiFailure.validation("highPriority must be true or false.")
    book = request.control.book
    book.mail.news.append(News(request.now, topic, category, text, high))
    book.journal.add(request.now, "Standard", f"news '{topic}' sent")
    return Payload(True)


def notifications_send(request: V2Request) -> Payload:
    """``POST NotificationsSend``: a push notification to some accounts.

    Args:
        request: The call.

    Returns:
        ``true``.
    """
    body = object_body(request.body, "MT4NotificationsSendRequest")
    message = _text(body, "message", MAX_PUSH, required=True)
    logins = _logins(request, body)
    book = request.control.book
    book.mail.notifications.append(Notification(request.now, tuple(logins), message))
    book.journal.add(request.now, "Standard", f"notification sent to {len(logins)} account(s)")
    return Payload(True)


OPERATIONS = (
    Operation("GET", "OnlineRequest", online_get),
    Operation("POST", "MailSend", mail_send, timeout=TIMEOUT_CHANGE, error_data=False),
    Operation("GET", "MailLast", mail_last),
    Operation("GET", "MailsRequest", mails_request),
    Operation("POST", "NewsSend", news_send, timeout=TIMEOUT_CHANGE, error_data=False),
    Operation("POST", "NotificationsSend", notifications_send, timeout=TIMEOUT_CHANGE, error_data=False),
)
