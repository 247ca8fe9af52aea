"""The trainer's own process: the optimizer steps there, the window draws here.

Qt-free. Why a process and not only a thread: PySide6 keeps Python's global
interpreter lock while Qt paints, and a frame of the three panels is tens of
Qt calls that each hold it for up to a few milliseconds. An optimizer step is
a dozen short NumPy calls, each of which needs the lock back, so a trainer
*thread* ran at about half its speed while the window drew 30 frames a second
(measured: ``benchmarks/bench_display.py``). In a child process the optimizer
has an interpreter, a lock and a core of its own.

The pieces:

* :func:`serve` is the child's loop. It owns the optimizer of the current run
  (a :class:`~logit_gui.model.run.Run` built from the same core code and the
  same data as the window's) and sends back every iterate it computes.
* :class:`Engine` is the window's handle on the child: it starts it, sends it
  commands and the problem's data, and reads what comes back. The app's
  :class:`~logit_gui.app.worker.TrainerThread` reads in a QThread and relays to
  the window with Qt signals.

Messages are the small frozen dataclasses of :mod:`.messages`, sent with
:mod:`multiprocessing` connections (pickled) and matched by type. To the
child: :class:`~.messages.SetProblem`, :class:`~.messages.StartRun`,
``Play``, ``Pause``, ``Step``, ``Speed``, ``Limits``, ``Quit``. From it:
:class:`~.messages.Iterates` (a batch, sent at least every ``FLUSH`` seconds
while stepping, and before anything else is said: fewer, larger messages wake
the window's relay less often), ``Stopped``, ``Failed`` and
:class:`~.messages.State` — the newest command it has taken, whether it goes
on stepping and whether it plays; it follows every batch of commands and every
step after which the child falls idle, so the window knows when a pause has
really taken effect.

Who owns "playing": the child. It is the one that steps, and it stops by
itself (a final status, a failure). The window's ``TrainerThread.playing`` is
derived from the child's latest ``State`` and the commands still on their way.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import sys
import time
import traceback

from logit_gui.core.optimizers import make_optimizer

from .messages import (
    Failed, Iterates, Limits, Pause, Play, Quit, SetProblem, Speed, StartRun, State, Step, Stopped,
)
from .run import Run, Stepper
from .status import Status

__all__ = ["Engine", "serve", "EngineDied"]


#: seconds the child may hold computed iterates before sending them
FLUSH = 0.01


class EngineDied(RuntimeError):
    """The child process is gone (killed, crashed, or never started)."""


# ----------------------------------------------------------------------
# the child
# ----------------------------------------------------------------------
class _Child:
    def __init__(self, cmd, evt):
        self.cmd = cmd
        self.evt = evt
        self.problem: SetProblem | None = None
        self.run: Stepper | None = None  # the current run's twin: no history of its own
        self.run_id = 0
        self.playing = False
        self.steps = 0
        self.ips: float | None = None
        self.seq = 0
        self.next_due = 0.0
        self.quit = False
        self.pending: list = []   # iterates not sent yet (all of run pending_run)
        self.pending_run = 0
        self.flushed = 0.0

    @property
    def busy(self) -> bool:
        return self.run is not None and not self.quit and (self.playing or self.steps > 0)

    def handle(self, msg) -> None:
        match msg:
            case Quit():
                self.quit = True
                return
            case SetProblem():
                self.problem = msg
                return
            case StartRun() | Play() | Pause() | Step() | Speed() | Limits():
                self.seq = msg.seq
            case _:
                raise ValueError(f"unknown command {msg!r}")
        match msg:
            case StartRun():
                self.run = None
                self.run_id = msg.run_id
                self.steps = 0
                self.playing = bool(msg.play)
                if self.problem is None or self.problem.key != msg.key:
                    raise RuntimeError(f"run {msg.run_id}: the trainer process has not received its data")
                p = self.problem
                opt = make_optimizer(msg.method, p.objective, msg.theta0, test_objective=p.test_objective,
                                     **msg.params)
                # the same start as the window's run: its first iterate (divergence is judged
                # against it) and, when continuing, the iteration number to go on from
                self.run = Stepper(opt, max_iter=msg.max_iter, tol=msg.tol, first=msg.first, offset=msg.offset)
            case Play():
                self.playing = self.run is not None
            case Pause():
                self.playing = False
                self.steps = 0
            case Step():
                self.playing = False
                self.steps += 1
            case Speed(ips=ips):
                self.ips = ips if ips and ips > 0 else None
            case Limits(run_id=run_id, max_iter=max_iter, tol=tol):
                if self.run is not None and run_id == self.run_id:
                    self.run.set_limits(max_iter, tol)

    def flush(self) -> None:
        """Send the iterates held back (before any other message: order is kept)."""
        if self.pending:
            self.evt.send(Iterates(self.pending_run, tuple(self.pending)))
            self.pending = []
        self.flushed = time.monotonic()

    def say(self, msg) -> None:
        self.flush()
        self.evt.send(msg)

    def state(self) -> State:
        return State(self.seq, self.busy, self.playing)

    def take_commands(self, timeout) -> None:
        """Handle every waiting command; wait up to ``timeout`` (None: forever) for the first."""
        took = False
        while not self.quit and self.cmd.poll(timeout):
            msg = self.cmd.recv()
            try:
                self.handle(msg)
            except Exception as exc:  # a bad command: reported, the loop goes on
                self.say(Failed(self.run_id, f"{type(exc).__name__}: {exc}", traceback.format_exc()))
                self.run, self.playing, self.steps = None, False, 0
            took = True
            timeout = 0
        if took and not self.quit:
            self.say(self.state())

    def step(self) -> None:
        forced = self.steps > 0
        if forced:
            self.steps -= 1
        run, run_id = self.run, self.run_id
        start = time.monotonic()
        try:
            it = run.step(force=forced)
        except Exception as exc:  # reported, never swallowed
            self.playing, self.steps = False, 0
            self.say(Failed(run_id, f"{type(exc).__name__}: {exc}", traceback.format_exc()))
            self.say(self.state())
            return
        if it is not None:
            if self.pending and self.pending_run != run_id:
                self.flush()
            self.pending.append(it)
            self.pending_run = run_id
        stop = run.finished and (self.playing or it is None)
        if stop:
            self.playing, self.steps = False, 0
            self.say(Stopped(run_id, Status(run.status)))
        if not self.busy:
            self.say(self.state())
        elif time.monotonic() - self.flushed >= FLUSH:
            self.flush()
        # the next step is due one period after this one started (no catch-up bursts)
        self.next_due = max(self.next_due, start) + 1.0 / self.ips if self.ips else start

    def loop(self) -> None:
        while not self.quit:
            if not self.busy:
                self.take_commands(None)
                continue
            wait = 0
            if self.playing and self.ips and self.steps == 0:
                wait = max(0.0, self.next_due - time.monotonic())
            self.take_commands(wait)
            if self.busy and (self.steps > 0 or not self.ips or time.monotonic() >= self.next_due):
                self.step()


def serve(cmd, evt) -> None:
    """The child process's main: take commands from ``cmd``, send events on ``evt``."""
    import signal
    import threading

    # Ctrl+C in the terminal is the window's to handle (it closes, and then stops this
    # process); a trainer restarted later must not die of it either. (Tests run this loop
    # in a thread, where signals cannot be set: there it is not a process of its own.)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    child = _Child(cmd, evt)
    try:
        child.loop()
    except (EOFError, OSError, KeyboardInterrupt):  # the window went away
        pass
    finally:
        evt.close()


# ----------------------------------------------------------------------
# the window's handle
# ----------------------------------------------------------------------
@contextlib.contextmanager
def _main_script_hidden():
    """Start a child without re-running the parent's main script in it.

    multiprocessing's "spawn" runs the parent's ``__main__`` file (or module)
    again in the child, so that functions defined there can be found. The
    child here needs only this module, and a script that opens the window at
    its top level (no ``if __name__ == "__main__":`` guard) would otherwise
    fail to start the child at all.
    """
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved = {k: main.__dict__[k] for k in ("__file__", "__spec__") if k in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__dict__["__spec__"] = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)


class Engine:
    """Start the child and talk to it. Commands are sent from one thread (the
    GUI's); events are read from one other thread (the relay)."""

    def __init__(self):
        ctx = mp.get_context("spawn")  # never fork a process that runs Qt
        cmd_r, self._cmd = ctx.Pipe(duplex=False)
        self._evt, evt_w = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=serve, args=(cmd_r, evt_w), name="logit-gui trainer", daemon=True)
        with _main_script_hidden():
            self.process.start()
        cmd_r.close()
        evt_w.close()
        self._seq = 0
        self._problem = None  # (objective, test_objective) last sent
        self._key = 0

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def _send(self, msg) -> None:
        try:
            self._cmd.send(msg)
        except (OSError, EOFError, ValueError) as e:
            raise EngineDied(f"the trainer process is gone ({e})") from None

    def command(self, kind: type, **fields) -> int:
        """Send the command ``kind(seq=..., **fields)`` (``Play``, ``Pause``, ``Step``,
        ``Speed``, ``Limits``, ``StartRun``); returns its sequence number, which the
        child echoes in :class:`~.messages.State`."""
        self._seq += 1
        self._send(kind(seq=self._seq, **fields))
        return self._seq

    def set_run(self, run: Run, play: bool, *, resume: bool = False) -> int:
        """Make ``run`` (built in this process by the controller) the child's run too.

        The child gets the problem's data (once per problem), then the run's
        method, parameters, start weights, first iterate, numbering offset and
        stopping rule. ``resume``: the child starts from the run's newest
        recorded iterate (a new child after a crash; the optimizer's own state
        — momentum, curvature pairs — starts afresh there)."""
        opt = run.optimizer
        if self._problem is None or self._problem[0] is not opt.obj or self._problem[1] is not opt.test_obj:
            self._key += 1
            self._send(SetProblem(self._key, opt.obj, opt.test_obj))
            self._problem = (opt.obj, opt.test_obj)
        h = run.history
        first = h[0]
        theta0, offset = opt.theta0, run.offset
        latest = h.latest
        if resume and latest.k > first.k:
            theta0, offset = opt.obj.join(latest.coef, latest.intercept), latest.k
        return self.command(StartRun, run_id=run.id, key=self._key, method=opt.name, params=opt.params,
                            theta0=theta0, first=first, offset=offset, max_iter=run.max_iter,
                            tol=run.tol, play=play)

    def poll(self, timeout: float) -> bool:
        try:
            return self._evt.poll(timeout)
        except (OSError, EOFError, ValueError):
            raise EngineDied("the trainer process is gone") from None

    def recv(self):
        try:
            return self._evt.recv()
        except (OSError, EOFError, ValueError):
            raise EngineDied(self.death()) from None

    def death(self) -> str:
        code = self.process.exitcode
        if code is None:
            return "the trainer process stopped answering"
        return f"the trainer process ended unexpectedly (exit code {code})"

    def close(self, timeout: float = 0.05) -> None:
        """Ask the child to quit, wait for it, and kill it if it does not."""
        try:
            self._cmd.send(Quit())
        except (OSError, EOFError, ValueError):
            pass
        self.process.join(timeout)  # it quits between two iterations
        if self.process.is_alive():  # nothing of it needs saving: do not keep the window waiting
            self.process.kill()
            self.process.join(1.0)
        for conn in (self._cmd, self._evt):
            try:
                conn.close()
            except OSError:
                pass
