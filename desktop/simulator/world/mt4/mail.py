r"""The MT4 server's internal mail, news and push notifications, as sent through the Manager API.

Imports: stdlib only. Owned by ``book.Book`` (``Book.mail``, emptied by ``reset``); used by
``rest.v2.mail``.

Every ``MailSend`` stores one mail (its recipients kept with it) under a sequence number;
its path is ``mailbox\\<number>.mail`` and ``MailLast`` reports the newest one. News items
and notifications are kept in send order. Nothing is delivered anywhere: the simulated
server has no client terminals.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mail:
    """One stored mail (``MT4MailBox`` plus its recipients and path)."""

    number: int
    time: float
    sender_login: int
    sender_name: str
    subject: str
    body: str
    logins: tuple[int, ...]

    @property
    def path(self) -> str:
        """Where the server keeps it."""
        return f"mailbox\\{self.number}.mail"


@dataclass(frozen=True)
class News:
    """One news item sent to every terminal."""

    time: float
    topic: str
    category: str
    body: str
    high_priority: bool


@dataclass(frozen=True)
class Notification:
    """One push notification to some accounts."""

    time: float
    logins: tuple[int, ...]
    message: str


class Mailroom:
    """Mail, news and notifications sent since the last reset."""

    def __init__(self) -> None:
        self.mails: list[Mail] = []
        self.news: list[News] = []
        self.notifications: list[Notification] = []

    def clear(self) -> None:
        """Forget everything sent."""
        self.mails.clear()
        self.news.clear()
        self.notifications.clear()

    def send_mail(self, now: float, sender: tuple[int, str], subject: str, body: str, logins: list[int]) -> Mail:
        """Store a mail.

        Args:
            now: Unix time.
            sender: Sender login and display name.
            subject: Subject line.
            body: Body text.
            logins: Recipients.

        Returns:
            The stored mail.
        """
        mail = Mail(len(self.mails) + 1, now, sender[0], sender[1], subject, body, tuple(logins))
        self.mails.append(mail)
        return mail

    def last_path(self) -> str:
        """Return the path of the newest mail, "" when none was sent."""
        return self.mails[-1].path if self.mails else ""
