"""The panels inside the main window's docks: market watch, accounts grid, status bar.

Views show models and emit intents; they never call services.

Imports: PySide6, the standard library, desktop.domain and desktop.ui.
"""
