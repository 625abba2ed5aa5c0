"""Market data shared by every platform: symbols, the quote feed, tick history and charts."""
