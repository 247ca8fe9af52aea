"""Every optimizer of the lecture, written out by hand so every iterate can be shown.

All share one protocol: ``make_optimizer(name, objective, theta0)`` builds an
object whose ``current`` is iterate 0 and whose ``step()`` performs exactly one
more iteration and returns its immutable :class:`~logit_gui.core.iterate.Iterate`.
It can be stepped forever; stopping rules live in :mod:`logit_gui.core.train`.

Every method asks the one :class:`~logit_gui.core.objective.Objective` for
values, gradients and curvature; none re-derives the math. With an L1 penalty
the first-order methods take a proximal (soft-threshold) step, L-BFGS becomes
OWL-QN (orthant-wise L-BFGS), and Newton and BFGS refuse L1.

A step that can make no progress in floating point — a line search that finds
no point where J is measurably lower, a step that leaves θ unchanged, or a
second-order method whose iterations stopped lowering J and ‖∇J‖ — returns the
last iterate with status ``stalled`` and a note that says why; it never spins.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from .errors import OptimizerError
from .iterate import Iterate
from .objective import Objective

__all__ = [
    "OPTIMIZERS",
    "OPTIMIZER_PARAMS",
    "DEFAULTS",
    "DEFAULT_LR",
    "PARAM_HELP",
    "Optimizer",
    "make_optimizer",
    "check_optimizer",
    "SECOND_ORDER",
    "NO_L1",
    "STALL_PATIENCE",
    "NEWTON_PATIENCE",
    "wolfe_line_search",
]

#: name → one-line description
OPTIMIZERS = {
    "gd": "gradient descent with a fixed learning rate: θ ← θ − η ∇J(θ)",
    "gd-lipschitz": "gradient descent with the Lipschitz-optimal step η = 1/L (never increases J)",
    "gd-backtracking": "gradient descent with an Armijo backtracking line search",
    "newton": "Newton–Raphson: θ ← θ − t H⁻¹∇J, backtracking on t; damped only when H is singular",
    "bfgs": "BFGS quasi-Newton: inverse-Hessian approximation, Wolfe line search",
    "lbfgs": "limited-memory BFGS: the last m curvature pairs, Wolfe line search (with L1: OWL-QN)",
    "adagrad": "Adagrad: per-coordinate steps η / √(Σ g²)",
    "sgd": "stochastic gradient descent on seeded, shuffled mini-batches",
    "momentum": "heavy-ball momentum: v ← βv + ∇J, θ ← θ − η v",
    "nesterov": "Nesterov accelerated gradient: gradient at the look-ahead point θ + βv",
    "rmsprop": "RMSProp: steps η / √(running mean of g²)",
    "adam": "Adam: bias-corrected running means of g and g²",
}

#: name → the parameters that method uses
OPTIMIZER_PARAMS = {
    "gd": ("lr",),
    "gd-lipschitz": (),
    "gd-backtracking": ("lr",),
    "newton": (),
    "bfgs": (),
    "lbfgs": ("memory",),
    "adagrad": ("lr", "eps", "batch_size", "seed"),
    "sgd": ("lr", "batch_size", "seed"),
    "momentum": ("lr", "beta", "batch_size", "seed"),
    "nesterov": ("lr", "beta", "batch_size", "seed"),
    "rmsprop": ("lr", "rho", "eps", "batch_size", "seed"),
    "adam": ("lr", "beta1", "beta2", "eps", "batch_size", "seed"),
}

#: default learning rate per method (the other defaults are shared)
DEFAULT_LR = {
    "gd": 0.5,
    "gd-backtracking": 1.0,
    "adagrad": 0.5,
    "sgd": 0.1,
    "momentum": 0.1,
    "nesterov": 0.1,
    "rmsprop": 0.01,
    "adam": 0.05,
}

DEFAULTS = {
    "lr": 0.5,
    "batch_size": None,  # None: full batch (sgd: 32)
    "beta": 0.9,
    "beta1": 0.9,
    "beta2": 0.999,
    "rho": 0.9,
    "eps": 1e-8,
    "memory": 10,
    "seed": 0,
}

PARAM_HELP = {
    "lr": "learning rate η (for gd-backtracking: the first trial step)",
    "batch_size": "mini-batch size; empty or ≥ n means the full batch",
    "beta": "momentum β in v ← βv + g",
    "beta1": "Adam's decay of the running mean of g",
    "beta2": "Adam's decay of the running mean of g²",
    "rho": "RMSProp's decay of the running mean of g²",
    "eps": "ε added to √(accumulator) to avoid division by zero",
    "memory": "L-BFGS: number of curvature pairs (s, y) kept",
    "seed": "seed of the mini-batch shuffling",
}

_MAX_INFO_MATRIX = 64  # keep the BFGS inverse-Hessian in iterates up to this size
#: relative slack for comparing objective values: J is accurate to a few ulp,
#: so two values closer than this are equal as far as anyone can tell
_ROUNDOFF = 1e-14
_EPS = float(np.finfo(np.float64).eps)
#: a quasi-Newton method whose last STALL_PATIENCE iterations lowered neither J
#: (measurably) nor ‖∇J‖∞ (below half its best) has stalled at the round-off
#: floor; Newton, which converges quadratically, gets NEWTON_PATIENCE
STALL_PATIENCE = 20
NEWTON_PATIENCE = 5


class _Stalled(Exception):
    """Raised inside a step that can make no progress; the message says why."""


def _slack(f) -> float:
    return _ROUNDOFF * abs(f) + 1e-300


class Optimizer:
    """Base class: holds θ, f(θ), ∇f(θ) and builds the iterate snapshots."""

    name = ""

    def __init__(self, objective: Objective, theta0=None, *, test_objective=None, **params):
        self.obj = objective
        self.test_obj = test_objective
        # what make_optimizer was given: with the name and theta0, enough to build it again
        self.params: dict = {}
        theta = objective.zeros() if theta0 is None else np.array(theta0, dtype=np.float64).ravel()
        if theta.shape != (objective.size,):
            raise OptimizerError(
                f"starting point has {theta.size} parameters, the model needs {objective.size}"
            )
        if not np.all(np.isfinite(theta)):
            raise OptimizerError("starting point is not finite")
        self.theta = theta
        self.theta0 = theta.copy()  # where it started
        self.k = 0
        self.f, self.g = objective.value_grad(theta)
        self.current = self._snapshot(0.0, self._info(), ())

    # -- helpers -----------------------------------------------------------
    def _F(self, theta, f_smooth):
        return f_smooth + self.obj.l1_penalty(theta)

    def _snapshot(self, step_size, info, notes) -> Iterate:
        coef, intercept = self.obj.split(self.obj.gauge(self.theta))
        gn, sgn = self.obj.optimality_norms(self.theta, self.g)
        test = None
        if self.test_obj is not None:
            test = self.test_obj.value(self.theta)
        return Iterate(
            k=self.k,
            coef=coef,
            intercept=intercept,
            objective=self._F(self.theta, self.f),
            grad_norm=gn,
            step_size=float(step_size),
            test_objective=test,
            status="running",
            method=self.name,
            notes=tuple(notes),
            info=info,
            scaled_grad_norm=sgn,
        )

    def _info(self) -> dict:
        return {}

    def _step(self):
        """Advance θ, f, g by one iteration; return (step_size, info, notes)."""
        raise NotImplementedError

    #: second-order methods: end with "stalled" after ``patience`` iterations
    #: without measurable progress (first-order methods may legitimately crawl)
    track_progress = False
    patience = STALL_PATIENCE

    def step(self) -> Iterate:
        """Perform exactly one more iteration and return its iterate.

        If the iteration produces a non-finite value, θ is left where it was
        and the returned iterate (the last finite one) has status "diverged".
        If it can make no progress in floating point, θ is left where it was
        and the returned iterate (the last one, same k) has status "stalled",
        with the reason as its last note; so has the new iterate of a
        second-order method whose last ``patience`` steps made no measurable
        progress. ``current`` stays running, so the method can be asked again.
        """
        saved = (self.theta.copy(), self.f, self.g.copy(), self._save_state())
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            try:
                step_size, info, notes = self._step()
            except _Stalled as stall:
                self.theta, self.f, self.g, state = saved
                self._restore_state(state)
                return self.current.with_status("stalled", str(stall))
            ok = (
                np.isfinite(self.f)
                and np.all(np.isfinite(self.theta))
                and np.all(np.isfinite(self.g))
            )
            if ok:
                self.k += 1
                self.current = self._snapshot(step_size, info, notes)
                # θ and f are finite: so are the iterate's weights; J may still overflow with L1
                ok = math.isfinite(self.current.objective) and (
                    self.current.test_objective is None or math.isfinite(self.current.test_objective)
                )
                if not ok:
                    self.k -= 1
        if not ok:
            self.theta, self.f, self.g, state = saved
            self._restore_state(state)
            self.current = self._last_finite(self.k + 1)
        elif self.track_progress:
            reason = self._no_progress()
            if reason:
                return self.current.with_status("stalled", reason)
        return self.current

    def _no_progress(self) -> str | None:
        """The reason to stop when the last ``patience`` iterations lowered J
        by no more than its rounding error (16 ulp) and never brought ‖∇J‖∞
        below half its best before them; else None."""
        it = self.current
        window = getattr(self, "_window", None)
        if window is None:
            window = self._window = deque(maxlen=self.patience + 1)
            self._best_opt = math.inf
        if len(window) == window.maxlen:
            self._best_opt = min(self._best_opt, window[0][1])
        window.append((it.objective, it.grad_norm))
        if len(window) < window.maxlen:
            return None
        F_old = window[0][0]
        if F_old - it.objective > 16 * _EPS * abs(F_old):
            return None
        if min(opt for _, opt in list(window)[1:]) < 0.5 * min(self._best_opt, window[0][1]):
            return None
        self._window = None  # asked again, it may try another round
        return (f"J fell by no more than its rounding error and ‖∇J‖∞ did not halve in "
                f"{self.patience} iterations: the round-off floor (‖∇J‖∞ = {it.grad_norm:.3g} here)")

    def _last_finite(self, k):
        prev = self.current
        if prev.status == "diverged":
            return prev
        return prev.with_status(
            "diverged", f"iteration {k} gave a non-finite objective: the step is too large"
        )

    def _save_state(self):
        return None

    def _restore_state(self, state):
        pass


# ----------------------------------------------------------------------------
# gradient descent family
# ----------------------------------------------------------------------------
class GD(Optimizer):
    name = "gd"

    def __init__(self, objective, theta0=None, *, lr=None, **kw):
        self.lr = _positive("lr", DEFAULT_LR["gd"] if lr is None else lr)
        super().__init__(objective, theta0, **kw)

    def _info(self):
        return {"lr": self.lr}

    def _step(self):
        lr = self.lr
        theta = self.obj.prox_l1(self.theta - lr * self.g, lr)
        if np.array_equal(theta, self.theta):
            raise _Stalled(_unchanged(self.obj, self.theta, self.g, f"the step η = {lr:.3g}"))
        _check_cycle(self, theta)
        self.theta = theta
        self.f, self.g = self.obj.value_grad(self.theta)
        return lr, self._info(), ()


class GDLipschitz(GD):
    """Step 1/L with L the Lipschitz constant of ∇J (Yedida & Saha's LipschitzLR).

    Since p(1 − p) ≤ 1/4, the Hessian is bounded by X̃ᵀ diag(s) X̃ / (4Σs) + l2 I,
    so with η = 1/L the descent lemma guarantees J(θ − η∇J) ≤ J(θ) − ‖∇J‖²/(2L).
    """

    name = "gd-lipschitz"

    def __init__(self, objective, theta0=None, **kw):
        self.L = objective.lipschitz()
        kw.pop("lr", None)
        super().__init__(objective, theta0, lr=1.0 / self.L, **kw)

    def _info(self):
        return {"lipschitz": self.L, "lr": self.lr, "formula": self.obj.lipschitz_formula + ", η = 1/L"}


class GDBacktracking(Optimizer):
    """Gradient descent with Armijo backtracking: t ← t/2 until
    J(θ − t∇J) ≤ J(θ) − c t ‖∇J‖² (c = 1e-4); with L1, the proximal-gradient
    condition J(θ⁺) ≤ J(θ) + ∇Jᵀ(θ⁺ − θ) + ‖θ⁺ − θ‖²/(2t). Each iteration starts
    from twice the previous accepted step (at most ``lr``)."""

    name = "gd-backtracking"
    c = 1e-4
    shrink = 0.5

    def __init__(self, objective, theta0=None, *, lr=None, **kw):
        self.t0 = _positive("lr", DEFAULT_LR["gd-backtracking"] if lr is None else lr)
        self.t = self.t0
        super().__init__(objective, theta0, **kw)

    def _info(self):
        return {"t0": self.t0}

    def _save_state(self):
        return self.t

    def _restore_state(self, state):
        self.t = state

    def _step(self):
        obj = self.obj
        theta, f, g = self.theta, self.f, self.g
        F = self._F(theta, f)
        sub = float(np.linalg.norm(obj.subgradient(theta, g)))
        slack = _slack(F)
        t = min(self.t0, 2.0 * self.t)
        gg = float(g @ g)
        trials = []
        for _ in range(60):
            cand = obj.prox_l1(theta - t * g, t)
            if np.array_equal(cand, theta):
                break  # the step no longer moves θ: nothing smaller will
            fc, gc = obj.value_grad(cand)
            Fc = fc + obj.l1_penalty(cand)
            trials.append((t, Fc))
            if np.isfinite(fc):
                if obj.l1:  # proximal-gradient sufficient decrease on the smooth part
                    diff = cand - theta
                    ok = fc <= f + g @ diff + (diff @ diff) / (2 * t) + slack
                else:
                    ok = fc <= f - self.c * t * gg + slack
                # where J cannot tell, a shorter minimum-norm subgradient
                # (∇J without L1) is progress all the same
                if ok and Fc > F - slack:
                    ok = float(np.linalg.norm(obj.subgradient(cand, gc))) < sub
                if ok:
                    break
            t *= self.shrink
        else:
            cand = None
        if cand is None or np.array_equal(cand, theta):
            raise _Stalled(_no_decrease(obj, theta, g, F, "gradient-step"))
        _check_cycle(self, cand, t)
        self.t = t
        self.theta, self.f, self.g = cand, fc, gc
        return t, {"trials": tuple(trials), "t0": self.t0, "direction": -g}, ()


#: a deterministic step that leads back to one of the last CYCLE iterates (a
#: cycle in the last bits, at the round-off floor) will repeat it forever
CYCLE = 8


def _check_cycle(opt, theta, state=()):
    """Raise _Stalled when (θ, state) equals one of the last CYCLE ones: the
    method's step depends on nothing else, so it would cycle for ever
    (``state``: whatever else decides the next step, e.g. a velocity)."""
    recent = getattr(opt, "_recent", None)
    if recent is None:
        recent = opt._recent = deque(maxlen=CYCLE)
    key = (theta.tobytes(), state)
    for age, old in enumerate(reversed(recent), start=1):
        if old == key:
            what = ("the step no longer changes θ in floating point" if age == 1 else
                    f"θ returned to the iterate {age} steps back: a cycle in the last bits")
            raise _Stalled(f"{what}, the round-off floor (‖∇J‖∞ = {opt.obj.optimality(opt.theta, opt.g):.3g})")
    recent.append(key)


def _unchanged(obj, theta, g, what) -> str:
    if not np.any(obj.subgradient(theta, g)):
        return "∇J = 0 in floating point: there is no direction to move in"
    return f"{what} no longer changes θ in floating point (‖∇J‖∞ = {obj.optimality(theta, g):.3g})"


def _no_decrease(obj, theta, g, F, search) -> str:
    if not np.any(obj.subgradient(theta, g)):
        return "∇J = 0 in floating point: there is no direction to move in"
    return (f"the {search} line search found no step that lowers J measurably (J = {F:.17g}, "
            f"‖∇J‖∞ = {obj.optimality(theta, g):.3g}): the round-off floor of J")


# ----------------------------------------------------------------------------
# second order
# ----------------------------------------------------------------------------
class Newton(Optimizer):
    """Newton–Raphson with an Armijo backtracking line search on the step length.

    The Newton direction solves H d = −∇J. H is first scaled to unit diagonal,
    Ĥ = D^{-1/2} H D^{-1/2} with D = diag(H) — badly scaled features make H
    ill-conditioned but leave Ĥ alone — and solved through Ĥ's eigenvalues.
    Only when Ĥ itself is singular to working precision (cond(Ĥ) > 1e12:
    separable data without a penalty, duplicated features) is the step damped:
    (Ĥ + μI) d̂ = −D^{-1/2}∇J with μ = 1e-8·λmax(Ĥ), and the iterate says so.
    Softmax's directions that change no probability are left out.
    """

    name = "newton"
    max_cond = 1e12
    c = 1e-4
    track_progress = True
    patience = NEWTON_PATIENCE

    def _null_dims(self):
        # softmax is invariant to adding one vector to every class's parameters:
        # the intercepts always, the weights too when nothing penalizes them
        if self.obj.kind != "softmax":
            return 0
        return (1 if self.obj.fit_intercept else 0) + (0 if self.obj.l2 > 0 else self.obj.d)

    def _direction(self, g):
        H = self.obj.hessian(self.theta)
        if not np.all(np.isfinite(H)):
            raise _Stalled("the Hessian overflows in floating point: rescale the features")
        diag = np.diag(H).copy()
        ok = diag > 0
        root = np.sqrt(np.where(ok, diag, 1.0))
        Hs = H / root[:, None] / root[None, :]
        gs = g / root
        lam, V = np.linalg.eigh(Hs)
        m0 = self._null_dims()
        lam_max = max(lam[-1], 0.0)
        lam_min = lam[m0] if m0 < lam.size else lam_max
        cond = lam_max / lam_min if lam_min > 0 else math.inf
        gv = V.T @ gs
        notes = []
        if cond > self.max_cond or not np.isfinite(cond):
            mu = 1e-8 * lam_max if lam_max > 0 else 1e-8
            lam_d = np.maximum(lam, 0.0) + mu
            ds = -(V @ (gv / lam_d))
            notes.append(
                f"Hessian singular (cond = {cond:.3g} after scaling to unit diagonal): "
                f"damped step (Ĥ + μI)⁻¹∇J with μ = {mu:.3g}"
            )
            damped = True
        else:
            keep = np.arange(lam.size) >= m0
            inv = np.where(keep, 1.0 / np.where(keep, lam, 1.0), 0.0)
            ds = -(V @ (gv * inv))
            damped = False
        return ds / root, float(cond), damped, notes

    def _step(self):
        obj = self.obj
        g = self.g
        if not np.any(g):
            raise _Stalled(_unchanged(obj, self.theta, g, "the Newton step"))
        d, cond, damped, notes = self._direction(g)
        slope = float(g @ d)
        if not slope < 0:  # numerical trouble: fall back to steepest descent
            d = -g
            slope = -float(g @ g)
            notes.append("Newton direction is not a descent direction: gradient step used")
        slack = _slack(self.f)
        t, trials = 1.0, []
        for _ in range(60):
            cand = self.theta + t * d
            if np.array_equal(cand, self.theta):
                break
            fc, gc = obj.value_grad(cand)
            trials.append((t, fc))
            if np.isfinite(fc) and fc <= self.f + self.c * t * slope + slack:
                break
            t *= 0.5
        else:
            cand = None
        if cand is None or np.array_equal(cand, self.theta):
            raise _Stalled(_no_decrease(obj, self.theta, g, self.f, "Newton"))
        self.theta, self.f, self.g = cand, fc, gc
        info = {
            "cond": cond,
            "trials": tuple(trials),
            "damped": damped,
            "newton_decrement": float(math.sqrt(max(-slope, 0.0))),
            "direction": d,
        }
        info["displacement"] = t * float(np.linalg.norm(d))
        return t, info, tuple(notes)


def wolfe_line_search(fun, theta, f0, g0, d, t0=1.0, c1=1e-4, c2=0.9, max_evals=30):
    """Strong-Wolfe line search (Nocedal & Wright, Algorithms 3.5 and 3.6).

    ``fun(θ) → (f, g)``. Returns (t, f, g, trials, ok); trials are (t, f) pairs.
    On failure returns the best point found that decreases f, or t = 0.

    f is known only to its rounding error. Near the optimum the decrease
    c1·t·φ'(0) falls below it and J can no longer tell a better point from a
    worse one; there the sufficient-decrease test is Hager & Zhang's
    approximate one, φ'(t) ≤ (2c1 − 1) φ'(0) (exact for a quadratic, and made
    of gradients, which stay accurate), for points whose f is within rounding
    of f(0). The curvature test always uses gradients.
    """
    dphi0 = float(g0 @ d)
    trials = []
    best = (0.0, f0, g0)
    slack = _slack(f0)

    def decrease_ok(t, f, dphi):
        if not np.isfinite(f):
            return False
        if f <= f0 + c1 * t * dphi0:
            return True
        return f <= f0 + slack and math.isfinite(dphi) and dphi <= (2 * c1 - 1) * dphi0

    def phi(t):
        nonlocal best
        f, g = fun(theta + t * d)
        trials.append((float(t), float(f)))
        dphi = float(g @ d) if np.all(np.isfinite(g)) else math.nan
        if decrease_ok(t, f, dphi) and (best[0] == 0 or f < best[1]):
            best = (t, f, g)
        return f, g, dphi

    def interpolate(a, fa, da, b, fb, db):
        # minimizer of the cubic through (a, fa, da), (b, fb, db), safeguarded
        lo, hi = min(a, b), max(a, b)
        try:
            d1 = da + db - 3 * (fa - fb) / (a - b)
            rad = d1 * d1 - da * db
            if rad >= 0 and np.isfinite(rad):
                d2 = math.copysign(math.sqrt(rad), b - a)
                t = b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2)
                if np.isfinite(t) and lo + 0.1 * (hi - lo) <= t <= hi - 0.1 * (hi - lo):
                    return t
        except (ZeroDivisionError, ValueError, OverflowError):
            pass
        return 0.5 * (a + b)

    def zoom(lo, flo, dlo, hi, fhi, dhi):
        while len(trials) < max_evals:
            if np.isfinite(fhi) and np.isfinite(dhi):
                t = interpolate(lo, flo, dlo, hi, fhi, dhi)
            else:  # overflow at hi: the step is far too long, back off by 10
                t = lo + 0.1 * (hi - lo)
            f, g, dphi = phi(t)
            if not decrease_ok(t, f, dphi) or f > flo + slack:
                hi, fhi, dhi = t, f, dphi
            else:
                if abs(dphi) <= -c2 * dphi0:
                    return t, f, g, True
                if dphi * (hi - lo) >= 0:
                    hi, fhi, dhi = lo, flo, dlo
                lo, flo, dlo = t, f, dphi
            if abs(hi - lo) < 1e-16 * max(1.0, abs(lo)):
                break
        return None

    if not dphi0 < 0:
        return 0.0, f0, g0, tuple(trials), False
    t_prev, f_prev, d_prev = 0.0, f0, dphi0
    t = t0
    result = None
    while len(trials) < max_evals:
        f, g, dphi = phi(t)
        if not decrease_ok(t, f, dphi) or (t_prev > 0 and f > f_prev + slack):
            result = zoom(t_prev, f_prev, d_prev, t, f, dphi)
            break
        if abs(dphi) <= -c2 * dphi0:
            result = (t, f, g, True)
            break
        if dphi >= 0:
            result = zoom(t, f, dphi, t_prev, f_prev, d_prev)
            break
        t_prev, f_prev, d_prev = t, f, dphi
        t = 2.0 * t
    if result is not None:
        t, f, g, ok = result
        return t, f, g, tuple(trials), ok
    t, f, g = best
    return t, f, g, tuple(trials), False


def _curvature_pair(s, y):
    """(sᵀy, yᵀy) when the pair (s, y) may update a quasi-Newton model: the
    curvature condition sᵀy > 0 holds clearly (not by round-off) and neither
    product under- or overflows; else None."""
    sy = float(s @ y)
    yy = float(y @ y)
    ok = (
        math.isfinite(sy) and math.isfinite(yy) and sy > 0 and yy > 0
        and sy > 1e-10 * math.sqrt(float(s @ s) * yy)
        and math.isfinite(1.0 / sy) and math.isfinite(sy / yy) and sy / yy > 0
    )
    return (sy, yy) if ok else None


class BFGS(Optimizer):
    """BFGS: d = −H∇J with H ≈ (∇²J)⁻¹, strong-Wolfe line search, and the update
    H ← (I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ, ρ = 1/(yᵀs), skipped when the curvature
    condition yᵀs > 0 fails.

    H starts as D⁻², D = diag(RMS of each feature, 1 for the intercept) — the
    identity for standardized features — and is rescaled by yᵀs / yᵀD⁻²y before
    the first update: so the iterations do not depend on the units the
    features are measured in. When the line search finds nothing along −H∇J,
    H is reset and the step is tried along −D⁻²∇J; if that fails too, the run
    has stalled."""

    name = "bfgs"
    track_progress = True

    def __init__(self, objective, theta0=None, **kw):
        self.D2 = 1.0 / objective.grad_scales() ** 2
        self.H = np.diag(self.D2)
        self.updates = 0
        super().__init__(objective, theta0, **kw)

    def _info(self):
        info = {"updates": self.updates}
        if self.H.shape[0] <= _MAX_INFO_MATRIX:
            info["H_inv"] = self.H
        return info

    def _save_state(self):
        return self.H.copy(), self.updates

    def _restore_state(self, state):
        self.H, self.updates = state

    def _reset(self):
        self.H = np.diag(self.D2)
        self.updates = 0

    def _t0(self):
        """1 once H has curvature in it; before, a first step of length 1 in
        the units of the features (invariant to their scale)."""
        if self.updates:
            return 1.0
        return min(1.0, 1.0 / max(float(np.abs(self.g * np.sqrt(self.D2)).sum()), 1e-300))

    def _step(self):
        if not np.any(self.g):
            raise _Stalled(_unchanged(self.obj, self.theta, self.g, "the BFGS step"))
        d = -(self.H @ self.g)
        notes = []
        if not float(self.g @ d) < 0:
            self._reset()
            d = -(self.D2 * self.g)
            notes.append("BFGS direction not a descent direction: H reset to D⁻²")
        t, f, g, trials, ok = wolfe_line_search(self.obj.value_grad, self.theta, self.f, self.g, d, t0=self._t0())
        search_from = 0
        if t == 0 and self.updates:
            self._reset()
            d = -(self.D2 * self.g)
            notes.append("line search failed along −H∇J: H reset to D⁻², gradient direction tried")
            t, f, g, more, ok = wolfe_line_search(
                self.obj.value_grad, self.theta, self.f, self.g, d, t0=self._t0())
            search_from = len(trials)
            trials = trials + more
        s = t * d
        if t == 0 or np.array_equal(self.theta + s, self.theta):
            raise _Stalled(_no_decrease(self.obj, self.theta, self.g, self.f, "Wolfe"))
        if not ok:
            notes.append("strong Wolfe conditions not met: best Armijo point taken")
        y = g - self.g
        pair = _curvature_pair(s, y)
        if pair is not None:
            sy, yy = pair
            if self.updates == 0:
                self.H = np.diag(self.D2 * (sy / float(y @ (self.D2 * y))))
            rho = 1.0 / sy
            Hy = self.H @ y
            self.H = (
                self.H
                - rho * (np.outer(s, Hy) + np.outer(Hy, s))
                + (rho * rho * float(y @ Hy) + rho) * np.outer(s, s)
            )
            self.updates += 1
            sy_note = sy
        else:
            sy_note = float(s @ y)
            notes.append(f"curvature condition yᵀs > 0 failed (yᵀs = {sy_note:.3g}): update skipped")
        self.theta, self.f, self.g = self.theta + s, f, g
        return t, dict(self._info(), trials=trials, search_from=search_from, direction=d, curvature=sy_note,
                       displacement=float(np.linalg.norm(s))), tuple(notes)


class LBFGS(Optimizer):
    """L-BFGS: the two-loop recursion over the last ``memory`` pairs (s, y),
    initial matrix γD⁻² with D = diag(RMS of each feature, 1 for the intercept)
    and γ = sᵀy / yᵀD⁻²y (for standardized features D = I and γ = sᵀy / yᵀy):
    so the iterations do not depend on the units of the features. Strong-Wolfe
    line search.

    With an L1 penalty it is OWL-QN (Andrew & Gao, 2007): the two-loop
    recursion is applied to the pseudo-gradient ◇J (the minimum-norm
    subgradient), the direction keeps only the components that point downhill
    (against ◇J), and a backtracking line search projects each trial point onto
    the orthant of the current one (a weight that would cross zero stops at
    zero); the pairs (s, y) use the gradient of the smooth part only.
    """

    name = "lbfgs"
    track_progress = True
    c = 1e-4

    def __init__(self, objective, theta0=None, *, memory=None, **kw):
        m = DEFAULTS["memory"] if memory is None else memory
        if int(m) != m or m < 1:
            raise OptimizerError(f"memory must be a positive integer, got {m}")
        self.memory = int(m)
        self.pairs = deque(maxlen=self.memory)
        self.owlqn = bool(objective.l1)
        self.D2 = 1.0 / objective.grad_scales() ** 2
        super().__init__(objective, theta0, **kw)

    def _info(self):
        info = {"memory": self.memory, "pairs": len(self.pairs)}
        if self.owlqn:
            info["owlqn"] = True
        if self.pairs and self.obj.size <= _MAX_INFO_MATRIX:
            # the curvature pairs the next direction is built from (oldest first)
            info["S"] = np.array([p[0] for p in self.pairs])
            info["Y"] = np.array([p[1] for p in self.pairs])
        return info

    def _save_state(self):
        return list(self.pairs)

    def _restore_state(self, state):
        self.pairs = deque(state, maxlen=self.memory)

    def _direction(self, g):
        q = g.copy()
        alphas = []
        for s, y, rho, _ in reversed(self.pairs):
            a = rho * float(s @ q)
            alphas.append(a)
            q -= a * y
        # H₀ = γ D⁻², γ = sᵀy / yᵀD⁻²y of the newest pair (D⁻² alone before any)
        q *= self.D2 * (self.pairs[-1][3] if self.pairs else 1.0)
        for (s, y, rho, _), a in zip(self.pairs, reversed(alphas)):
            b = rho * float(y @ q)
            q += (a - b) * s
        return -q

    def _first_t(self, g):
        """1 once there are pairs; before, a first step of length 1 in the
        units of the features: min(1, 1/‖D⁻¹g‖₁)."""
        if self.pairs:
            return 1.0
        return min(1.0, 1.0 / max(float(np.abs(g * np.sqrt(self.D2)).sum()), 1e-300))

    def _remember(self, s, y, notes):
        pair = _curvature_pair(s, y)
        if pair is None:
            sy = float(s @ y)
            notes.append(f"curvature condition failed (yᵀs = {sy:.3g}): pair not stored")
            return sy
        sy, _ = pair
        yDy = float(y @ (self.D2 * y))
        if not (math.isfinite(yDy) and yDy > 0 and math.isfinite(sy / yDy) and sy / yDy > 0):
            notes.append(f"curvature pair out of floating-point range (yᵀs = {sy:.3g}): not stored")
            return sy
        self.pairs.append((s, y, 1.0 / sy, sy / yDy))
        return sy

    def _step(self):
        if self.owlqn:
            return self._step_owlqn()
        if not np.any(self.g):
            raise _Stalled(_unchanged(self.obj, self.theta, self.g, "the L-BFGS step"))
        notes = []
        d = self._direction(self.g)
        if not float(self.g @ d) < 0:
            self.pairs.clear()
            d = self._direction(self.g)
            notes.append("L-BFGS direction not a descent direction: memory cleared")
        t, f, g, trials, ok = wolfe_line_search(
            self.obj.value_grad, self.theta, self.f, self.g, d, t0=self._first_t(self.g))
        search_from = 0
        if t == 0 and self.pairs:
            self.pairs.clear()
            d = self._direction(self.g)
            notes.append("line search failed along the L-BFGS direction: memory cleared, −D⁻²∇J tried")
            t, f, g, more, ok = wolfe_line_search(
                self.obj.value_grad, self.theta, self.f, self.g, d, t0=self._first_t(self.g))
            search_from = len(trials)
            trials = trials + more
        s = t * d
        if t == 0 or np.array_equal(self.theta + s, self.theta):
            raise _Stalled(_no_decrease(self.obj, self.theta, self.g, self.f, "Wolfe"))
        if not ok:
            notes.append("strong Wolfe conditions not met: best Armijo point taken")
        sy = self._remember(s, g - self.g, notes)
        self.theta, self.f, self.g = self.theta + s, f, g
        return t, dict(self._info(), trials=trials, search_from=search_from, direction=d, curvature=sy,
                       displacement=float(np.linalg.norm(s))), tuple(notes)

    def _owlqn_search(self, pg, d):
        """Backtracking along d, each trial projected onto the orthant of θ
        (for a zero weight: the orthant −◇J points into). Accepts
        J(θ⁺) ≤ J(θ) + c ◇Jᵀ(θ⁺ − θ) (+ round-off), or, where J cannot tell, a
        shorter pseudo-gradient. Returns (t, θ⁺, f⁺, g⁺, trials) or None."""
        obj = self.obj
        theta = self.theta
        pen = obj.penalty_mask > 0
        xi = np.where(theta != 0, np.sign(theta), -np.sign(pg))
        F = self._F(theta, self.f)
        slack = _slack(F)
        pgn = float(np.linalg.norm(pg))
        t = self._first_t(pg)
        trials = []
        for _ in range(60):
            cand = theta + t * d
            cand = np.where(pen & (np.sign(cand) != xi), 0.0, cand)
            if np.array_equal(cand, theta):
                break
            fc, gc = obj.value_grad(cand)
            Fc = fc + obj.l1_penalty(cand)
            trials.append((t, Fc))
            if np.isfinite(Fc) and Fc <= F + self.c * float(pg @ (cand - theta)) + slack:
                if Fc <= F - slack or float(np.linalg.norm(obj.subgradient(cand, gc))) < pgn:
                    return t, cand, fc, gc, tuple(trials)
            t *= 0.5
        self._failed_trials = tuple(trials)
        self._last_trials = len(trials)
        return None

    def _step_owlqn(self):
        obj = self.obj
        notes = []
        pg = obj.subgradient(self.theta, self.g)
        if not np.any(pg):
            raise _Stalled(_unchanged(obj, self.theta, self.g, "the OWL-QN step"))
        d = self._direction(pg)
        d = np.where(d * pg < 0, d, 0.0)  # only components that point downhill
        if not float(pg @ d) < 0:
            self.pairs.clear()
            d = -(self.D2 * pg)
            notes.append("OWL-QN direction not a descent direction: memory cleared")
        found = self._owlqn_search(pg, d)
        search_from = 0
        if found is None and self.pairs:
            self.pairs.clear()
            notes.append("line search failed along the OWL-QN direction: memory cleared, −D⁻²◇J tried")
            search_from = self._last_trials
            d = -(self.D2 * pg)
            found = self._owlqn_search(pg, d)
        if found is None:
            raise _Stalled(_no_decrease(obj, self.theta, self.g, self._F(self.theta, self.f), "orthant-wise"))
        t, cand, fc, gc, trials = found
        if search_from:
            trials = self._failed_trials + trials
        s = cand - self.theta
        sy = self._remember(s, gc - self.g, notes)
        self.theta, self.f, self.g = cand, fc, gc
        return t, dict(self._info(), trials=trials, search_from=search_from, direction=d, curvature=sy,
                       displacement=float(np.linalg.norm(s))), tuple(notes)


# ----------------------------------------------------------------------------
# stochastic and adaptive first-order methods
# ----------------------------------------------------------------------------
class _Stochastic(Optimizer):
    """Shared mini-batch machinery: seeded shuffling, one permutation per epoch.

    Every iterate still reports the full objective and full gradient norm, so
    the loss curve is the real J(θ) at each step."""

    default_batch = None

    def __init__(self, objective, theta0=None, *, lr=None, batch_size=None, seed=None, **kw):
        self.lr = _positive("lr", DEFAULT_LR.get(self.name, DEFAULTS["lr"]) if lr is None else lr)
        bs = self.default_batch if batch_size is None else batch_size
        if bs is not None and (int(bs) != bs or bs < 1):
            raise OptimizerError(f"batch size must be a positive integer, got {bs}")
        n = objective.n
        self.batch_size = None if bs is None or bs >= n else int(bs)
        self.seed = DEFAULTS["seed"] if seed is None else int(seed)
        self.rng = np.random.default_rng(self.seed)
        self._perm = None
        self._pos = 0
        self.epoch = 0
        super().__init__(objective, theta0, **kw)

    def _batch(self):
        if self.batch_size is None:
            return None
        n = self.obj.n
        if self._perm is None or self._pos + self.batch_size > n:
            self._perm = self.rng.permutation(n)
            self._pos = 0
            self.epoch += 1
        idx = np.sort(self._perm[self._pos:self._pos + self.batch_size])
        self._pos += self.batch_size
        return idx

    def _grad_at(self, theta, idx):
        if idx is None:
            if theta is self.theta:
                return self.g
            return self.obj.value_grad(theta)[1]
        return self.obj.value_grad_batch(theta, idx)[1]

    def _save_state(self):
        return (self.rng.bit_generator.state, self._perm, self._pos, self.epoch, self._accum_state())

    def _restore_state(self, state):
        bg, self._perm, self._pos, self.epoch, acc = state
        self.rng.bit_generator.state = bg
        self._set_accum_state(acc)

    #: names of the method's running state (velocity, accumulators), saved
    #: before each step so a diverging step can be undone
    _accumulators: tuple[str, ...] = ()

    def _accum_state(self):
        return {a: np.copy(v) if isinstance(v := getattr(self, a), np.ndarray) else v for a in self._accumulators}

    def _set_accum_state(self, state):
        for name, value in state.items():
            setattr(self, name, value)

    def _finish(self, theta, lr_eff):
        """Proximal step for L1, then evaluate the full objective at the new θ.
        Full batch, the step is deterministic: a θ and running state seen in
        the last few steps would repeat for ever, and the run has stalled."""
        theta = self.obj.prox_l1(theta, lr_eff)
        if self.batch_size is None:
            _check_cycle(self, theta, self._cycle_state())
        self.theta = theta
        self.f, self.g = self.obj.value_grad(self.theta)

    def _cycle_state(self) -> bytes:
        """What besides θ decides the next full-batch step."""
        return b"".join(np.asarray(getattr(self, a), dtype=np.float64).tobytes() for a in self._accumulators)

    def _info(self):
        info = {"lr": self.lr, "batch_size": self.batch_size or self.obj.n}
        if self.batch_size:
            info["epoch"] = self.epoch
        return info


class SGD(_Stochastic):
    name = "sgd"
    default_batch = 32

    def _step(self):
        g = self._grad_at(self.theta, self._batch())
        self._finish(self.theta - self.lr * g, self.lr)
        return self.lr, self._info(), ()


class Momentum(_Stochastic):
    """Heavy ball: v ← βv + g, θ ← θ − ηv."""

    name = "momentum"
    _accumulators = ("v",)

    def __init__(self, objective, theta0=None, *, beta=None, **kw):
        self.beta = _unit("beta", DEFAULTS["beta"] if beta is None else beta)
        self.v = np.zeros(objective.size)
        super().__init__(objective, theta0, **kw)

    def _info(self):
        return dict(super()._info(), beta=self.beta, velocity=self.v)

    def _cycle_state(self) -> bytes:
        # the velocity is the last displacement (÷ η) but for its last bits, which
        # at the round-off floor wander while θ repeats: the previous θ stands for it
        return self.theta.tobytes()

    def _step(self):
        g = self._grad_at(self.theta, self._batch())
        self.v = self.beta * self.v + g
        self._finish(self.theta - self.lr * self.v, self.lr)
        return self.lr, self._info(), ()


class Nesterov(Momentum):
    """Nesterov (Sutskever's form): v ← βv − η∇J(θ + βv), θ ← θ + v."""

    name = "nesterov"

    def _step(self):
        ahead = self.theta + self.beta * self.v
        g = self._grad_at(ahead, self._batch())
        self.v = self.beta * self.v - self.lr * g
        self._finish(self.theta + self.v, self.lr)
        return self.lr, self._info(), ()


class Adagrad(_Stochastic):
    """G ← G + g², θ ← θ − η g / (√G + ε)."""

    name = "adagrad"
    _accumulators = ("G",)

    def __init__(self, objective, theta0=None, *, eps=None, **kw):
        self.eps = _positive("eps", DEFAULTS["eps"] if eps is None else eps)
        self.G = np.zeros(objective.size)
        super().__init__(objective, theta0, **kw)

    def _info(self):
        return dict(super()._info(), G=self.G, eps=self.eps)

    def _step(self):
        g = self._grad_at(self.theta, self._batch())
        self.G = self.G + g * g
        lr_eff = self.lr / (np.sqrt(self.G) + self.eps)
        self._finish(self.theta - lr_eff * g, lr_eff)
        return self.lr, dict(self._info(), displacement=float(np.linalg.norm(lr_eff * g))), ()


class RMSProp(_Stochastic):
    """E ← ρE + (1 − ρ)g², θ ← θ − η g / (√E + ε)."""

    name = "rmsprop"
    _accumulators = ("E",)

    def __init__(self, objective, theta0=None, *, rho=None, eps=None, **kw):
        self.rho = _unit("rho", DEFAULTS["rho"] if rho is None else rho)
        self.eps = _positive("eps", DEFAULTS["eps"] if eps is None else eps)
        self.E = np.zeros(objective.size)
        super().__init__(objective, theta0, **kw)

    def _info(self):
        return dict(super()._info(), rho=self.rho, E=self.E, eps=self.eps)

    def _step(self):
        g = self._grad_at(self.theta, self._batch())
        self.E = self.rho * self.E + (1 - self.rho) * g * g
        lr_eff = self.lr / (np.sqrt(self.E) + self.eps)
        self._finish(self.theta - lr_eff * g, lr_eff)
        return self.lr, dict(self._info(), displacement=float(np.linalg.norm(lr_eff * g))), ()


class Adam(_Stochastic):
    """m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − η m̂ / (√v̂ + ε)."""

    name = "adam"
    _accumulators = ("m1", "m2", "t")

    def __init__(self, objective, theta0=None, *, beta1=None, beta2=None, eps=None, **kw):
        self.beta1 = _unit("beta1", DEFAULTS["beta1"] if beta1 is None else beta1)
        self.beta2 = _unit("beta2", DEFAULTS["beta2"] if beta2 is None else beta2)
        self.eps = _positive("eps", DEFAULTS["eps"] if eps is None else eps)
        self.m1 = np.zeros(objective.size)
        self.m2 = np.zeros(objective.size)
        self.t = 0
        super().__init__(objective, theta0, **kw)

    def _info(self):
        return dict(super()._info(), m=self.m1, v=self.m2, t=self.t, beta1=self.beta1, beta2=self.beta2,
                    eps=self.eps)

    def _cycle_state(self) -> bytes:
        # the step count matters only through the bias corrections (which reach 1)
        corr = np.array([1 - self.beta1 ** self.t, 1 - self.beta2 ** self.t])
        return self.m1.tobytes() + self.m2.tobytes() + corr.tobytes()

    def _step(self):
        g = self._grad_at(self.theta, self._batch())
        self.t += 1
        self.m1 = self.beta1 * self.m1 + (1 - self.beta1) * g
        self.m2 = self.beta2 * self.m2 + (1 - self.beta2) * g * g
        mhat = self.m1 / (1 - self.beta1 ** self.t)
        vhat = self.m2 / (1 - self.beta2 ** self.t)
        lr_eff = self.lr / (np.sqrt(vhat) + self.eps)
        delta = lr_eff * mhat
        self._finish(self.theta - delta, lr_eff)
        return self.lr, dict(self._info(), displacement=float(np.linalg.norm(delta))), ()


_CLASSES = {
    cls.name: cls
    for cls in (GD, GDLipschitz, GDBacktracking, Newton, BFGS, LBFGS, Adagrad, SGD, Momentum, Nesterov, RMSProp, Adam)
}
#: the methods that need the Hessian (or its approximation)
SECOND_ORDER = ("newton", "bfgs", "lbfgs")
#: ... and those of them that refuse L1 (L-BFGS becomes OWL-QN)
NO_L1 = ("newton", "bfgs")


def _positive(name, value):
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise OptimizerError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise OptimizerError(f"{name} must be a positive number, got {value}")
    return v


def _unit(name, value):
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise OptimizerError(f"{name} must be a number, got {value!r}") from None
    if not 0 <= v < 1:
        raise OptimizerError(f"{name} must be in [0, 1), got {value}")
    return v


def check_optimizer(name: str, *, l1: float = 0.0) -> None:
    """Raise :class:`OptimizerError` for an unknown name, or an L1 penalty with
    Newton or BFGS (callers may check before building the objective)."""
    if name not in _CLASSES:
        raise OptimizerError(f"unknown optimizer {name!r} (choose from {', '.join(OPTIMIZERS)})")
    if l1 and name in NO_L1:
        raise OptimizerError(
            f"{name} needs a twice-differentiable objective and does not support an L1 penalty: "
            "use lbfgs (OWL-QN) or a first-order method (gd, gd-lipschitz, gd-backtracking, sgd, …), "
            "or set l1 to 0"
        )


def make_optimizer(name: str, objective: Objective, theta0=None, *, test_objective=None, **params) -> Optimizer:
    """Build optimizer ``name`` on ``objective``, starting from ``theta0`` (default 0).

    Only the parameters in ``OPTIMIZER_PARAMS[name]`` are used; ``None`` means
    the default. Raises :class:`OptimizerError` for an unknown name, a bad
    parameter, or L1 with Newton or BFGS.
    """
    check_optimizer(name, l1=objective.l1)
    used = {k: v for k, v in params.items() if k in OPTIMIZER_PARAMS[name] and v is not None}
    opt = _CLASSES[name](objective, theta0, test_objective=test_objective, **used)
    opt.params = used
    return opt
