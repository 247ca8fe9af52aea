"""What each panel draws for a frame: pure, Qt-free functions.

:mod:`.base` fixes, per problem, a :class:`View` (the grid over the plane, the
samples on screen) and computes, per shown iterate, a :class:`Frame` (what
several panels share: probabilities on the grid, predictions, accuracies).
Each panel then has a module here with its ``Options`` (a frozen dataclass of
display options, kept in the settings) and ``compute(view, history, frame,
options)``, which returns the arrays its pyqtgraph items are set to. The items
(:mod:`logit_gui.render.panels`) do no arithmetic beyond that.
"""

from .base import MAX_POINTS, Frame, View, axis_labels, make_frame, make_view

__all__ = ["View", "Frame", "make_view", "make_frame", "axis_labels", "MAX_POINTS"]
