"""The simulated server's journal: logins, trades, balance operations, account changes, refusals.

Imports: stdlib only. Used by ``book`` (which keeps one ``Journal`` and writes to it) and
``rest.v2.server`` (``JournalRequest``).

Each entry has a category, which ``JournalRequest``'s ``mode`` (``EnLogType``) selects:
``Logins`` (client logins), ``Trades`` (orders and balance operations), ``Errors``
(refused trade requests) and ``Standard`` (account changes). ``Full`` returns every entry;
``Updater``, ``SendMail`` and ``Failover`` have no entries here. The ``code`` of an entry is
``Login``, ``Trade``, ``Err`` or ``Ok``; its ``time`` is formatted like the MT4 journal
(``2026.11.02 10:15:00``, UTC).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

#: ``EnLogType`` names.
LOG_TYPES = ("Standard", "Logins", "Trades", "Errors", "Full", "Updater", "SendMail", "Failover")
_CODES = {"Logins": "Login", "Trades": "Trade", "Errors": "Err", "Standard": "Ok"}
_LIMIT = 50_000


@dataclass(frozen=True)
class JournalEntry:
    """One journal line.

    Attributes:
        time: Unix time.
        category: ``Logins``, ``Trades``, ``Errors`` or ``Standard``.
        ip: Client IP (empty for server-side events).
        message: Text.
    """

    time: float
    category: str
    ip: str
    message: str

    @property
    def code(self) -> str:
        """``MT4ServerLog.code`` of the entry."""
        return _CODES[self.category]

    @property
    def time_text(self) -> str:
        """The time as the MT4 journal prints it."""
        return time.strftime("%Y.%m.%d %H:%M:%S", time.gmtime(self.time))


class Journal:
    """A bounded, time-ordered list of journal entries."""

    def __init__(self) -> None:
        self._entries: list[JournalEntry] = []

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, when: float, category: str, message: str, ip: str = "") -> None:
        """Append an entry (the oldest ones go beyond the size limit).

        Args:
            when: Unix time.
            category: ``Logins``, ``Trades``, ``Errors`` or ``Standard``.
            message: Text.
            ip: Client IP, if any.
        """
        self._entries.append(JournalEntry(when, category, ip, message))
        if len(self._entries) > _LIMIT:
            del self._entries[: len(self._entries) - _LIMIT]

    def clear(self) -> None:
        """Forget every entry."""
        self._entries.clear()

    def query(self, start: float, end: float, mode: str = "Full", text: str = "") -> list[JournalEntry]:
        """Select entries.

        Args:
            start: Earliest time (inclusive).
            end: Latest time (inclusive).
            mode: ``EnLogType`` name.
            text: Substring the message must contain (ignoring case); empty = any.

        Returns:
            The entries in time order.
        """
        needle = text.lower()
        found = [
            entry
            for entry in self._entries
            if start <= entry.time <= end
            and (mode == "Full" or entry.category == mode)
            and (not needle or needle in entry.message.lower() or needle in entry.ip)
        ]
        return sorted(found, key=lambda entry: entry.time)
