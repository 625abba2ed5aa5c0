"""The simulated trade servers' state, with no HTTP: market, MT4 and MT5 books, trading rules."""
