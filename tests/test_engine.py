"""The trainer process and its relay: messages, the child's loop, the engine, the worker's "playing".

The child's loop runs here in a thread with real pipes (so the tests can look
inside it), and as a real child process through :class:`Engine`.
"""

import dataclasses
import multiprocessing
import pickle
import threading
import time

import numpy as np
import pytest

from logit_gui.core import train
from logit_gui.core.datasets import make_dataset
from logit_gui.core.iterate import STATUSES
from logit_gui.core.optimizers import make_optimizer
from logit_gui.core.problem import build_problem
from logit_gui.model import history as history_module
from logit_gui.model import messages as M
from logit_gui.model.engine import Engine, _Child
from logit_gui.model.run import TERMINAL, Run, Stepper
from logit_gui.model.status import RunStatus, Status, final_statuses


#: a learning rate that keeps gd far from the optimum for thousands of iterations (no convergence,
#: no stall): for runs that must go on until told otherwise
SLOW = 0.002


def _problem():
    ds = make_dataset("blobs", n=200, noise=1.0, seed=2)
    return build_problem(ds, degree=1, l2=1e-3, test_fraction=0.25, seed=0)


def _its(events):
    """The iterates in a list of events, in order."""
    return [it for m in events if isinstance(m, M.Iterates) for it in m.iterates]


def _start(seq, run_id, first, *, key=1, method="gd", params=None, theta0=None, offset=0,
           max_iter=30, tol=0.0, play=False):
    return M.StartRun(seq=seq, run_id=run_id, key=key, method=method, params=params or {"lr": 0.5},
                      theta0=theta0, first=first, offset=offset, max_iter=max_iter, tol=tol, play=play)


# ----------------------------------------------------------------------
# the messages
# ----------------------------------------------------------------------
def _one_of_each():
    prob = _problem()
    opt = make_optimizer("gd", prob.objective, test_objective=prob.test_objective, lr=0.5)
    first = opt.current
    its = tuple(opt.step() for _ in range(3))
    return [
        M.SetProblem(1, prob.objective, prob.test_objective),
        _start(2, 7, first, theta0=np.linspace(-1, 1, prob.objective.size), offset=12, play=True),
        M.Play(3), M.Pause(4), M.Step(5), M.Speed(6, 25.0), M.Speed(7, None), M.Limits(8, 7, 500, 1e-6),
        M.Quit(),
        M.Iterates(7, its), M.Stopped(7, Status.CONVERGED), M.Failed(7, "boom", "Traceback ..."),
        M.State(8, False, False),
    ]


def test_every_message_type_is_a_frozen_slotted_dataclass():
    assert set(M.COMMANDS).isdisjoint(M.EVENTS)
    for kind in M.COMMANDS + M.EVENTS:
        assert dataclasses.is_dataclass(kind) and kind.__dataclass_params__.frozen
        assert "__slots__" in vars(kind)
    msg = M.Limits(1, 2, 3, 0.5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        msg.tol = 0.1
    assert not hasattr(msg, "__dict__")
    # named fields, not positions: a command built without one of them is refused
    with pytest.raises(TypeError):
        M.StartRun(1, 2, 3, "gd", {}, None)
    assert [f.name for f in dataclasses.fields(M.StartRun)] == [
        "seq", "run_id", "key", "method", "params", "theta0", "first", "offset", "max_iter", "tol", "play"]


def test_objectives_and_iterates_survive_pickling_unchanged():
    prob = _problem()
    obj = pickle.loads(pickle.dumps(prob.objective))
    theta = np.linspace(-1, 1, obj.size)
    assert obj.value_grad(theta)[0] == prob.objective.value_grad(theta)[0]
    opt = make_optimizer("bfgs", prob.objective)
    it = opt.step()
    back = pickle.loads(pickle.dumps(it))
    assert back.k == it.k and np.array_equal(back.coef, it.coef) and back.objective == it.objective
    assert set(back.info) == set(it.info) and back.notes == it.notes


def test_messages_round_trip_through_pickle():
    msgs = _one_of_each()
    assert {type(m) for m in msgs} == set(M.COMMANDS + M.EVENTS)
    for msg in msgs:
        back = pickle.loads(pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL))
        assert type(back) is type(msg)
        for f in dataclasses.fields(msg):
            a, b = getattr(msg, f.name), getattr(back, f.name)
            if f.name == "iterates":
                assert [x.k for x in a] == [x.k for x in b]
                assert all(np.array_equal(x.coef, y.coef) and x.objective == y.objective for x, y in zip(a, b))
            elif f.name == "first":
                assert a.k == b.k and np.array_equal(a.coef, b.coef) and a.objective == b.objective
            elif f.name in ("objective", "test_objective"):
                theta = np.linspace(-1, 1, a.size)
                assert a.value_grad(theta)[0] == b.value_grad(theta)[0]
            elif isinstance(a, np.ndarray):
                assert np.array_equal(a, b)
            else:
                assert a == b and type(a) is type(b)
    stopped = pickle.loads(pickle.dumps(M.Stopped(1, Status.MAX_ITER)))
    assert stopped.status is Status.MAX_ITER


def test_messages_are_matched_by_type_and_field():
    def what(msg):
        match msg:
            case M.StartRun(run_id=run_id, offset=offset):
                return ("run", run_id, offset)
            case M.Speed(ips=None):
                return "fast"
            case M.Speed(ips=ips):
                return ("speed", ips)
            case M.State(busy=False, playing=False):
                return "idle"
            case M.Play() | M.Pause() | M.Step():
                return type(msg).__name__
        return None

    msgs = _one_of_each()
    assert what(msgs[1]) == ("run", 7, 12)
    assert [what(m) for m in msgs[2:7]] == ["Play", "Pause", "Step", ("speed", 25.0), "fast"]
    assert what(M.State(3, False, False)) == "idle" and what(M.State(3, True, True)) is None


# ----------------------------------------------------------------------
# the status
# ----------------------------------------------------------------------
def test_status_is_a_string_enum_with_the_core_final_statuses():
    assert [s.value for s in Status] == [
        "running", "paused", "history", "converged", "max_iter", "diverged", "stalled"]
    assert Status("max_iter") is Status.MAX_ITER and Status.CONVERGED == "converged"
    assert str(Status.DIVERGED) == "diverged" and f"{Status.PAUSED}" == "paused"
    core = getattr(train, "TERMINAL", TERMINAL)
    assert final_statuses() == frozenset(core)
    # every status an iterate or a run can end with has its member (the child sends Stopped(Status(...)))
    assert set(core) | set(STATUSES) <= {s.value for s in Status}
    for s in Status:
        assert s.final == (s.value in core)
        assert s.description.startswith(s.value)
    assert Status.CONVERGED.final and Status.MAX_ITER.final and Status.DIVERGED.final
    assert not (Status.RUNNING.final or Status.PAUSED.final or Status.HISTORY.final)
    assert Status.RUNNING.stepping and not Status.PAUSED.stepping
    with pytest.raises(ValueError):
        Status("finished")


def _iterate(status="running", notes=()):
    prob = _problem()
    it = make_optimizer("gd", prob.objective).current
    return dataclasses.replace(it, status=status, notes=tuple(notes))


def test_run_status_is_derived_from_the_shown_iterate_and_the_run():
    it = _iterate()
    of = RunStatus.of
    assert of(it, run_status="running", playing=True, newest=True).status is Status.RUNNING
    assert of(it, run_status="running", playing=False, newest=True).status is Status.PAUSED
    assert of(it, run_status="running", playing=False, newest=False).status is Status.HISTORY
    assert of(it, run_status="converged", playing=True, newest=False).status is Status.RUNNING
    # a run stopped by a setting (e.g. a lower max_iter) while its newest iterate says running
    assert of(it, run_status="max_iter", playing=False, newest=True).status is Status.MAX_ITER
    # an iterate that carries a final status shows it, wherever the cursor is
    done = _iterate("converged")
    assert of(done, run_status="running", playing=True, newest=False).status is Status.CONVERGED
    rs = of(done, run_status="converged", playing=False, newest=True)
    assert rs == RunStatus(Status.CONVERGED) and rs.final and not rs.separable and rs.notes == ()


def test_run_status_renders_without_parsing_text():
    sep = _iterate("converged", [train.SEPARABLE_NOTE])
    rs = RunStatus.of(sep, run_status="converged", playing=False, newest=True)
    assert rs.separable and rs.notes == (train.SEPARABLE_NOTE,)
    assert (rs.text, rs.key) == ("converged · separable", "converged")
    assert (RunStatus("running", True).text, RunStatus("running", True).key) == ("separable", "separable")
    assert (RunStatus("paused", True).text, RunStatus("paused", True).key) == ("separable", "separable")
    assert (RunStatus("history", True).text, RunStatus("history", True).key) == ("history · separable", "history")
    assert (RunStatus("diverged", True).text, RunStatus("diverged", True).key) == ("diverged", "diverged")
    assert (RunStatus(Status.MAX_ITER).text, RunStatus(Status.MAX_ITER).key) == ("max_iter", "max_iter")
    rs = RunStatus("paused", notes=["a", "b"])  # the value is coerced: Status, tuple
    assert rs.status is Status.PAUSED and rs.notes == ("a", "b") and hash(rs) == hash(RunStatus(Status.PAUSED, False, ("a", "b")))
    assert pickle.loads(pickle.dumps(rs)) == rs
    with pytest.raises(dataclasses.FrozenInstanceError):
        rs.status = Status.RUNNING
    with pytest.raises(ValueError):
        RunStatus("finished")


# ----------------------------------------------------------------------
# Stepper: the run without a history
# ----------------------------------------------------------------------
def test_a_stepper_makes_the_iterates_the_run_records():
    prob = _problem()
    run = Run(make_optimizer("gd", prob.objective, lr=0.5), max_iter=25, tol=0.0)
    twin = Stepper(make_optimizer("gd", prob.objective, lr=0.5), max_iter=25, tol=0.0)
    assert not hasattr(twin, "history") and twin.first.k == 0 and twin.latest.k == 0
    while not run.finished:
        run.step()
    made = []
    while not twin.finished:
        it = twin.step()
        made.append(it) if it is not None else None
    assert twin.status == run.status == "max_iter"
    assert [it.k for it in made] == [it.k for it in run.history][1:] == list(range(1, 26))
    assert all(np.array_equal(a.coef, b.coef) and a.status == b.status for a, b in zip(made, list(run.history)[1:]))
    assert twin.latest is made[-1]
    # a finished run takes exactly one more step when forced, and goes on under new limits
    assert twin.step() is None and twin.step(force=True).k == 26
    twin.set_limits(40, 0.0)
    assert not twin.finished and twin.step().k == 27


def test_a_stepper_numbers_on_from_an_offset_and_judges_against_the_first_iterate():
    prob = _problem()
    earlier = Run(make_optimizer("gd", prob.objective, lr=0.5), max_iter=100, tol=0.0)
    for _ in range(12):
        earlier.step()
    latest = earlier.history.latest
    theta0 = prob.objective.join(latest.coef, latest.intercept)
    h = earlier.history.copy()
    here = Run(make_optimizer("adam", prob.objective, theta0, lr=0.01), max_iter=15, tol=0.0, history=h)
    twin = Stepper(make_optimizer("adam", prob.objective, theta0, lr=0.01), max_iter=15, tol=0.0,
                   first=h[0], offset=here.offset)
    assert here.offset == twin.offset == 12 and twin.first is h[0] and twin.latest.k == 12
    ks = []
    while not twin.finished:
        ks.append(twin.step().k)
    assert ks == [13, 14, 15] and twin.status == "max_iter"  # the budget counts from the first iterate


# ----------------------------------------------------------------------
# the child's loop (in a thread, real pipes)
# ----------------------------------------------------------------------
class _Loop:
    def __init__(self):
        from logit_gui.model.engine import serve

        cmd_r, self.cmd = multiprocessing.Pipe(duplex=False)
        self.evt, evt_w = multiprocessing.Pipe(duplex=False)
        self.thread = threading.Thread(target=serve, args=(cmd_r, evt_w), daemon=True)
        self.thread.start()
        self.seq = 0

    def send(self, kind, **fields):
        """Send ``kind(seq=<next>, **fields)``; SetProblem and Quit are sent as given."""
        if kind in (M.SetProblem, M.Quit):
            self.cmd.send(kind(**fields))
        else:
            self.seq += 1
            self.cmd.send(kind(seq=self.seq, **fields))

    def until_idle(self, timeout=20.0):
        """Every event up to the state that says: the newest command taken, nothing more to do."""
        out = []
        while self.evt.poll(timeout):
            msg = self.evt.recv()
            assert isinstance(msg, M.EVENTS), msg
            out.append(msg)
            if isinstance(msg, M.State) and msg.seq == self.seq and not msg.busy:
                return out
        raise AssertionError(f"no idle state; got {out}")

    def close(self):
        self.send(M.Quit)
        self.thread.join(5)
        assert not self.thread.is_alive()


def _fields(**kw):
    msg = _start(0, **kw)
    return {f.name: getattr(msg, f.name) for f in dataclasses.fields(msg) if f.name != "seq"}


def test_the_trainer_loop_steps_a_twin_of_the_windows_run():
    """The loop's iterates are the ones the window's run would have made itself."""
    prob = _problem()
    here = Run(make_optimizer("gd", prob.objective, test_objective=prob.test_objective, lr=0.5),
               max_iter=30, tol=0.0)
    loop = _Loop()
    try:
        loop.send(M.SetProblem, key=1, objective=prob.objective, test_objective=prob.test_objective)
        loop.send(M.StartRun, **_fields(run_id=7, first=here.history[0]))
        events = loop.until_idle()  # taken; paused: nothing stepped (a State may follow SetProblem alone)
        assert all(isinstance(m, M.State) and not m.playing for m in events)
        assert events[-1] == M.State(1, busy=False, playing=False)
        loop.send(M.Step)
        events = loop.until_idle()
        its = _its(events)
        assert len(its) == 1 and its[0].k == 1 and all(m.run_id == 7 for m in events if isinstance(m, M.Iterates))
        loop.send(M.Play)
        events = loop.until_idle()
        its += _its(events)
        stop = events.index(M.Stopped(7, Status.MAX_ITER))
        assert stop > max(i for i, m in enumerate(events) if isinstance(m, M.Iterates))
        assert events[stop + 1:] == [M.State(3, busy=False, playing=False)]  # it stopped playing by itself
        assert M.State(3, busy=True, playing=True) in events[:stop]  # the play was taken
        for _ in range(30):
            here.step()
        assert [it.k for it in its] == list(range(1, 31))
        for a, b in zip(its, list(here.history)[1:]):
            assert np.array_equal(a.coef, b.coef) and a.objective == b.objective
    finally:
        loop.close()


def test_the_trainer_loop_batches_its_iterates():
    """Fewer, larger messages: the iterates of a fast run arrive in batches, none lost or repeated."""
    prob = _problem()
    loop = _Loop()
    try:
        loop.send(M.SetProblem, key=1, objective=prob.objective, test_objective=None)
        first = make_optimizer("gd", prob.objective).current
        # a small step: far from the optimum after 3000 iterations (it neither converges nor stalls)
        loop.send(M.StartRun, **_fields(run_id=2, first=first, params={"lr": 0.002}, max_iter=3000, play=True))
        events = loop.until_idle()
        batches = [m for m in events if isinstance(m, M.Iterates)]
        assert [it.k for it in _its(events)] == list(range(1, 3001))
        assert len(batches) < 3000 / 4 and all(isinstance(b.iterates, tuple) for b in batches)
        assert M.Stopped(2, Status.MAX_ITER) in events
    finally:
        loop.close()


def test_the_trainer_loop_reports_what_the_optimizer_raises(monkeypatch):
    prob = _problem()
    first = make_optimizer("gd", prob.objective).current

    def boom(self, force=False):
        raise RuntimeError("simulated failure inside the optimizer")

    loop = _Loop()
    try:
        loop.send(M.SetProblem, key=1, objective=prob.objective, test_objective=None)
        loop.send(M.StartRun, **_fields(run_id=3, first=first, max_iter=100))
        loop.until_idle()
        monkeypatch.setattr(Stepper, "step", boom)
        loop.send(M.Play)
        events = loop.until_idle()
        failed = [m for m in events if isinstance(m, M.Failed)]
        assert len(failed) == 1 and failed[0].run_id == 3
        assert "simulated failure" in failed[0].message and "Traceback" in failed[0].traceback
        assert events[-1] == M.State(2, busy=False, playing=False)
        monkeypatch.undo()
        loop.send(M.Step)  # the loop goes on working
        assert [it.k for it in _its(loop.until_idle())] == [1]
        loop.send(M.StartRun, **_fields(run_id=4, first=first, method="no-such-method", params={},
                                        max_iter=10, play=True))
        events = loop.until_idle()
        failed = [m for m in events if isinstance(m, M.Failed)]
        assert failed and failed[0].run_id == 4 and "no-such-method" in failed[0].message
        assert events[-1] == M.State(4, busy=False, playing=False)
        loop.send(M.Play)  # no run: nothing plays
        assert loop.until_idle() == [M.State(5, busy=False, playing=False)]
    finally:
        loop.close()


def test_the_trainer_loop_continues_a_history_with_its_numbering():
    prob = _problem()
    earlier = Run(make_optimizer("gd", prob.objective, lr=0.5), max_iter=100, tol=0.0)
    for _ in range(12):
        earlier.step()
    latest = earlier.history.latest
    theta0 = prob.objective.join(latest.coef, latest.intercept)
    loop = _Loop()
    try:
        loop.send(M.SetProblem, key=1, objective=prob.objective, test_objective=None)
        loop.send(M.StartRun, **_fields(run_id=5, method="adam", params={"lr": 0.01}, theta0=theta0,
                                        first=earlier.history[0], offset=latest.k, max_iter=100))
        loop.send(M.Step)
        its = _its(loop.until_idle())
        assert [it.k for it in its] == [13] and its[0].method == "adam"
    finally:
        loop.close()


class _Events:
    """Stands in for the event pipe: keeps what the child says."""

    def __init__(self):
        self.sent = []

    def send(self, msg):
        self.sent.append(msg)


def test_the_child_keeps_no_history(monkeypatch):
    """The child steps a Stepper (start iterate, offset, stopping rule): no History is ever built."""
    def no_history(*args, **kwargs):
        raise AssertionError("the trainer process built a History")

    monkeypatch.setattr(history_module.History, "__init__", no_history)
    prob = _problem()
    first = make_optimizer("gd", prob.objective).current
    child = _Child(cmd=None, evt=_Events())
    child.handle(M.SetProblem(1, prob.objective, None))
    for offset in (0, 40):
        child.handle(_start(1, 9, first, offset=offset, max_iter=45))
        assert type(child.run) is Stepper and not hasattr(child.run, "history")
        assert child.run.first is first and child.run.offset == offset
        child.handle(M.Play(2))
        while child.busy:
            child.step()
        ks = [it.k for it in _its(child.evt.sent)]
        assert ks == list(range(offset + 1, 46))
        assert M.Stopped(9, Status.MAX_ITER) in child.evt.sent
        child.evt.sent.clear()
    # and the loop, in a thread, with History unusable
    loop = _Loop()
    try:
        loop.send(M.SetProblem, key=1, objective=prob.objective, test_objective=None)
        loop.send(M.StartRun, **_fields(run_id=1, first=first, max_iter=20, play=True))
        events = loop.until_idle()
        assert [it.k for it in _its(events)] == list(range(1, 21))
        assert not any(isinstance(m, M.Failed) for m in events)
    finally:
        loop.close()


# ----------------------------------------------------------------------
# the engine: a real child process
# ----------------------------------------------------------------------
def _events_until(engine, done, timeout=30.0):
    out = []
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if engine.poll(0.05):
            msg = engine.recv()
            out.append(msg)
            if done(msg):
                return out
    raise AssertionError(f"timed out; got {out}")


def test_the_engine_drives_a_real_child_process():
    prob = _problem()
    run = Run(make_optimizer("gd", prob.objective, test_objective=prob.test_objective, lr=SLOW),
              max_iter=200, tol=0.0)
    engine = Engine()
    try:
        seq = engine.set_run(run, play=False)
        events = _events_until(engine, lambda m: isinstance(m, M.State) and m.seq == seq)
        assert all(isinstance(m, M.State) and not m.playing for m in events)
        assert events[-1] == M.State(seq, busy=False, playing=False)
        seq = engine.command(M.Step)
        events = _events_until(engine, lambda m: isinstance(m, M.State) and m.seq == seq and not m.busy)
        for it in _its(events):
            run.record(it)
        assert run.history.latest.k == 1
        seq = engine.command(M.Play)
        events = _events_until(engine, lambda m: isinstance(m, M.Stopped))
        for it in _its(events):
            run.record(it)
        assert events[-1] == M.Stopped(run.id, Status.MAX_ITER) and run.status == "max_iter"
        assert [it.k for it in run.history] == list(range(201))
        assert _events_until(engine, lambda m: isinstance(m, M.State)) == [M.State(seq, False, False)]
        # a new limit lets the run go on; the child's twin has it too
        run.set_limits(250, 0.0)
        engine.command(M.Limits, run_id=run.id, max_iter=250, tol=0.0)
        engine.command(M.Play)
        events = _events_until(engine, lambda m: isinstance(m, M.Stopped))
        assert [it.k for it in _its(events)] == list(range(201, 251))
        # resumed (as in a new child after a crash): numbering goes on from the newest iterate
        for it in _its(events):
            run.record(it)
        run.set_limits(260, 0.0)
        seq = engine.set_run(run, play=True, resume=True)
        events = _events_until(engine, lambda m: isinstance(m, M.Stopped))
        assert [it.k for it in _its(events)] == list(range(251, 261))
    finally:
        engine.close(timeout=30)  # the app waits 50 ms, then kills: here, time to quit on a loaded machine
    assert not engine.alive and engine.process.exitcode == 0  # it quit when told


# ----------------------------------------------------------------------
# the worker: "playing" is the child's, derived
# ----------------------------------------------------------------------
def _without_qt() -> str | None:
    try:
        import pytestqt  # noqa: F401
    except ImportError:
        return "pytest-qt is not installed"
    from logit_gui.app import qt_is_broken

    return qt_is_broken()


needs_qt = pytest.mark.skipif(_without_qt() is not None, reason=str(_without_qt()))


def _worker(qtbot, run):
    from logit_gui.app.worker import TrainerThread

    t = TrainerThread()
    t.progressed.connect(lambda _id: t.ack())
    seen = []
    t.playingChanged.connect(seen.append)
    t.set_speed(None)
    t.set_run(run, play=False)
    t.start()
    return t, seen


@needs_qt
def test_the_worker_derives_playing_from_the_child(qtbot):
    prob = _problem()
    run = Run(make_optimizer("gd", prob.objective, lr=SLOW), max_iter=3000, tol=0.0)
    t, seen = _worker(qtbot, run)
    try:
        qtbot.waitUntil(lambda: not t.busy, timeout=30_000)
        assert not t.playing and seen == []
        with qtbot.waitSignal(t.stopped, timeout=30_000) as stopped:
            t.play()
            assert seen[:1] == [True]  # the play is on its way: playing at once (told synchronously)
        assert stopped.args == [run.id, "max_iter"]
        # the child stopped by itself: nobody told the worker to stop playing
        assert not t.playing and run.history.latest.k == 3000
        qtbot.waitUntil(lambda: seen == [True, False], timeout=30_000)
        # a new run that plays, then a pause: playing follows the commands at once
        run2 = Run(make_optimizer("gd", prob.objective, lr=SLOW), max_iter=10**7, tol=0.0)
        t.set_run(run2)  # play=None: as the trainer plays now (not)
        assert not t.playing
        t.set_run(run2, play=True)
        assert t.playing
        qtbot.waitUntil(lambda: len(run2.history) > 50, timeout=30_000)
        assert t.playing
        with qtbot.waitSignal(t.paused, timeout=30_000):
            t.pause()
            assert not t.playing
        assert not t.playing and not t.busy
        t.play()
        qtbot.waitUntil(lambda: len(run2.history) > 100, timeout=30_000)
        k = run2.history.latest.k
        with qtbot.waitSignal(t.paused, timeout=30_000):
            t.request_step()
            assert not t.playing
        assert run2.history.latest.k >= k
        qtbot.waitUntil(lambda: seen == [True, False, True, False, True, False], timeout=30_000)
    finally:
        assert t.shutdown()
    assert not t.playing


@needs_qt
def test_the_worker_stops_playing_when_the_child_dies(qtbot):
    prob = _problem()
    run = Run(make_optimizer("gd", prob.objective, lr=SLOW), max_iter=10**7, tol=0.0)
    t, seen = _worker(qtbot, run)
    try:
        t.play()
        qtbot.waitUntil(lambda: len(run.history) > 20, timeout=30_000)
        with qtbot.waitSignal(t.failed, timeout=30_000):
            t._engine.process.kill()
        assert not t.playing
        qtbot.waitUntil(lambda: seen == [True, False], timeout=30_000)
        k = run.history.latest.k
        t.request_step()  # a new child goes on from the newest iterate
        qtbot.waitUntil(lambda: run.history.latest.k == k + 1, timeout=30_000)
        assert not t.playing
    finally:
        assert t.shutdown()
