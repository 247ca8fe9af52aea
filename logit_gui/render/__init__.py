"""Drawing, with no window: themes, the panel contract, the panels as pyqtgraph
item trees, figures of one or all panels, and export to PNG, SVG and PDF.

The app docks these items in its window; ``logit-gui render`` draws the same
items offscreen. Qt is imported here, never by :mod:`logit_gui.core` or
:mod:`logit_gui.model`.
"""
