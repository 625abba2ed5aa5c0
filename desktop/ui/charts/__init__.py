"""Live pyqtgraph charts, fed from numpy views once per UI frame.

Imports: PySide6, pyqtgraph, numpy, the standard library, desktop.domain and desktop.ui.
"""
