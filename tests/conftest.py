"""Test set-up: the GUI tests run without a display (Qt's offscreen platform).

The variable must be set before anything imports Qt, hence here, at the top.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
