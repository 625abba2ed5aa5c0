"""Dealer Desk: a dealer and back-office workstation for MetaTrader servers.

Imports nothing; the version lives here so every layer can report it.
"""

__version__ = "0.1.0"
