"""The controller: the one place where the user's commands reach the trainer.

Data flows one way — settings → dataset → problem → optimizer → run (a stream
of iterates in a history) → cursor → frame → panels — and only commands flow
back: play, pause, step, seek, reset, a changed setting, a CSV file. The
controller owns the trainer thread, the current run and the cursor (which
iterate of the history is on screen), and redraws at display rate: however
fast the trainer goes, at most ``MAX_FPS`` frames a second are computed and
drawn, always of the newest iterate.

Qt signals out (all emitted on the GUI thread):
``viewChanged(View)``, ``historyChanged(History)``, ``frameChanged(Frame)``,
``statusChanged(dict)``, ``message(str, str)`` (text, level) and
``playingChanged(bool)``.
"""

from __future__ import annotations

import atexit
import dataclasses
import logging
import math
import threading
import time
import weakref

import numpy as np

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from logit_gui.core.errors import LogitError

from logit_gui.model.frames import Frame, View, make_frame, make_view
from logit_gui.model.frames.base import source_rows
from logit_gui.model.cursor import Cursor
from logit_gui.model.history import History
from logit_gui.model.run import Run
from logit_gui.model import pipeline
from logit_gui.model.editing import PAINTED, apply_edit
from logit_gui.render.theme import WINDOW
from logit_gui.model.status import RunStatus
from logit_gui.model.settings import DataSettings, ModelSettings, OptimizerSettings, RunSettings, Settings
from .widgets import fmt_value
from .worker import TrainerThread

__all__ = ["Controller", "MAX_FPS"]

log = logging.getLogger("logit_gui.app")

#: the panels redraw at most this often
MAX_FPS = 60.0

_PARAM_NAMES = {"lr": "η", "beta": "β", "beta1": "β₁", "beta2": "β₂", "rho": "ρ", "eps": "ε",
                "memory": "m", "batch_size": "B", "seed": "seed"}


class Controller(QObject):
    viewChanged = Signal(object)      # View: new data or a new plane
    historyChanged = Signal(object)   # History: a new run (reset or continued)
    frameChanged = Signal(object)     # Frame: the iterate on screen changed
    statusChanged = Signal(dict)      # the numbers of the status bar
    message = Signal(str, str)        # text, level ("info" | "warning" | "error")
    playingChanged = Signal(bool)
    lipschitzChanged = Signal(str)    # rich text for the optimizer group ("" when not gd-lipschitz)
    building = Signal(str)            # a data set is being built off the GUI thread: what ("" when done)
    raceDone = Signal(object, str)    # a race finished: the Race (None on failure), the error text
    _raced = Signal(int, object, str)  # from the race thread
    dataApplied = Signal(bool, object)  # a background build ended: ok, and the data set read (or None)
    _built = Signal(int, object, str)   # from the build thread: generation, result, error text

    def __init__(self, settings: Settings | None = None, parent=None, *, max_fps: float = MAX_FPS,
                 grid: int = 200, history_capacity: int = 4096):
        super().__init__(parent)
        self.settings = settings or Settings()
        self.grid = grid
        self.history_capacity = history_capacity
        self.min_interval = 1.0 / max_fps
        self.dataset = None         # the data set the model is trained on
        self.source_dataset = None  # the same before "X vs rest" (all its classes)
        self.problem = None
        self.view: View | None = None
        self.run: Run | None = None
        self.cursor = Cursor()    # which recorded iterate is on screen
        self.frame: Frame | None = None
        self.draws = 0            # frames drawn (for the benchmark)
        self._csv_cache: dict[str, object] = {}
        self._build_gen = 0       # the newest background build; older results are dropped
        self._open_k = None       # the iteration a session being opened shows
        self._target_k = None     # run_to: the iteration being trained to
        self._built.connect(self._on_built)
        self._race_gen = 0
        self._raced.connect(self._on_raced)
        self._last_draw = 0.0
        self.frame_seconds = 0.0  # what the latest frame cost, painting included (benchmark)
        self._frame_open = False
        self._closed = False
        self._draw_timer = QTimer(self)
        self._draw_timer.setSingleShot(True)
        self._draw_timer.timeout.connect(self._draw)
        self.trainer = TrainerThread()
        self.trainer.progressed.connect(self._on_progressed)
        self.trainer.stopped.connect(self._on_stopped)
        self.trainer.failed.connect(self._on_failed)
        self.trainer.paused.connect(self._on_paused)
        # "playing" is the trainer process's state (the worker derives it): relayed, never copied
        self.trainer.playingChanged.connect(self.playingChanged)
        self.trainer.set_speed(self.settings.run.speed)
        self.trainer.start()
        # never leave the thread running into interpreter shutdown (that aborts with
        # "QThread: Destroyed while thread is still running"), even if nobody closed the window
        ref = weakref.ref(self)
        atexit.register(lambda: ref() is not None and ref().shutdown())
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # ------------------------------------------------------------------
    # building
    # ------------------------------------------------------------------
    def load(self, settings: Settings | None = None) -> None:
        """Build everything from ``settings`` (raises LogitError; nothing changes then)."""
        settings = settings or self.settings
        source, dataset = self._dataset(settings.data)
        problem, view = self._prepare(settings, source, dataset)
        run = self._new_run(problem, settings.optimizer, settings.run)
        self._take(settings, source, dataset, problem, view, run, play=False)

    def _prepare(self, settings: Settings, source, dataset):
        """(problem, view) of ``dataset`` (``source`` as loaded) under ``settings``."""
        d = settings.data
        problem = self._problem(dataset, d, settings.model)
        view = make_view(problem, d.view_features, grid=self.grid,
                         source=source_rows(source, dataset, d.test_fraction, d.seed))
        return problem, view

    def _take(self, settings: Settings, source, dataset, problem, view, run, *, play: bool) -> None:
        """Make these the data, problem and run on screen."""
        self.settings, self.source_dataset, self.dataset, self.problem, self.view = (
            settings, source, dataset, problem, view)
        self.viewChanged.emit(view)
        self._install(run, play=play)

    def _dataset(self, d: DataSettings):
        """(the data set as loaded, the one trained on: after “X vs rest” if asked)."""
        if d.source == PAINTED:  # painted data live here (and in sessions, embedded)
            source = self.source_dataset
            if source is None or not source.name.startswith(PAINTED):
                raise LogitError("there are no painted data: paint some in the Paint data panel")
            return source, pipeline.to_task(source, d)
        source = pipeline.load_source(d, self._csv_cache)
        return source, pipeline.to_task(source, d)

    def _problem(self, dataset, d: DataSettings, m: ModelSettings):
        return pipeline.problem_for(dataset, d, m)

    def _new_run(self, problem, o: OptimizerSettings, r: RunSettings, *, theta0=None,
                 history: History | None = None, label: str = "") -> Run:
        return pipeline.new_run(problem, o, r, theta0=theta0, history=history, label=label,
                                capacity=self.history_capacity)

    def _install(self, run: Run, play: bool) -> None:
        self.run = run
        self.cursor.follow_newest(run.history)
        self.frame = None
        self.trainer.set_run(run, play=play and not run.finished)
        self._lipschitz_text()
        self.historyChanged.emit(run.history)
        self._draw()

    def _lipschitz_text(self) -> None:
        text = ""
        opt = self.run.optimizer if self.run else None
        if opt is not None and opt.name == "gd-lipschitz":
            info = opt.current.info
            L = info.get("lipschitz", float("nan"))
            formula = info.get("formula", self.problem.objective.lipschitz_formula)
            text = (f"<b>L = {L:.4g}</b>, step η = 1/L = <b>{1.0 / L:.4g}</b><br>"
                    f"<span style='color:{WINDOW.muted}'>{formula}</span>")
        self.lipschitzChanged.emit(text)

    # ------------------------------------------------------------------
    # settings changed (from the control dock)
    # ------------------------------------------------------------------
    def apply_data(self, d: DataSettings) -> None:
        """New data, split, features or plane: rebuild off the GUI thread, then reset the run.

        The window stays responsive and keeps showing (and training) the old data until
        the new are ready; ``building`` says what is being built, ``dataApplied`` when it
        ends (with an error message on ``message`` if it failed: nothing changes then).
        A newer change supersedes an older one still being built.
        """
        what = ("building the data set" if d.source not in ("csv", "npz")
                else f"reading {pipeline.source_name(d)}")
        self._start_build(dataclasses.replace(self.settings, data=d), what)

    def open_settings(self, settings: Settings, *, source=None, cursor_k: int | None = None) -> None:
        """Everything from ``settings`` (a session): built off the GUI thread like new data;
        ``source``: the data set itself (a session's embedded rows); ``cursor_k``: train to
        that iteration and show it (runs are deterministic: the same iterate as when saved)."""
        self._start_build(settings, "opening the session", source=source, cursor_k=cursor_k)

    def _start_build(self, settings: Settings, what: str, *, source=None, cursor_k=None) -> None:
        self._build_gen += 1
        gen = self._build_gen
        self._open_k = cursor_k
        self.building.emit(what + "…")
        threading.Thread(target=self._build_job, args=(gen, settings, source), name="logit-gui build",
                         daemon=True).start()

    def _build_job(self, gen: int, settings: Settings, given=None) -> None:
        """In the build thread: data set, task, split, features, objective, the view's grid."""
        try:
            if given is not None:
                source, dataset = given, pipeline.to_task(given, settings.data)
            else:
                source, dataset = self._dataset(settings.data)
            problem, view = self._prepare(settings, source, dataset)
            result, error = (settings, source, dataset, problem, view), ""
        except LogitError as e:
            result, error = None, str(e)
        except MemoryError:
            result, error = None, "not enough memory for this data set: fewer samples or a lower degree"
        except Exception as e:  # a bug: said, logged with its traceback, the old data stay
            log.exception("building the data set failed")
            result, error = None, f"building the data set failed: {type(e).__name__}: {e}"
        if not self._closed:
            self._built.emit(gen, result, error)

    def _on_built(self, gen: int, result, error: str) -> None:
        if gen != self._build_gen or self._closed:
            return  # superseded by a newer change
        self.building.emit("")
        if result is None:
            self._error(error)
            self.dataApplied.emit(False, None)
            return
        settings, source, dataset, problem, view = result
        playing = self.trainer.playing
        try:
            run = self._new_run(problem, settings.optimizer, settings.run)
        except LogitError as e:
            self._error(str(e))
            self.dataApplied.emit(False, None)
            return
        self.trainer.set_speed(settings.run.speed)
        self._take(settings, source, dataset, problem, view, run, play=False)
        if self._open_k:
            self.run_to(self._open_k)
        elif playing:
            self.play()
        for w in source.warnings:
            self.message.emit(w, "warning")
        self.dataApplied.emit(True, source)

    def apply_model(self, m: ModelSettings) -> bool:
        """New model or penalty: continue from the current weights when the shapes allow."""
        try:
            problem = self._problem(self.dataset, self.settings.data, m)
        except LogitError as e:
            self._error(str(e))
            return False
        old = self.settings.model
        label = _diff_label(old, m)
        return self._switch(problem, dataclasses.replace(self.settings, model=m), label)

    def apply_optimizer(self, o: OptimizerSettings) -> bool:
        old = self.settings.optimizer
        label = o.method if o.method != old.method else _param_label(old, o)
        return self._switch(self.problem, dataclasses.replace(self.settings, optimizer=o), label)

    def set_display(self, display) -> None:
        """New display settings (theme, panel options): nothing about the run changes."""
        self.settings = dataclasses.replace(self.settings, display=display)

    def apply_run(self, r: RunSettings) -> None:
        self.settings = dataclasses.replace(self.settings, run=r)
        self.trainer.set_speed(r.speed)
        if self.run is not None:
            was = self.run.status
            self.trainer.set_limits(self.run, r.max_iter, r.tol)
            if was != self.run.status:
                self._publish_status()

    def _switch(self, problem, settings: Settings, label: str) -> bool:
        """A new optimizer on ``problem``: continue from the cursor's weights or restart."""
        playing = self.trainer.playing
        index, it = self.run.history.locate(None if self.cursor.follow else self.cursor.k)
        cut = index + 1  # continuing from an earlier iterate drops the later ones (a branch)
        obj = problem.objective
        can_continue = not settings.run.restart_on_change and it.coef.shape == (obj.m, obj.d)
        dropped = len(self.run.history) - cut if can_continue else 0
        r = settings.run
        if can_continue and self.run.status == "max_iter" and it is self.run.history.latest:
            # the old run spent its budget: the new setting gets a budget of its own, or nothing
            # would move (J re-evaluated, the boundary where it was)
            r = dataclasses.replace(r, max_iter=it.k + r.max_iter)
        try:
            if can_continue:
                history = self.run.history.copy(upto=cut)
                theta0 = obj.join(it.coef, it.intercept)
                run = self._new_run(problem, settings.optimizer, r, theta0=theta0,
                                    history=history, label=label)
            else:
                run = self._new_run(problem, settings.optimizer, r)
        except LogitError as e:
            self._error(str(e))
            return False
        except (ArithmeticError, ValueError, MemoryError) as e:  # numpy's LinAlgError is a ValueError
            log.exception("could not start %s", settings.optimizer.method)
            self._error(f"could not start {settings.optimizer.method}: {type(e).__name__}: {e}")
            return False
        if problem is not self.problem:
            self.problem = problem
            self.view = dataclasses.replace(self.view, problem=problem, kind=problem.kind,
                                            classes=tuple(problem.classes), race=None)
            self.viewChanged.emit(self.view)
        self.settings = settings
        self._install(run, play=playing)
        if not can_continue and self.current_iterate is not None:
            self.message.emit("restarted from θ = 0", "info")
        elif dropped > 0:
            self.message.emit(f"continued from iteration {it.k}: the {dropped} later iterate"
                              f"{'s' if dropped != 1 else ''} of the old run were dropped (a new branch)", "info")
        return True

    def open_csv(self, path: str) -> None:
        """Read ``path`` (off the GUI thread) and make it the data set, with linear features
        (the generators' default is cubic). ``dataApplied`` reports; on a problem (file, line
        and column in the message) nothing changes."""
        d = dataclasses.replace(self.settings.data, source="csv", path=path, target=None, drop_missing=False,
                                positive=None, view_features=None, degree=1)
        self._start_build(dataclasses.replace(self.settings, data=d), f"reading {pipeline.source_name(d)}")

    # ------------------------------------------------------------------
    # commands
    # ------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return self.trainer.playing

    @property
    def current_iterate(self):
        """The cursor's iterate: the newest one while following, else the one scrubbed to."""
        if self.run is None or len(self.run.history) == 0:
            return None
        h = self.run.history
        return self.cursor.iterate(h)

    @property
    def shown_iterate(self):
        """The iterate on screen (drawn at most ``max_fps`` times a second)."""
        return self.frame.iterate if self.frame is not None else None

    def play(self) -> None:
        if self.run is None:
            return
        if self.run.finished:
            st = self.run.status
            hint = {
                "converged": "converged (‖∇J‖∞ ≤ tol): lower the tolerance or press R to reset",
                "max_iter": "reached max iterations: raise the limit or press R to reset",
                "diverged": "diverged: lower the learning rate and press R to reset",
                "stalled": "stalled: no step makes progress at machine precision (the log says why); "
                           "change a setting or press R to reset",
            }.get(st, f"{st}: change a setting or press R to reset")
            self.cursor.follow = True
            self._draw()
            self.message.emit(hint, "warning" if st == "diverged" else "info")
            return
        self.cursor.follow = True
        self.trainer.play()

    def pause(self) -> None:
        self.trainer.pause()
        self._request_draw()

    def toggle(self) -> None:
        if self.trainer.playing:
            self.pause()
        else:
            self.play()

    def step(self) -> None:
        """Forward one iterate: the next recorded one, or (at the end) exactly one new one."""
        if self.run is None:
            return
        if self.trainer.playing:
            self.pause()
            return
        n = len(self.run.history)
        index = self.cursor.position(self.run.history)
        if index < n - 1:
            self._seek(index + 1)
            return
        if self.run.status == "diverged":
            self.message.emit("diverged: lower the learning rate and press R to reset", "warning")
            return
        self.cursor.follow = True
        self.trainer.request_step()

    def back(self) -> None:
        if self.trainer.playing:
            self.pause()
        self._seek(self.cursor.position(self.run.history) - 1)

    def first(self) -> None:
        if self.trainer.playing:
            self.pause()
        self._seek(0)

    def last(self) -> None:
        if self.run is not None:
            self._seek(len(self.run.history) - 1)

    def seek(self, index: int) -> None:
        """Show history entry ``index`` (the timeline slider); pauses a running trainer."""
        if self.run is None:
            return
        if self.trainer.playing and index < len(self.run.history) - 1:
            self.pause()
        self._seek(index)

    def _seek(self, index: int) -> None:
        self.cursor.seek(self.run.history, index)
        self._draw()

    def reset(self) -> None:
        """Start the run again from θ = 0 with the current settings (keeps playing if it was)."""
        if self.problem is None:
            return
        playing = self.trainer.playing
        try:
            run = self._new_run(self.problem, self.settings.optimizer, self.settings.run)
        except LogitError as e:
            self._error(str(e))
            return
        self._install(run, play=playing)

    def edit_data(self, edit) -> bool:
        """Paint data (add, move or delete a sample): the data set becomes "painted" and the
        run continues from the weights on screen on the edited data (Orange's Paint Data, live)."""
        if self.source_dataset is None:
            return False
        try:
            source = apply_edit(self.source_dataset, edit)
            # painted data train on every sample: a test split would re-deal the samples at each click
            split_dropped = self.settings.data.test_fraction > 0
            d = dataclasses.replace(self.settings.data, source=PAINTED, path=None, view_features=None,
                                    test_fraction=0.0)
            settings = dataclasses.replace(self.settings, data=d)
            dataset = pipeline.to_task(source, d)
            problem, view = self._prepare(settings, source, dataset)
            obj = problem.objective
            it = self.current_iterate
            theta0 = obj.join(it.coef, it.intercept) if it is not None and it.coef.shape == (obj.m, obj.d) else None
            run = self._new_run(problem, settings.optimizer, settings.run, theta0=theta0)
        except LogitError as e:
            self._error(str(e))
            return False
        self._take(settings, source, dataset, problem, view, run, play=self.trainer.playing)
        self.dataApplied.emit(True, source)
        if split_dropped:
            self.message.emit("painting: every sample now trains (no test split; it would re-deal the "
                              "samples at each click)", "info")
        return True

    def start_race(self, methods, max_iter: int | None = None) -> None:
        """An optimizer race on the problem on screen, from the run's start, off the GUI thread:
        ``raceDone`` reports; the panels then overlay its curves and paths."""
        if self.problem is None or self.run is None:
            return
        self._race_gen += 1
        gen, problem, r = self._race_gen, self.problem, self.settings.run
        first = self.run.history[0]
        theta0 = problem.objective.join(first.coef, first.intercept)
        limit = int(max_iter if max_iter is not None else min(r.max_iter, 2000))
        self.building.emit(f"racing {len(methods)} optimizers…")

        def job():
            from logit_gui.model.race import run_race

            try:
                race, error = run_race(problem, list(methods), r, theta0=theta0, max_iter=limit), ""
            except LogitError as e:
                race, error = None, str(e)
            except (ArithmeticError, ValueError, MemoryError) as e:
                log.exception("the race failed")
                race, error = None, f"the race failed: {type(e).__name__}: {e}"
            if not self._closed:
                self._raced.emit(gen, (problem, race), error)

        threading.Thread(target=job, name="logit-gui race", daemon=True).start()

    def _on_raced(self, gen: int, result, error: str) -> None:
        if gen != self._race_gen or self._closed:
            return
        self.building.emit("")
        problem, race = result
        if race is None or problem is not self.problem:
            if error:
                self._error(error)
            self.raceDone.emit(None, error or "the data or the model changed during the race")
            return
        self.set_race(race)
        self.raceDone.emit(race, "")

    def set_race(self, race) -> None:
        """Show ``race`` (None: no race) in the panels."""
        if self.view is not None:
            self.view = dataclasses.replace(self.view, race=race)
            self.viewChanged.emit(self.view)
            self._draw()

    def run_to(self, k: int) -> None:
        """Train (as fast as possible) up to iteration ``k`` and show it; the run's own
        limits come back afterwards. A session opens at its saved cursor this way."""
        if self.run is None or k <= self.run.history.latest.k:
            return
        self._target_k = int(k)
        self.trainer.set_speed(None)
        self.trainer.set_limits(self.run, int(k), 0.0)
        self.cursor.follow = True
        self.trainer.play()

    def _reached_target(self) -> None:
        r = self.settings.run
        self._target_k = None
        self.trainer.set_speed(r.speed)
        self.trainer.set_limits(self.run, r.max_iter, r.tol)
        self._publish_status()

    def restart_from(self, coef, intercept) -> bool:
        """Start the run again from the given weights with the current settings (keeps
        playing if it was): a click in the loss landscape."""
        if self.problem is None:
            return False
        obj = self.problem.objective
        coef, intercept = np.asarray(coef, dtype=float), np.asarray(intercept, dtype=float)
        if coef.shape != (obj.m, obj.d):
            self._error(f"cannot start from weights of shape {coef.shape}: the model has {(obj.m, obj.d)}")
            return False
        playing = self.trainer.playing
        try:
            run = self._new_run(self.problem, self.settings.optimizer, self.settings.run,
                                theta0=obj.join(coef, intercept))
        except LogitError as e:
            self._error(str(e))
            return False
        self._install(run, play=playing)
        self.message.emit("restarted from the chosen point", "info")
        return True

    def shutdown(self) -> None:
        """Stop the trainer thread and wait for it (call before the application quits)."""
        if self._closed:
            return
        self._closed = True
        self._draw_timer.stop()
        self.trainer.shutdown()

    # ------------------------------------------------------------------
    # from the trainer thread (queued: these run on the GUI thread)
    # ------------------------------------------------------------------
    def _on_progressed(self, run_id: int) -> None:
        if self.run is not None and run_id == self.run.id:
            self._request_draw()  # acknowledged when drawn: until then the trainer sends nothing
        else:
            self.trainer.ack()

    def _on_stopped(self, run_id: int, status: str) -> None:
        if self.run is None or run_id != self.run.id:
            return
        self._draw()
        if self._target_k is not None:
            self._reached_target()
            return
        it = self.run.history.latest
        if status == "diverged":
            note = it.notes[-1] if it is not None and it.notes else "the objective exploded"
            self.message.emit(f"diverged at iteration {it.k + 1 if it else '?'}: {note}", "error")
        elif status == "converged":
            self.message.emit(f"converged after {it.k} iterations (‖∇J‖∞ ≤ {self.run.tol:g})", "info")
        elif status == "max_iter":
            self.message.emit(f"stopped after {it.k} iterations (max iterations)", "info")

    def _on_paused(self, run_id: int) -> None:
        if self.run is not None and run_id == self.run.id:
            self._request_draw()

    def _on_failed(self, run_id: int, text: str) -> None:
        if self.run is None or run_id != self.run.id:
            return
        self._error(f"the optimizer failed: {text}")

    # ------------------------------------------------------------------
    # drawing at display rate
    # ------------------------------------------------------------------
    def _request_draw(self) -> None:
        """Draw the newest state soon: at most ``max_fps`` times a second. A frame
        takes tens of milliseconds, so between two frames the event loop runs and
        clicks and keys are never kept waiting longer than one frame. (The trainer
        is not in this budget: it steps in a process of its own.)"""
        if self._draw_timer.isActive():
            return
        wait = self._last_draw + self.min_interval - time.monotonic()
        self._draw_timer.start(max(0, int(math.ceil(wait * 1000))))

    def _draw(self) -> None:
        self.trainer.ack()
        if self.run is None or self.view is None or self._closed:
            return
        self._draw_timer.stop()
        self._last_draw = time.monotonic()
        try:
            self._draw_frame()
        finally:
            # the panels paint when the event loop next runs; a zero timer fires after
            # that, and ends the frame: its cost then includes the painting
            if not self._frame_open:
                self._frame_open = True
                QTimer.singleShot(0, self._frame_done)

    def _frame_done(self) -> None:
        self._frame_open = False
        self.frame_seconds = time.monotonic() - self._last_draw

    def _draw_frame(self) -> None:
        # index and iterate read together: the trainer may append (and thin) meanwhile
        _, it = self.cursor.locate(self.run.history)
        if self.frame is None or self.frame.iterate is not it:
            self.frame = make_frame(self.view, it)
        self.draws += 1
        self.frameChanged.emit(self.frame)
        self._publish_status()

    def _publish_status(self) -> None:
        if self.frame is None or self.run is None:
            return
        it = self.frame.iterate
        h = self.run.history
        status = RunStatus.of(it, run_status=self.run.status, playing=self.trainer.playing,
                              newest=self.cursor.index >= len(h) - 1)
        self.statusChanged.emit({
            "k": it.k,
            "index": self.cursor.index,
            "length": len(h),
            "last_k": h.latest.k if h.latest is not None else 0,
            "objective": it.objective,
            "test_objective": it.test_objective,
            "grad_norm": it.grad_norm,
            "step_size": it.step_size,
            "train_acc": self.frame.train_acc,
            "train_bal_acc": self.frame.train_bal_acc,
            "test_acc": self.frame.test_acc,
            "status": status,  # a RunStatus: the chip renders it, nothing parses it back
            "method": it.method,
        })

    def _error(self, text: str) -> None:
        log.error(text)
        self.message.emit(text, "error")


def _diff_label(old: ModelSettings, new: ModelSettings) -> str:
    parts = []
    if old.l2 != new.l2:
        parts.append(f"λ₂ = {fmt_value(new.l2)}")
    if old.l1 != new.l1:
        parts.append(f"λ₁ = {fmt_value(new.l1)}")
    if old.class_weight != new.class_weight:
        parts.append(f"weights {new.class_weight or 'none'}")
    if old.kind != new.kind:
        parts.append(new.kind)
    return ", ".join(parts)


def _param_label(old: OptimizerSettings, new: OptimizerSettings) -> str:
    a, b = old.as_dict(), new.as_dict()
    parts = [f"{_PARAM_NAMES.get(k, k)} = {fmt_value(v) if isinstance(v, float) else v}"
             for k, v in b.items() if a.get(k) != v]
    return ", ".join(parts)
