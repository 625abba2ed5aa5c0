"""Which trade platform GUIDs the hubs serve, and of which kind (MT4 or MT5).

Imports: stdlib and ``desktop.simulator.config``. Used by ``hubs.registry`` (``?tradePlatform=`` of the
v2 hubs) and ``hubs.mt4_v1`` (the ``tradePlatform`` argument of every v1 method).

GUIDs are compared in canonical form (``uuid.UUID``: any case, braces allowed), as ASP.NET
Core binds a ``Guid``. The MT4 platform is ``PLATFORM_ID``; an MT5 platform is added with
``register`` by whoever defines it (the registry registers the trading model's MT5 platform).
"""

from __future__ import annotations

import uuid

from desktop.simulator.config import PLATFORM_ID

#: ``HubException`` text for a token of another organisation (REST answers ``Forbidden``).
FORBIDDEN = "Forbidden: trade platform '{}' belongs to another organization."


class PlatformKinds:
    """GUID → ``"MT4"``/``"MT5"`` of the simulated platforms."""

    def __init__(self) -> None:
        self._kinds: dict[str, str] = {PLATFORM_ID: "MT4"}

    def register(self, platform_id: str, kind: str) -> None:
        """Make a platform known.

        Args:
            platform_id: Its GUID.
            kind: ``MT4`` or ``MT5``.
        """
        self._kinds[str(uuid.UUID(platform_id))] = kind

    def ids(self, kind: str) -> list[str]:
        """Return the GUIDs of every platform of a kind.

        Args:
            kind: ``MT4`` or ``MT5``.

        Returns:
            Canonical GUIDs.
        """
        return [platform for platform, known in self._kinds.items() if known == kind]

    def kind_of(self, value: str) -> str | None:
        """Look a platform up.

        Args:
            value: GUID text as a client sent it.

        Returns:
            ``MT4``/``MT5``, or None for an unknown or malformed GUID.
        """
        platform = canonical(value)
        return None if platform is None else self._kinds.get(platform)


def canonical(value: str) -> str | None:
    """Return the canonical (lower-case, hyphenated) form of a GUID.

    Args:
        value: GUID text.

    Returns:
        The canonical text, or None when it is not a GUID.
    """
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None
