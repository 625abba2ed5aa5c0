"""The simulated MT5 server: its platform state and its generated accounts and positions."""
