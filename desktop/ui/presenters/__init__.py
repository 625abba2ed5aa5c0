"""The Qt seam: QObjects that read services, own the frame clock and turn intents into tasks.

Imports: PySide6, psygnal, the standard library, desktop.domain, desktop.config,
desktop.services and desktop.ui.
"""
