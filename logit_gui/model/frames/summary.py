"""The summary panel's frame: the statistician's table of a binary logistic regression.

For each coefficient of the shown iterate θ̂ (the intercept first):

* the estimate w_j;
* its standard error from the inverse of the observed information, the
  log-likelihood's Hessian at θ̂: Cov = (X̃ᵀ diag(s p(1 − p)) X̃)⁻¹ (Wald), where
  the objective's mean-loss Hessian is scaled back by Σs and its L2 term left out;
* z = w_j / SE_j and the two-sided p-value 2(1 − Φ(|z|)) = erfc(|z|/√2);
* the 95 % interval w_j ± 1.96 SE_j;
* the odds ratio e^{w_j} (for the intercept: the odds at x = 0) and its interval.

In input units (per unit of each feature as given) the estimates are the core's
:meth:`FeatureMap.to_input_units`, a linear map A of θ, and the covariance is
A Cov Aᵀ: exactly what a fit on the unstandardized features gives. Notes say
when the numbers mean nothing (separable classes: no maximum-likelihood
estimate; a singular Hessian) or describe something else than the MLE (a
penalized or not yet converged iterate). Qt-free; no SciPy (the normal tail is
:func:`math.erfc`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from logit_gui.core.objective import predict_proba

from .base import Frame, View

__all__ = ["SummaryOptions", "SummaryData", "compute", "wald", "Wald", "cells", "COLUMNS", "Z95",
           "MAX_ROWS", "MAX_PARAMS"]

#: the 97.5 % point of the standard normal distribution
Z95 = 1.959963984540054
#: at most this many rows in the table (beyond: the intercept and the largest |z|)
MAX_ROWS = 40
#: no table beyond this many parameters (the Hessian is p × p)
MAX_PARAMS = 400
#: a scaled Hessian with a condition number beyond this counts as singular
MAX_COND = 1e12
#: a sample fitted with min(p, 1 − p) below this counts as perfectly predicted
PERFECT = 1e-8
#: the shown iterate counts as converged below this ‖D⁻¹∇J‖∞ (the default tolerance)
CONVERGED = 1e-6

#: the table's column heads
COLUMNS = ("", "coef", "std err", "z", "P>|z|", "[0.025", "0.975]", "odds e^w", "[0.025", "0.975]")

_UNITS = [("input", "input units"), ("model", "model units")]


@dataclass(frozen=True)
class SummaryOptions:
    units: str = field(default="input", metadata={
        "label": "units", "choices": _UNITS,
        "tip": "input units: the coefficients per unit of each feature as given (a fit on the\n"
               "unstandardized features gives the same table); model units: per unit of the\n"
               "features the optimizer sees (per standard deviation when standardized)."})
    sort: bool = field(default=False, metadata={
        "label": "sort by |z|", "tip": "Order the rows by |z| = |w| / SE, the strongest evidence first\n"
                                      "(the intercept stays on top)."})


@dataclass(frozen=True, eq=False)
class Wald:
    """The table's numbers, one entry per term (intercept first when there is one)."""

    names: tuple
    coef: np.ndarray
    se: np.ndarray          # NaN where the Hessian is singular
    z: np.ndarray
    p: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    odds: np.ndarray
    odds_lo: np.ndarray
    odds_hi: np.ndarray
    cov: np.ndarray | None  # (p, p) in the table's order, None when singular
    cond: float             # of the Hessian scaled to unit diagonal
    loglik: float           # log-likelihood at the iterate (weights s_i as frequencies)
    loglik_null: float      # of the intercept-only model
    perfect: float          # share of samples fitted with p within PERFECT of 0 or 1

    @property
    def singular(self) -> bool:
        return self.cov is None

    @property
    def pseudo_r2(self) -> float:
        """McFadden's 1 − ℓ/ℓ₀."""
        return 1.0 - self.loglik / self.loglik_null if self.loglik_null else math.nan


@dataclass(frozen=True, eq=False)
class SummaryData:
    available: bool         # False: no table (the message says why)
    message: str
    header: tuple           # lines of facts about the fit
    notes: tuple            # warnings: what the table does not mean here
    meaningful: bool        # False: separation or a singular Hessian (the item dims the numbers)
    rows: tuple             # indices into the Wald arrays, in display order
    hidden: int             # terms left out (more than MAX_ROWS)
    table: Wald | None


def _normal_tail(z: float) -> float:
    """P(|Z| > |z|) for a standard normal Z: erfc(|z|/√2)."""
    if not math.isfinite(z):
        return math.nan if math.isnan(z) else 0.0
    return math.erfc(abs(z) / math.sqrt(2.0))


def _input_map(problem, p: int, fit_intercept: bool, units: str):
    """A (q × p): θ (weights, then the intercept) → the table's terms (intercept first),
    and whether the table has an intercept row."""
    obj = problem.objective
    d = obj.d
    scaler = problem.feature_map.scaler
    to_input = units == "input" and scaler is not None
    has_b = fit_intercept or to_input
    q = d + (1 if has_b else 0)
    A = np.zeros((q, p))
    for i in range(p):
        e = np.zeros(p)
        e[i] = 1.0
        w = e[:d][None, :]
        b = e[d:d + 1] if fit_intercept else np.zeros(1)
        if to_input:
            w, b = problem.feature_map.to_input_units(w, b)
        col = np.concatenate([np.atleast_1d(b)[:1], np.ravel(w)]) if has_b else np.ravel(w)
        A[:, i] = col
    return A, has_b


def wald(problem, coef, intercept, units: str = "input", features=None) -> Wald:
    """The Wald table of a binary model with weights ``coef`` (1, d) and ``intercept`` on
    ``problem``'s training data (``features``: its training rows in feature space, if at hand)."""
    obj = problem.objective
    if obj.kind != "binary":
        raise ValueError("a Wald table needs a binary model")
    theta = obj.join(coef, intercept)
    p = theta.size
    s = np.asarray(obj.sample_weight, dtype=np.float64)
    total = float(s.sum())
    # observed information: the log-likelihood's Hessian, Σs times the mean loss's, without L2
    H = obj.hessian(theta)
    H[np.diag_indices_from(H)] -= obj.l2 * obj.penalty_mask
    info = total * H
    diag = np.diag(info).copy()
    cov_model = None
    cond = math.inf
    if np.all(diag > 0) and np.all(np.isfinite(info)):
        root = np.sqrt(diag)
        lam, V = np.linalg.eigh(info / root[:, None] / root[None, :])
        if lam[0] > 0:
            cond = float(lam[-1] / lam[0])
            if cond <= MAX_COND:
                cov_model = (V / lam) @ V.T / root[:, None] / root[None, :]
    A, has_b = _input_map(problem, p, obj.fit_intercept, units)
    est = A @ theta
    if cov_model is not None:
        cov = A @ cov_model @ A.T
        se = np.sqrt(np.maximum(np.diag(cov), 0.0))
    else:
        cov = None
        se = np.full(est.size, np.nan)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z = est / se
        lo, hi = est - Z95 * se, est + Z95 * se
        odds, odds_lo, odds_hi = np.exp(est), np.exp(lo), np.exp(hi)
    pv = np.array([_normal_tail(float(v)) for v in z])
    names = problem.feature_names
    names = (("(intercept)",) if has_b else ()) + tuple(str(n) for n in names)
    # the log-likelihood at θ and of the intercept-only model (weights as frequencies)
    data_term = obj.value_grad(theta, need_grad=False)[0] - 0.5 * obj.l2 * float(np.sum(np.square(coef)))
    loglik = -total * data_term
    y = (np.asarray(problem.train.y) == 1).astype(np.float64)
    if obj.fit_intercept:
        pbar = float(s @ y) / total
        ll0 = 0.0
        for share, q in ((pbar, pbar), (1.0 - pbar, 1.0 - pbar)):
            if share > 0:
                ll0 += share * math.log(q)
        loglik_null = total * ll0
    else:
        loglik_null = total * math.log(0.5)
    F = features if features is not None else problem.features(problem.train.X)
    P1 = predict_proba("binary", coef, intercept, F)[:, 1]
    perfect = float(np.mean(np.minimum(P1, 1.0 - P1) < PERFECT))
    return Wald(names, est, se, z, pv, lo, hi, odds, odds_lo, odds_hi, cov, cond, loglik, loglik_null, perfect)


def _converged(it) -> bool:
    return it.status == "converged" or it.stop_norm <= CONVERGED


def compute(view: View, history, frame: Frame, options: SummaryOptions) -> SummaryData:
    problem = view.problem
    obj = problem.objective
    it = frame.iterate
    if obj.kind != "binary":
        return SummaryData(False, "The table is for a binary model: the data have "
                                  f"{len(view.classes)} classes. Choose a positive class (“X vs rest”).",
                           (), (), False, (), 0, None)
    if obj.p > MAX_PARAMS:
        return SummaryData(False, f"{obj.p:,} parameters: too many for a table (at most {MAX_PARAMS}). "
                                  "Use fewer features or a lower degree.", (), (), False, (), 0, None)
    units = options.units if options.units in ("input", "model") else "input"
    w = wald(problem, it.coef, it.intercept, units, view.train_features)
    notes = []
    separable = obj.separable()
    penalized = obj.l2 > 0 or obj.l1 > 0
    if separable:
        what = (f"{separable[0].upper()}{separable[1:]} (in feature space): "
                "the maximum-likelihood estimate does not exist")
        if penalized:
            notes.append(f"{what} (only the penalty keeps the weights finite), so z, p and the intervals mean nothing.")
        else:
            notes.append(f"{what} — the weights and their standard errors grow without bound as the optimizer "
                         "goes on, so z, p and the intervals mean nothing.")
    elif w.perfect > 0:
        notes.append(f"{100 * w.perfect:.1f} % of the samples are fitted with p within {PERFECT:g} of 0 or 1: "
                     "possibly quasi-separation; the standard errors are unreliable.")
    if w.singular:
        c = "∞" if not math.isfinite(w.cond) else f"{w.cond:.3g}"
        notes.append(f"The Hessian is singular (condition number {c} after scaling to unit diagonal): "
                     "collinear or constant features, or separation. Standard errors, z and p do not exist.")
    if penalized:
        pen = ", ".join(f"{n} = {v:g}" for n, v in (("λ₂", obj.l2), ("λ₁", obj.l1)) if v > 0)
        notes.append(f"Penalized ({pen}): the weights are shrunk toward 0, not the maximum-likelihood "
                     "estimate. The table describes the shown iterate (Wald, from the likelihood's Hessian there).")
    if not _converged(it):
        notes.append(f"Iteration {it.k} is not converged (‖∇J‖∞ = {it.grad_norm:.3g}): the table describes "
                     "this iterate, not the maximum-likelihood estimate.")
    s = np.asarray(obj.sample_weight)
    if s.size and not np.all(s == s[0]):
        notes.append("Weighted samples (class weights): the standard errors treat the weights as frequencies.")
    order = list(range(len(w.names)))
    has_b = w.names[:1] == ("(intercept)",)
    first = order[:1] if has_b else []
    rest = order[1:] if has_b else order
    if options.sort:
        key = np.abs(w.z) if not w.singular else np.abs(w.coef)
        rest = sorted(rest, key=lambda i: (-np.nan_to_num(key[i], nan=-1.0), i))
    hidden = 0
    if len(first) + len(rest) > MAX_ROWS:
        keep_n = MAX_ROWS - len(first)
        key = np.abs(w.z) if not w.singular else np.abs(w.coef)
        best = sorted(rest, key=lambda i: (-np.nan_to_num(key[i], nan=-1.0), i))[:keep_n]
        hidden = len(rest) - keep_n
        rest = [i for i in rest if i in set(best)]
    unit_text = "input units" if units == "input" or problem.feature_map.scaler is None else \
        "model units (per standard deviation)"
    status = "converged" if _converged(it) else it.status
    header = (
        f"Logit of p({view.classes[1]}) · n = {obj.n:,} training samples · iteration {it.k} ({status}) · {unit_text}",
        f"log-likelihood {_num(w.loglik, 6)} · null {_num(w.loglik_null, 6)} · McFadden R² {_num(w.pseudo_r2, 4)}",
    )
    return SummaryData(True, "", header, tuple(notes), not (separable or w.singular),
                       tuple(first + rest), hidden, w)


def _num(v: float, digits: int = 4) -> str:
    if math.isnan(v):
        return "–"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    text = f"{v:.{digits}g}"
    return text.replace("-", "−")


def _pval(p: float) -> str:
    if math.isnan(p):
        return "–"
    if p == 0.0:
        return "< 1e−300"
    if p >= 0.001:
        return f"{p:.3f}"
    return f"{p:.1e}".replace("-", "−")


def cells(data: SummaryData) -> list[tuple[str, ...]]:
    """The table as text, one tuple of COLUMNS per shown row."""
    w = data.table
    if w is None:
        return []
    out = []
    for i in data.rows:
        out.append((
            w.names[i], _num(w.coef[i]), _num(w.se[i]), _num(w.z[i], 3), _pval(w.p[i]),
            _num(w.lo[i]), _num(w.hi[i]), _num(w.odds[i]), _num(w.odds_lo[i]), _num(w.odds_hi[i]),
        ))
    return out
