"""The simulated MT4 server: accounts, the book, trading rules, trades, history and journal."""
