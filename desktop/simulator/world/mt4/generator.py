"""Seeded creation of the simulated server's accounts and their open positions.

Imports: numpy and ``desktop.simulator`` data modules. Used by ``book`` (initial state and
``reset``). The same seed always yields the same accounts: every draw comes from one numpy
generator seeded from ``seed`` and is priced at the catalogue's initial quotes, never at
live ones.

Roughly 70 % of accounts hold positions; about 6 % of those are funded so that they sit
just above their group's margin call level and 2 % below it.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from desktop.simulator.world.market.feed import PriceFeed
from desktop.simulator.world.mt4.accounts import GROUPS, Account, Group, Position, account_state
from desktop.simulator.world.mt4.margin import convert, position_margin

_T = TypeVar("_T")

#: "Now" of the generated data (registration and open times lie before it).
DATA_EPOCH = calendar.timegm((2026, 11, 2, 0, 0, 0))
_FIRST_TICKET = 4_100_001

_FIRST = (
    "James", "Maria", "Oliver", "Sofia", "Liam", "Emma", "Noah", "Mia", "Lucas", "Anna",
    "Ethan", "Laura", "Mateo", "Chloe", "Daniel", "Elena", "Hugo", "Julia", "Leon", "Sara",
    "Omar", "Aisha", "Kenji", "Yuki", "Ravi", "Priya", "Tomas", "Eva", "Felix", "Nora",
)  # fmt: skip
_LAST = (
    "Smith", "Garcia", "Muller", "Rossi", "Dubois", "Jansen", "Novak", "Kowalski", "Silva", "Brown",
    "Taylor", "Schmidt", "Martin", "Bianchi", "Lopez", "Weber", "Moreau", "Fischer", "Wilson", "Clarke",
    "Tanaka", "Khan", "Patel", "Haddad", "Larsen", "Berg", "Costa", "Romano", "Meyer", "Evans",
)  # fmt: skip
_REGIONS = {
    "USD": (
        ("United States", "New York", "NY", "10001", "+1 212 555"),
        ("Canada", "Toronto", "ON", "M5H 2N2", "+1 416 555"),
        ("Singapore", "Singapore", "", "018956", "+65 6555"),
        ("United Arab Emirates", "Dubai", "", "00000", "+971 4 555"),
        ("Australia", "Sydney", "NSW", "2000", "+61 2 5550"),
    ),
    "EUR": (
        ("Germany", "Berlin", "BE", "10115", "+49 30 5555"),
        ("France", "Paris", "IDF", "75001", "+33 1 5555"),
        ("Spain", "Madrid", "MD", "28001", "+34 91 555"),
        ("Italy", "Milan", "MI", "20121", "+39 02 5555"),
        ("Netherlands", "Amsterdam", "NH", "1012 AB", "+31 20 555"),
    ),
    "GBP": (
        ("United Kingdom", "London", "", "EC2V 7HH", "+44 20 7946"),
        ("United Kingdom", "Manchester", "", "M1 1AE", "+44 161 496"),
    ),
}
_STREETS = ("High Street", "Market Road", "Station Road", "Park Lane", "Church Street", "King Street")
_LEADS = ("Website", "Introducing broker", "Referral", "Webinar", "Partner")
_POSITION_COUNTS = (0.30, 0.20, 0.18, 0.14, 0.09, 0.05, 0.04)
#: Reasons of generated positions, picked by ticket (no extra draws: the data stays as it was).
_REASONS = ("Client", "Mobile", "Client", "Web", "Expert", "Client")


@dataclass
class Generated:
    """Result of a generation run.

    Attributes:
        accounts: Accounts by login, in ascending login order.
        next_ticket: First ticket number not used by a generated position.
    """

    accounts: dict[int, Account]
    next_ticket: int


class _Draw:
    """Small helpers over one numpy generator."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(np.random.SeedSequence([seed, 0xACC0]))

    def pick(self, items: Sequence[_T]) -> _T:
        return items[int(self.rng.integers(len(items)))]

    def weighted(self, weights: Sequence[float]) -> int:
        total = float(sum(weights))
        point = float(self.rng.random()) * total
        for i, weight in enumerate(weights):
            point -= weight
            if point < 0:
                return i
        return len(weights) - 1

    def uniform(self, low: float, high: float) -> float:
        return float(self.rng.uniform(low, high))

    def chance(self, probability: float) -> bool:
        return float(self.rng.random()) < probability


def generate(seed: int, count: int, first_login: int) -> Generated:
    """Create ``count`` accounts with logins from ``first_login``.

    Args:
        seed: Seed of every draw.
        count: Number of accounts.
        first_login: Login of the first account.

    Returns:
        The accounts and the next free ticket.
    """
    draw = _Draw(seed)
    prices = PriceFeed(seed=0, tick_rate=0.0, start_time=float(DATA_EPOCH))
    ticket = _FIRST_TICKET
    accounts: dict[int, Account] = {}
    for login in range(first_login, first_login + count):
        group = GROUPS[draw.weighted([g.share for g in GROUPS])]
        account = _person(draw, login, group)
        ticket = _open_positions(draw, prices, account, group, ticket)
        _fund(draw, prices, account, group)
        accounts[login] = account
    accounts[DOCUMENTATION_LOGIN] = _documentation_account()
    return Generated(accounts, ticket)


DOCUMENTATION_LOGIN = 1000
"""The login the vendor's RESTful documentation page deposits to (``"orderBy":1000``): seeded
too, so that walk-through works against the simulator exactly as written."""


def _documentation_account() -> Account:
    """Login 1000: an idle demo account with 10,000.00, outside the ``count`` generated ones."""
    return Account(
        login=DOCUMENTATION_LOGIN, group="demo\\usd-std", name="Documentation Example", email="docs@example.com",
        country="United Kingdom", city="London", state="", zip_code="EC2V 7HH", address="", phone="",
        lead_source="documentation", external_id="", status="", comment="login of the vendor's REST examples",
        leverage=100, agent_account=0, last_ip=0, registered=DATA_EPOCH, last_date=DATA_EPOCH,
        balance_cents=1_000_000,
    )  # fmt: skip


def _person(draw: _Draw, login: int, group: Group) -> Account:
    first, last = draw.pick(_FIRST), draw.pick(_LAST)
    country, city, state, zip_code, phone = draw.pick(_REGIONS[group.currency])
    registered = DATA_EPOCH - int(draw.uniform(30, 2_800) * 86_400)
    ip = int(draw.rng.integers(0x0B000000, 0xDF000000))
    balance = group.balance_median if group.demo else group.balance_median * float(draw.rng.lognormal(0.0, 0.8))
    return Account(
        login=login,
        group=group.name,
        name=f"{first} {last}",
        email=f"{first}.{last}{login % 1000}@example.com".lower(),
        country=country,
        city=city,
        state=state,
        zip_code=zip_code,
        address=f"{int(draw.rng.integers(1, 240))} {draw.pick(_STREETS)}",
        phone=f"{phone} {int(draw.rng.integers(1000, 9999))}",
        lead_source=draw.pick(_LEADS),
        external_id="" if group.demo else f"CRM-{login:08d}",
        status="Demo" if group.demo else draw.pick(("Verified", "Verified", "Verified", "Pending KYC")),
        comment="",
        leverage=draw.pick(group.leverages),
        agent_account=draw.pick((100002, 100007, 100013)) if draw.chance(0.1) else 0,
        last_ip=ip - (1 << 32) if ip >= 1 << 31 else ip,
        registered=registered,
        last_date=DATA_EPOCH - int(draw.uniform(0, 20) * 86_400),
        balance_cents=max(10_000, round(balance * 100)),
        mqid=int(draw.rng.integers(10_000_000, 99_999_999)) if draw.chance(0.3) else 0,
    )


def _open_positions(draw: _Draw, prices: PriceFeed, account: Account, group: Group, ticket: int) -> int:
    count = draw.weighted(_POSITION_COUNTS)
    weights = [spec.weight for spec in prices.symbols]
    usage = draw.uniform(0.05, 0.45)
    for _ in range(count):
        index = draw.weighted(weights)
        spec = prices.symbols[index]
        per_lot = position_margin(prices, index, 1.0, account.leverage, group.currency)
        budget = account.balance_cents / 100.0 * usage / count
        volume = max(1, min(5_000, int(budget / per_lot * 100)))
        drift = float(draw.rng.normal(0.0, 0.004))
        open_price = round(prices.mid(index) * (1.0 + drift), spec.digits)
        lots = volume / 100.0
        position = Position(
            ticket=ticket,
            symbol=index,
            cmd=int(draw.chance(0.5)),
            volume=volume,
            open_price=open_price,
            open_time=DATA_EPOCH - int(draw.uniform(0.01, 30) * 86_400),
            commission=-round(7.0 * lots, 2) if spec.is_forex else 0.0,
            storage=round(float(draw.rng.normal(0.0, 2.0)) * lots, 2),
            login=account.login,
            reason=_REASONS[ticket % len(_REASONS)],
            margin_rate=round(convert(prices, 1.0, spec.margin_currency, group.currency), 6),
        )
        position.timestamp = position.open_time
        account.positions.append(position)
        ticket += 1
    return ticket


def _fund(draw: _Draw, prices: PriceFeed, account: Account, group: Group) -> None:
    if not group.demo and draw.chance(0.15):
        account.credit_cents = round(account.balance_cents * draw.uniform(0.05, 0.25) / 10_000) * 10_000
        account.comment = "bonus"
    roll = float(draw.rng.random())
    if account.positions and not group.demo and roll < 0.08:
        target = draw.uniform(105.0, 150.0) if roll < 0.06 else draw.uniform(60.0, 98.0)
        state = account_state(prices, account, group)
        balance = state.margin * target / 100.0 - state.credit - state.profit
        if balance >= 50.0:
            account.balance_cents = round(balance * 100)
    state = account_state(prices, account, group)
    account.prev_balance_cents = account.balance_cents
    account.prev_month_balance_cents = round(account.balance_cents * draw.uniform(0.8, 1.1))
    account.prev_equity_cents = round(state.equity * 100)
    account.prev_month_equity_cents = round(state.equity * 100 * draw.uniform(0.8, 1.1))
