"""Issue 11 §2, item 2 — optimizers that never spin.

A step that can make no progress at machine precision ends the run with status
``stalled`` and its reason, instead of repeating itself until max_iter: L-BFGS
(and Newton, BFGS) at ``tol 0``, gd-backtracking with L1, gd at its fixed point.
"""

import numpy as np
import pytest

from logit_gui.core import train
from logit_gui.core.datasets import load_dataset
from logit_gui.core.iterate import STATUSES
from logit_gui.core.objective import Objective
from logit_gui.core.optimizers import make_optimizer
from logit_gui.core.problem import build_problem
from logit_gui.core.train import TERMINAL, run


def _bc(**kw):
    return build_problem(load_dataset("breast-cancer"), standardize=True, **kw).objective


def _last(obj, name, max_iter, tol, **kw):
    its = list(run(make_optimizer(name, obj, **kw), max_iter=max_iter, tol=tol))
    return its[-1], its


def test_item2_the_final_statuses_are_defined_once_with_stalled():
    """Issue 11 §2 item 2: TERMINAL lives in core/train.py, includes stalled, and
    the app's run model uses that very tuple."""
    from logit_gui.model import run as model_run

    assert TERMINAL == ("converged", "max_iter", "diverged", "stalled")
    assert model_run.TERMINAL is train.TERMINAL
    assert set(TERMINAL) < set(STATUSES)


@pytest.mark.parametrize("name, limit", [("lbfgs", 1000), ("bfgs", 1000), ("newton", 60)])
def test_item2_second_order_methods_at_tol_0_stall_at_the_round_off_floor(name, limit):
    """Issue 11 §2 item 2: at `--tol 0` L-BFGS (BFGS, Newton) used to repeat
    failed or empty steps until max_iter; now the run ends `stalled`, with the
    reason, at ‖∇J‖ near the floor of its rounding error."""
    last, its = _last(_bc(l2=1e-4), name, max_iter=10 * limit, tol=0)
    assert last.status == "stalled", (last.status, last.k)
    assert last.k < limit
    assert "round-off" in last.notes[-1] or "line search" in last.notes[-1]
    assert last.grad_norm < 1e-12
    assert [it.k for it in its[:-1]] == list(range(len(its) - 1))


def test_item2_gd_backtracking_with_l1_converges_instead_of_creeping():
    """Issue 11 §2 item 2: `--standardize --l1 1e-2 --optimizer gd-backtracking
    --tol 1e-9` stayed at 3.4e-8 for 4e5 iterations: its round-off escape tested
    the smooth gradient and its prox test accepted the step that leaves θ as it
    is. Now the escape tests the minimum-norm subgradient and an unmoved θ is
    never a step."""
    last, _ = _last(_bc(l1=1e-2), "gd-backtracking", max_iter=100_000, tol=1e-9)
    assert last.status in ("converged", "stalled"), (last.status, last.k)
    assert last.k < 50_000
    assert last.grad_norm < 1e-8


def test_item2_gd_at_its_fixed_point_stalls_and_keeps_the_last_iterate():
    """Issue 11 §2 item 2: once η∇J no longer changes θ in floating point, or
    takes it back to an iterate of a few steps before (a cycle in the last
    bits), gd would repeat itself forever; the run ends `stalled`, the final
    iterate is the last real one (same k and weights), and asking again is
    harmless."""
    X = np.array([[-1.0], [0.5], [1.0], [-0.2], [2.0], [-1.5]])
    y = np.array([0, 1, 1, 0, 0, 1])
    opt = make_optimizer("gd", Objective(X, y, l2=0.1), lr=1.0)
    its = list(run(opt, max_iter=100_000, tol=0))
    last, before = its[-1], its[-2]
    assert last.status == "stalled"
    assert any(why in last.notes[-1] for why in ("no longer changes θ", "∇J = 0", "a cycle"))
    assert last.k < 5000
    assert last.k == before.k and np.array_equal(last.coef, before.coef)
    assert opt.current.status == "running"  # the optimizer itself may be asked again
    again = opt.step()
    assert again.status == "stalled" and again.k == last.k


def test_item2_a_stalled_run_is_finished_for_the_app_model():
    """Issue 11 §2 item 2: the app's Run stops on `stalled` like on the other
    final statuses (its TERMINAL is the core's)."""
    from logit_gui.model.run import Run

    X = np.array([[-1.0], [0.5], [1.0], [-0.2], [2.0], [-1.5]])
    y = np.array([0, 1, 1, 0, 0, 1])
    r = Run(make_optimizer("newton", Objective(X, y, l2=0.1)), max_iter=10_000, tol=0.0)
    for _ in range(100):
        if r.step() is None or r.finished:
            break
    assert r.finished and r.status == "stalled"
    assert r.step() is None


def test_item2_converged_wins_over_stalled():
    """Issue 11 §2 item 2: an iterate within the tolerance is `converged` even if
    the method could not have gone further."""
    obj = _bc(l2=1e-2)
    it0 = make_optimizer("newton", obj).current
    done = list(run(make_optimizer("newton", obj), max_iter=100, tol=1e-12))[-1]
    stalled = done.with_status("stalled", "test")
    assert train.check_stop(stalled, it0, max_iter=100, tol=1e-6) == "converged"
    assert train.check_stop(stalled, it0, max_iter=100, tol=0) == "stalled"


@pytest.mark.parametrize("name, kw", [("gd-lipschitz", {}), ("momentum", {"lr": 0.1}), ("nesterov", {"lr": 0.1}),
                                      ("adagrad", {}), ("sgd", {"lr": 0.1})])
def test_item2_full_batch_first_order_methods_stall_at_their_fixed_point(name, kw):
    """Issue 11 §2 item 2: at `--tol 0` a full-batch method whose θ (and running
    state) repeats in the last bits would spin to max_iter; it stalls instead.
    (With mini-batches, and for RMSProp and Adam, whose steps do not shrink,
    the run goes on: it is not stuck at round-off.)"""
    X = np.array([[-1.0], [0.5], [1.0], [-0.2], [2.0], [-1.5]])
    y = np.array([0, 1, 1, 0, 0, 1])
    last, _ = _last(Objective(X, y, l2=0.1), name, max_iter=100_000, tol=0, **kw)
    assert last.status == "stalled", (last.status, last.k)
    assert last.k < 20_000 and last.grad_norm < 1e-15
    assert "round-off" in last.notes[-1]
