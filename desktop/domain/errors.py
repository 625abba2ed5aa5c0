"""The exception tree of Dealer Desk; every layer raises these and the UI shows them.

    DesktopError
    ├── InvalidInput        the operator typed something that cannot be sent; nothing was sent
    ├── DecodeError         a record from the server is not what the contract says; nothing was guessed
    ├── AuthFailed          the auth server refused the credentials
    ├── ServerUnreachable   no answer from the API or auth server (DNS, refused, timeout, proxy page)
    └── ApiFailure          the WebAPI answered with an error envelope (code, managerCode, activityId)

Imports: the standard library only.
"""

from __future__ import annotations


class DesktopError(Exception):
    """Base of every error the workstation expects and explains to the user."""


class InvalidInput(DesktopError):
    """Input that cannot be sent; the message says what to fix."""


class DecodeError(DesktopError):
    """A record from the WebAPI that cannot be read as the contract describes it.

    Raised instead of guessing: a missing balance never becomes 0.00, a NaN never becomes a
    price. ``record`` names the DTO (``MT4User``), ``field`` the field that is wrong.
    """

    def __init__(self, record: str, field: str, problem: str) -> None:
        super().__init__(f"{record}.{field} {problem}")
        self.record = record
        self.field = field
        self.problem = problem


class AuthFailed(DesktopError):
    """The auth server refused the client credentials; the message quotes its reason."""


class ServerUnreachable(DesktopError):
    """The server could not be reached or did not answer in time."""


class ApiFailure(DesktopError):
    """An error envelope from the WebAPI.

    Attributes:
        code: the WebAPI error code (``NotFound``, ``MT4Error``, ``OutcomeUnknown`` …).
        manager_code: the trade server's result code, e.g. ``TradeNoMoney``, if any.
        activity_id: the server's trace id, to quote when reporting the problem.
        outcome: the ``X-Request-Outcome`` header (``unknown``, ``in-progress`` …), if any.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        manager_code: str | int | None = None,
        activity_id: str | None = None,
        outcome: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.manager_code = manager_code
        self.activity_id = activity_id
        self.outcome = outcome

    @property
    def outcome_unknown(self) -> bool:
        """True when the operation may or may not have been applied."""
        return self.code == "OutcomeUnknown" or self.outcome in ("unknown", "in-progress")

    def __str__(self) -> str:
        reason = f"{self.code}/{self.manager_code}" if self.manager_code is not None else self.code
        return f"{self.message} ({reason})" if self.message else reason


TRANSIENT_CODES = frozenset({"NoConnect", "Timeout", "Busy"})
"""WebAPI error codes that say "not now" rather than "no": the WebAPI lost its trade server
(``NoConnect``), a read ran past its deadline and did not run (``Timeout``), the platform's
queue is full and nothing started (``Busy``)."""


def is_transient(exc: BaseException) -> bool:
    """True when the same read may work if asked again later (unreachable, proxy page, timeout, busy).

    Refused credentials, a platform the credentials cannot reach, a record that cannot be
    read and every other answer of the server are final.
    """
    if isinstance(exc, ServerUnreachable):
        return True
    return isinstance(exc, ApiFailure) and exc.code in TRANSIENT_CODES


def is_deadline(exc: BaseException) -> bool:
    """True when a read ran past its deadline (``Timeout``): asking with a longer one may help."""
    return isinstance(exc, ApiFailure) and exc.code == "Timeout"
