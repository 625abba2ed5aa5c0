"""Everything Qt: the main window, its docks, models, charts, dialogs and presenters.

Imports: PySide6, pyqtgraph, numpy, psygnal, the standard library, desktop.domain,
desktop.config and desktop.services. Never the network libraries or desktop.client.
"""
