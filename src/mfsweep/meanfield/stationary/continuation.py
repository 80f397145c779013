"""All solution branches of a scalar equation H(m, beta) = 0 in a window, by continuation.

Written for the bifurcation diagrams m vs beta of the self-consistency equation m = R(m; theta, beta)
of Gomes & Pavliotis (2017), with H = R - m, but generic in H.

1. Discovery: H on an ``n_m x n_beta`` grid. Every sign change along m (each beta column) and along
   beta (each m row, which catches branches nearly parallel to the m axis) is refined by the
   Illinois method to |H| <= tol_H; exact zeros on grid nodes count too. These are the seeds,
   taken best conditioned (largest |grad H|) first.
2. Tracing: Keller's pseudo-arclength continuation from a seed in both directions, in window units
   u = (m - m_min)/(m_max - m_min), v = (beta - beta_min)/(beta_max - beta_min). Newton corrector on
   [H = 0, t.(x - x_prev) = ds] to |H| <= tol_H; the step grows after fast convergence and halves
   after a failed corrector or a tangent turn above ``max_turn``. A direction ends where the curve
   leaves the window (last point solved for on the boundary), closes a loop, or the step falls
   below ``ds_min``. Seeds lying on a traced curve (distance to its polyline within the chord sag
   allowed by ``max_turn``) are dropped, so each curve is traced once.
3. Detection between consecutive points, located by Illinois on the arclength step from the left
   point: a branch point where det[grad H; t] = +-|grad H| changes sign (grad H = 0, the tangent
   keeping its direction), a fold where dbeta/ds changes sign and that determinant does not
   (dH/dm = 0 with dH/dbeta != 0).
4. Counting: a branch is a piece of a curve between branch points and window exits. Curves are
   split at every branch point, which ends one branch and starts the next (it is a point of both);
   folds do not split. Curie-Weiss H = tanh(beta m) - m on beta in [0.2, 3] has 4 branches:
   m = 0 for beta < 1, m = 0 for beta > 1, +m*(beta), -m*(beta).

``symmetric=True`` (H(-m, beta) = -H(m, beta), window with m_min = -m_max): m = 0 is a branch, split at
the zeros of dH/dm(0, beta) (the pitchforks); the other branches are traced in m >= 0 only, end on
m = 0 at a pitchfork, and are mirrored exactly (m -> -m) into m <= 0.

Stability: every point gets ``stable = dH/dm < 0``; for H = R - m with theta > 0 this is R'(m) < 1,
the linear stability of the stationary state (Gomes & Pavliotis 2017). At special points dH/dm = 0
and the flag is marginal.
"""

from dataclasses import dataclass
from typing import Callable, NamedTuple

import numpy as np

FOLD = "fold"
BRANCH_POINT = "branch_point"
SPECIAL_CODES = {FOLD: 1, BRANCH_POINT: 2}  # codes of the ``special`` array of padded_arrays

_EPS = np.finfo(float).eps
_FD_STEP = _EPS ** (1 / 3)  # centred differences in window units: error ~ eps^(2/3) |H|
_GRAD_TINY = 1e-9  # |grad H| in window units below which a tangent comes from the secant
_CLOSE_TOL = 1e-7  # a loop closes when the corrector lands this close to its seed (window units)
_MERGE_TOL = 1e-5  # special points of one kind closer than this (window units) are one point
_GROW, _SHRINK = 1.5, 0.5


@dataclass(frozen=True)
class ContinuationOptions:
    """Grid of the discovery stage, step bounds (window units) and tolerances of the continuation."""

    n_m: int = 60
    n_beta: int = 50
    ds_init: float = 0.01
    ds_min: float = 1e-6
    ds_max: float = 0.02
    max_turn: float = 0.15  # radians between consecutive tangents
    tol_H: float = 1e-12
    newton_maxiter: int = 10
    max_steps: int = 20000  # per direction

    def __post_init__(self):
        if self.n_m < 2 or self.n_beta < 2:
            raise ValueError("the discovery grid needs n_m >= 2 and n_beta >= 2")
        if not 0 < self.ds_min <= self.ds_init <= self.ds_max:
            raise ValueError("need 0 < ds_min <= ds_init <= ds_max")
        if not (0 < self.max_turn < np.pi / 2 and self.tol_H > 0 and self.newton_maxiter >= 1):
            raise ValueError("need 0 < max_turn < pi/2, tol_H > 0, newton_maxiter >= 1")


@dataclass(frozen=True)
class SpecialPoint:
    """A fold (saddle-node) or a branch point (pitchfork, transcritical) of the diagram."""

    kind: str
    m: float
    beta: float


@dataclass(frozen=True, eq=False)
class Branch:
    """One branch: points in order of arclength; ``special_index`` indexes its special points."""

    m: np.ndarray
    beta: np.ndarray
    stable: np.ndarray
    special_index: np.ndarray
    special_kind: tuple
    closed: bool = False

    def __len__(self):
        return len(self.m)

    @property
    def special_points(self):
        pairs = zip(self.special_index, self.special_kind)
        return [SpecialPoint(k, float(self.m[i]), float(self.beta[i])) for i, k in pairs]


class Diagram(NamedTuple):
    """The branches (sorted by their first beta, then m) and the special points, each listed once."""

    branches: list
    special_points: list


def trace_branches(
    H: Callable,
    m_range,
    beta_range,
    *,
    dH: Callable | None = None,
    symmetric: bool = False,
    options: ContinuationOptions | None = None,
) -> Diagram:
    """All branches of H(m, beta) = 0 in ``m_range x beta_range``, with their folds and branch points.

    ``H(m, beta)`` must broadcast over numpy arrays; ``dH(m, beta)`` returns (dH/dm, dH/dbeta)
    (centred differences of H when omitted). ``symmetric``: H is odd in m; see the module docstring.
    """
    opt = options or ContinuationOptions()
    (m_min, m_max), (b_min, b_max) = (tuple(map(float, r)) for r in (m_range, beta_range))
    if not (m_min < m_max and b_min < b_max):
        raise ValueError("empty window")
    if symmetric and m_min != -m_max:
        raise ValueError("symmetric=True needs a window symmetric in m (m_min = -m_max)")
    m_lo = 0.0 if symmetric else m_min
    prob = _Problem(H, dH, (m_lo, b_min), (m_max - m_lo, b_max - b_min))
    pitchforks = _pitchforks(prob, opt) if symmetric else None
    tracer = _Tracer(prob, opt, pitchforks)

    x, g = _seeds(prob, opt, u_min=-1.0 if symmetric else 0.0)
    if symmetric:
        keep = x[:, 0] > 1e-9
        x, g = x[keep], g[keep]
    curves = []
    while len(x):
        curve = tracer.trace(x[0], g[0])
        curves.append(curve)
        keep = ~_on_curve(x[1:], curve.x, 0.25 * opt.max_turn)
        x, g = x[1:][keep], g[1:][keep]

    branches = [_to_branch(prob, piece) for curve in curves for piece in _split(curve)]
    if symmetric:
        branches += [
            Branch(-b.m, b.beta.copy(), b.stable.copy(), b.special_index.copy(), b.special_kind, b.closed)
            for b in branches
        ]
        branches += [_to_branch(prob, piece) for piece in _split(_trivial_curve(prob, opt, pitchforks))]
    branches.sort(key=lambda b: (b.beta[0], b.m[0], float(np.mean(b.m))))
    return Diagram(branches, _merge_special(branches, (m_max - m_min, b_max - b_min)))


def padded_arrays(branches):
    """(branch, point) arrays for storage: ``m``, ``beta``, ``stable`` (1.0/0.0) padded with NaN;
    ``special`` (SPECIAL_CODES, 0 = none, -1 = padding); per branch ``n_points`` and ``closed``."""
    n_pts = np.array([len(b) for b in branches], dtype=np.int64)
    shape = (len(branches), int(n_pts.max(initial=0)))
    out = {key: np.full(shape, np.nan) for key in ("m", "beta", "stable")}
    out["special"] = np.full(shape, -1, dtype=np.int8)
    for i, b in enumerate(branches):
        n = len(b)
        out["m"][i, :n], out["beta"][i, :n], out["stable"][i, :n] = b.m, b.beta, b.stable
        out["special"][i, :n] = 0
        out["special"][i, b.special_index] = [SPECIAL_CODES[k] for k in b.special_kind]
    out["n_points"] = n_pts
    out["closed"] = np.array([b.closed for b in branches], dtype=bool)
    return out


# --------------------------------------------------------------------------------------
# internals: window units x = (u, v)
# --------------------------------------------------------------------------------------


class _Problem:
    """H and its gradient in window units: dH/du = (m_max - m_min) dH/dm, dH/dv likewise."""

    def __init__(self, H, dH, lo, span):
        self.H, self.dH = H, dH
        self.lo, self.span = np.asarray(lo, float), np.asarray(span, float)

    def phys(self, u, v):
        return self.lo[0] + self.span[0] * u, self.lo[1] + self.span[1] * v

    def value(self, u, v):
        u, v = np.broadcast_arrays(np.asarray(u, float), np.asarray(v, float))
        return np.broadcast_to(np.asarray(self.H(*self.phys(u, v)), dtype=float), u.shape)

    def value_grad(self, u, v):
        u, v = np.broadcast_arrays(np.asarray(u, float), np.asarray(v, float))
        if self.dH is None:
            d = _FD_STEP
            f = self.value(np.stack([u, u + d, u - d, u, u]), np.stack([v, v, v, v + d, v - d]))
            return f[0], (f[1] - f[2]) / (2 * d), (f[3] - f[4]) / (2 * d)
        m, b = self.phys(u, v)
        hm, hb = (np.broadcast_to(np.asarray(a, dtype=float), u.shape) for a in self.dH(m, b))
        return self.value(u, v), hm * self.span[0], hb * self.span[1]


@dataclass
class _Point:
    x: np.ndarray
    g: np.ndarray  # grad H, window units
    t: np.ndarray  # unit tangent, oriented along the direction of travel


@dataclass
class _Curve:
    x: np.ndarray  # (K, 2) window units
    g: np.ndarray  # (K, 2)
    marks: dict  # point index -> FOLD | BRANCH_POINT
    closed: bool  # x[-1] == x[0]


def _det(p):
    return p.g[0] * p.t[1] - p.g[1] * p.t[0]


def _dv_ds(p):
    return p.t[1]


def _illinois(fun, a, b, fa, fb, tol, maxiter=200):
    """Vectorised Illinois method on brackets [a, b] with fa, fb of opposite signs; fun(idx, x)
    evaluates the elements ``idx`` at ``x``. Returns the last iterate of each element."""
    a, b, fa, fb = (np.array(z, dtype=float) for z in (a, b, fa, fb))
    active = np.ones(a.shape, dtype=bool)
    for _ in range(maxiter):
        wide = np.abs(b - a) > 4 * _EPS * np.maximum(np.abs(a), np.abs(b))
        active &= np.isfinite(fb) & (np.abs(fb) > tol) & wide
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        c = b[idx] - fb[idx] * (b[idx] - a[idx]) / (fb[idx] - fa[idx])
        fc = np.asarray(fun(idx, c), dtype=float)
        flip = (fc > 0) != (fb[idx] > 0)
        a[idx[flip]], fa[idx[flip]] = b[idx[flip]], fb[idx[flip]]
        fa[idx[~flip]] /= 2
        b[idx], fb[idx] = c, fc
    return b


def _seeds(prob, opt, u_min):
    """Zeros of H on the grid lines, refined to |H| <= tol_H; best conditioned first."""
    u, v = np.linspace(u_min, 1.0, opt.n_m), np.linspace(0.0, 1.0, opt.n_beta)
    f = np.array(prob.value(u[:, None], v[None, :]))
    s = np.sign(f)
    starts, steps, fa, fb = [], [], [], []
    for axis in (0, 1):  # sign changes along u (each v column), then along v (each u row)
        lo = (slice(None, -1), slice(None)) if axis == 0 else (slice(None), slice(None, -1))
        hi = (slice(1, None), slice(None)) if axis == 0 else (slice(None), slice(1, None))
        i, j = np.nonzero((s[lo] * s[hi] < 0) & np.isfinite(f[lo]) & np.isfinite(f[hi]))
        step = (u[i + 1] - u[i], np.zeros(i.size)) if axis == 0 else (np.zeros(i.size), v[j + 1] - v[j])
        starts.append(np.stack([u[i], v[j]], axis=1))
        steps.append(np.stack(step, axis=1))
        fa.append(f[lo][i, j])
        fb.append(f[hi][i, j])
    p, d = np.concatenate(starts), np.concatenate(steps)

    def along(idx, r):
        q = p[idx] + r[:, None] * d[idx]
        return prob.value(q[:, 0], q[:, 1])

    fa, fb = np.concatenate(fa), np.concatenate(fb)
    r = _illinois(along, np.zeros(len(p)), np.ones(len(p)), fa, fb, 0.1 * opt.tol_H)
    iz, jz = np.nonzero(f == 0)
    x = np.concatenate([np.stack([u[iz], v[jz]], axis=1), p + r[:, None] * d])
    h, gu, gv = prob.value_grad(x[:, 0], x[:, 1])
    g = np.stack([gu, gv], axis=1)
    gn = np.hypot(gu, gv)
    keep = (np.abs(h) <= opt.tol_H) & (gn > _GRAD_TINY)
    order = np.argsort(-gn[keep], kind="stable")
    return x[keep][order], g[keep][order]


def _on_curve(pts, x, sag):
    """Which of ``pts`` lie on the polyline ``x`` within ``sag`` times the local segment length."""
    if len(pts) == 0 or len(x) < 2:
        return np.zeros(len(pts), dtype=bool)
    a, d = x[:-1], np.diff(x, axis=0)
    length2 = np.maximum(np.sum(d * d, axis=1), 1e-300)
    rel = pts[:, None, :] - a[None]
    s = np.clip(np.sum(rel * d[None], axis=2) / length2, 0.0, 1.0)
    dist = np.linalg.norm(rel - s[..., None] * d[None], axis=2)
    return np.any(dist <= sag * np.sqrt(length2)[None] + 1e-9, axis=1)


class _Tracer:
    """Pseudo-arclength continuation with fold and branch-point detection in window units."""

    def __init__(self, prob, opt, pitchforks):
        self.prob, self.opt = prob, opt
        self.pitchforks = pitchforks  # v of the pitchforks on m = 0 (symmetric problems), else None
        self.cos_turn, self.cos_grow = np.cos(opt.max_turn), np.cos(opt.max_turn / 2)

    def eval(self, x):
        f, gu, gv = self.prob.value_grad(x[0], x[1])
        return float(f), np.array([gu, gv], dtype=float)

    @staticmethod
    def tangent(g, ref, secant):
        n, n_sec = np.hypot(g[0], g[1]), np.linalg.norm(secant)
        if n > _GRAD_TINY:
            t = np.array([-g[1], g[0]]) / n
        else:  # at a branch point grad H = 0 and the tangent is the direction of travel
            t = secant / n_sec if n_sec > 0 else ref
        return t if t @ ref >= 0 else -t

    def point(self, x, g, a):
        return _Point(x, g, self.tangent(g, a.t, x - a.x))

    def correct(self, a, h):
        """Newton on [H = 0, a.t.(x - a.x) = h] from a.x + h a.t: (point, iterations) or None."""
        pred = a.x + h * a.t
        x = pred
        for it in range(self.opt.newton_maxiter + 1):
            f, g = self.eval(x)
            if not (np.isfinite(f) and np.all(np.isfinite(g))):
                return None
            if abs(f) <= self.opt.tol_H:
                if np.linalg.norm(x - pred) > 0.5 * abs(h) + 1e-10:
                    return None
                return self.point(x, g, a), it
            det = g[0] * a.t[1] - g[1] * a.t[0]
            if it == self.opt.newton_maxiter or det == 0:
                return None
            r = a.t @ (x - a.x) - h
            x = x - np.array([a.t[1] * f - g[1] * r, g[0] * r - a.t[0] * f]) / det

    def outside(self, x):
        return x[0] < 0 or x[0] > 1 or x[1] < 0 or x[1] > 1 or (self.pitchforks is not None and x[0] <= 0)

    def locate(self, a, b, phi):
        """The point between a and b where phi changes sign (a or b if the search fails)."""

        def at(h):
            res = self.correct(a, h)
            return None if res is None else res[0]

        def fun(_, h):
            p = at(h[0])
            return [np.nan if p is None else phi(p)]

        hb = a.t @ (b.x - a.x)
        h = _illinois(fun, [0.0], [hb], [phi(a)], [phi(b)], tol=0.0)[0]
        p = at(h) if 0 < h < hb else None
        return p if p is not None else (a if abs(phi(a)) <= abs(phi(b)) else b)

    def refine_branch_point(self, p, a, b):
        """Newton on grad H = 0 (Hessian by centred differences of the gradient) from p: near a branch
        point |H| <= tol_H leaves the corrector a band of width ~ tol_H / |grad H| about the branch."""
        x, d = p.x, _EPS**0.25
        for _ in range(self.opt.newton_maxiter):
            _, gu, gv = self.prob.value_grad(x[0] + np.array([d, -d, 0, 0]), x[1] + np.array([0, 0, d, -d]))
            huu, hvv = (gu[0] - gu[1]) / (2 * d), (gv[2] - gv[3]) / (2 * d)
            huv = 0.25 * (gu[2] - gu[3] + gv[0] - gv[1]) / d
            _, g = self.eval(x)
            det = huu * hvv - huv * huv
            if not (np.isfinite(det) and det != 0):
                return p
            step = -np.array([hvv * g[0] - huv * g[1], huu * g[1] - huv * g[0]]) / det
            x = x + step
            if np.linalg.norm(step) <= 1e-10:
                break
        else:
            return p
        f, g = self.eval(x)
        if abs(f) > self.opt.tol_H or np.linalg.norm(x - p.x) > np.linalg.norm(b.x - a.x):
            return p
        return self.point(x, g, a)

    def detect(self, pts, marks, a, b):
        """Append the special point between pts[-1] = a and b, if any; the mark for b, if any."""
        if (_det(a) >= 0) != (_det(b) >= 0):
            kind, phi = BRANCH_POINT, _det
        elif (_dv_ds(a) >= 0) != (_dv_ds(b) >= 0):
            kind, phi = FOLD, _dv_ds
        else:
            return None
        p = self.locate(a, b, phi)
        if kind == BRANCH_POINT:
            p = self.refine_branch_point(p, a, b)
        if p is b:
            return kind
        if p is not a:
            pts.append(p)
        marks[len(pts) - 1] = kind
        return None

    def exit_point(self, a, b):
        """The point where the branch leaves the window between a (inside) and b (outside):
        (point, mark) or None."""
        crossings = []
        for k in (0, 1):
            if b.x[k] < 0 or (k == 0 and self.pitchforks is not None and b.x[0] <= 0):
                crossings.append((a.x[k] / (a.x[k] - b.x[k]), k, 0.0))
            elif b.x[k] > 1:
                crossings.append(((1 - a.x[k]) / (b.x[k] - a.x[k]), k, 1.0))
        lam, k, c = min(crossings)
        x = a.x + lam * (b.x - a.x)
        if self.pitchforks is not None and (k, c) == (0, 0.0):  # symmetric: the branch ends at a pitchfork
            if len(self.pitchforks) == 0:
                return None
            vp = self.pitchforks[np.argmin(np.abs(self.pitchforks - x[1]))]
            if abs(vp - x[1]) > np.linalg.norm(b.x - a.x):
                return None
            x = np.array([0.0, vp])
            f, g = self.eval(x)
            return (self.point(x, g, a), BRANCH_POINT) if abs(f) <= self.opt.tol_H else None
        x[k], j = c, 1 - k
        for it in range(self.opt.newton_maxiter + 1):
            f, g = self.eval(x)
            if abs(f) <= self.opt.tol_H:
                break
            if it == self.opt.newton_maxiter or g[j] == 0:
                return None
            x[j] -= f / g[j]
        if not 0 <= x[j] <= 1 or np.linalg.norm(x - a.x) > 1.5 * np.linalg.norm(b.x - a.x):
            return None
        if a.t @ (x - a.x) <= 1e-12:  # a is on the boundary already
            return None
        return self.point(x, g, a), None

    def march(self, start, closable):
        """Continuation from ``start`` along start.t: (points, marks, closed)."""
        opt = self.opt
        pts, marks = [start], {}
        ds, length = opt.ds_init, 0.0
        for _ in range(opt.max_steps):
            a = pts[-1]
            to_start = start.x - a.x
            d = np.linalg.norm(to_start)
            closing = closable and length > 2 * ds and d <= 1.5 * ds and a.t @ to_start > 0.5 * d
            res = self.correct(a, a.t @ to_start if closing else ds)
            if res is None or res[0].t @ a.t < self.cos_turn:
                ds *= _SHRINK
                if ds < opt.ds_min:
                    break
                continue
            b, iters = res
            if closing and np.linalg.norm(b.x - start.x) <= _CLOSE_TOL:
                mark = self.detect(pts, marks, a, b)
                pts.append(_Point(start.x, start.g, b.t))
                if mark:
                    marks[len(pts) - 1] = mark
                return pts, marks, True
            if self.outside(b.x):
                end = self.exit_point(a, b)
                if end is not None:
                    end_pt, mark = end
                    if mark is None:
                        mark = self.detect(pts, marks, a, end_pt)
                    pts.append(end_pt)
                    if mark:
                        marks[len(pts) - 1] = mark
                break
            mark = self.detect(pts, marks, a, b)
            pts.append(b)
            if mark:
                marks[len(pts) - 1] = mark
            length += np.linalg.norm(b.x - a.x)
            if iters <= 3 and b.t @ a.t >= self.cos_grow and not closing:
                ds = min(ds * _GROW, opt.ds_max)
        return pts, marks, False

    def trace(self, x, g):
        """The whole curve through the seed x: both directions unless the first closes a loop."""
        t = np.array([-g[1], g[0]]) / np.hypot(g[0], g[1])
        fwd, fwd_marks, closed = self.march(_Point(x, g, t), closable=True)
        if closed:
            pts, marks = fwd, fwd_marks
        else:
            bwd, bwd_marks, _ = self.march(_Point(x, g, -t), closable=False)
            n = len(bwd)
            pts = bwd[::-1] + fwd[1:]
            marks = {n - 1 - i: k for i, k in bwd_marks.items()}
            marks.update({n - 1 + i: k for i, k in fwd_marks.items()})
        return _Curve(np.array([p.x for p in pts]), np.array([p.g for p in pts]), marks, closed)


def _pitchforks(prob, opt):
    """v of the zeros of dH/dm(0, beta): the pitchforks on m = 0 of a symmetric problem."""
    v = np.linspace(0.0, 1.0, opt.n_beta)
    _, hm, _ = prob.value_grad(np.zeros_like(v), v)
    j = np.flatnonzero(np.sign(hm[:-1]) * np.sign(hm[1:]) < 0)

    def hm_at(_, w):
        return prob.value_grad(np.zeros_like(w), w)[1]

    roots = _illinois(hm_at, v[j], v[j + 1], hm[j], hm[j + 1], tol=0.0)
    return np.sort(np.concatenate([v[hm == 0], roots]))


def _trivial_curve(prob, opt, pitchforks):
    """The branch m = 0 of a symmetric problem, with its pitchforks as points."""
    v = np.union1d(np.linspace(0.0, 1.0, int(np.ceil(1 / opt.ds_max)) + 1), pitchforks)
    f, gu, gv = prob.value_grad(np.zeros_like(v), v)
    if np.any(np.abs(f) > opt.tol_H):
        raise ValueError("symmetric=True but H(0, beta) != 0")
    marks = {int(i): BRANCH_POINT for i in np.searchsorted(v, pitchforks)}
    return _Curve(np.stack([np.zeros_like(v), v], axis=1), np.stack([gu, gv], axis=1), marks, False)


def _split(curve):
    """The pieces of a curve between its branch points (each one ends a piece and starts the next)."""
    x, g, marks, n = curve.x, curve.g, curve.marks, len(curve.x)
    bps = sorted(i for i, k in marks.items() if k == BRANCH_POINT)
    if curve.closed:
        if not bps:
            return [curve]
        r, period = bps[0], n - 1  # a loop through a branch point opens there
        x, g = np.concatenate([x[r:-1], x[: r + 1]]), np.concatenate([g[r:-1], g[: r + 1]])
        marks = {(i - r) % period: k for i, k in marks.items()}
        marks[period] = BRANCH_POINT
        bps = sorted(i for i, k in marks.items() if k == BRANCH_POINT)
    cuts = sorted({0, n - 1, *bps})
    return [
        _Curve(x[c0 : c1 + 1], g[c0 : c1 + 1], {i - c0: k for i, k in marks.items() if c0 <= i <= c1}, False)
        for c0, c1 in zip(cuts[:-1], cuts[1:])
    ]


def _to_branch(prob, curve):
    """Physical coordinates, stability, and the orientation of increasing beta (then m)."""
    m, beta = prob.phys(curve.x[:, 0], curve.x[:, 1])
    stable = curve.g[:, 0] < 0
    idx = np.array(sorted(curve.marks), dtype=np.int64)
    kinds = tuple(curve.marks[i] for i in idx)
    n = len(m)
    if not curve.closed and (beta[-1], m[-1]) < (beta[0], m[0]):
        m, beta, stable, idx, kinds = m[::-1], beta[::-1], stable[::-1], (n - 1 - idx)[::-1], kinds[::-1]
    m, beta, stable, idx = (np.ascontiguousarray(a) for a in (m, beta, stable, idx))
    return Branch(m, beta, stable, idx, kinds, curve.closed)


def _merge_special(branches, span):
    """The special points of all branches, each once (same kind within _MERGE_TOL window units)."""
    found = []
    for p in (p for b in branches for p in b.special_points):
        same = [q for q in found if q.kind == p.kind]
        if not any(np.hypot((q.m - p.m) / span[0], (q.beta - p.beta) / span[1]) <= _MERGE_TOL for q in same):
            found.append(p)
    return sorted(found, key=lambda p: (p.beta, p.m, p.kind))
