"""Seeded online sessions of client terminals (``OnlineGet``).

Imports: numpy and ``desktop.simulator.world.mt4.accounts``. Used by ``book`` (``reset`` seeds the set;
deleting an account ends its session) and ``rest.v2.server``.

About 12 % of the enabled accounts are online, chosen by a numpy stream of their own
(``[seed, 0x0411]``); each session logged in 1 minute to 8 hours before the simulator's
(re)start, from an IP in 10.0.0.0/8, and the login is written to the journal. Accounts
created later are not online (no terminal connects to the simulator).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from desktop.simulator.world.mt4.accounts import Account

_SHARE = 0.12


@dataclass(frozen=True)
class Session:
    """One online client terminal.

    Attributes:
        login: Account.
        ip: Client IP address.
        since: Unix time of the login.
        build: Client terminal build.
    """

    login: int
    ip: str
    since: float
    build: int


def seed_sessions(seed: int, accounts: dict[int, Account], now: float) -> dict[int, Session]:
    """Choose the online accounts.

    Args:
        seed: Seed of the draws.
        accounts: Accounts by login.
        now: Unix time of the (re)start.

    Returns:
        Sessions by login.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x0411]))
    sessions: dict[int, Session] = {}
    for login in sorted(accounts):
        online = float(rng.random()) < _SHARE
        octets = rng.integers(1, 255, size=3)
        since = now - float(rng.uniform(60.0, 8 * 3600.0))
        if online and accounts[login].enabled:
            ip = "10." + ".".join(str(int(octet)) for octet in octets)
            sessions[login] = Session(login, ip, round(since), 1420)
    return sessions
