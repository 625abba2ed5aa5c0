"""Qt item models over domain objects: the market watch and the account grid.

Imports: PySide6, the standard library, desktop.domain and desktop.ui.theme.
"""
