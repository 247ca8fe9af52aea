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
calls from the GUI thread; they go to the child at once (as the messages of
:mod:`logit_gui.model.messages`), and the child looks at them between two
iterations and while it waits, so each takes effect within one iteration.
Iterates of a run that is no longer the current one are dropped on arrival.

"Playing" is owned by the child: it steps, and it stops by itself (a final
status, a failure). :attr:`TrainerThread.playing` is derived, never stored as
a wish: the newest command on its way that sets it (play, pause, step, a new
run), else what the child's latest :class:`~logit_gui.model.messages.State`
said. ``playingChanged`` is emitted whenever that value changes.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QThread, Signal

from logit_gui.model.engine import Engine, EngineDied
from logit_gui.model.messages import Failed, Iterates, Pause, Play, Speed, Limits, State, Step, Stopped
from logit_gui.model.run import Run

__all__ = ["TrainerThread"]

log = logging.getLogger("logit_gui.app")


class TrainerThread(QThread):
    """Relays between the GUI thread and the trainer process."""

    # run id: that run's history grew (coalesced: at most one pending until ack())
    progressed = Signal(int)
    # run id, status: the run stopped by itself (a final Status's value: converged, max_iter, ...)
    stopped = Signal(int, str)
    # run id, message: the optimizer raised, or the trainer process died; details in the log
    failed = Signal(int, str)
    # run id: the trainer went idle after a pause or a step (nothing more will arrive)
    paused = Signal(int)
    # the value of `playing` changed (emitted from the thread that changed it)
    playingChanged = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("logit-gui trainer")
        self._cond = threading.Condition()
        self._engine: Engine | None = None
        self._run: Run | None = None
        self._ips: float | None = None  # iterations per second; None: as fast as possible
        self._sent = 0        # sequence number of the newest command sent
        self._acked = 0       # ... and of the newest the child has taken
        self._child_busy = False     # the child's latest State: it goes on stepping
        self._child_playing = False  # ... and it plays
        self._intent_seq = 0         # the newest command sent that sets playing ...
        self._intent = False         # ... and the value it sets
        self._shown_playing = False  # the value playingChanged last told
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
            self._child_busy = self._child_playing = False
            self._intent_seq = 0
            self._sent = self._engine.command(Speed, ips=self._ips)
        if self._run is not None:
            self._resume(self._run)
        return self._engine

    def _resume(self, run: Run) -> None:
        """After a crash: the new child goes on from the newest recorded iterate."""
        with self._cond:
            self._sent = self._engine.set_run(run, False, resume=True)
            self._intent_seq, self._intent = self._sent, False

    def _send(self, send, playing: bool | None = None) -> None:
        """``send(engine)`` (returning the command's sequence number); once more, to a
        new child, if this one is found dead. ``playing``: what the command makes of
        the child's playing (None: nothing)."""
        for attempt in (0, 1):
            engine = self._engine_up()
            try:
                with self._cond:
                    self._sent = send(engine)
                    if playing is not None:
                        self._intent_seq, self._intent = self._sent, playing
                    self._tell_playing()
                return
            except EngineDied:
                if attempt:
                    raise

    def _command(self, kind: type, playing: bool | None = None, **fields) -> None:
        self._send(lambda engine: engine.command(kind, **fields), playing)

    def set_run(self, run: Run | None, play: bool | None = None) -> None:
        """Step ``run`` from now on; the run in flight (if any) is dropped. ``play``
        None: play it if the trainer is playing now."""
        if play is None:
            play = self.playing
        with self._cond:
            self._run = run
        if run is None:
            self._command(Pause, playing=False)
        else:
            play = play and not run.finished
            self._send(lambda engine: engine.set_run(run, play), play)

    def play(self) -> None:
        self._command(Play, playing=True)

    def pause(self) -> None:
        self._command(Pause, playing=False)

    def request_step(self) -> None:
        """Exactly one more iterate (even from a converged run), then idle."""
        self._command(Step, playing=False)

    def set_speed(self, ips: float | None) -> None:
        with self._cond:
            self._ips = ips if ips and ips > 0 else None
        if self._engine is not None:
            self._command(Speed, ips=self._ips)

    def set_limits(self, run: Run, max_iter: int, tol: float) -> None:
        """A new stopping rule for ``run``, here and for its twin in the child."""
        run.set_limits(max_iter, tol)
        self._command(Limits, run_id=run.id, max_iter=max_iter, tol=tol)

    def ack(self) -> None:
        """The GUI has taken the pending ``progressed``: the next one may be sent."""
        with self._cond:
            self._pending = False

    @property
    def playing(self) -> bool:
        """The child plays (steps until told otherwise or the run stops).

        The child owns this state; here it is derived: the value set by the newest
        command the child has not taken yet (play, pause, step, a new run), else
        the child's latest report. Never True after a stop, a failure, the child's
        death or :meth:`shutdown`."""
        with self._cond:
            return self._playing_now()

    def _playing_now(self) -> bool:  # with self._cond held
        if self._quit:
            return False
        if self._intent_seq > self._acked:
            return self._intent
        return self._child_playing

    def _tell_playing(self) -> None:
        """Emit ``playingChanged`` if ``playing`` changed (with self._cond held, so that
        the signals keep the order of the changes)."""
        now = self._playing_now()
        if now != self._shown_playing:
            self._shown_playing = now
            self.playingChanged.emit(now)

    @property
    def busy(self) -> bool:
        """True while playing, or until the child has taken the newest command and
        finished the steps it asked for (a pause has taken effect when this is False)."""
        with self._cond:
            return self._playing_now() or self._acked < self._sent or self._child_busy

    def start(self, *args) -> None:
        self._engine_up()  # the child boots while the window is being built
        super().start(*args)

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Stop the child and the relay, and join both. Safe to call twice."""
        with self._cond:
            self._quit = True
            self._tell_playing()
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
            self._child_busy = self._child_playing = False
            self._acked = self._sent  # nothing on its way will be taken
            self._tell_playing()
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
            run_id = run.id if run is not None else None  # news of other runs is dropped
            for msg in batch:
                match msg:
                    case State(seq=seq, busy=busy, playing=playing):
                        self._acked, self._child_busy, self._child_playing = seq, busy, playing
                        if not busy and run is not None and seq == self._sent:
                            idle = run_id
                    case Iterates(run_id=rid, iterates=its) if rid == run_id:
                        for it in its:
                            run.record(it)
                        self.iterations += len(its)
                        progressed = run_id
                    case Stopped(run_id=rid, status=status):
                        self._child_playing = False  # the child stopped playing, whichever run
                        if rid == run_id:
                            stopped = (run_id, str(status))
                    case Failed(run_id=rid, message=text, traceback=tb):
                        self._child_playing = False
                        if rid == run_id:
                            failures.append((run_id, text, tb))
            self._tell_playing()
            send = progressed is not None and not self._pending
            if send:
                self._pending = True
        if send:
            self.progressed.emit(progressed)
        for rid, text, tb in failures:
            log.error("the optimizer raised:\n%s", tb)
            self.failed.emit(rid, text)
        if stopped is not None:
            self.stopped.emit(*stopped)
        elif idle is not None and not failures:
            self.paused.emit(idle)
