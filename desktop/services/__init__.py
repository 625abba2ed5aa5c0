"""Orchestration on the asyncio loop: sessions, quote feed, accounts and money operations.

No Qt here. Services report state changes through psygnal signals, which the UI layer's
presenters re-emit as Qt signals. Quotes are never signalled per tick: they land in a
:class:`desktop.domain.quote_book.QuoteBook` that the UI reads once per frame.

Imports: desktop.client, desktop.domain, desktop.config, psygnal.
"""
