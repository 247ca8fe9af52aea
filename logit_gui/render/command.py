"""``logit-gui render``: the app's panels as a figure file, without a display.

::

    logit-gui render [train's data/model/optimizer options] [--iterations N]
        [--panel NAME|all] --out FILE [--scale S] [--theme light|dark] [--presentation] [--size WxH]
        [--frames A:B[:STEP]] [--fps F]

Given no data option (--csv, --npz, --dataset) it draws the app's opening
scenario (moons, cubic features, gd, the app's defaults), with any other
option given applied on top; given a data option it takes ``train``'s options
and defaults, so the same options train the same model. The run is stepped
``--iterations`` times (fewer if it stops earlier) by the same pipeline as the
app, and the panels are the app's items (:mod:`logit_gui.render.panels`),
drawn offscreen — Qt's offscreen platform is chosen here whatever DISPLAY
says, and no window is ever shown.

``--out run.gif`` or ``run.mp4`` animates the timeline
(:mod:`logit_gui.render.animate`): the iterations A to B (both included) every
STEP of ``--frames`` (default: the whole run, about 100 frames), at ``--fps``
frames a second (default 10). Without ``--iterations`` the run is trained to
B; a run that stops before B is animated to where it stopped. MP4 needs the
optional extra ``video`` (imageio-ffmpeg); the message says so. On a terminal
a bar on stderr shows the progress.

This module imports Qt only inside :func:`run`: building the command line
stays Qt-free.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re

__all__ = ["add_parser", "run", "panel_choice"]

_DATA_SOURCES = ("csv", "npz", "dataset")
_RUN_DESTS: dict = {}


def _size(text: str):
    m = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"--size must be WIDTHxHEIGHT in pixels, e.g. 1200x800, got {text!r}")
    w, h = int(m.group(1)), int(m.group(2))
    if not (100 <= w <= 8000 and 100 <= h <= 8000):
        raise argparse.ArgumentTypeError(f"--size: each side must be 100 to 8000 pixels, got {w}x{h}")
    return w, h


def _scale(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--scale must be a number, got {text!r}") from None
    if not 1.0 <= v <= 4.0:
        raise argparse.ArgumentTypeError(f"--scale must be between 1 and 4, got {text}")
    return v


def _iterations(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--iterations must be an integer, got {text!r}") from None
    if not 0 <= v <= 10_000_000:
        raise argparse.ArgumentTypeError(f"--iterations must be between 0 and 10000000, got {v}")
    return v


def _frames(text: str):
    from .animate import AnimationError, parse_frames

    try:
        return parse_frames(text)
    except AnimationError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _fps(text: str) -> float:
    from .animate import AnimationError, check_fps

    try:
        return check_fps(text)
    except AnimationError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def add_parser(sub, add_run_options) -> argparse.ArgumentParser:
    r = sub.add_parser(
        "render", help="draw the app's panels after N iterations to a PNG, SVG or PDF file, or the "
                       "timeline as a GIF or MP4 (no display needed)",
        description="Draw the app's panels to a figure file. Without --csv/--npz/--dataset: the app's "
                    "opening scenario (moons, cubic features, gd).",
    )
    add_run_options(r, render=True)
    # the run options default to "not given": the base is the app's scenario or train's defaults
    for action in r._actions:
        if action.dest not in ("help",):
            _RUN_DESTS[action.dest] = action.default
            action.default = argparse.SUPPRESS
    r.add_argument("--compare", metavar="OPT,OPT[,…]",
                   help="an optimizer race from the same start, e.g. gd,gd-lipschitz,newton,bfgs,adam "
                        "(parameters after a colon: adam:lr=0.05): curves in loss, paths in landscape, "
                        "the table in race")
    r.add_argument("--iterations", type=_iterations, default=None, metavar="N",
                   help="iterations to train before drawing (default 100; for an animation: B of --frames)")
    from .panels import panel_ids  # module names: no Qt imported

    r.add_argument("--panel", default="all", metavar="NAME[,NAME…]|all",
                   help="the panel(s) to draw: " + ", ".join(panel_ids())
                        + "; or all (default): the panels the app opens with")
    r.add_argument("--out", required=True, metavar="FILE",
                   help="the figure: .png, .svg or .pdf; an animation of the timeline: .gif or .mp4 "
                        "(MP4 needs the extra: pip install 'logit-gui[video]')")
    r.add_argument("--scale", type=_scale, default=1.0, metavar="S",
                   help="PNG, GIF, MP4: 1 to 4 times the size; lines, markers and text grow with it (default 1)")
    r.add_argument("--theme", choices=("light", "dark"), default="light", help="colours (default light)")
    r.add_argument("--presentation", action="store_true",
                   help="larger fonts, lines and markers, for the back of a hall")
    r.add_argument("--size", type=_size, metavar="WxH",
                   help="figure size in pixels before --scale (default 800x600 for one panel, 1400x800 for all)")
    r.add_argument("--frames", type=_frames, metavar="A:B[:STEP]",
                   help="GIF/MP4: one frame every STEP iterations from A to B, both included "
                        "(default: 0 to --iterations, about 100 frames)")
    r.add_argument("--fps", type=_fps, metavar="F", help="GIF/MP4: frames per second (default 10; a GIF at most 50)")
    return r


def panel_choice(text: str) -> list[str] | None:
    """The panel ids named by ``--panel`` (None for "all"); DataError for an unknown one."""
    from logit_gui.core.errors import DataError

    from .panels import panel_ids

    if text.strip() == "all":
        return None
    known = panel_ids()
    ids = [p.strip() for p in text.split(",") if p.strip()]
    bad = [p for p in ids if p not in known]
    if bad or not ids:
        raise DataError(f"--panel: unknown panel {(bad or [text])[0]!r} (panels: {', '.join(known)}, all)")
    return list(dict.fromkeys(ids))


def settings_for(args, train_settings):
    """The settings ``render``'s options describe (see the module's docstring)."""
    from logit_gui.model.settings import Settings

    given = {k: v for k, v in vars(args).items() if k in _RUN_DESTS}
    if "session" in given:  # the session is the run: nothing else that describes it beside it
        ns = argparse.Namespace(**{**_RUN_DESTS, **given})
        settings = train_settings(ns)
        args._session = getattr(ns, "_session", None)
        return settings
    if any(k in given for k in _DATA_SOURCES):
        ns = argparse.Namespace(**{**_RUN_DESTS, **given})
        return train_settings(ns)
    s = Settings()
    d, m, o, r = s.data, s.model, s.optimizer, s.run
    data_fields = {"n": "n", "noise": "noise", "classes": "classes", "imbalance": "imbalance",
                   "label_noise": "label_noise", "outliers": "outliers", "seed": "seed", "positive": "positive",
                   "test_fraction": "test_fraction", "features": "degree", "standardize": "standardize"}
    d = dataclasses.replace(d, **{data_fields[k]: v for k, v in given.items() if k in data_fields})
    mchanges = {k: given[k] for k in ("l2", "l1") if k in given}
    if "multiclass" in given:
        mchanges["kind"] = given["multiclass"]
    if "class_weight" in given:
        mchanges["class_weight"] = None if given["class_weight"] == "none" else given["class_weight"]
    if "no_intercept" in given:
        mchanges["fit_intercept"] = not given["no_intercept"]
    m = dataclasses.replace(m, **mchanges)
    params = {} if "optimizer" in given else o.as_dict()
    for k in ("lr", "batch_size", "beta", "memory", "seed"):
        if k in given and given[k] is not None:
            params[k] = given[k]
    o = dataclasses.replace(o, method=given.get("optimizer", o.method), params=tuple(params.items()))
    r = dataclasses.replace(r, **{k: given[k] for k in ("max_iter", "tol") if k in given})
    return dataclasses.replace(s, data=d, model=m, optimizer=o, run=r)


def _format(path: str) -> tuple[str, bool]:
    """(format, is an animation) from ``--out``'s extension; ExportError naming every format."""
    from .animate import animation_format
    from .export import ExportError, format_of

    anim = animation_format(path)
    if anim is not None:
        return anim, True
    try:
        return format_of(path), False
    except ExportError as e:
        raise ExportError(f"{e}, or .gif or .mp4 for an animation") from None


def run(args, train_settings) -> int:
    """Train, draw, export. Bad input raises LogitError (the CLI: one line, exit 2)."""
    from logit_gui.core.errors import DataError
    from logit_gui.core.fileio import check_output
    from logit_gui.core.optimizers import check_optimizer

    chosen = panel_choice(args.panel)
    check_output(args.out)  # '' first: "empty", not "unknown format"
    fmt, animated = _format(args.out)  # before training: a bad place is reported at once
    frames = getattr(args, "frames", None)
    fps = getattr(args, "fps", None)
    if not animated and (frames is not None or fps is not None):
        raise DataError(f"{'--frames' if frames is not None else '--fps'} is for an animation: "
                        f"--out must end in .gif or .mp4, not .{fmt}")
    anim = _check_animation(args, fmt, chosen) if animated else None
    iterations = args.iterations if args.iterations is not None else (anim["iterations"] if anim else 100)
    settings = settings_for(args, train_settings)
    check_optimizer(settings.optimizer.method, l1=settings.model.l1)
    racers = None
    if getattr(args, "compare", None):
        from logit_gui.model.race import parse_compare

        racers = parse_compare(args.compare)
        for o in racers:
            check_optimizer(o.method, l1=settings.model.l1)
    from logit_gui.model.pipeline import build, train_to

    session = getattr(args, "_session", None)
    source = None
    if session is not None:
        from logit_gui.model.session import embedded_dataset

        source = embedded_dataset(session)
        if chosen is None and session.panels:  # "all": the panels the session shows
            from .panels import panel_ids

            chosen = [p for p in session.panels if p in panel_ids()] or None
    built = build(settings, source=source)
    run_ = train_to(built, iterations)

    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # whatever DISPLAY says: never a window
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["logit-gui render"])
    from logit_gui.model.frames import make_frame, make_view

    from .export import write_figure
    from .figure import Figure, panel_size
    from .panel import default_panels, registry
    from .theme import get_theme

    reg = registry()
    ids = default_panels() if chosen is None else chosen
    scale = args.scale if fmt in ("png", "gif", "mp4") else 1.0
    w, h = args.size or panel_size(len(ids))
    theme = get_theme(args.theme, presentation=args.presentation, scale=scale)
    from logit_gui.model.frames.base import source_rows

    d = settings.data
    view = make_view(built.problem, d.view_features,
                     source=source_rows(built.source, built.dataset, d.test_fraction, d.seed))
    if racers:
        import dataclasses

        from logit_gui.model.race import run_race

        view = dataclasses.replace(view, race=run_race(built.problem, racers, settings.run, max_iter=iterations))
    it = run_.history.latest
    done = f"{settings.optimizer.method} ({run_.status}, J = {it.objective:.6g})"
    if animated:
        return _animate(args, anim, ids, theme, (round(w * scale), round(h * scale)), view, run_, settings, done)
    frame = make_frame(view, it)
    fig = Figure(ids, theme, (round(w * scale), round(h * scale)))
    try:
        fig.draw(view, run_.history, frame, settings.display)
        title = ", ".join(reg[p].title for p in ids)
        write_figure(fig, args.out, title=f"logit-gui: {title}")
    finally:
        fig.close()
        app.processEvents()
    print(f"{args.out}: {', '.join(ids)} after {it.k} iterations of {done}")
    return 0


def _check_animation(args, fmt: str, chosen) -> dict:
    """What can be checked of an animation before training (frames, fps, size, the encoder)."""
    from .animate import (
        DEFAULT_FPS,
        AnimationError,
        check_fps,
        check_frame_count,
        check_gif_size,
        check_writer,
        default_frames,
        frame_count,
        frame_size,
    )
    from .figure import panel_size

    check_writer(fmt, args.out)  # a missing extra is said before any work
    fps = check_fps(args.fps if args.fps is not None else DEFAULT_FPS, fmt)
    fr = args.frames
    if fr is None:
        iterations = args.iterations if args.iterations is not None else 100
        fr = default_frames(iterations)
    else:
        iterations = args.iterations if args.iterations is not None else (fr.stop if fr.stop is not None else 100)
    start = fr.start or 0
    stop = fr.stop if fr.stop is not None else iterations
    if stop > iterations:
        raise AnimationError(f"--frames {fr.start if fr.start is not None else ''}:{fr.stop}: iteration {stop} "
                             f"is after --iterations {iterations}")
    if start > stop:
        raise AnimationError(f"--frames: iteration {start} is after the last one, {stop}")
    n = frame_count(start, stop, fr.step)
    check_frame_count(n, start, stop)
    n_panels = 3 if chosen is None else len(chosen)
    w, h = args.size or panel_size(n_panels)
    scale = args.scale
    if fmt == "gif":
        check_gif_size(n, *frame_size(w * scale, h * scale, fmt))
    return {"frames": fr, "fps": fps, "iterations": iterations}


def _animate(args, anim, ids, theme, size, view, run_, settings, done: str) -> int:
    import sys

    from .animate import TerminalProgress, animation_format, export_animation, frame_size, plan_frames

    plan = plan_frames(run_.history.curves()[0], anim["frames"])
    bar = TerminalProgress(sys.stderr, label=os.path.basename(args.out)) if TerminalProgress.wanted() else None
    try:
        n = export_animation(args.out, ids, theme, size, view, run_.history, plan, settings.display,
                             fps=anim["fps"], progress=bar)
    finally:
        if bar is not None:
            bar.close()
    w, h = frame_size(*size, animation_format(args.out))
    every = f", every {plan.step}" if plan.step > 1 else ""
    note = f" (the run stopped at iteration {plan.stop}, before {plan.asked_stop})" if plan.clamped else ""
    print(f"{args.out}: {', '.join(ids)}, {n} frames of {w}×{h} at {anim['fps']:g} fps: iterations "
          f"{plan.ks[0]} to {plan.ks[-1]}{every} of {done}{note}")
    return 0
