"""Everything the user can set, as plain immutable values (Qt-free).

The control dock and the command line produce these; :mod:`.pipeline` turns
them into core calls (data → :func:`~logit_gui.core.datasets.load_dataset`,
model → :func:`~logit_gui.core.problem.build_problem`, optimizer →
:func:`~logit_gui.core.optimizers.make_optimizer`), the same way for the app,
``logit-gui train`` and ``logit-gui render``. :class:`DisplaySettings` holds
the theme and each panel's display options (plain values, so a session file
can keep them; each panel's ``Options`` dataclass reads them back). Which group changed
decides what happens to the run: new data or features reset it; a new model,
optimizer or penalty continue from the current weights unless "restart on
change" is on (or the number of parameters changed).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

__all__ = ["DataSettings", "ModelSettings", "OptimizerSettings", "RunSettings", "DisplaySettings", "Settings",
           "SPEEDS", "SCHEMA_VERSION", "THEMES"]

#: the version of this schema (sessions written by a newer one are refused, older ones migrated)
SCHEMA_VERSION = 1

#: the themes a figure or the window can be drawn in
THEMES = ("light", "dark")

#: iterations per second offered by the speed control; None = as fast as possible
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, None)


@dataclass(frozen=True)
class DataSettings:
    source: str = "moons"          # a generator, a bundled dataset, "csv" or "npz"
    path: str | None = None        # the file of a "csv" or "npz" source
    target: str | None = None      # CSV: the class column (name or 0-based index); None: the last
    drop_missing: bool = False     # CSV: drop rows with empty/NaN cells
    n: int = 300
    noise: float = 0.2
    classes: int = 2
    imbalance: float = 1.0
    label_noise: float = 0.0
    outliers: float = 0.0
    seed: int = 0
    positive: str | None = None    # a class label: "label vs rest" (binary); None: all classes
    test_fraction: float = 0.25
    degree: int = 3
    standardize: bool = True
    view_features: tuple | None = None  # two input columns for the 2-D view; None: default (PCA beyond 2-D)


@dataclass(frozen=True)
class ModelSettings:
    kind: str = "auto"             # auto | softmax | ovr  (two classes: always binary)
    class_weight: object = None    # None | "balanced" | (α0, α1, ...)
    l2: float = 1e-3
    l1: float = 0.0
    fit_intercept: bool = True


@dataclass(frozen=True)
class OptimizerSettings:
    method: str = "gd"
    params: tuple = (("lr", 0.5),)  # ((name, value), ...) for the method's parameters

    def as_dict(self) -> dict:
        return dict(self.params)


@dataclass(frozen=True)
class RunSettings:
    speed: int | None = 50         # iterations per second; None: as fast as possible
    max_iter: int = 2000
    tol: float = 1e-6
    restart_on_change: bool = False


@dataclass(frozen=True)
class DisplaySettings:
    """How things are drawn: theme, presentation scale, and each panel's options.

    ``panels`` is ``((panel id, ((option, value), ...)), ...)``: plain values, so
    the settings stay hashable and a session file can keep them. Read one panel's
    options with :meth:`options`, change them with :meth:`with_options`.

    Options named in :data:`SHARED` (the decision threshold) are one value for
    every panel: a panel whose ``Options`` has such a field reads it from here,
    and setting it in one panel sets it for all (the ROC curve's threshold moves
    the boundary's p = t contour and the confusion matrix).
    """

    theme: str = "light"
    presentation: bool = False
    panels: tuple = ()
    threshold: float = 0.5   # the decision threshold t: predict class 1 when p ≥ t (binary)

    #: option names that are display-wide, not per panel
    SHARED = ("threshold",)

    def options(self, panel_id: str, cls):
        """Panel ``panel_id``'s options as its ``cls`` (a dataclass); unknown names are ignored."""
        stored = dict(dict(self.panels).get(panel_id, ()))
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in stored.items() if k in names and k not in self.SHARED}
        values.update({k: getattr(self, k) for k in self.SHARED if k in names})
        return cls(**values)

    def with_options(self, panel_id: str, options) -> "DisplaySettings":
        own = tuple((f.name, getattr(options, f.name)) for f in fields(options) if f.name not in self.SHARED)
        shared = {f.name: getattr(options, f.name) for f in fields(options) if f.name in self.SHARED}
        panels = dict(self.panels)
        panels[panel_id] = own
        return replace(self, panels=tuple(sorted(panels.items())), **shared)


@dataclass(frozen=True)
class Settings:
    data: DataSettings = field(default_factory=DataSettings)
    model: ModelSettings = field(default_factory=ModelSettings)
    optimizer: OptimizerSettings = field(default_factory=OptimizerSettings)
    run: RunSettings = field(default_factory=RunSettings)
    display: DisplaySettings = field(default_factory=DisplaySettings)
