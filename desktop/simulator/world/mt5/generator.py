"""Seeded creation of the MT5 platform's users, positions, orders and deals.

Imports: numpy and ``desktop.simulator`` model modules. Used by ``control`` (initial state
and ``reset``). All draws come from ``[seed, 0x5454]``; prices are drawn around the
catalogue prices. Each user has a deposit deal at registration, 0-3 closed positions (an
``In`` and an ``Out`` deal and two filled orders each), 0-3 open positions (an ``In`` deal
and a filled order each) and 0-2 pending orders; the deposit is chosen so that the deals
add up to the balance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from desktop.simulator.world.market.feed import PriceFeed
from desktop.simulator.world.mt4.generator import DATA_EPOCH
from desktop.simulator.world.mt4.margin import convert
from desktop.simulator.world.mt5.platform import (
    FIRST_MT5_LOGIN,
    MT5_GROUPS,
    MT5_LOT,
    Mt5Book,
    Mt5Deal,
    Mt5Order,
    Mt5Position,
    Mt5User,
)

MT5_USERS = 40
_FIRST = ("Anna", "Ben", "Carla", "Dmitri", "Elif", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemal", "Lena")
_LAST = ("Adler", "Becker", "Castro", "Dahl", "Eriksen", "Fontaine", "Greco", "Holm", "Ivanova", "Jovanovic")
_COUNTRIES = (("Germany", "Berlin"), ("Cyprus", "Limassol"), ("Spain", "Valencia"), ("Poland", "Warsaw"))
_DAY = 86_400


@dataclass
class _Ids:
    position: int = 70_000_001
    order: int = 80_000_001
    deal: int = 90_000_001

    def next(self, kind: str) -> int:
        value: int = getattr(self, kind)
        setattr(self, kind, value + 1)
        return value


class _Gen:
    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(np.random.SeedSequence([seed, 0x5454]))
        self.prices = PriceFeed(seed=0, tick_rate=0.0, start_time=float(DATA_EPOCH))
        self.ids = _Ids()
        self.book = Mt5Book()

    def integer(self, low: int, high: int) -> int:
        return int(self.rng.integers(low, high))

    def uniform(self, low: float, high: float) -> float:
        return float(self.rng.uniform(low, high))

    def price(self, index: int, spread: float) -> float:
        spec = self.prices.symbols[index]
        return round(self.prices.mid(index) * (1 + self.uniform(-spread, spread)), spec.digits)


def generate_mt5(seed: int) -> Mt5Book:
    """Create the MT5 platform's book.

    Args:
        seed: Seed of every draw.

    Returns:
        The book.
    """
    gen = _Gen(seed)
    for number in range(MT5_USERS):
        login = FIRST_MT5_LOGIN + number
        user = _user(gen, login)
        gen.book.users[login] = user
        deposit_deal = _deal(gen, user, "Balance", None, 0, 0.0, user.registration, 0.0, comment="Initial deposit")
        net = sum(_closed_position(gen, user) for _ in range(gen.integer(0, 4)))
        for _ in range(gen.integer(0, 4)):
            _open_position(gen, user)
        for _ in range(gen.integer(0, 3)):
            _pending_order(gen, user)
        deposit = max(user.balance_cents - net, 10_000)
        user.balance_cents = deposit + net
        deposit_deal.profit = deposit / 100
        deposit_deal.reason = "Dealer"
        user.prev_day_balance_cents = user.balance_cents
        user.prev_month_balance_cents = round(user.balance_cents * gen.uniform(0.85, 1.05))
    return gen.book


def _user(gen: _Gen, login: int) -> Mt5User:
    group = MT5_GROUPS[gen.integer(0, len(MT5_GROUPS))]
    first, last = _FIRST[gen.integer(0, len(_FIRST))], _LAST[gen.integer(0, len(_LAST))]
    country, city = _COUNTRIES[gen.integer(0, len(_COUNTRIES))]
    registered = DATA_EPOCH - gen.integer(60, 900) * _DAY
    return Mt5User(
        login=login, group=group.name, first_name=first, last_name=last, country=country, city=city,
        email=f"{first}.{last}{login % 1000}@example.com".lower(), phone=f"+357 25 {gen.integer(100000, 999999)}",
        leverage=group.leverage, registration=registered, last_access=DATA_EPOCH - gen.integer(0, 10) * _DAY,
        balance_cents=gen.integer(2_000, 60_000) * 100, account=f"MT5-{login}", client_id=login - 2_999_000_000,
        last_ip=f"10.5.{gen.integer(0, 255)}.{gen.integer(1, 255)}", last_pass_change=registered,
        status="Demo" if group.demo else "Verified", lead_source="Website",
    )  # fmt: skip


def _deal(
    gen: _Gen,
    user: Mt5User,
    action: str,
    symbol: int | None,
    volume: int,
    price: float,
    when: int,
    profit: float,
    *,
    entry: str = "In",
    order: int = 0,
    position: int = 0,
    comment: str = "",
) -> Mt5Deal:
    deal = Mt5Deal(deal=gen.ids.next("deal"), login=user.login, order=order, action=action, entry=entry,
                   symbol=symbol, volume=volume, price=price, time=when, profit=profit, position_id=position,
                   comment=comment)  # fmt: skip
    gen.book.deals.append(deal)
    return deal


def _filled_order(gen: _Gen, user: Mt5User, index: int, kind: str, volume: int, price: float, when: int,
                  position: int) -> int:  # fmt: skip
    order = Mt5Order(order=gen.ids.next("order"), login=user.login, symbol=index, type=kind, state="Filled",
                     volume_initial=volume, volume_current=0, price_order=price, time_setup=when, time_done=when,
                     position_id=position)  # fmt: skip
    gen.book.orders.append(order)
    return order.order


def _closed_position(gen: _Gen, user: Mt5User) -> int:
    index = gen.integer(0, len(gen.prices.symbols))
    spec = gen.prices.symbols[index]
    action = gen.integer(0, 2)
    volume = gen.integer(1, 50) * MT5_LOT // 10
    opened = user.registration + gen.integer(1, 40) * _DAY
    closed = opened + gen.integer(600, 3 * _DAY)
    open_price, close_price = gen.price(index, 0.01), gen.price(index, 0.01)
    sign = 1 if action == 0 else -1
    raw = (close_price - open_price) * sign * spec.contract_size * volume / MT5_LOT
    currency = next(g.currency for g in MT5_GROUPS if g.name == user.group)
    profit = round(convert(gen.prices, raw, spec.profit_currency, currency), 2)
    position = gen.ids.next("position")
    kinds = ("Buy", "Sell")
    first = _filled_order(gen, user, index, kinds[action], volume, open_price, opened, position)
    _deal(gen, user, kinds[action], index, volume, open_price, opened, 0.0, order=first, position=position)
    last = _filled_order(gen, user, index, kinds[1 - action], volume, close_price, closed, position)
    _deal(gen, user, kinds[1 - action], index, volume, close_price, closed, profit, entry="Out", order=last,
          position=position)  # fmt: skip
    return round(profit * 100)


def _open_position(gen: _Gen, user: Mt5User) -> None:
    index = gen.integer(0, len(gen.prices.symbols))
    action = gen.integer(0, 2)
    volume = gen.integer(1, 30) * MT5_LOT // 10
    opened = DATA_EPOCH - gen.integer(600, 20 * _DAY)
    price = gen.price(index, 0.004)
    position = gen.ids.next("position")
    kind = ("Buy", "Sell")[action]
    order = _filled_order(gen, user, index, kind, volume, price, opened, position)
    _deal(gen, user, kind, index, volume, price, opened, 0.0, order=order, position=position)
    gen.book.positions.append(Mt5Position(position=position, login=user.login, symbol=index, action=action,
                                          volume=volume, price_open=price, time_create=opened,
                                          storage=round(gen.uniform(-3.0, 1.0), 2)))  # fmt: skip


def _pending_order(gen: _Gen, user: Mt5User) -> None:
    index = gen.integer(0, len(gen.prices.symbols))
    kind = ("BuyLimit", "SellLimit", "BuyStop", "SellStop")[gen.integer(0, 4)]
    below = kind in ("BuyLimit", "SellStop")
    mid = gen.prices.mid(index)
    spec = gen.prices.symbols[index]
    price = round(mid * (1 - gen.uniform(0.005, 0.02) if below else 1 + gen.uniform(0.005, 0.02)), spec.digits)
    volume = gen.integer(1, 20) * MT5_LOT // 10
    gen.book.orders.append(Mt5Order(order=gen.ids.next("order"), login=user.login, symbol=index, type=kind,
                                    state="Placed", volume_initial=volume, volume_current=volume, price_order=price,
                                    time_setup=DATA_EPOCH - gen.integer(60, 5 * _DAY)))  # fmt: skip
