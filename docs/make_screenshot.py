"""Re-make assets/screenshot.png (the README's picture of the window): the window at 1280 × 720 (a projector), offscreen,
after 150 iterations of the opening scenario.  Run: python docs/make_screenshot.py"""

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()  # the default layout, not yours

from PySide6.QtWidgets import QApplication  # noqa: E402

from logit_gui.app.main_window import MainWindow  # noqa: E402
from logit_gui.model.settings import RunSettings, Settings  # noqa: E402

app = QApplication(sys.argv)
w = MainWindow(Settings(run=RunSettings(speed=None, max_iter=150)))
w.resize(1280, 720)
w.show()
w.controller.play()
t0 = time.monotonic()
while time.monotonic() - t0 < 20 and not (w.controller.run.finished and w.controller.frame.iterate.k >= 150):
    app.processEvents()
for _ in range(20):
    app.processEvents()
out = Path(__file__).resolve().parents[1] / "assets" / "screenshot.png"
w.save_image(str(out))
print(out)
w.close()
app.processEvents()
