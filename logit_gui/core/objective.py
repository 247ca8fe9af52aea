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

Everything is evaluated in a numerically stable way: log(1 + e^z) as
max(z, 0) + log1p(e^{−|z|}), σ(z) from the same e^{−|z|}, and softmax with the
row maximum subtracted. Finite for any finite logit, with no NumPy warnings.
"""

from __future__ import annotations

import threading

import numpy as np

from .errors import LogitError

__all__ = [
    "Objective",
    "ObjectiveError",
    "sigmoid",
    "log_sigmoid",
    "softmax",
    "class_sample_weights",
    "predict_proba",
    "decision_function",
]


class ObjectiveError(LogitError):
    """Bad arguments for an objective (the message says which)."""


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


def class_sample_weights(y, n_classes: int, class_weight=None) -> np.ndarray:
    """Per-sample weights s_i from a class-weight spec.

    ``None`` → 1; ``"balanced"`` → n / (K · n_{class of i}) (inverse class
    frequency); a sequence or dict of per-class α → α_{class of i}.
    """
    y = np.asarray(y)
    n = y.shape[0]
    if class_weight is None or (isinstance(class_weight, str) and class_weight == "none"):
        return np.ones(n)
    if isinstance(class_weight, str):
        if class_weight != "balanced":
            raise ObjectiveError(f"unknown class weight {class_weight!r} (use none, balanced or per-class values)")
        counts = np.bincount(y, minlength=n_classes).astype(np.float64)
        with np.errstate(divide="ignore"):
            alpha = np.where(counts > 0, n / (n_classes * np.maximum(counts, 1)), 0.0)
        return alpha[y]
    if isinstance(class_weight, dict):
        alpha = np.ones(n_classes)
        for k, v in class_weight.items():
            alpha[int(k)] = float(v)
    else:
        alpha = np.asarray(class_weight, dtype=np.float64)
        if alpha.shape != (n_classes,):
            raise ObjectiveError(f"class weights: expected {n_classes} values, got {alpha.size}")
    if np.any(alpha < 0) or not np.all(np.isfinite(alpha)):
        raise ObjectiveError("class weights must be finite and non-negative")
    return alpha[y]


class Objective:
    """Regularized cross-entropy J(θ) with closed-form gradient and Hessian.

    Parameters
    ----------
    X : (n, d) features.  y : (n,) integer class codes 0..K-1.
    n_classes : K (default: max(y) + 1, at least 2).
    kind : "auto" (binary for K = 2, else softmax), "binary", "softmax", "ovr".
    sample_weight : optional (n,) per-sample weights, multiplied with the
        class weights.  class_weight : None, "balanced" or per-class α.
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
        if not np.all(np.isfinite(X)):
            raise ObjectiveError("X contains NaN or infinite values")
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
        # X̃ = [X, 1]: one matrix-vector product gives Xw + b
        if self.fit_intercept:
            Xt = np.empty((self.n, self.p))
            Xt[:, : self.d] = X
            Xt[:, self.d] = 1.0
        else:
            Xt = np.ascontiguousarray(X)
        self.Xt = Xt
        self.y = y

        s = class_sample_weights(y, K, class_weight if kind != "ovr" else None)
        if sample_weight is not None:
            sw = np.asarray(sample_weight, dtype=np.float64)
            if sw.shape != (self.n,) or np.any(sw < 0) or not np.all(np.isfinite(sw)):
                raise ObjectiveError("sample_weight must be n finite non-negative values")
            s = s * sw
        if kind == "ovr":
            # each one-vs-rest problem is binary: its own (binary) class weights
            Y = (y[:, None] == np.arange(K)[None, :]).astype(np.float64)
            cols = []
            for k in range(K):
                sk = class_sample_weights(Y[:, k].astype(np.intp), 2, class_weight)
                if sample_weight is not None:
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
        else:
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
        self._tls = threading.local()

    def __getstate__(self):
        """Picklable (the app sends the objective to its trainer process): the
        per-thread work arrays and the cached sums are rebuilt there."""
        state = self.__dict__.copy()
        for name in ("_tls", "_bconst"):
            state.pop(name, None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._tls = threading.local()

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

    # ------------------------------------------------------------------
    # the smooth part: cross-entropy + (l2/2)‖w‖²
    # ------------------------------------------------------------------
    def _logits(self, theta, Xt=None):
        Xt = self.Xt if Xt is None else Xt
        if self.m == 1:
            return Xt @ theta
        return Xt @ theta.reshape(self.m, self.p).T

    @staticmethod
    def _binary_terms(z, y, need_grad=True):
        """Per-sample losses log(1 + e^z) − y z and residuals σ(z) − y.

        Stable for any finite z and cheap: one e^{−|z|}, one log1p, and σ(z)
        recovered as exp(log σ(z)) with log σ(z) = min(z, 0) − log1p(e^{−|z|}).
        """
        e = np.abs(z)
        np.negative(e, out=e)
        np.exp(e, out=e)                       # e^{−|z|} in (0, 1]: never overflows
        l1p = np.log1p(e, out=e)               # log(1 + e^{−|z|})
        mn = np.minimum(z, 0.0)
        np.subtract(mn, l1p, out=mn)           # log σ(z)
        loss = z - y * z
        loss -= mn                             # −log σ(z) + (1 − y) z = log(1 + e^z) − y z
        if not need_grad:
            return loss, None
        p = np.exp(mn, out=mn)                 # σ(z)
        p -= y
        return loss, p

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

    def _binary_constants(self):
        """Sums that do not depend on θ, computed once:
        c = X̃ᵀ(s ⊙ (1 − y)) so that Σ s_i (1 − y_i) z_i = c·θ, and
        X̃ᵀ(s ⊙ y) so that X̃ᵀ(s ⊙ (σ(z) − y)) = X̃ᵀ(s ⊙ σ(z)) − X̃ᵀ(s ⊙ y)."""
        const = getattr(self, "_bconst", None)
        if const is None:
            s = self._shares()
            sy = s * self._y
            const = self._bconst = (self.Xt.T @ (s - sy), self.Xt.T @ sy)
        return const

    def _binary_value_grad(self, theta, need_grad):
        """Mean cross-entropy and its gradient for the binary model, block by
        block, each block in a handful of in-place passes:

            t = e^{−z},  u = 1 + t,  log(1 + e^z) − y z = (1 − y) z + log u,
            σ(z) = 1/u,

        with Σ s(1 − y) z = c·θ and X̃ᵀ(s y) computed once. This form is fast
        but it subtracts: where it cannot be trusted it hands over to
        :meth:`_binary_value_grad_stable` — where z < −709 (t overflows), and
        where the loss is tiny against the terms it is the difference of
        (separable data fit with large weights, where every residual σ − y is
        tiny too). Elsewhere the gradient's cancellation error is of the
        order of ε·‖X̃‖, as it is for σ(z) − y formed per sample.
        """
        c, xsy = self._binary_constants()
        s = self._s
        zb, ub, lb = self._scratch()
        B = len(zb)
        Xt = self.Xt
        lin = float(c @ theta)
        logs = 0.0
        g = np.zeros(self.p) if need_grad else None
        with np.errstate(over="ignore"):
            for lo in range(0, self.n, B):
                Xc = Xt[lo:lo + B]
                m = Xc.shape[0]
                z, u, lu = zb[:m], ub[:m], lb[:m]
                np.matmul(Xc, theta, out=z)
                np.negative(z, out=u)
                np.exp(u, out=u)
                u += 1.0                              # u = 1 + e^{−z}
                if s is None:
                    logs += self._sum_log(u, lu) / self.n
                else:
                    np.log(u, out=lu)                 # log(1 + e^{−z}) ≥ 0
                    logs += s[lo:lo + m] @ lu
                if need_grad:
                    np.reciprocal(u, out=u)           # σ(z)
                    if s is not None:
                        u *= s[lo:lo + m]
                    g += Xc.T @ u
        f = lin + logs
        trust = 1e-9 * (abs(lin) + logs)
        if not np.isfinite(logs) or f <= trust:
            return self._binary_value_grad_stable(theta, need_grad)
        if need_grad:
            if s is None:
                g *= 1.0 / self.n
            g -= xsy
        return f, g

    @staticmethod
    def _sum_log(u, work):
        """Σ log u_i for u_i ≥ 1, as the logs of products of eight: the
        multiplications are cheaper than seven logarithms. A product that
        overflows (some u_i > 1e38, i.e. z < −87) falls back to a log each."""
        m8 = len(u) - len(u) % 8
        total = float(np.log(u[:m8].reshape(8, -1).prod(axis=0)).sum())
        if m8 < len(u):
            total += float(np.log(u[m8:]).sum())
        if not np.isfinite(total):
            total = float(np.log(u, out=work).sum())
        return total

    def _binary_value_grad_stable(self, theta, need_grad):
        """The same sums from per-sample terms that never overflow and never
        cancel: log(1 + e^{−|z|}) − min(z, 0) + (1 − y) z and σ(z) − y."""
        s = self._shares()
        f = 0.0
        g = np.zeros(self.p) if need_grad else None
        for lo in range(0, self.n, self.BLOCK):
            Xc = self.Xt[lo:lo + self.BLOCK]
            sc = s[lo:lo + self.BLOCK]
            loss, r = self._binary_terms(Xc @ theta, self._y[lo:lo + self.BLOCK], need_grad)
            f += sc @ loss
            if need_grad:
                g += Xc.T @ (r * sc)
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
                loss, R = self._binary_terms(Z, self._Y, need_grad)
                f = float(np.sum(loss * self._S))
                if need_grad:
                    R *= self._S
            g = None if not need_grad else (R.T @ self.Xt).ravel()
        w2 = theta * self.penalty_mask
        f = float(f) + 0.5 * self.l2 * float(w2 @ w2)
        if not need_grad:
            return f, None
        if self.l2:
            g = g + self.l2 * w2
        return f, g

    def _softmax_terms(self, Z, Y, s, need_grad=True):
        mx = Z.max(axis=1, keepdims=True)
        E = np.exp(Z - mx)
        tot = E.sum(axis=1, keepdims=True)
        lse = mx[:, 0] + np.log(tot[:, 0])
        loss = lse - np.sum(Z * Y, axis=1)
        f = loss.mean() if s is None else loss @ s
        if not need_grad:
            return f, None
        R = E / tot - Y
        R *= (1.0 / Z.shape[0]) if s is None else s[:, None]
        return f, R

    def value_grad_batch(self, theta, idx):
        """(J_B, ∇J_B) on the mini-batch ``idx``: the same objective with the
        mean taken over the batch (weights renormalized over the batch)."""
        theta = np.asarray(theta, dtype=np.float64)
        Xb = self.Xt[idx]
        Z = self._logits(theta, Xb)
        if self.kind == "softmax":
            s = None if self._s is None else self._s[idx] / self._s[idx].sum()
            f, R = self._softmax_terms(Z, self._Y[idx], s)
        elif self.kind == "binary":
            loss, R = self._binary_terms(Z, self._y[idx])
            if self._s is None:
                f = loss.mean()
                R /= len(idx)
            else:
                s = self._s[idx]
                tot = s.sum()
                s = s / tot if tot > 0 else np.full(len(idx), 1.0 / len(idx))
                f = loss @ s
                R *= s
        else:
            loss, R = self._binary_terms(Z, self._Y[idx])
            S = self._S[idx]
            tot = S.sum(axis=0)
            S = np.where(tot > 0, S / np.where(tot > 0, tot, 1.0), 1.0 / len(idx))
            f = float(np.sum(loss * S))
            R *= S
        w2 = theta * self.penalty_mask
        f = float(f) + 0.5 * self.l2 * float(w2 @ w2)
        g = Xb.T @ R if self.m == 1 else (R.T @ Xb).ravel()
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

    def optimality(self, theta, g) -> float:
        """‖∇J‖∞, with L1 the infinity norm of the minimum-norm subgradient."""
        if not self.l1:
            return float(np.max(np.abs(g))) if g.size else 0.0
        l1 = self.l1 * self.penalty_mask
        sub = np.where(
            theta != 0,
            g + l1 * np.sign(theta),
            np.sign(g) * np.maximum(np.abs(g) - l1, 0.0),
        )
        return float(np.max(np.abs(sub)))

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
        Z = self._logits(theta)
        Xt = self.Xt
        p = self.p
        if self.kind == "softmax":
            P = softmax(Z)
            s = self._weights_col()
            K = self.m
            H = np.zeros((K * p, K * p))
            for k in range(K):
                for l in range(k, K):
                    h = s * (P[:, k] * ((k == l) - P[:, l]))
                    B = Xt.T @ (Xt * h[:, None])
                    H[k * p:(k + 1) * p, l * p:(l + 1) * p] = B
                    if l != k:
                        H[l * p:(l + 1) * p, k * p:(k + 1) * p] = B.T
        else:
            Zc = Z.reshape(self.n, -1) if self.m > 1 else Z[:, None]
            P = sigmoid(Zc)
            H = np.zeros((self.size, self.size))
            for k in range(self.m):
                h = self._weights_col(k) * P[:, k] * (1.0 - P[:, k])
                H[k * p:(k + 1) * p, k * p:(k + 1) * p] = Xt.T @ (Xt * h[:, None])
        H[np.diag_indices_from(H)] += self.l2 * self.penalty_mask
        return H

    def hessp(self, theta, v) -> np.ndarray:
        """Hessian-vector product ∇²J(θ) v without forming the Hessian."""
        theta = np.asarray(theta, dtype=np.float64)
        v = np.asarray(v, dtype=np.float64)
        Z = self._logits(theta)
        Xt = self.Xt
        if self.kind == "softmax":
            P = softmax(Z)
            s = self._weights_col()
            ZV = Xt @ v.reshape(self.m, self.p).T
            A = P * ZV
            Q = A - P * A.sum(axis=1, keepdims=True)
            out = (Q * s[:, None]).T @ Xt
            out = out.ravel()
        elif self.m == 1:
            P = sigmoid(Z)
            out = Xt.T @ (self._weights_col() * P * (1 - P) * (Xt @ v))
        else:
            P = sigmoid(Z)
            ZV = Xt @ v.reshape(self.m, self.p).T
            out = ((self._S * P * (1 - P) * ZV).T @ Xt).ravel()
        return out + self.l2 * self.penalty_mask * v

    def lipschitz(self) -> float:
        """L, the Lipschitz constant of ∇J_smooth.

        Binary: L = λ_max(X̃ᵀ diag(s) X̃) / (4 Σs) + l2, because p(1 − p) ≤ 1/4.
        Softmax: the Böhning bound ∇² ≼ ½ (I − 11ᵀ/K) ⊗ X̃ᵀ diag(s) X̃ / Σs, so
        L = λ_max(X̃ᵀ diag(s) X̃) / (2 Σs) + l2. One-vs-rest: the largest of the K
        binary constants (the problems are independent).
        """
        if self._lipschitz is None:
            Xt = self.Xt
            if self.kind == "ovr":
                lam = max(
                    np.linalg.eigvalsh(Xt.T @ (Xt * self._S[:, k][:, None]))[-1]
                    for k in range(self.m)
                )
                factor = 0.25
            else:
                s = self._weights_col()
                lam = np.linalg.eigvalsh(Xt.T @ (Xt * s[:, None]))[-1]
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
        Z = self._logits(np.asarray(theta, dtype=np.float64))
        if self.kind == "binary":
            return bool(np.all(np.where(self._y == 1, Z > 0, Z < 0)))
        Z = Z.reshape(self.n, self.m)
        true = Z[np.arange(self.n), self.y]
        Zo = Z.copy()
        Zo[np.arange(self.n), self.y] = -np.inf
        if self.kind == "ovr":
            return bool(np.all(true > 0) and np.all(Zo < 0))
        return bool(np.all(true > Zo.max(axis=1)))
