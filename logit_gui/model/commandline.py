"""The command line that reproduces a run: File → "Copy as command". Qt-free.

:func:`command_line` writes ``logit-gui train …`` or ``logit-gui render …``
with every option the settings need — the data source and its generator
arguments, features, model, penalty, class weights, the optimizer with each of
its parameters, the stopping rule — so that running it trains the same model:
the command line's own parser reads it back into the same settings (a test
checks that, for every optimizer). Only what the command line has no use for
is left out: the app's speed, "restart on change", and the panels' display
options (theme and presentation are ``render`` options and are kept).
"""

from __future__ import annotations

import dataclasses
import shlex

from logit_gui.core import datasets
from logit_gui.core.optimizers import OPTIMIZER_PARAMS

from .settings import DataSettings, RunSettings, Settings

__all__ = ["command_line", "command_args", "effective"]

#: an optimizer parameter → its command-line flag
_FLAGS = {"lr": "--lr", "batch_size": "--batch-size", "beta": "--momentum", "beta1": "--beta1", "beta2": "--beta2",
          "rho": "--rho", "eps": "--eps", "memory": "--memory"}


def _num(v) -> str:
    return repr(float(v)) if isinstance(v, float) else str(v)


def effective(s: Settings) -> Settings:
    """``s`` as far as a run on the command line is concerned: the parameters the method
    uses (not None), no app-only run or display settings."""
    o = s.optimizer
    used = OPTIMIZER_PARAMS.get(o.method, ())
    params = tuple(sorted((k, v) for k, v in o.params if k in used and v is not None and k != "seed"))
    seed = dict(o.params).get("seed") if "seed" in used else None
    if "seed" in used:  # mini-batches: the command line draws them with --seed
        params += (("seed", s.data.seed if seed is None else seed),)
    kind = s.model.kind if s.model.kind != "auto" else "softmax"
    cw = s.model.class_weight
    cw = None if cw in (None, "none") else (cw if isinstance(cw, str) else tuple(float(a) for a in cw))
    d = s.data
    if d.source not in datasets.GENERATORS:  # a generator's arguments mean nothing for other data
        base = DataSettings()
        d = dataclasses.replace(d, n=base.n, noise=base.noise, classes=base.classes, imbalance=base.imbalance,
                                label_noise=base.label_noise, outliers=base.outliers)
    return Settings(d, dataclasses.replace(s.model, kind=kind, class_weight=cw),
                    dataclasses.replace(o, params=params),
                    RunSettings(max_iter=s.run.max_iter, tol=s.run.tol))


def command_args(s: Settings, kind: str = "train", *, iterations: int | None = None,
                 out: str | None = None, panels=None) -> list[str]:
    """The arguments after ``logit-gui`` (see :func:`command_line`)."""
    d, m, o, r = s.data, s.model, s.optimizer, s.run
    args = [kind]
    if d.source in ("csv", "npz"):
        args += [f"--{d.source}", str(d.path)]
        if d.target is not None:
            args += ["--target", str(d.target)]
        if d.drop_missing:
            args.append("--drop-missing")
    else:
        args += ["--dataset", d.source]
        if d.source in datasets.GENERATORS:
            args += ["--n", str(d.n), "--noise", _num(d.noise), "--classes", str(d.classes),
                     "--imbalance", _num(d.imbalance)]
            if d.label_noise:
                args += ["--label-noise", _num(d.label_noise)]
            if d.outliers:
                args += ["--outliers", _num(d.outliers)]
    if d.positive is not None:
        args += ["--positive", str(d.positive)]
    args += ["--features", f"poly:{d.degree}" if d.degree > 1 else "linear"]
    if d.standardize:
        args.append("--standardize")
    if d.test_fraction:
        args += ["--test-fraction", _num(d.test_fraction)]
    args += ["--seed", str(d.seed)]
    if d.view_features is not None:
        args += ["--view", ",".join(str(int(i)) for i in d.view_features)]
    if m.kind in ("softmax", "ovr"):
        args += ["--multiclass", m.kind]
    cw = m.class_weight
    if cw not in (None, "none"):
        args += ["--class-weight", cw if isinstance(cw, str) else ",".join(_num(float(a)) for a in cw)]
    if m.l2:
        args += ["--l2", _num(m.l2)]
    if m.l1:
        args += ["--l1", _num(m.l1)]
    if not m.fit_intercept:
        args.append("--no-intercept")
    args += ["--optimizer", o.method]
    used = OPTIMIZER_PARAMS.get(o.method, ())
    for k, v in o.params:
        if k in used and v is not None and k in _FLAGS:
            args += [_FLAGS[k], _num(v)]
    seed = dict(o.params).get("seed")
    if "seed" in used and seed is not None and int(seed) != int(d.seed):
        args += ["--batch-seed", str(int(seed))]
    args += ["--max-iter", str(r.max_iter), "--tol", _num(r.tol)]
    if kind == "render":
        disp = s.display
        if iterations is not None:
            args += ["--iterations", str(iterations)]
        if panels:
            args += ["--panel", ",".join(panels)]
        if disp.theme != "light":
            args += ["--theme", disp.theme]
        if disp.presentation:
            args.append("--presentation")
        args += ["--out", out or "figure.png"]
    return args


def command_line(s: Settings, kind: str = "train", **kw) -> str:
    """``logit-gui train …`` (or ``render …``: the shown ``iterations``, ``panels``, ``out``),
    quoted for a POSIX shell."""
    return " ".join(shlex.quote(a) for a in ["logit-gui", *command_args(s, kind, **kw)])
