"""The formula strip's frame: the shown iterate's update rule, written out, with its numbers.

For the method that produced the shown iterate θ_k, the rule that takes θ_k
to θ_{k+1} (rich text: Greek letters, sub- and superscripts) and the numbers
of the moment: the step size (the one that reached θ_k, and the method's
parameters), ‖∇J(θ_k)‖₂ computed from the objective at θ_k, ‖∇J‖∞, J(θ_k),
the distance ‖θ_k − θ_{k−1}‖ from the history, and per method what its rule
uses — the Lipschitz constant L and ηL for gradient descent, the
per-coordinate steps of the adaptive methods, and for Newton the condition
number κ(H) = λ_max/λ_min of the Hessian ∇²J(θ_k) (from the objective's
Hessian at the shown iterate; softmax's directions that change no probability
left out, as the method leaves them out) with the one after scaling H to unit
diagonal, which the method solves with. With an L1 penalty the first-order
rules end with the soft-threshold (proximal) step.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from logit_gui.core.optimizers import OPTIMIZERS

from .base import Frame, View

__all__ = ["FormulaOptions", "FormulaData", "compute", "hessian_condition", "MAX_HESSIAN", "RULES"]

#: the condition number is computed for at most this many parameters (an eigendecomposition)
MAX_HESSIAN = 1500

_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()

# -- rich-text pieces --------------------------------------------------------
_TK = "θ<sub>k</sub>"
_TK1 = "θ<sub>k+1</sub>"
_G = "∇J(θ<sub>k</sub>)"
_GB = "g<sub>k</sub>"
_ETA = "η"


def _sup(x: str) -> str:
    return f"<sup>{x}</sup>"


#: method → (rule lines, where-line): rich text (no colours: the item styles it)
RULES = {
    "gd": ((f"{_TK1} = {_TK} − {_ETA} {_G}",),
           f"{_ETA}: the learning rate (fixed); GD is stable for {_ETA}L &lt; 2"),
    "gd-lipschitz": ((f"{_TK1} = {_TK} − (1/L) {_G}",
                      f"L = λ<sub>max</sub>(X̃{_sup('T')} diag(s) X̃) / (4Σs) + λ<sub>2</sub>"),
                     "L bounds the curvature (p(1 − p) ≤ ¼): a step of 1/L never increases J"),
    "gd-backtracking": ((f"{_TK1} = {_TK} − t {_G}",
                         f"t ← t/2 until J({_TK} − t∇J) ≤ J({_TK}) − c t ‖∇J‖²"),
                        "Armijo backtracking from t = min(t<sub>0</sub>, 2 t<sub>k−1</sub>), c = 10<sup>−4</sup>"),
    "newton": ((f"{_TK1} = {_TK} − t H<sub>k</sub>{_sup('−1')} {_G}",
                f"H<sub>k</sub> = ∇²J({_TK}) = X̃{_sup('T')} diag(s p(1 − p)) X̃ / Σs + λ<sub>2</sub>I"),
               "κ = λ<sub>max</sub>/λ<sub>min</sub>; Ĥ: H scaled to unit diagonal (what the method solves); "
               "t: backtracking from 1"),
    "bfgs": ((f"{_TK1} = {_TK} − t B<sub>k</sub> {_G}",
              f"B<sub>k+1</sub> = (I − ρ s y{_sup('T')}) B<sub>k</sub> (I − ρ y s{_sup('T')}) + ρ s s{_sup('T')}"),
             f"B ≈ H{_sup('−1')}; s = {_TK1} − {_TK}, y = ∇J<sub>k+1</sub> − ∇J<sub>k</sub>, "
             f"ρ = 1/(y{_sup('T')}s); t: strong-Wolfe line search"),
    "lbfgs": ((f"{_TK1} = {_TK} − t H<sub>k</sub> {_G}",
               "H<sub>k</sub> ∇J: the two-loop recursion over the last m pairs (s<sub>i</sub>, y<sub>i</sub>)"),
              f"H<sub>0</sub> = γD{_sup('−2')}, γ = s{_sup('T')}y / y{_sup('T')}D{_sup('−2')}y; "
              "t: strong-Wolfe line search"),
    "sgd": ((f"{_TK1} = {_TK} − {_ETA} ∇J<sub>B</sub>({_TK})",),
            "∇J<sub>B</sub>: the gradient on a mini-batch B of b samples (seeded, shuffled each epoch)"),
    "momentum": ((f"v<sub>k+1</sub> = β v<sub>k</sub> + ∇J<sub>B</sub>({_TK})",
                  f"{_TK1} = {_TK} − {_ETA} v<sub>k+1</sub>"),
                 "heavy ball: v remembers past gradients"),
    "nesterov": ((f"v<sub>k+1</sub> = β v<sub>k</sub> − {_ETA} ∇J<sub>B</sub>({_TK} + β v<sub>k</sub>)",
                  f"{_TK1} = {_TK} + v<sub>k+1</sub>"),
                 "the gradient at the look-ahead point θ<sub>k</sub> + βv<sub>k</sub>"),
    "adagrad": ((f"G<sub>k+1</sub> = G<sub>k</sub> + {_GB} ⊙ {_GB}",
                 f"{_TK1} = {_TK} − {_ETA} {_GB} ⊘ (√G<sub>k+1</sub> + ε)"),
                f"{_GB} = ∇J<sub>B</sub>({_TK}); each coordinate's step η/(√G + ε) only shrinks"),
    "rmsprop": ((f"E<sub>k+1</sub> = ρ E<sub>k</sub> + (1 − ρ) {_GB} ⊙ {_GB}",
                 f"{_TK1} = {_TK} − {_ETA} {_GB} ⊘ (√E<sub>k+1</sub> + ε)"),
                f"{_GB} = ∇J<sub>B</sub>({_TK}); E: a running mean of g²"),
    "adam": ((f"m<sub>k+1</sub> = β<sub>1</sub> m<sub>k</sub> + (1 − β<sub>1</sub>) {_GB},&nbsp;&nbsp; "
              f"v<sub>k+1</sub> = β<sub>2</sub> v<sub>k</sub> + (1 − β<sub>2</sub>) {_GB} ⊙ {_GB}",
              f"{_TK1} = {_TK} − {_ETA} m′ ⊘ (√v′ + ε)"),
             f"{_GB} = ∇J<sub>B</sub>({_TK}); bias-corrected means m′ = m<sub>k+1</sub>/(1 − β<sub>1</sub>"
             f"{_sup('k+1')}), v′ = v<sub>k+1</sub>/(1 − β<sub>2</sub>{_sup('k+1')})"),
}

#: the proximal step every first-order rule ends with under an L1 penalty
PROX = "then w ← sign(w) max(|w| − η λ<sub>1</sub>, 0) (soft-threshold: the L1 penalty's proximal step)"
OWLQN = "with L1: OWL-QN — the pseudo-gradient ◇J, each trial point projected onto θ<sub>k</sub>'s orthant"
FIRST_ORDER = ("gd", "gd-lipschitz", "gd-backtracking", "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")

#: readable names of the methods
NAMES = {
    "gd": "Gradient descent", "gd-lipschitz": "Gradient descent, step 1/L", "gd-backtracking":
    "Gradient descent, backtracking", "newton": "Newton–Raphson", "bfgs": "BFGS", "lbfgs": "L-BFGS",
    "sgd": "Stochastic gradient descent", "momentum": "Momentum (heavy ball)", "nesterov": "Nesterov",
    "adagrad": "Adagrad", "rmsprop": "RMSProp", "adam": "Adam",
}


@dataclass(frozen=True)
class FormulaOptions:
    numbers: bool = field(default=True, metadata={
        "label": "numbers", "tip": "Show the current numbers under the rule: step size, ‖∇J(θ_k)‖, J(θ_k) and what\n"
                                   "the method's rule uses (for Newton the Hessian's condition number)."})
    where: bool = field(default=True, metadata={
        "label": "symbols", "tip": "Say what the symbols of the rule are."})
    history: bool = field(default=True, metadata={
        "label": "history", "tip": "Plot the step size and ‖∇J‖∞ of every recorded iterate (log scale),\n"
                                   "the shown iterate marked: line searches halving t, Newton's t = 1,\n"
                                   "the adaptive methods' steps."})


@dataclass(frozen=True, eq=False)
class FormulaData:
    method: str
    title: str                  # the method's name
    summary: str                # its one-line description (the core's)
    rule: tuple                 # lines of rich text
    where: str                  # what the symbols are ("" when switched off)
    notes: tuple                # the L1 step, a damped Newton step, …
    numbers: tuple              # ((symbol as rich text, value: float | int | str), ...); () when switched off
    k: int
    objective: float
    grad_norm2: float           # ‖∇J(θ_k)‖₂ (with L1: of the minimum-norm subgradient)
    grad_norm_inf: float        # ‖∇J(θ_k)‖∞, as the iterate reports it
    step: float | None          # the step size that reached θ_k (None at k = 0)
    displacement: float | None  # ‖θ_k − θ_{k−1}‖₂ (None when the history has no θ_{k−1})
    cond: float | None          # κ(∇²J(θ_k)) (Newton)
    cond_scaled: float | None   # ... after scaling to unit diagonal
    eig: tuple | None           # (λ_min, λ_max) of ∇²J(θ_k)
    history: tuple | None       # (k, step size, ‖∇J‖∞) of every recorded iterate with a step (k ≥ 1); None: off
    history_range: tuple        # (lo, hi) decades (log10) the plot spans: whole decades, so both ends are labelled
    history_ticks: tuple        # ((log10 value, text), ...): the decades
    step_name: str              # what the step size is for this method (the plot's legend)


def hessian_condition(objective, theta) -> tuple[float, float, float, float]:
    """(κ(H), κ(Ĥ), λ_min, λ_max) of H = ∇²J(θ) and of Ĥ = D^{-½} H D^{-½}, D = diag(H); for
    softmax the directions that change no probability (adding one vector to every class)
    are left out, as Newton's method leaves them out."""
    theta = np.asarray(theta, dtype=np.float64)
    H = objective.hessian(theta)
    m0 = 0
    if objective.kind == "softmax":
        m0 = (1 if objective.fit_intercept else 0) + (0 if objective.l2 > 0 else objective.d)
    lam = np.linalg.eigvalsh(H)
    lo, hi = float(lam[min(m0, lam.size - 1)]), float(lam[-1])
    cond = hi / lo if lo > 0 else float("inf")
    diag = np.diag(H).copy()
    root = np.sqrt(np.where(diag > 0, diag, 1.0))
    lam_s = np.linalg.eigvalsh(H / root[:, None] / root[None, :])
    lo_s = float(lam_s[min(m0, lam_s.size - 1)])
    cond_s = float(lam_s[-1]) / lo_s if lo_s > 0 else float("inf")
    return cond, cond_s, lo, hi


def _condition_cached(problem, theta):
    """:func:`hessian_condition` of ``problem``'s objective, cached per problem (the last few θ:
    scrubbing back and forth does not decompose the Hessian again)."""
    key = np.asarray(theta, dtype=np.float64).tobytes()
    with _LOCK:
        per = _CACHE.get(problem)
        if per is not None and key in per:
            per.move_to_end(key)
            return per[key]
    out = hessian_condition(problem.objective, theta)
    with _LOCK:
        per = _CACHE.setdefault(problem, OrderedDict())
        per[key] = out
        while len(per) > 16:
            per.popitem(last=False)
    return out


def _previous(history, it):
    """The iterate before ``it`` in the history, if it is iteration k − 1 (None otherwise)."""
    if history is None or len(history) == 0:
        return None
    i = history.index_of_k(it.k)
    _, at = history.get(i)
    if at.k != it.k or i == 0:
        return None
    _, prev = history.get(i - 1)
    return prev if prev.k == it.k - 1 else None


def _info(it, name, default=None):
    return it.info.get(name, default) if it.info is not None else default


def _adaptive_steps(lr, acc):
    """(min, max) of the per-coordinate steps η / √acc (None when there are none)."""
    acc = np.asarray(acc, dtype=np.float64)
    if acc.size == 0:
        return None
    with np.errstate(divide="ignore"):
        s = lr / np.sqrt(acc)
    s = s[np.isfinite(s)]
    return (float(s.min()), float(s.max())) if s.size else None


def compute(view: View, history, frame: Frame, options: FormulaOptions) -> FormulaData:
    it = frame.iterate
    obj = view.problem.objective
    method = it.method or ""
    rule, where = RULES.get(method, ((f"{_TK1} = (the rule of “{method}”)",), ""))
    theta = obj.join(it.coef, it.intercept)
    _, g = obj.value_grad(theta)
    sub = obj.subgradient(theta, g)
    norm2 = float(np.linalg.norm(sub))
    prev = _previous(history, it)
    disp = float(np.linalg.norm(theta - obj.join(prev.coef, prev.intercept))) if prev is not None else None
    step = float(it.step_size) if it.k > 0 else None
    notes = []
    if obj.l1 and method in FIRST_ORDER:
        notes.append(PROX)
    if obj.l1 and method == "lbfgs":
        notes.append(OWLQN)
    if _info(it, "damped"):
        notes.append("the step to θ<sub>k</sub> was damped: (Ĥ + μI)<sup>−1</sup>, Ĥ singular to working precision")
    numbers: list = [("J(θ<sub>k</sub>)", float(it.objective)), ("‖∇J(θ<sub>k</sub>)‖<sub>2</sub>", norm2),
                     ("‖∇J(θ<sub>k</sub>)‖<sub>∞</sub>", float(it.grad_norm))]
    cond = cond_s = eig = None
    lr = _info(it, "lr")
    if method in ("gd", "gd-lipschitz"):
        L = obj.lipschitz()
        numbers += [("η", float(lr) if lr is not None else step), ("L", L)]
        if lr is not None:
            numbers.append(("ηL", float(lr) * L))
    elif method == "gd-backtracking":
        numbers += [("t (to θ<sub>k</sub>)", step if step is not None else "—"), ("t<sub>0</sub>", _info(it, "t0", "—")),
                    ("trials", len(_info(it, "trials", ())))]
    elif method == "newton":
        numbers.append(("t (to θ<sub>k</sub>)", step if step is not None else "—"))
        if obj.size <= MAX_HESSIAN:
            cond, cond_s, lo, hi = _condition_cached(view.problem, theta)
            eig = (lo, hi)
            numbers += [("κ(H<sub>k</sub>)", cond), ("λ<sub>min</sub>", lo), ("λ<sub>max</sub>", hi),
                        ("κ(Ĥ<sub>k</sub>)", cond_s)]
        else:
            numbers.append(("κ(H<sub>k</sub>)", f"not computed: {obj.size} parameters (over {MAX_HESSIAN})"))
        dec = _info(it, "newton_decrement")
        if dec is not None:
            numbers.append(("Newton decrement (to θ<sub>k</sub>)", float(dec)))
    elif method in ("bfgs", "lbfgs"):
        numbers += [("t (to θ<sub>k</sub>)", step if step is not None else "—"),
                    ("line-search trials", len(_info(it, "trials", ())))]
        if method == "bfgs":
            numbers.append(("updates of B", _info(it, "updates", 0)))
        else:
            numbers += [("m", _info(it, "memory", "—")), ("pairs stored", _info(it, "pairs", 0))]
        sy = _info(it, "curvature")
        if sy is not None:
            numbers.append(("y<sup>T</sup>s", float(sy)))
    else:  # the stochastic and adaptive methods
        numbers.append(("η", float(lr) if lr is not None else step if step is not None else "—"))
        bs = _info(it, "batch_size")
        if bs is not None:
            numbers.append(("b (batch)", int(bs)))
        if _info(it, "epoch") is not None:
            numbers.append(("epoch", int(_info(it, "epoch"))))
        if method in ("momentum", "nesterov"):
            numbers.append(("β", _info(it, "beta", "—")))
            v = _info(it, "velocity")
            if v is not None:
                numbers.append(("‖v<sub>k</sub>‖", float(np.linalg.norm(v))))
        # Adagrad's and RMSProp's per-coordinate steps η/√G, η/√E (ε, tiny, is not in the iterate)
        acc = {"adagrad": "G", "rmsprop": "E"}.get(method)
        if acc is not None and _info(it, acc) is not None and lr is not None and it.k > 0:
            rng = _adaptive_steps(float(lr), _info(it, acc))
            if rng is not None:
                numbers.append((f"η/√{acc} per coordinate", f"{_fmt(rng[0])} … {_fmt(rng[1])}"))
        if method == "rmsprop":
            numbers.append(("ρ", _info(it, "rho", "—")))
    if disp is not None:
        numbers.append(("‖θ<sub>k</sub> − θ<sub>k−1</sub>‖", disp))
    hist = _history(history) if options.history else None
    return FormulaData(
        method=method, title=NAMES.get(method, method), summary=OPTIMIZERS.get(method, ""),
        rule=tuple(rule), where=where if options.where else "", notes=tuple(notes),
        numbers=tuple(numbers) if options.numbers else (), k=int(it.k), objective=float(it.objective),
        grad_norm2=norm2, grad_norm_inf=float(it.grad_norm), step=step, displacement=disp,
        cond=cond, cond_scaled=cond_s, eig=eig,
        history=hist, history_range=(rng := _decades(hist)), history_ticks=_decade_ticks(*rng), step_name=STEP_NAMES.get(method, "step size"),
    )


#: what each method's ``step_size`` is
STEP_NAMES = {"gd": "η", "gd-lipschitz": "η = 1/L", "gd-backtracking": "t (Armijo)", "newton": "t (backtracking)",
              "bfgs": "t (Wolfe)", "lbfgs": "t (Wolfe)", "sgd": "η", "momentum": "η", "nesterov": "η",
              "adagrad": "η", "rmsprop": "η", "adam": "η"}


def _decades(hist) -> tuple:
    """(floor, ceil) of log10 of the plotted values: at least one whole decade."""
    if hist is None:
        return (0.0, 1.0)
    vals = np.concatenate([hist[1], hist[2]])
    vals = vals[np.isfinite(vals) & (vals > 0)]
    if vals.size == 0:
        return (0.0, 1.0)
    lo, hi = float(np.floor(np.log10(vals.min()))), float(np.ceil(np.log10(vals.max())))
    return (lo, max(hi, lo + 1.0))


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _decade_ticks(lo: float, hi: float) -> tuple:
    """A tick at each decade from 10^lo to 10^hi (at most 8 of them: every second, third, …)."""
    exps = np.arange(int(lo), int(hi) + 1)
    step = max(1, int(np.ceil(exps.size / 8)))
    return tuple((float(e), "1" if e == 0 else "10" if e == 1 else "10" + str(int(e)).translate(_SUPERSCRIPT))
                 for e in exps[::step])


def _history(history):
    """(k, step size, ‖∇J‖∞) arrays of the recorded iterates after the first."""
    if history is None or len(history) < 2:
        e = np.empty(0)
        return e, e, e
    items = list(history)[1:]
    k = np.array([it.k for it in items], dtype=np.float64)
    step = np.array([it.step_size for it in items], dtype=np.float64)
    gn = np.array([it.grad_norm for it in items], dtype=np.float64)
    # a log axis: what is not positive is left out (NaN: a gap in the curve)
    return k, np.where(step > 0, step, np.nan), np.where(gn > 0, gn, np.nan)


def _fmt(v: float) -> str:
    return f"{v:.3g}".replace("-", "−")
