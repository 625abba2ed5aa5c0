"""Small app-independent widgets (a status light, …).

Imports: PySide6 and the standard library only; never desktop.services.
"""
