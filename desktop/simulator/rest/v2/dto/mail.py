"""Wire shapes of mail, server performance and daily reports (MT4 v2 DTOs).

Imports: stdlib and ``desktop.simulator`` (``wire``, ``world.mt4``). Used by ``rest.v2.mail`` and
``rest.v2.reports``. Every function returns exactly the properties of the spec schema it is
named after (``additionalProperties: false``).
"""

from __future__ import annotations

from typing import Any

from desktop.simulator.wire import iso_utc
from desktop.simulator.world.mt4.mail import Mail, News
from desktop.simulator.world.mt4.reports import DailyRow, Sample


def mt4_mail_box(mail: Mail) -> dict[str, Any]:
    """Build an ``MT4MailBox``."""
    return {"time": iso_utc(mail.time), "senderLogin": mail.sender_login, "senderName": mail.sender_name,
            "subject": mail.subject, "body": mail.body}  # fmt: skip


def mt4_performance(sample: Sample) -> dict[str, Any]:
    """Build an ``MT4Performance``."""
    return {"ctm": iso_utc(sample.time), "users": sample.users, "cpu": sample.cpu, "freeMem": sample.free_mem,
            "network": sample.network, "sockets": sample.sockets}  # fmt: skip


def mt4_daily_report(row: DailyRow) -> dict[str, Any]:
    """Build an ``MT4DailyReport`` (money in the deposit currency, rounded to cents)."""
    return {
        "login": row.login, "ctm": iso_utc(row.day), "group": row.group, "bank": "",
        "balancePrev": row.balance_prev_cents / 100, "balance": row.balance_cents / 100,
        "deposit": row.deposit_cents / 100, "credit": row.credit_cents / 100,
        "profitClosed": row.profit_closed_cents / 100, "profit": row.profit, "equity": row.equity,
        "margin": row.margin, "marginFree": round(row.equity - row.margin, 2),
    }  # fmt: skip


def mt4_news_topic(key: int, news: News) -> dict[str, Any]:
    """Build an ``MT4NewsTopic`` (priority 1 for a high-priority item, language 0: neutral)."""
    return {"key": key, "time": iso_utc(news.time), "topic": news.topic, "category": news.category,
            "keywords": "", "priority": 1 if news.high_priority else 0, "langId": 0}  # fmt: skip
