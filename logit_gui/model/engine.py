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

Messages are tuples, sent with :mod:`multiprocessing` connections (pickled).
To the child: ``("problem", key, objective, test_objective)``,
``("run", seq, run_id, key, method, params, theta0, first, latest, max_iter, tol, play)``,
``("play", seq)``, ``("pause", seq)``, ``("step", seq)``, ``("speed", seq, ips)``,
``("limits", seq, run_id, max_iter, tol)``, ``("quit",)``.
From the child: ``("its", run_id, [iterates])`` (sent at least every
``FLUSH`` seconds while stepping, and before anything else is said: fewer,
larger messages wake the window's relay less often), ``("stopped", run_id, status)``,
``("failed", run_id, message, traceback)`` and ``("state", seq, busy)`` — the
newest command it has taken, and whether it goes on stepping; it follows every
batch of commands and every step after which the child falls idle, so the
window knows when a pause has really taken effect.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import sys
import time
import traceback

from logit_gui.core.optimizers import make_optimizer

from .history import History
from .run import Run

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
        self.problem = None   # (key, objective, test_objective)
        self.run: Run | None = None
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
        what = msg[0]
        if what == "quit":
            self.quit = True
            return
        if what == "problem":
            self.problem = msg[1:]
            return
        self.seq = msg[1]
        if what == "run":
            (_, _, run_id, key, method, params, theta0, first, latest,
             max_iter, tol, play) = msg
            self.run = None
            self.run_id = run_id
            self.steps = 0
            self.playing = bool(play)
            if self.problem is None or self.problem[0] != key:
                raise RuntimeError(f"run {run_id}: the trainer process has not received its data")
            _, obj, test = self.problem
            opt = make_optimizer(method, obj, theta0, test_objective=test, **params)
            # the same start as the window's run: its first iterate (divergence is judged
            # against it) and, when continuing, the iteration number to go on from
            if latest is None:  # a fresh run: its own iterate 0 starts the history
                history = History(capacity=8)
            else:
                history = History([first] if latest.k == first.k else [first, latest], capacity=8)
            self.run = Run(opt, max_iter=max_iter, tol=tol, history=history)
        elif what == "play":
            self.playing = True
        elif what == "pause":
            self.playing = False
            self.steps = 0
        elif what == "step":
            self.playing = False
            self.steps += 1
        elif what == "speed":
            self.ips = msg[2] if msg[2] and msg[2] > 0 else None
        elif what == "limits":
            if self.run is not None and msg[2] == self.run_id:
                self.run.set_limits(msg[3], msg[4])
        else:
            raise ValueError(f"unknown command {what!r}")

    def flush(self) -> None:
        """Send the iterates held back (before any other message: order is kept)."""
        if self.pending:
            self.evt.send(("its", self.pending_run, self.pending))
            self.pending = []
        self.flushed = time.monotonic()

    def say(self, *msg) -> None:
        self.flush()
        self.evt.send(msg)

    def take_commands(self, timeout) -> None:
        """Handle every waiting command; wait up to ``timeout`` (None: forever) for the first."""
        took = False
        while not self.quit and self.cmd.poll(timeout):
            msg = self.cmd.recv()
            try:
                self.handle(msg)
            except Exception as exc:  # a bad command: reported, the loop goes on
                self.say("failed", self.run_id, f"{type(exc).__name__}: {exc}", traceback.format_exc())
                self.run, self.playing, self.steps = None, False, 0
            took = True
            timeout = 0
        if took and not self.quit:
            self.say("state", self.seq, self.busy)

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
            self.say("failed", run_id, f"{type(exc).__name__}: {exc}", traceback.format_exc())
            self.say("state", self.seq, False)
            return
        if it is not None:
            if self.pending and self.pending_run != run_id:
                self.flush()
            self.pending.append(it)
            self.pending_run = run_id
        stop = run.finished and (self.playing or it is None)
        if stop:
            self.playing, self.steps = False, 0
            self.say("stopped", run_id, run.status)
        if not self.busy:
            self.say("state", self.seq, False)
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

    def _send(self, *msg) -> None:
        try:
            self._cmd.send(msg)
        except (OSError, EOFError, ValueError) as e:
            raise EngineDied(f"the trainer process is gone ({e})") from None

    def command(self, what: str, *args) -> int:
        """Send a command; returns its sequence number (echoed by ``state`` events)."""
        self._seq += 1
        self._send(what, self._seq, *args)
        return self._seq

    def set_run(self, run: Run, play: bool, *, resume: bool = False) -> int:
        """Make ``run`` (built in this process by the controller) the child's run too.

        ``resume``: the child starts from the run's newest recorded iterate (a new
        child after a crash; the optimizer's own state — momentum, curvature
        pairs — starts afresh there)."""
        opt = run.optimizer
        if self._problem is None or self._problem[0] is not opt.obj or self._problem[1] is not opt.test_obj:
            self._key += 1
            self._send("problem", self._key, opt.obj, opt.test_obj)
            self._problem = (opt.obj, opt.test_obj)
        h = run.history
        first = h[0]
        theta0 = opt.theta0
        latest = h.latest if run.offset else None
        if resume and h.latest.k > first.k:
            latest = h.latest
            theta0 = opt.obj.join(latest.coef, latest.intercept)
        return self.command("run", run.id, self._key, opt.name, opt.params,
                            theta0, first, latest, run.max_iter, run.tol, play)

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
            self._cmd.send(("quit",))
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
