"""The trainer thread: drives the trainer process and relays its iterates to
the window with Qt signals.

The optimizer steps in a child process (:mod:`.engine` says why). This QThread
reads what the child sends, records every iterate in the current run's
(thread-safe) history and emits ``progressed`` — at most one such signal is
ever waiting in the GUI's event queue (the GUI acknowledges it with
:meth:`TrainerThread.ack`), so an optimizer doing thousands of iterations per
second never floods the event loop: the GUI reads the newest iterate when it
is ready to draw. The thread touches no widget.

Commands (a new run, play, pause, step, speed, limits, quit) are plain method
calls from the GUI thread; they go to the child at once, and the child looks
at them between two iterations and while it waits, so each takes effect
within one iteration. Iterates of a run that is no longer the current one are
dropped on arrival.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QThread, Signal

from logit_gui.model.engine import Engine, EngineDied
from logit_gui.model.run import Run

__all__ = ["TrainerThread"]

log = logging.getLogger("logit_gui.app")


class TrainerThread(QThread):
    """Relays between the GUI thread and the trainer process."""

    # run id: that run's history grew (coalesced: at most one pending until ack())
    progressed = Signal(int)
    # run id, status: the run stopped by itself (converged / max_iter / diverged)
    stopped = Signal(int, str)
    # run id, message: the optimizer raised, or the trainer process died; details in the log
    failed = Signal(int, str)
    # run id: the trainer went idle after a pause or a step (nothing more will arrive)
    paused = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("logit-gui trainer")
        self._cond = threading.Condition()
        self._engine: Engine | None = None
        self._run: Run | None = None
        self._playing = False
        self._ips: float | None = None  # iterations per second; None: as fast as possible
        self._sent = 0        # sequence number of the newest command sent
        self._acked = 0       # ... and of the newest the child has taken
        self._child_busy = False
        self._pending = False
        self._quit = False
        self._dead: Engine | None = None  # a child found dead (not read again)
        self.iterations = 0   # iterates received for the current runs (for benchmarks)

    # ------------------------------------------------------------------
    # commands (GUI thread)
    # ------------------------------------------------------------------
    def _engine_up(self) -> Engine:
        """The child, started (again, after a crash: with the current run) when needed."""
        if self._engine is not None and self._engine.alive:
            return self._engine
        if self._engine is not None:
            self._engine.close(0.1)
        self._engine = Engine()
        with self._cond:
            self._acked = 0
            self._child_busy = False
            self._sent = self._engine.command("speed", self._ips)
        if self._run is not None:
            self._resume(self._run)
        return self._engine

    def _resume(self, run: Run) -> None:
        """After a crash: the new child goes on from the newest recorded iterate."""
        with self._cond:
            self._sent = self._engine.set_run(run, False, resume=True)

    def _send(self, send) -> None:
        """``send(engine)`` (returning the command's sequence number); once more, to a
        new child, if this one is found dead."""
        for attempt in (0, 1):
            engine = self._engine_up()
            try:
                with self._cond:
                    self._sent = send(engine)
                return
            except EngineDied:
                if attempt:
                    raise

    def _command(self, what: str, *args) -> None:
        self._send(lambda engine: engine.command(what, *args))

    def set_run(self, run: Run | None, play: bool | None = None) -> None:
        """Step ``run`` from now on; the run in flight (if any) is dropped."""
        with self._cond:
            self._run = run
            if play is not None:
                self._playing = play
            playing = self._playing
        if run is None:
            self._command("pause")
        else:
            self._send(lambda engine: engine.set_run(run, playing and not run.finished))

    def play(self) -> None:
        with self._cond:
            self._playing = True
        self._command("play")

    def pause(self) -> None:
        with self._cond:
            self._playing = False
        self._command("pause")

    def request_step(self) -> None:
        """Exactly one more iterate (even from a converged run), then idle."""
        with self._cond:
            self._playing = False
        self._command("step")

    def set_speed(self, ips: float | None) -> None:
        with self._cond:
            self._ips = ips if ips and ips > 0 else None
        if self._engine is not None:
            self._command("speed", self._ips)

    def set_limits(self, run: Run, max_iter: int, tol: float) -> None:
        """A new stopping rule for ``run``, here and for its twin in the child."""
        run.set_limits(max_iter, tol)
        self._command("limits", run.id, max_iter, tol)

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
        """True while playing, or until the child has taken the newest command and
        finished the steps it asked for (a pause has taken effect when this is False)."""
        with self._cond:
            return self._playing or self._acked < self._sent or self._child_busy

    def start(self, *args) -> None:
        self._engine_up()  # the child boots while the window is being built
        super().start(*args)

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Stop the child and the relay, and join both. Safe to call twice."""
        with self._cond:
            self._quit = True
            self._playing = False
        ok = True
        if self.isRunning():
            ok = self.wait(timeout_ms)
        if self._engine is not None:
            self._engine.close()
        return ok

    # ------------------------------------------------------------------
    # the relay (this thread)
    # ------------------------------------------------------------------
    def run(self) -> None:
        while True:
            with self._cond:
                if self._quit:
                    return
                engine = self._engine
            if engine is None or engine is self._dead:
                self.msleep(20)
                continue
            try:
                if not engine.poll(0.02):
                    continue
                batch = [engine.recv()]
                while len(batch) < 512 and engine.poll(0):
                    batch.append(engine.recv())
            except EngineDied:
                self._died(engine)
                continue
            self._deliver(batch)

    def _died(self, engine: Engine) -> None:
        with self._cond:
            if self._quit or engine is not self._engine:
                return
            run = self._run
            self._dead = engine
            self._playing = False
            self._child_busy = False
            self._acked = self._sent
        engine.process.join(0.5)
        text = engine.death()
        log.error("%s; it restarts at the next command", text)
        if run is not None:
            self.failed.emit(run.id, text)

    def _deliver(self, batch) -> None:
        progressed = stopped = idle = None
        failures = []
        with self._cond:
            run = self._run
            for msg in batch:
                what = msg[0]
                if what == "state":
                    self._acked, self._child_busy = msg[1], msg[2]
                    if not msg[2] and run is not None and msg[1] == self._sent:
                        idle = run.id
                    continue
                current = run is not None and msg[1] == run.id
                if not current:
                    continue  # a dropped run's late news
                if what == "its":
                    for it in msg[2]:
                        run.record(it)
                    self.iterations += len(msg[2])
                    progressed = run.id
                elif what == "stopped":
                    self._playing = False
                    stopped = (run.id, msg[2])
                elif what == "failed":
                    self._playing = False
                    failures.append((run.id, msg[2], msg[3]))
            send = progressed is not None and not self._pending
            if send:
                self._pending = True
        if send:
            self.progressed.emit(progressed)
        for run_id, text, tb in failures:
            log.error("the optimizer raised:\n%s", tb)
            self.failed.emit(run_id, text)
        if stopped is not None:
            self.stopped.emit(*stopped)
        elif idle is not None and not failures:
            self.paused.emit(idle)
