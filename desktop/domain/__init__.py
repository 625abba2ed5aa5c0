"""Pure data and rules of Dealer Desk: no Qt, no network, no I/O.

Imports: the standard library and numpy only. Every other layer imports from here.
"""
