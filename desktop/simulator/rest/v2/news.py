"""v2 news reads: the items ``NewsSend`` stored, as an MT4 terminal's news tree sees them.

Imports: ``desktop.simulator`` (``rest.pipeline``, ``rest.v2.dto.mail``). Registered by
``rest.pipeline.v2``.

A news item's ``key`` is its send number (1 for the first item since the last reset);
``NewsTopicGet/{pos}`` addresses it by its 0-based position in send order, as the Manager API's
``NewsTopicGet`` does. ``NewsBodyRequest/{key}`` answers ``true`` when the server holds the body
(the Manager API's request for it); ``NewsBodyGet/{key}`` returns it. An unknown key or position
is ``NotFound``; a key or position that is not an integer is ``Validation``.
"""

from __future__ import annotations

from desktop.simulator.rest.pipeline.envelope import ApiFailure, Payload
from desktop.simulator.rest.pipeline.operation import Operation, V2Request
from desktop.simulator.rest.pipeline.params import integer
from desktop.simulator.rest.v2.dto.mail import mt4_news_topic
from desktop.simulator.world.mt4.mail import News


def _by_key(request: V2Request) -> News:
    key = integer(request.params["key"], "key")
    news = request.control.book.mail.news
    if not 1 <= key <= len(news):
        raise ApiFailure.not_found(f"News {key} not found.")
    return news[key - 1]


def news_total(request: V2Request) -> Payload:
    """``GET NewsTotal``: how many news items the server holds."""
    return Payload(len(request.control.book.mail.news))


def news_get(request: V2Request) -> Payload:
    """``GET NewsGet``: every news topic (``MT4NewsTopic``), oldest first."""
    return Payload([mt4_news_topic(key, item) for key, item in enumerate(request.control.book.mail.news, start=1)])


def news_topic_get(request: V2Request) -> Payload:
    """``GET NewsTopicGet/{pos}``: the topic at a 0-based position."""
    pos = integer(request.params["pos"], "pos")
    news = request.control.book.mail.news
    if not 0 <= pos < len(news):
        raise ApiFailure.not_found(f"No news at position {pos}.")
    return Payload(mt4_news_topic(pos + 1, news[pos]))


def news_body_request(request: V2Request) -> Payload:
    """``POST NewsBodyRequest/{key}``: ``true`` once the body is held for ``NewsBodyGet``."""
    _by_key(request)
    return Payload(True)


def news_body_get(request: V2Request) -> Payload:
    """``GET NewsBodyGet/{key}``: the body text of one news item."""
    return Payload(_by_key(request).body)


OPERATIONS = (
    Operation("GET", "NewsTotal", news_total),
    Operation("GET", "NewsGet", news_get),
    Operation("GET", "NewsTopicGet/{pos}", news_topic_get),
    Operation("POST", "NewsBodyRequest/{key}", news_body_request, error_data=False),
    Operation("GET", "NewsBodyGet/{key}", news_body_get),
)
