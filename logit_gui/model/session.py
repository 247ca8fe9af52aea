"""Session files (``*.logit.json``): everything needed to show the same run again. Qt-free.

A session holds the settings (data source with its generator arguments and
seed, a bundled set's name, or a file's path with its SHA-256 — or the rows
themselves with "embed data"), the features, model, optimizer, run and display
settings (theme, presentation, each panel's options), which panels are shown,
the timeline cursor and, optionally, the recorded history (compact: one row
of numbers per iterate). Runs are deterministic given the settings, so
opening a session and running it again gives bit-identical coefficients.

The file is JSON with a ``format`` marker and a ``version``. A newer version
is refused ("written by a newer logit-gui"); older ones are migrated. Every
problem reading one — not JSON (with line and column), a field of the wrong
kind, a data file that is missing or has changed since the session was saved
— raises :class:`SessionError` with one line that names the file. Writing goes
through :func:`logit_gui.core.fileio.write_output` (temporary file, then
rename).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import json
import math
import os
from dataclasses import dataclass, fields

import numpy as np

from logit_gui.core.errors import DataError, LogitError

from .settings import (
    SCHEMA_VERSION,
    DataSettings,
    DisplaySettings,
    ModelSettings,
    OptimizerSettings,
    RunSettings,
    Settings,
)

__all__ = ["Session", "SessionError", "save_session", "load_session", "session_to_dict", "session_from_dict",
           "settings_to_dict", "settings_from_dict", "file_checksum", "SUFFIX", "FORMAT"]

FORMAT = "logit-gui session"
SUFFIX = ".logit.json"


class SessionError(LogitError):
    """A session file that cannot be read or written: the message names it."""


@dataclass(frozen=True, eq=False)
class Session:
    settings: Settings
    panels: tuple = ()                 # ids of the panels shown (empty: the app's default)
    cursor_k: int | None = None        # the iteration on screen (None: the newest)
    history: np.ndarray | None = None  # (n_iterates, 3 + p): k, J, ‖∇J‖∞, θ (compact, optional)
    embedded: dict | None = None       # {"X": …, "y": …, "classes": …, "feature_names": …} (embed data)
    checksum: str | None = None        # SHA-256 of the data file when the session was saved
    layout: str | None = None          # the window's dock state (base64), app only


# ----------------------------------------------------------------------
# settings <-> plain JSON values
# ----------------------------------------------------------------------
def _plain(v):
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, (np.generic,)):
        return v.item()
    return v


def settings_to_dict(s: Settings) -> dict:
    out = {}
    for group in ("data", "model", "optimizer", "run"):
        g = getattr(s, group)
        out[group] = {f.name: _plain(getattr(g, f.name)) for f in fields(g)}
    out["optimizer"]["params"] = {k: _plain(v) for k, v in s.optimizer.params}
    d = s.display
    out["display"] = {"theme": d.theme, "presentation": d.presentation, "threshold": d.threshold,
                      "panels": {pid: {k: _plain(v) for k, v in items} for pid, items in d.panels}}
    return out


def _group(cls, values: dict, where: str):
    if not isinstance(values, dict):
        raise SessionError(f"{where}: expected an object, got {type(values).__name__}")
    names = {f.name: f for f in fields(cls)}
    kw = {}
    for k, v in values.items():
        if k not in names:
            continue  # a field of another version: ignored
        default = names[k].default
        if isinstance(v, list):
            v = tuple(tuple(x) if isinstance(x, list) else x for x in v)
        if isinstance(default, bool) and not isinstance(v, bool):
            raise SessionError(f"{where}.{k}: expected true or false, got {v!r}")
        if isinstance(default, (int, float)) and not isinstance(default, bool) and v is not None:
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                raise SessionError(f"{where}.{k}: expected a number, got {v!r}")
            v = type(default)(v) if isinstance(default, float) or float(v).is_integer() else v
        kw[k] = v
    return cls(**kw)


def settings_from_dict(d: dict) -> Settings:
    if not isinstance(d, dict):
        raise SessionError("settings: expected an object")
    data = _group(DataSettings, d.get("data", {}), "settings.data")
    model = _group(ModelSettings, d.get("model", {}), "settings.model")
    opt = d.get("optimizer", {})
    if not isinstance(opt, dict) or not isinstance(opt.get("params", {}), dict):
        raise SessionError("settings.optimizer: expected an object with a params object")
    optimizer = OptimizerSettings(str(opt.get("method", OptimizerSettings.method)),
                                  tuple((str(k), v) for k, v in opt.get("params", {}).items()))
    run = _group(RunSettings, d.get("run", {}), "settings.run")
    disp = d.get("display", {})
    if not isinstance(disp, dict):
        raise SessionError("settings.display: expected an object")
    panels = disp.get("panels", {})
    if not isinstance(panels, dict):
        raise SessionError("settings.display.panels: expected an object")
    display = DisplaySettings(
        theme=str(disp.get("theme", "light")), presentation=bool(disp.get("presentation", False)),
        threshold=float(disp.get("threshold", 0.5)),
        panels=tuple(sorted((str(pid), tuple((str(k), v) for k, v in (opts or {}).items()))
                            for pid, opts in panels.items())),
    )
    return Settings(data, model, optimizer, run, display)


# ----------------------------------------------------------------------
# files
# ----------------------------------------------------------------------
def file_checksum(path: str) -> str:
    """SHA-256 of a regular file's bytes (hex)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _array_b64(a: np.ndarray) -> dict:
    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(a), allow_pickle=False)
    return {"npy": base64.b64encode(buf.getvalue()).decode("ascii")}


def _array_from(v, where: str) -> np.ndarray:
    try:
        raw = base64.b64decode(v["npy"], validate=True)
        return np.load(io.BytesIO(raw), allow_pickle=False)
    except Exception:
        raise SessionError(f"{where}: not a stored array (the file is corrupt)") from None


def session_to_dict(s: Session) -> dict:
    out = {"format": FORMAT, "version": SCHEMA_VERSION, "settings": settings_to_dict(s.settings)}
    out["panels"] = list(s.panels)
    out["cursor"] = {"k": s.cursor_k}
    if s.checksum:
        out["data_checksum"] = s.checksum
    if s.embedded is not None:
        e = s.embedded
        out["embedded_data"] = {"X": _array_b64(np.asarray(e["X"], dtype=np.float64)),
                                "y": _array_b64(np.asarray(e["y"])),
                                "classes": [_plain(c) if not isinstance(c, str) else c for c in e["classes"]],
                                "feature_names": list(map(str, e["feature_names"])),
                                "name": str(e.get("name", "embedded"))}
    if s.history is not None:
        out["history"] = _array_b64(np.asarray(s.history, dtype=np.float64))
    if s.layout:
        out["layout"] = s.layout
    return out


def _migrate(d: dict, path: str) -> dict:
    """Bring an older session up to :data:`SCHEMA_VERSION` (version 1 is the first)."""
    return d


def session_from_dict(d: dict, path: str = "session") -> Session:
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise SessionError(f"{path}: not a logit-gui session (no \"format\": \"{FORMAT}\")")
    version = d.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SessionError(f"{path}: the session has no valid version number")
    if version > SCHEMA_VERSION:
        raise SessionError(f"{path}: written by a newer logit-gui (session version {version}; "
                           f"this one reads up to {SCHEMA_VERSION}): update logit-gui")
    d = _migrate(d, path)
    try:
        settings = settings_from_dict(d.get("settings"))
    except SessionError as e:
        raise SessionError(f"{path}: {e}") from None
    except (TypeError, ValueError) as e:
        raise SessionError(f"{path}: bad settings ({e})") from None
    panels = d.get("panels", [])
    if not isinstance(panels, list) or not all(isinstance(p, str) for p in panels):
        raise SessionError(f"{path}: panels: expected a list of panel names")
    cursor = d.get("cursor", {}) or {}
    k = cursor.get("k") if isinstance(cursor, dict) else None
    if k is not None and (not isinstance(k, int) or isinstance(k, bool) or k < 0):
        raise SessionError(f"{path}: cursor.k: expected an iteration number, got {k!r}")
    embedded = None
    if "embedded_data" in d:
        e = d["embedded_data"]
        if not isinstance(e, dict):
            raise SessionError(f"{path}: embedded_data: expected an object")
        embedded = {"X": _array_from(e.get("X", {}), f"{path}: embedded_data.X"),
                    "y": _array_from(e.get("y", {}), f"{path}: embedded_data.y"),
                    "classes": tuple(e.get("classes", ())), "feature_names": tuple(e.get("feature_names", ())),
                    "name": str(e.get("name", "embedded"))}
    history = _array_from(d["history"], f"{path}: history") if "history" in d else None
    return Session(settings, tuple(panels), k, history, embedded, d.get("data_checksum"), d.get("layout"))


def save_session(path: str, session: Session) -> None:
    """Write ``session`` to ``path`` (``*.logit.json``), never half-written."""
    from logit_gui.core.fileio import write_output

    if not str(path).endswith(SUFFIX):
        raise SessionError(f"{path}: a session file ends in {SUFFIX}")
    text = json.dumps(session_to_dict(session), indent=1, allow_nan=False) + "\n"
    write_output(path, text)


def load_session(path: str, *, check_data: bool = True) -> Session:
    """Read a session file; with ``check_data``, its data file must exist and be unchanged."""
    if not str(path).endswith(SUFFIX):
        raise SessionError(f"{path}: not a session file (a session file ends in {SUFFIX})")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(64 << 20)
    except FileNotFoundError:
        raise SessionError(f"{path}: no such file") from None
    except OSError as e:
        raise SessionError(f"{path}: {e.strerror or e}") from None
    try:
        d = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SessionError(f"{path}: not a text file (a session is JSON)") from None
    except json.JSONDecodeError as e:
        body = raw.rstrip()
        truncated = e.pos >= len(body) or not body.endswith(b"}")
        what = "it ends too early (truncated?)" if truncated else e.msg
        raise SessionError(f"{path}: line {e.lineno}, column {e.colno}: not valid JSON: {what}") from None
    s = session_from_dict(d, path)
    data = s.settings.data
    if check_data and s.embedded is None and data.source in ("csv", "npz") and data.path:
        folder = os.path.dirname(os.path.abspath(path))
        file = data.path if os.path.isabs(data.path) else os.path.join(folder, data.path)
        if not os.path.isfile(file):
            raise SessionError(f"{path}: its data file {data.path} is missing")
        if s.checksum and file_checksum(file) != s.checksum:
            raise SessionError(f"{path}: its data file {data.path} has changed since the session was saved "
                               "(checksum differs)")
        if file != data.path:
            s = dataclasses.replace(s, settings=dataclasses.replace(
                s.settings, data=dataclasses.replace(data, path=file)))
    return s


def embedded_dataset(s: Session):
    """The embedded rows as a core Dataset (None when the data are not embedded)."""
    if s.embedded is None:
        return None
    from logit_gui.core.datasets import Dataset

    e = s.embedded
    try:
        return Dataset(X=e["X"], y=e["y"], classes=e["classes"], feature_names=e["feature_names"], name=e["name"])
    except (DataError, ValueError, TypeError) as exc:
        raise SessionError(f"embedded data: {exc}") from None


def embed(dataset) -> dict:
    """A data set's rows for :attr:`Session.embedded`."""
    return {"X": np.asarray(dataset.X, dtype=np.float64), "y": np.asarray(dataset.y), "classes": dataset.classes,
            "feature_names": dataset.feature_names, "name": dataset.name}


def compact_history(history) -> np.ndarray:
    """(n, 3 + p): k, J, ‖∇J‖∞ and θ = (coef, intercept) flattened, one row per recorded iterate."""
    rows = []
    for i in range(len(history)):
        it = history[i]
        theta = np.concatenate([np.ravel(it.coef), np.ravel(it.intercept)])
        rows.append(np.concatenate([[it.k, it.objective, it.grad_norm], theta]))
    return np.vstack(rows) if rows else np.empty((0, 3))


__all__ += ["embedded_dataset", "embed", "compact_history"]

