"""Test set-up: the GUI tests run without a display (Qt's offscreen platform).

The variable must be set before anything imports Qt, hence here, at the top.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# the window keeps its layout in QSettings (~/.config on Linux): never the user's, in tests
import tempfile  # noqa: E402

os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="logit-gui-test-config-")
