"""Dialogs that collect and check input and show outcomes; none of them touches the network.

Imports: PySide6, the standard library, desktop.domain, desktop.config and desktop.ui.
"""
