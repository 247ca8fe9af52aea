"""The cross-entropy objective: one definition, used by every optimizer and panel.

For labels y in {0, 1}, logits z = Xw + b and per-sample weights s_i::

    J(w, b) = (1/Σs) Σ s_i [log(1 + e^{z_i}) − y_i z_i] + (l2/2)‖w‖² + l1‖w‖₁

the mean binary cross-entropy (the negative log-likelihood of the Bernoulli
model p = σ(z)); the intercept is never penalized.

Parameters are kept as a matrix Θ of shape (m, p): m = 1 for a binary model,
m = K for softmax and one-vs-rest, p = d (+ 1 for the intercept, last
column). Optimizers see Θ flattened to a vector θ.

* ``binary``: the single binomial model (always used for two classes).
* ``softmax``: categorical cross-entropy (1/Σs) Σ s_i [logsumexp(z_i) − z_{i,y_i}].
* ``ovr``: one-vs-rest, K independent binary models; J is the sum of the K
  binary objectives, so its minimizer is each binary model's own minimizer.

Everything is evaluated to a few ulp, for any finite logit and with no NumPy
warnings. Each sample's loss is the softplus of its signed logit
a = (1 − 2y) z (minus its margin): log(1 + e^z) − y z = log(1 + e^a) = log1p(e^a),
which never subtracts, and its residual σ(z) − y = (1 − 2y) σ(a) with
σ(a) = e^a / (1 + e^a). The binary model keeps the rows of X̃ = [X, 1] signed
by (1 − 2y), so one matrix-vector product gives every a. Softmax subtracts the
row maximum and takes log1p of the other classes' share; one-vs-rest uses the
binary form per class.
"""

from __future__ import annotations

import threading

import numpy as np

from .errors import LogitError

__all__ = [
    "Objective",
    "ObjectiveError",
    "MAX_FEATURE",
    "sigmoid",
    "log_sigmoid",
    "softplus",
    "softmax",
    "class_sample_weights",
    "predict_proba",
    "decision_function",
]


class ObjectiveError(LogitError):
    """Bad arguments for an objective (the message says which)."""


#: features beyond this magnitude are refused: the products of two of them (the
#: Hessian, the Lipschitz constant) would overflow in floating point
MAX_FEATURE = 1e150


# --------------------------------------------------------------------------
# stable elementwise functions
# --------------------------------------------------------------------------
def sigmoid(z):
    """σ(z) = 1 / (1 + e^{−z}), stable for any finite z."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    r = 1.0 / (1.0 + e)
    return np.where(z >= 0, r, e * r)


def log_sigmoid(z):
    """log σ(z) = −log(1 + e^{−z}), stable."""
    z = np.asarray(z, dtype=np.float64)
    return np.minimum(z, 0.0) - np.log1p(np.exp(-np.abs(z)))


def softplus(a):
    """log(1 + e^a), stable and accurate to a few ulp for any finite a."""
    a = np.asarray(a, dtype=np.float64)
    return np.maximum(a, 0.0) + np.log1p(np.exp(-np.abs(a)))


def _softplus_sigmoid(a, need_grad=True):
    """(log(1 + e^a), σ(a)) per element, from one e^{−|a|}: never overflows,
    never cancels (both are sums or quotients of positive numbers)."""
    e = np.exp(-np.abs(a))
    loss = np.log1p(e)
    loss += np.maximum(a, 0.0)
    if not need_grad:
        return loss, None
    u = 1.0 + e
    sig = np.where(a >= 0, 1.0, e)
    sig /= u
    return loss, sig


def _sigmoid_slope(a):
    """σ(a) σ(−a) = e^{−|a|} / (1 + e^{−|a|})², without 1 − σ rounding to 0."""
    e = np.exp(-np.abs(a))
    return e / ((1.0 + e) * (1.0 + e))


def softmax(Z):
    Z = np.asarray(Z, dtype=np.float64)
    E = np.exp(Z - Z.max(axis=-1, keepdims=True))
    return E / E.sum(axis=-1, keepdims=True)


def decision_function(coef, intercept, X) -> np.ndarray:
    """The logits Z = X Wᵀ + b, shape (n, m): for a binary model column 0 is
    z = x·w + b, the log-odds of class 1."""
    X = np.asarray(X, dtype=np.float64)
    coef = np.atleast_2d(np.asarray(coef, dtype=np.float64))
    intercept = np.atleast_1d(np.asarray(intercept, dtype=np.float64))
    return X @ coef.T + intercept


def predict_proba(kind: str, coef, intercept, X) -> np.ndarray:
    """Class probabilities of a fitted model, shape (n, K) (K = 2 for binary).

    For ``ovr`` the K one-vs-rest probabilities are normalized to sum to one
    (as scikit-learn's ``OneVsRestClassifier`` does).
    """
    Z = decision_function(coef, intercept, X)
    if kind == "binary":
        p1 = sigmoid(Z[:, 0])
        return np.column_stack([1.0 - p1, p1])
    if kind == "softmax":
        return softmax(Z)
    if kind == "ovr":
        P = sigmoid(Z)
        s = P.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.where(s > 0, P / np.where(s > 0, s, 1.0), 1.0 / P.shape[1])
        return out
    raise ObjectiveError(f"unknown model kind {kind!r}")


def _class_alpha(class_weight, n_classes: int) -> np.ndarray:
    """Per-class α from a dict {class code: α} or a sequence of K values."""
    if isinstance(class_weight, dict):
        alpha = np.ones(n_classes)
        for k, v in class_weight.items():
            try:
                code = int(k)
                ok = code == k and 0 <= code < n_classes
            except (TypeError, ValueError):
                ok = False
            if not ok:
                raise ObjectiveError(
                    f"class weights: unknown class {k!r} (use class codes 0..{n_classes - 1})")
            try:
                alpha[code] = float(v)
            except (TypeError, ValueError):
                raise ObjectiveError(f"class weights: {v!r} for class {k!r} is not a number") from None
    else:
        try:
            alpha = np.asarray(class_weight, dtype=np.float64).ravel()
        except (TypeError, ValueError):
            raise ObjectiveError(f"class weights: {class_weight!r} are not numbers") from None
        if alpha.shape != (n_classes,):
            raise ObjectiveError(f"class weights: expected {n_classes} values, got {alpha.size}")
    if np.any(alpha < 0) or not np.all(np.isfinite(alpha)):
        raise ObjectiveError("class weights must be finite and non-negative")
    return alpha


def class_sample_weights(y, n_classes: int, class_weight=None, sample_weight=None) -> np.ndarray:
    """Per-sample class weights α_{y_i} from a class-weight spec.

    ``None`` → 1; ``"balanced"`` → Σs / (K · Σ_{i in class k} s_i), the inverse
    (weighted) class frequency, as scikit-learn computes it: with
    ``sample_weight`` s the classes are counted by their weight (without, s = 1
    and this is n / (K · n_k)); a sequence or dict of per-class α → α_{class of i}.
    The result does not include ``sample_weight`` itself.
    """
    y = np.asarray(y)
    n = y.shape[0]
    if class_weight is None or (isinstance(class_weight, str) and class_weight == "none"):
        return np.ones(n)
    if isinstance(class_weight, str):
        if class_weight != "balanced":
            raise ObjectiveError(f"unknown class weight {class_weight!r} (use none, balanced or per-class values)")
        sw = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        counts = np.bincount(y, weights=sw, minlength=n_classes).astype(np.float64)
        total = counts.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            alpha = np.where(counts > 0, total / (n_classes * np.where(counts > 0, counts, 1.0)), 0.0)
        return alpha[y]
    return _class_alpha(class_weight, n_classes)[y]


class Objective:
    """Regularized cross-entropy J(θ) with closed-form gradient and Hessian.

    Parameters
    ----------
    X : (n, d) features.  y : (n,) integer class codes 0..K-1.
    n_classes : K (default: max(y) + 1, at least 2).
    kind : "auto" (binary for K = 2, else softmax), "binary", "softmax", "ovr".
    sample_weight : optional (n,) per-sample weights, multiplied with the
        class weights.  class_weight : None, "balanced" or per-class α (a dict
        {class code: α} or K values; for one-vs-rest also two values, α of
        "rest" and of the class, applied in each of the K problems).
    l2, l1 : penalty strengths on the weights (never the intercept).
    fit_intercept : learn b (True) or fix it at 0.
    """

    def __init__(
        self,
        X,
        y,
        *,
        n_classes: int | None = None,
        kind: str = "auto",
        sample_weight=None,
        class_weight=None,
        l2: float = 0.0,
        l1: float = 0.0,
        fit_intercept: bool = True,
    ):
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2:
            raise ObjectiveError(f"X must be 2-D, got shape {X.shape}")
        y = np.asarray(y)
        if y.ndim != 1 or y.shape[0] != X.shape[0]:
            raise ObjectiveError(f"y must have one label per row of X ({X.shape[0]}), got shape {y.shape}")
        if X.shape[0] == 0:
            raise ObjectiveError("no samples")
        if X.size:
            hi, lo = float(X.max()), float(X.min())
            if not (np.isfinite(hi) and np.isfinite(lo)):
                bad = np.flatnonzero(~np.all(np.isfinite(X), axis=0))
                raise ObjectiveError(
                    f"feature {int(bad[0]) + 1} contains NaN or infinite values" if bad.size
                    else "X contains NaN or infinite values")
            big = max(hi, -lo)
            if big > MAX_FEATURE:
                raise ObjectiveError(
                    f"feature values up to {big:.3g} in magnitude: the products of two features "
                    f"overflow in floating point (limit {MAX_FEATURE:.0e}); rescale the features "
                    "(e.g. standardize them)")
        y = y.astype(np.intp)
        K = int(n_classes) if n_classes is not None else max(int(y.max()) + 1, 2)
        if y.min() < 0 or y.max() >= K:
            raise ObjectiveError(f"labels must be integer codes 0..{K - 1}")
        if kind == "auto":
            kind = "binary" if K == 2 else "softmax"
        if K == 2 and kind in ("softmax", "ovr"):
            kind = "binary"  # binary problems always use the single binomial model
        if kind == "binary" and K != 2:
            raise ObjectiveError(
                f"the data have {K} classes: a binary model needs exactly 2 "
                "(use softmax or ovr, or pick a positive class)"
            )
        if kind not in ("binary", "softmax", "ovr"):
            raise ObjectiveError(f"unknown multiclass model {kind!r} (use softmax or ovr)")
        for name, v in (("l2", l2), ("l1", l1)):
            if not np.isfinite(v) or v < 0:
                raise ObjectiveError(f"{name} must be a finite number >= 0, got {v}")

        self.kind = kind
        self.n_classes = K
        self.n, self.d = X.shape
        self.fit_intercept = bool(fit_intercept)
        self.l2 = float(l2)
        self.l1 = float(l1)
        self.m = 1 if kind == "binary" else K
        self.p = self.d + (1 if self.fit_intercept else 0)
        self.size = self.m * self.p
        self.y = y

        sw = None
        if sample_weight is not None:
            sw = np.asarray(sample_weight, dtype=np.float64)
            if sw.shape != (self.n,) or np.any(sw < 0) or not np.all(np.isfinite(sw)):
                raise ObjectiveError("sample_weight must be n finite non-negative values")

        # The design matrix: X̃ = [X, 1] (one product gives Xw + b). The binary
        # model keeps its rows signed by 1 − 2y, so that product gives a = (1 − 2y) z.
        if kind == "binary":
            self._sign = 1.0 - 2.0 * (y == 1)
            M = np.empty((self.n, self.p))
            np.multiply(X, self._sign[:, None], out=M[:, : self.d])
            if self.fit_intercept:
                M[:, self.d] = self._sign
        elif self.fit_intercept:
            M = np.empty((self.n, self.p))
            M[:, : self.d] = X
            M[:, self.d] = 1.0
        else:
            M = np.ascontiguousarray(X)
        self._M = M

        if kind == "ovr":
            # each one-vs-rest problem is binary: "balanced" per problem, as
            # scikit-learn does; per-class α (K values) by the original class
            Y = (y[:, None] == np.arange(K)[None, :]).astype(np.float64)
            cols = []
            per_class = None
            if class_weight is not None and not isinstance(class_weight, str):
                if not isinstance(class_weight, dict) and np.size(class_weight) == 2 and K != 2:
                    per_class = None  # (α_rest, α_class) in every problem
                else:
                    per_class = _class_alpha(class_weight, K)[y]
            for k in range(K):
                if per_class is not None:
                    sk = per_class.copy()
                else:
                    sk = class_sample_weights(Y[:, k].astype(np.intp), 2, class_weight, sw)
                if sw is not None:
                    sk = sk * sw
                cols.append(sk)
            S = np.column_stack(cols)
            totals = S.sum(axis=0)
            if np.any(totals <= 0):
                raise ObjectiveError("sample weights sum to zero")
            self._ssum = totals
            self._S = S / totals
            self._Y = Y
            self._uniform = False
            s = S[:, 0]
        else:
            s = class_sample_weights(y, K, class_weight, sw)
            if sw is not None:
                s = s * sw
            total = s.sum()
            if total <= 0:
                raise ObjectiveError("sample weights sum to zero")
            self._ssum = np.array([total])
            self._uniform = bool(np.all(s == s[0]))
            self._s = None if self._uniform else s / total
            if kind == "binary":
                self._y = (y == 1).astype(np.float64)
            else:
                self._Y = (y[:, None] == np.arange(K)[None, :]).astype(np.float64)
        self.sample_weight = s  # un-normalized s_i (binary / softmax)
        # mask of penalized coordinates in Θ (the intercept column is not)
        mask = np.ones((self.m, self.p))
        if self.fit_intercept:
            mask[:, -1] = 0.0
        self.penalty_mask = mask.ravel()
        self._lipschitz = None
        self._scales = None
        self._separable = None
        self._tls = threading.local()

    def __getstate__(self):
        """Picklable (the app sends the objective to its trainer process): the
        per-thread work arrays are rebuilt there."""
        state = self.__dict__.copy()
        state.pop("_tls", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._tls = threading.local()

    @property
    def Xt(self) -> np.ndarray:
        """X̃ = [X, 1] (or X without an intercept), shape (n, p). For the binary
        model a fresh array each time: the model keeps its rows signed by 1 − 2y."""
        if self.kind == "binary":
            return self._M * self._sign[:, None]
        return self._M

    # ------------------------------------------------------------------
    # parameter layout
    # ------------------------------------------------------------------
    def zeros(self) -> np.ndarray:
        return np.zeros(self.size)

    def split(self, theta):
        """θ → (coef (m, d), intercept (m,))."""
        T = np.asarray(theta, dtype=np.float64).reshape(self.m, self.p)
        coef = T[:, : self.d]
        intercept = T[:, self.d] if self.fit_intercept else np.zeros(self.m)
        return coef, intercept

    def join(self, coef, intercept=None) -> np.ndarray:
        coef = np.atleast_2d(np.asarray(coef, dtype=np.float64))
        if coef.shape != (self.m, self.d):
            raise ObjectiveError(f"coef must have shape {(self.m, self.d)}, got {coef.shape}")
        T = np.zeros((self.m, self.p))
        T[:, : self.d] = coef
        if self.fit_intercept and intercept is not None:
            T[:, self.d] = np.atleast_1d(intercept)
        return T.ravel()

    def gauge(self, theta) -> np.ndarray:
        """θ in one gauge: softmax probabilities do not change when the same
        vector is added to every class's parameters, so its intercepts are
        reported centred (Σ_k b_k = 0), and so are the weights when nothing
        penalizes them (a penalty picks its own, unique weights). Other models:
        θ itself."""
        theta = np.asarray(theta, dtype=np.float64)
        if self.kind != "softmax":
            return theta
        T = theta.reshape(self.m, self.p).copy()
        if self.fit_intercept:
            T[:, self.d] -= T[:, self.d].mean()
        if not (self.l2 or self.l1):
            T[:, : self.d] -= T[:, : self.d].mean(axis=0)
        return T.ravel()

    # ------------------------------------------------------------------
    # the smooth part: cross-entropy + (l2/2)‖w‖²
    # ------------------------------------------------------------------
    def _logits(self, theta, rows=None):
        """Z = X̃θ: (n,) for the binary model, (n, m) otherwise."""
        M = self._M if rows is None else self._M[rows]
        if self.m == 1:
            a = M @ theta
            return a * (self._sign if rows is None else self._sign[rows])
        return M @ theta.reshape(self.m, self.p).T

    #: rows per block of the binary pass: bounds its three work arrays (and
    #: so the memory a worker thread holds) at 6 MiB whatever n is. Measured
    #: (benchmarks/bench_core.py): blocks that fit in the CPU cache gained
    #: nothing, the per-block calls cost more than the cache saved.
    BLOCK = 1 << 18

    def _scratch(self):
        """Three block-sized work arrays, one set per thread (the app's worker
        and GUI threads may both evaluate the objective)."""
        bufs = getattr(self._tls, "bufs", None)
        if bufs is None:
            m = min(self.n, self.BLOCK)
            bufs = self._tls.bufs = (np.empty(m), np.empty(m), np.empty(m))
        return bufs

    def _shares(self) -> np.ndarray:
        """s_i / Σs for every sample (1/n when unweighted)."""
        return np.full(self.n, 1.0 / self.n) if self._s is None else self._s

    def _binary_value_grad(self, theta, need_grad):
        """Mean cross-entropy and its gradient for the binary model, block by
        block, in a few in-place passes over the signed logits a = (1 − 2y) z:

            v = e^a,  loss = log1p(v),  σ(a) = v / (1 + v),  ∇ = Σ s σ(a) ã / Σs

        (ã the signed rows; Σ log1p(v) by :meth:`_sum_log1p`). Every quantity is
        a sum, product or quotient of positive numbers: accurate to a few ulp,
        like ``np.logaddexp``. Where
        e^a overflows (a > 709: a sample misclassified by a huge margin) the
        block is evaluated by :meth:`_binary_block_stable` instead.
        """
        s = self._s
        ab, ub, lb = self._scratch()
        B = len(ab)
        M = self._M
        f = 0.0
        g = np.zeros(self.p) if need_grad else None
        with np.errstate(over="ignore", invalid="ignore"):
            for lo in range(0, self.n, B):
                Mc = M[lo:lo + B]
                m = Mc.shape[0]
                v, u, lu = ab[:m], ub[:m], lb[:m]
                np.matmul(Mc, theta, out=v)
                np.exp(v, out=v)                      # v = e^a (inf where a > 709)
                sc = None if s is None else s[lo:lo + m]
                if sc is None:                        # Σ log(1 + e^a)
                    part = self._sum_log1p(v, lu, u)
                else:
                    part = float(sc @ np.log1p(v, out=lu))
                if not np.isfinite(part):
                    fb, gb = self._binary_block_stable(theta, lo, lo + m, need_grad)
                    f += fb
                    if need_grad:
                        g += gb
                    continue
                f += part / self.n if sc is None else part
                if need_grad:
                    np.add(v, 1.0, out=u)
                    np.divide(v, u, out=u)            # σ(a)
                    if sc is not None:
                        u *= sc
                    gb = Mc.T @ u
                    if sc is None:
                        gb *= 1.0 / self.n
                    g += gb
        return f, g

    @staticmethod
    def _sum_log1p(v, w, t):
        """Σ log1p(v_i) for v_i ≥ 0, to a few ulp, with an eighth of the
        logarithms: pairs are combined as (1 + a)(1 + b) − 1 = a + b + ab (sums
        and products of non-negative numbers: nothing cancels), three times,
        then log1p of each group of eight. ``w``, ``t``: work arrays. A group
        whose product overflows (its losses sum beyond 709) falls back to a
        log1p per sample."""
        m = len(v)
        m8 = m - m % 8
        h = m8 // 2
        a, b = v[:h], v[h:m8]
        np.add(a, b, out=w[:h])
        np.multiply(a, b, out=t[:h])
        w[:h] += t[:h]
        for _ in range(2):
            h //= 2
            a, b = w[:h], w[h:2 * h]
            np.add(a, b, out=t[:h])
            a *= b
            a += t[:h]
        total = float(np.log1p(w[:h], out=t[:h]).sum())
        if m8 < m:
            total += float(np.log1p(v[m8:]).sum())
        if not np.isfinite(total):
            total = float(np.log1p(v, out=w).sum())
        return total

    def _binary_block_stable(self, theta, lo, hi, need_grad):
        """Rows lo..hi from the per-sample stable terms (never overflow):
        log(1 + e^a) = max(a, 0) + log1p(e^{−|a|}), σ(a) from the same e^{−|a|}."""
        Mc = self._M[lo:hi]
        sc = np.full(hi - lo, 1.0 / self.n) if self._s is None else self._s[lo:hi]
        loss, sig = _softplus_sigmoid(Mc @ theta, need_grad)
        f = float(sc @ loss)
        return f, (Mc.T @ (sig * sc) if need_grad else None)

    def _binary_value_grad_stable(self, theta, need_grad):
        """The binary sums from the per-sample stable terms, block by block."""
        f = 0.0
        g = np.zeros(self.p) if need_grad else None
        for lo in range(0, self.n, self.BLOCK):
            fb, gb = self._binary_block_stable(theta, lo, min(lo + self.BLOCK, self.n), need_grad)
            f += fb
            if need_grad:
                g += gb
        return f, g

    def value_grad(self, theta, need_grad=True):
        """(J_smooth(θ), ∇J_smooth(θ)) — cross-entropy plus the L2 term."""
        theta = np.asarray(theta, dtype=np.float64)
        if self.kind == "binary":
            f, g = self._binary_value_grad(theta, need_grad)
        else:
            Z = self._logits(theta)
            if self.kind == "softmax":
                f, R = self._softmax_terms(Z, self._Y, self._s, need_grad)
            else:  # ovr: sum of K binary problems, each normalized by its own Σs
                f, R = self._ovr_terms(Z, self._Y, self._S, need_grad)
            g = None if not need_grad else (R.T @ self._M).ravel()
        w2 = theta * self.penalty_mask
        f = float(f) + 0.5 * self.l2 * float(w2 @ w2)
        if not need_grad:
            return f, None
        if self.l2:
            g = g + self.l2 * w2
        return f, g

    @staticmethod
    def _ovr_terms(Z, Y, S, need_grad=True):
        """Σ_k Σ_i S_ik [log(1 + e^{z_ik}) − Y_ik z_ik] and the residuals
        S (σ(Z) − Y), from the signed logits (1 − 2Y) Z."""
        sign = 1.0 - 2.0 * Y
        loss, sig = _softplus_sigmoid(Z * sign, need_grad)
        f = float(np.sum(loss * S))
        if not need_grad:
            return f, None
        return f, sig * sign * S

    @staticmethod
    def _softmax_terms(Z, Y, s, need_grad=True):
        """Mean categorical cross-entropy and residuals (P − Y)·s.

        With the row maximum mx and E = e^{Z − mx}, the loss of a sample of
        class y is (mx − z_y) + log(E_y + R) with R = Σ_{j≠y} E_j, taken as
        log1p(R + (E_y − 1)): where y has the largest logit E_y = 1 and the
        loss is log1p(R), never 1 + R rounded. The residual of class y is
        −R / (E_y + R), never P_y − 1 rounded."""
        mx = Z.max(axis=1, keepdims=True)
        E = np.exp(Z - mx)
        Ey = np.sum(E * Y, axis=1)
        R = np.sum(E * (1.0 - Y), axis=1)
        zy = np.sum(Z * Y, axis=1)
        loss = (mx[:, 0] - zy) + np.log1p(R + (Ey - 1.0))
        f = loss.mean() if s is None else loss @ s
        if not need_grad:
            return f, None
        tot = (Ey + R)[:, None]
        P = E / tot
        Res = np.where(Y > 0, -(R[:, None] / tot), P)
        Res *= (1.0 / Z.shape[0]) if s is None else s[:, None]
        return f, Res

    def value_grad_batch(self, theta, idx):
        """(J_B, ∇J_B) on the mini-batch ``idx``: the same objective with the
        mean taken over the batch (weights renormalized over the batch)."""
        theta = np.asarray(theta, dtype=np.float64)
        Mb = self._M[idx]
        if self.kind == "binary":
            loss, sig = _softplus_sigmoid(Mb @ theta)
            if self._s is None:
                s = np.full(len(idx), 1.0 / len(idx))
            else:
                s = self._s[idx]
                tot = s.sum()
                s = s / tot if tot > 0 else np.full(len(idx), 1.0 / len(idx))
            f = loss @ s
            g = Mb.T @ (sig * s)
        else:
            Z = Mb @ theta.reshape(self.m, self.p).T
            if self.kind == "softmax":
                s = None if self._s is None else self._s[idx] / self._s[idx].sum()
                f, R = self._softmax_terms(Z, self._Y[idx], s)
            else:
                S = self._S[idx]
                tot = S.sum(axis=0)
                S = np.where(tot > 0, S / np.where(tot > 0, tot, 1.0), 1.0 / len(idx))
                f, R = self._ovr_terms(Z, self._Y[idx], S)
            g = (R.T @ Mb).ravel()
        w2 = theta * self.penalty_mask
        f = float(f) + 0.5 * self.l2 * float(w2 @ w2)
        if self.l2:
            g = g + self.l2 * w2
        return f, g

    def value(self, theta) -> float:
        """Full objective J(θ), L1 term included."""
        f, _ = self.value_grad(theta, need_grad=False)
        return f + self.l1_penalty(theta)

    def smooth_value(self, theta) -> float:
        return self.value_grad(theta, need_grad=False)[0]

    def grad(self, theta) -> np.ndarray:
        return self.value_grad(theta)[1]

    def l1_penalty(self, theta) -> float:
        if not self.l1:
            return 0.0
        return self.l1 * float(np.abs(np.asarray(theta) * self.penalty_mask).sum())

    def prox_l1(self, theta, t):
        """Proximal map of t·l1‖w‖₁: soft-threshold the weights by t·l1 (t may be per-coordinate)."""
        if not self.l1:
            return theta
        thr = np.asarray(t) * self.l1 * self.penalty_mask
        return np.sign(theta) * np.maximum(np.abs(theta) - thr, 0.0)

    def subgradient(self, theta, g) -> np.ndarray:
        """The minimum-norm subgradient of J at θ (∇J without L1): with L1,
        g + l1·sign(w) where w ≠ 0 and the shrunk g where w = 0. Its negative is
        the steepest-descent direction (OWL-QN's pseudo-gradient)."""
        if not self.l1:
            return g
        l1 = self.l1 * self.penalty_mask
        return np.where(
            theta != 0,
            g + l1 * np.sign(theta),
            np.sign(g) * np.maximum(np.abs(g) - l1, 0.0),
        )

    def optimality(self, theta, g) -> float:
        """‖∇J‖∞, with L1 the infinity norm of the minimum-norm subgradient."""
        sub = self.subgradient(theta, g)
        return float(np.max(np.abs(sub))) if sub.size else 0.0

    def grad_scales(self) -> np.ndarray:
        """Per parameter, the root mean square of its feature column (1 for the
        intercept, and for a column of zeros). ∂J/∂w_j divided by it is the
        derivative with respect to the coefficient of the feature rescaled to
        unit RMS: a gradient that does not change when a feature is measured in
        other units (with standardized features every scale is 1)."""
        if self._scales is None:
            M = self._M
            ms = np.einsum("ij,ij->j", M, M) / self.n
            c = np.sqrt(ms)
            c[~(c > 0) | ~np.isfinite(c)] = 1.0
            if self.fit_intercept:
                c[self.d] = 1.0
            self._scales = np.tile(c, self.m)
        return self._scales

    def scaled_optimality(self, theta, g) -> float:
        """‖D⁻¹ ∂J‖∞ with D = :meth:`grad_scales`: the optimality per unit of
        each feature's RMS, the quantity the stopping tolerance is compared
        with. Equal to :meth:`optimality` for standardized features."""
        sub = self.subgradient(theta, g)
        return float(np.max(np.abs(sub) / self.grad_scales())) if sub.size else 0.0

    def optimality_norms(self, theta, g) -> tuple[float, float]:
        """(:meth:`optimality`, :meth:`scaled_optimality`) from one subgradient."""
        sub = np.abs(self.subgradient(theta, g))
        if not sub.size:
            return 0.0, 0.0
        return float(sub.max()), float((sub / self.grad_scales()).max())

    def feature_rms(self) -> np.ndarray:
        """RMS of each feature column (d values; 1 for a column of zeros)."""
        return self.grad_scales()[: self.d]

    # ------------------------------------------------------------------
    # curvature
    # ------------------------------------------------------------------
    def _weights_col(self, k=0):
        if self.kind == "ovr":
            return self._S[:, k]
        if self._s is None:
            return np.full(self.n, 1.0 / self.n)
        return self._s

    def hessian(self, theta) -> np.ndarray:
        """∇²J(θ), dense (size × size): X̃ᵀ diag(s p(1−p)) X̃ / Σs (+ l2 on the weights)."""
        theta = np.asarray(theta, dtype=np.float64)
        M = self._M
        p = self.p
        if self.kind == "softmax":
            P = softmax(self._logits(theta))
            s = self._weights_col()
            K = self.m
            H = np.zeros((K * p, K * p))
            for k in range(K):
                for l in range(k, K):
                    h = s * (P[:, k] * ((k == l) - P[:, l]))
                    B = M.T @ (M * h[:, None])
                    H[k * p:(k + 1) * p, l * p:(l + 1) * p] = B
                    if l != k:
                        H[l * p:(l + 1) * p, k * p:(k + 1) * p] = B.T
        elif self.kind == "binary":
            h = self._weights_col() * _sigmoid_slope(M @ theta)  # the sign of a does not matter
            H = M.T @ (M * h[:, None])
        else:
            Z = self._logits(theta)
            H = np.zeros((self.size, self.size))
            for k in range(self.m):
                h = self._weights_col(k) * _sigmoid_slope(Z[:, k])
                H[k * p:(k + 1) * p, k * p:(k + 1) * p] = M.T @ (M * h[:, None])
        H[np.diag_indices_from(H)] += self.l2 * self.penalty_mask
        return H

    def hessp(self, theta, v) -> np.ndarray:
        """Hessian-vector product ∇²J(θ) v without forming the Hessian."""
        theta = np.asarray(theta, dtype=np.float64)
        v = np.asarray(v, dtype=np.float64)
        M = self._M
        if self.kind == "softmax":
            P = softmax(self._logits(theta))
            s = self._weights_col()
            ZV = M @ v.reshape(self.m, self.p).T
            A = P * ZV
            Q = A - P * A.sum(axis=1, keepdims=True)
            out = ((Q * s[:, None]).T @ M).ravel()
        elif self.m == 1:
            out = M.T @ (self._weights_col() * _sigmoid_slope(M @ theta) * (M @ v))
        else:
            H = _sigmoid_slope(self._logits(theta))
            ZV = M @ v.reshape(self.m, self.p).T
            out = ((self._S * H * ZV).T @ M).ravel()
        return out + self.l2 * self.penalty_mask * v

    def lipschitz(self) -> float:
        """L, the Lipschitz constant of ∇J_smooth.

        Binary: L = λ_max(X̃ᵀ diag(s) X̃) / (4 Σs) + l2, because p(1 − p) ≤ 1/4.
        Softmax: the Böhning bound ∇² ≼ ½ (I − 11ᵀ/K) ⊗ X̃ᵀ diag(s) X̃ / Σs, so
        L = λ_max(X̃ᵀ diag(s) X̃) / (2 Σs) + l2. One-vs-rest: the largest of the K
        binary constants (the problems are independent).
        """
        if self._lipschitz is None:
            M = self._M
            if self.kind == "ovr":
                lam = max(
                    np.linalg.eigvalsh(M.T @ (M * self._S[:, k][:, None]))[-1]
                    for k in range(self.m)
                )
                factor = 0.25
            else:
                s = self._weights_col()
                lam = np.linalg.eigvalsh(M.T @ (M * s[:, None]))[-1]
                factor = 0.25 if self.kind == "binary" else 0.5
            self._lipschitz = float(factor * lam + self.l2)
        return self._lipschitz

    @property
    def lipschitz_formula(self) -> str:
        if self.kind == "softmax":
            return "L = λmax(X̃ᵀ diag(s) X̃) / (2 Σs) + l2"
        return "L = λmax(X̃ᵀ diag(s) X̃) / (4 Σs) + l2"

    # ------------------------------------------------------------------
    # evaluation on other data (test set, drawing grid)
    # ------------------------------------------------------------------
    def proba(self, theta, X) -> np.ndarray:
        coef, intercept = self.split(theta)
        return predict_proba(self.kind, coef, intercept, X)

    def separates(self, theta) -> bool:
        """True when θ classifies every training sample correctly (strictly).

        Then the data are separable in feature space and, without a penalty,
        the cross-entropy has no minimizer: the weights grow without bound.
        """
        theta = np.asarray(theta, dtype=np.float64)
        if self.kind == "binary":
            return bool(np.all(self._M @ theta < 0))  # a = (1 − 2y) z < 0: z on the side of y
        Z = self._logits(theta)
        true = Z[np.arange(self.n), self.y]
        Zo = Z.copy()
        Zo[np.arange(self.n), self.y] = -np.inf
        if self.kind == "ovr":
            return bool(np.all(true > 0) and np.all(Zo < 0))
        return bool(np.all(true > Zo.max(axis=1)))

    def separable(self):
        """Whether the training data are linearly separable in feature space,
        decided from the data alone (not from an iterate): ``None`` when
        nothing is known, else a short description of what separates.

        Binary: the classes are strictly separable by a hyperplane (with the
        intercept, if there is one) exactly when the origin lies outside the
        convex hull of the signed rows −ã_i = (2y_i − 1) x̃_i; Wolfe's
        minimum-norm-point algorithm decides it (:func:`separating_direction`).
        One-vs-rest and softmax: some class is separable from the rest; for
        softmax that alone already leaves the weights without a minimizer.
        The answer is cached.
        """
        if self._separable is None:
            if self.kind == "binary":
                found = separating_direction(self._M, negate=True) is not None
                self._separable = "the classes are linearly separable" if found else ""
            else:
                M = self._M
                found = ""
                for k in range(self.n_classes):
                    sign = 1.0 - 2.0 * (self.y == k)  # rows −(2Y_k − 1) x̃
                    if separating_direction(M, sign=sign, negate=True) is not None:
                        found = f"class {k} is linearly separable from the rest"
                        break
                self._separable = found
        return self._separable or None


# --------------------------------------------------------------------------
# separability from the data: the minimum-norm point of a convex hull
# --------------------------------------------------------------------------
#: rows examined first (a random subset): most non-separable data show it there
_SEP_SAMPLE = 2000


def separating_direction(M, *, sign=None, negate=False, max_major=None, seed=0):
    """A direction w with r_i·w > 0 for every row r_i of R, or None.

    R = M (rows of M multiplied by ``sign`` if given; negated if ``negate``).
    Such a w exists exactly when the origin lies outside conv{r_i}; then the
    point of conv{r_i} nearest the origin is one (Gordan's alternative).
    Wolfe's minimum-norm-point algorithm (1976) finds that point in finitely
    many steps, each a product of R with the current point and a small
    least-squares solve on at most p + 1 rows. Run first on a random subset
    (non-separable there means non-separable everywhere), then on all rows,
    warm-started. None also when it cannot tell: the budget runs out, or the
    margin is too thin for the nearest point to be computed to the accuracy
    that shows it separates.
    """
    n, p = M.shape
    if p == 0:
        return None
    fac = -1.0 if negate else 1.0

    def rows(idx):
        R = M[idx] * fac
        if sign is not None:
            R *= sign[idx][:, None]
        return R

    rng = np.random.default_rng(seed)
    sub = np.arange(n) if n <= _SEP_SAMPLE else np.sort(rng.choice(n, _SEP_SAMPLE, replace=False))
    R = rows(sub)
    # scale-free: columns divided by their largest |entry| in the subset (any
    # positive scaling gives the same answer; the check on all rows is exact)
    colmax = np.max(np.abs(R), axis=0)
    colmax[~(colmax > 0)] = 1.0
    inv = 1.0 / colmax
    w = _min_norm_point(R * inv, max_major)
    if w is None:
        return None
    if sub.size < n:
        # the subset is separable: check the direction on every row, in blocks
        w = _min_norm_point_blocks(lambda idx: rows(idx) * inv, n, w, max_major)
        if w is None:
            return None
    return w * inv


def _min_norm_point_blocks(rows, n, w0, max_major):
    """Verify w0 on all n rows; while some row is not strictly on its side, add
    the violators to the working set and solve again (a cutting-plane loop)."""
    work = np.zeros(0, dtype=np.intp)
    w = w0
    B = 1 << 16
    for _ in range(50):
        bad = []
        for lo in range(0, n, B):
            idx = np.arange(lo, min(n, lo + B))
            m = rows(idx) @ w
            bad.append(idx[m <= 0])
        bad = np.concatenate(bad)
        if bad.size == 0:
            return w
        work = np.union1d(work, bad[:_SEP_SAMPLE])
        w = _min_norm_point(rows(work), max_major)
        if w is None:
            return None
    return None


def _min_norm_point(R, max_major=None):
    """Wolfe's algorithm on the rows of R: the point x of conv(R) nearest the
    origin if it is not (numerically) the origin and separates strictly
    (r·x > 0 for every row), else None."""
    n, p = R.shape
    norms = np.einsum("ij,ij->i", R, R)
    scale = float(norms.max())
    if not scale > 0:
        return None
    eps = 1e-12 * scale
    i0 = int(np.argmin(norms))
    S = [i0]
    lam = np.array([1.0])
    x = R[i0].copy()
    budget = max_major if max_major is not None else 50 * (p + 1) + 200
    for _ in range(budget):
        xx = float(x @ x)
        if xx <= 1e-24 * scale:
            return None                                  # the origin is in the hull
        proj = R @ x
        j = int(np.argmin(proj))
        if xx - proj[j] <= 1e-12 * max(xx, eps) or j in S:
            break                                        # x is the nearest point
        S.append(j)
        lam = np.append(lam, 0.0)
        while True:                                      # minor cycle
            P = R[S]
            k = len(S)
            G = np.empty((k + 1, k + 1))
            G[:k, :k] = P @ P.T
            G[:k, k] = 1.0
            G[k, :k] = 1.0
            G[k, k] = 0.0
            rhs = np.zeros(k + 1)
            rhs[k] = 1.0
            mu = np.linalg.lstsq(G, rhs, rcond=None)[0][:k]
            if np.all(mu > 1e-14):
                lam = mu
                break
            neg = mu <= 1e-14
            with np.errstate(divide="ignore", invalid="ignore"):
                ratios = np.where(neg, lam / (lam - mu), np.inf)
            t = float(np.clip(np.min(ratios), 0.0, 1.0))
            lam = lam + t * (mu - lam)
            keep = lam > 1e-14
            if not np.any(keep):
                keep[int(np.argmax(lam))] = True
            S = [s for s, kp in zip(S, keep) if kp]
            lam = lam[keep]
            lam /= lam.sum()
            if len(S) == 1:
                break
        x = lam @ R[S]
    else:
        return None                                      # budget spent: unknown
    if float(x @ x) <= 1e-24 * scale:
        return None
    return x if float(np.min(R @ x)) > 0 else None
