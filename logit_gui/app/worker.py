"""The trainer thread: steps the current :class:`~logit_gui.app.session.Run` and
moves word of its progress across the thread boundary.

The thread touches no widget. It appends iterates to the run's (thread-safe)
history and emits ``progressed`` — at most one such signal is ever waiting in
the GUI's event queue (the GUI acknowledges it with :meth:`TrainerThread.ack`),
so an optimizer doing thousands of iterations per second never floods the event
loop: the GUI reads the newest iterate when it is ready to draw.

Commands (play, pause, step, a new run, speed, quit) are plain method calls
from the GUI thread that set state under a condition variable; the loop looks
at them between two iterations and while it waits, so each takes effect within
one iteration (a few milliseconds) — never after a sleep.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback

from PySide6.QtCore import QThread, Signal

from .session import Run

__all__ = ["TrainerThread", "POLITE_STEP"]

#: steps shorter than this (seconds) wait while the GUI draws a frame (see set_drawing)
POLITE_STEP = 0.001

log = logging.getLogger("logit_gui.app")


class TrainerThread(QThread):
    """Runs optimizer steps off the GUI thread."""

    # run id: that run's history grew (coalesced: at most one pending until ack())
    progressed = Signal(int)
    # run id, status: the run stopped by itself (converged / max_iter / diverged)
    stopped = Signal(int, str)
    # run id, message: the optimizer raised; the traceback is in the log
    failed = Signal(int, str)
    # run id: the thread went idle after a pause (nothing more will arrive)
    paused = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("logit-gui trainer")
        self._cond = threading.Condition()
        self._run: Run | None = None
        self._playing = False
        self._steps = 0
        self._quit = False
        self._ips: float | None = None  # iterations per second; None: as fast as possible
        self._pending = False
        self._busy = False
        self._drawing = False  # the GUI thread is drawing a frame
        self.iterations = 0  # total steps taken (for benchmarks)
        self.step_seconds = 0.0  # duration of the latest step

    # ------------------------------------------------------------------
    # commands (GUI thread)
    # ------------------------------------------------------------------
    def set_run(self, run: Run | None, play: bool | None = None) -> None:
        """Step ``run`` from now on; the run in flight (if any) is dropped."""
        with self._cond:
            self._run = run
            self._steps = 0
            if play is not None:
                self._playing = play
            self._cond.notify_all()

    def play(self) -> None:
        with self._cond:
            self._playing = True
            self._cond.notify_all()

    def pause(self) -> None:
        with self._cond:
            self._playing = False
            self._steps = 0
            self._cond.notify_all()

    def request_step(self) -> None:
        """Exactly one more iterate (even from a converged run), then idle."""
        with self._cond:
            self._playing = False
            self._steps += 1
            self._cond.notify_all()

    def set_speed(self, ips: float | None) -> None:
        with self._cond:
            self._ips = ips if ips and ips > 0 else None
            self._cond.notify_all()

    def set_drawing(self, on: bool) -> None:
        """The GUI thread starts (True) or ends (False) drawing a frame.

        While it draws, a trainer whose steps are short (mostly Python, holding the
        interpreter lock) waits instead of taking the lock back after every NumPy call:
        otherwise each of the frame's hundreds of Qt calls would wait for the lock and
        a frame would take many times its cost. Long steps (time spent inside NumPy,
        without the lock) go on in parallel.
        """
        with self._cond:
            self._drawing = on
            if not on:
                self._cond.notify_all()

    def ack(self) -> None:
        """The GUI has taken the pending ``progressed``: the next one may be sent."""
        with self._cond:
            self._pending = False

    @property
    def playing(self) -> bool:
        with self._cond:
            return self._playing

    @property
    def busy(self) -> bool:
        """True while playing or while a requested step is still being computed."""
        with self._cond:
            return self._playing or self._steps > 0 or self._busy

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Stop the loop and join the thread. Safe to call twice."""
        with self._cond:
            self._quit = True
            self._playing = False
            self._cond.notify_all()
        if self.isRunning():
            return self.wait(timeout_ms)
        return True

    # ------------------------------------------------------------------
    # the loop (trainer thread)
    # ------------------------------------------------------------------
    def run(self) -> None:  # noqa: C901 - one loop, read top to bottom
        next_due = 0.0
        while True:
            with self._cond:
                while not self._quit and (
                    self._run is None or not (self._playing or self._steps > 0)
                ):
                    self._cond.wait()
                if self._quit:
                    return
                now = time.monotonic()
                if self._playing and self._ips and self._steps == 0:
                    if now < next_due:
                        self._cond.wait(next_due - now)
                        continue  # re-read every command after the wait
                forced = self._steps > 0
                if forced:
                    self._steps -= 1
                run = self._run
                self._busy = True
                start = now
            try:
                t_step = time.perf_counter()
                it = run.step(force=forced)
                t_step = time.perf_counter() - t_step
                self.step_seconds = t_step
            except Exception as exc:  # reported, never swallowed
                log.error("the optimizer raised:\n%s", traceback.format_exc())
                with self._cond:
                    self._busy = False
                    if run is self._run:
                        self._playing = False
                        self._steps = 0
                self.failed.emit(run.id, f"{type(exc).__name__}: {exc}")
                continue
            with self._cond:
                self._busy = False
                if it is not None:
                    self.iterations += 1
                current = run is self._run
                stop = current and run.finished and (self._playing or it is None)
                if stop:
                    self._playing = False
                    self._steps = 0
                send = not self._pending
                if send:
                    self._pending = True
                ips = self._ips
                idle = current and not self._playing and self._steps == 0
            # the next step is due one period after this one started (no catch-up bursts)
            next_due = max(next_due, start) + 1.0 / ips if ips else start
            if send:
                self.progressed.emit(run.id)
            if stop:
                self.stopped.emit(run.id, run.status)
            elif idle:
                self.paused.emit(run.id)
            if t_step < POLITE_STEP:  # a short, Python-bound step: let a frame being drawn finish
                with self._cond:
                    deadline = time.monotonic() + 0.1
                    while self._drawing and not self._quit and time.monotonic() < deadline:
                        self._cond.wait(0.005)
