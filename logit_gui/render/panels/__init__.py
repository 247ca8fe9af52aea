"""The panels, one module each, named after the panel's id.

Importing this package imports no panel (and no Qt): :func:`panel_ids` lists
them from the module names (the command line's ``--panel`` choices stay
Qt-free), :func:`load_all` imports them, and each module registers itself
with :func:`logit_gui.render.panel.register`.
"""

from __future__ import annotations

import importlib
import pkgutil

__all__ = ["panel_ids", "load_all"]


def panel_ids() -> list[str]:
    """Every panel's id (its module's name), alphabetically."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def load_all() -> None:
    for name in panel_ids():
        importlib.import_module(f"{__name__}.{name}")
