"""The panels, one module each; importing this package registers them all
(the order here is the default layout's and the View menu's)."""

from . import boundary, loss, sigmoid  # noqa: F401

__all__ = ["boundary", "loss", "sigmoid"]
