"""Root test configuration: headless Qt before anything imports it."""

import os

# Without a display and without this, creating the QApplication aborts the process (rc 134)
# and pytest's capture swallows Qt's explanation (stack-notes §1.3).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
