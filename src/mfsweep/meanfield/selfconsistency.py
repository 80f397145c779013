"""Self-consistency map, critical temperatures and free energy of the stationary McKean-Vlasov states.

All stationary states for the Curie-Weiss interaction F(x) = x^2/2 are the Gibbs family (eq. 1.8)

    p(x; m) = exp(-beta E(x; m)) / Z,   E(x; m) = W(x) + theta (x^2/2 - m x),

subject to m = R(m) := int x p(x; m) dx (eq. 1.9), with

* W = V^eps = V0 + V1(x, x/eps) for finite eps (eqs. 3.3-3.4), and
* W = V0 + psi (psi of eq. 2.21, see :mod:`.homogenization`) for the homogenized problem (eq. 2.25).

Identities used (exact for the Gibbs family, so no finite differences are needed):

* dR/dm = beta theta Var_p(x)                                   (stability: R' < 1; eq. 1.10 at m = 0)
* dR/dbeta = -Cov_p(x, d(beta E)/d beta);  d(beta E)/d beta = E for finite eps, and
  = V0 + theta (x^2/2 - m x) + s u(x) for the homogenized problem, where u = <V1>_{exp(-beta V1)} =
  d(beta psi)/d beta (psi depends on beta; s = +1 printed, -1 flipped).
* Free energy (eq. 1.5) of p(.; m): F = beta^{-1} int p ln p + int W p + (theta/2) Var_p
  (int int (x-y)^2/2 p p = Var_p); for a Gibbs state this equals -beta^{-1} ln Z + theta m mu - theta mu^2/2,
  mu = R(m). For the homogenized problem W = V0 + psi (normalised psi, see :mod:`.homogenization`).

Quadrature: composite trapezoid rule on a uniform lattice x_j = j h, j = -K..K (spectrally accurate
for the smooth, rapidly decaying integrands). h = ``GridSpec.dx`` (default 0.01: a Gaussian well of
width sigma is integrated with error ~exp(-2 pi^2 sigma^2/h^2), negligible for beta E'' <~ 1e4), and
for finite eps also h <= 2 pi eps / ``GridSpec.points_per_period`` to resolve the period. If V1
has breakpoints (chi_[-a,a]), h is adjusted so that they are lattice points and each gets two
nodes (left/right limits, weight h/2 each): the rule is then the exact composite trapezoid rule of
a piecewise smooth integrand. The extent X = K h is ``GridSpec.x_max`` or, by default, chosen per
(beta, max |m|) from a conservative envelope V0 + theta x^2/2 -/+ theta |m| |x| -/+ sup_y |V1|
of E (scanned on a 0.01 grid up to ``x_cap``): beyond X the unnormalised density
is below exp(-tail) (default e^-40) times its maximum. The lattice itself does not depend on beta, so
R(m, beta) is smooth in beta to within that tail. Exponents are shifted by their maximum
(log-sum-exp), so nothing overflows (beta = 100, eps = 0.01 included).

Accuracy of the fast-scale resolution: aliasing error of the trapezoid rule for exp(-beta A cos(x/eps))
is ~ I_N(beta A)/I_0(beta A) ~ exp(-N^2/(2 beta A)) with N points per period, i.e. ~1e-9 for N = 64,
beta A = 100 (raise ``points_per_period`` for larger beta A where the density lives).

eps -> 0: int_0^L exp(-beta V1(x, y)) dy = L exp(-beta psi(x)) with psi as printed (eq. 2.21), so
eqs. (3.9)/(3.10) coincide with (2.25)/(2.27): R^eps -> homogenized R (printed sign). Numerically the
difference decays faster than any power of eps (case 4, theta = 0.5, beta = 10: 1e-1, 1e-2, 5e-9,
2e-15 at eps = 0.1, 0.05, 0.02, 0.01); the flipped sign is not the limit.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np
from scipy.optimize import brentq

from . import homogenization as hom
from .potentials import PERIOD, TwoScalePotential

__all__ = [
    "GridSpec",
    "MeanFieldProblem",
    "QuadratureGrid",
    "GibbsMoments",
    "Density",
    "StationaryState",
    "nearest_stable_state",
    "FreeEnergyTerms",
    "R",
    "dR_dm",
    "dR_dbeta",
    "variance",
    "variance_at_zero",
    "critical_betas",
    "stationary_density",
    "free_energy",
]

_ROWS_ELEMS = 1 << 18  # chunk size (rows x nodes) of the m x x broadcast


@dataclass(frozen=True)
class GridSpec:
    """Quadrature grid settings (see module docstring)."""

    points_per_period: int = 64  # nodes per fast period 2 pi eps (finite eps with fluctuations)
    dx: float = 0.01  # node spacing without a fast scale, and its upper bound with one (slow wells)
    x_max: float | None = None  # fixed half-width of [-x_max, x_max]; None = automatic per beta
    tail: float = 40.0  # automatic extent: density < exp(-tail) * max beyond the domain
    x_min: float = 1.0  # automatic extent is at least this
    x_cap: float = 60.0  # automatic extent is at most this (warns if the tail is not reached)
    envelope_dx: float = 0.01  # spacing of the coarse envelope scan for the automatic extent

    def __post_init__(self):
        if self.points_per_period < 8:
            raise ValueError("points_per_period must be >= 8")
        if not self.dx > 0:
            raise ValueError("dx must be > 0")


class QuadratureGrid(NamedTuple):
    x: np.ndarray  # nodes (breakpoints appear twice: left and right limit)
    w: np.ndarray  # trapezoid weights
    h: float  # lattice spacing
    x_max: float  # half-width of the domain


class GibbsMoments(NamedTuple):
    mean: np.ndarray  # R(m)
    var: np.ndarray  # Var_p(x)
    log_z: np.ndarray  # ln int exp(-beta E) dx
    cov_energy: np.ndarray | None  # Cov_p(x, d(beta E)/d beta)
    mean_w: np.ndarray | None  # <W>_p


class StationaryState(NamedTuple):
    m: float
    stable: bool
    free_energy: float


class Density(NamedTuple):
    x: np.ndarray
    p: np.ndarray  # normalised: sum(w * p) == 1 (rows for array m)
    w: np.ndarray


class FreeEnergyTerms(NamedTuple):
    entropy: np.ndarray  # beta^{-1} int p ln p
    potential: np.ndarray  # int W p
    interaction: np.ndarray  # (theta/2) int int (x-y)^2/2 p p = (theta/2) Var
    total: np.ndarray


def nearest_stable_state(states, m):
    """The stable one of ``states`` (from :meth:`MeanFieldProblem.stationary_states`) whose m is closest to ``m``."""
    return min((s for s in states if s.stable), key=lambda s: abs(s.m - m))


def _scan_roots(fn, xs, values, xtol):
    """Roots of the scalar ``fn`` at the sign changes of ``values`` = fn(xs), refined by brentq.

    The scalar ``fn`` may differ from the vectorised scan by rounding (its quadrature lattice
    depends on the argument's size); a root sitting on a scan point is then taken as is.
    """
    roots = []
    for i in range(xs.size - 1):
        if values[i] == 0.0:
            roots.append(xs[i])
        elif values[i] * values[i + 1] < 0.0:
            a, b = xs[i], xs[i + 1]
            fa, fb = fn(a), fn(b)
            if fa * fb <= 0.0:
                roots.append(brentq(fn, a, b, xtol=xtol, rtol=1e-12, maxiter=200))
            else:
                roots.append(a if abs(fa) < abs(fb) else b)
    if values[-1] == 0.0:
        roots.append(xs[-1])
    return np.unique(roots)


def _asfloat(v):
    a = np.asarray(v, dtype=float)
    return float(a) if a.ndim == 0 else a


@dataclass(frozen=True)
class MeanFieldProblem:
    """Stationary McKean-Vlasov problem: potential, interaction strength theta, and which W.

    ``homogenized=False``: W = V^eps (eps = ``potential.eps``); ``True``: W = V0 + psi with
    ``psi_sign`` ("printed" = eq. 2.21, or "flipped"). ``beta`` is an optional default for the
    methods' ``beta`` argument. ``method``/``n_y`` select closed-form or quadrature psi.
    All methods broadcast ``m`` and ``beta`` (scalar in -> float out).
    """

    potential: TwoScalePotential
    theta: float
    beta: float | None = None
    homogenized: bool = False
    psi_sign: str = "printed"
    grid: GridSpec = field(default_factory=GridSpec)
    method: str = "auto"
    n_y: int = hom.N_Y_DEFAULT
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self):
        hom.psi_sign_factor(self.psi_sign)
        if self.homogenized and self.potential.has_fluctuations:
            hom._method(self.potential, self.method)

    def replace(self, **changes) -> MeanFieldProblem:
        return replace(self, **changes)

    # ------------------------------------------------------------------------------------------
    # which potential
    # ------------------------------------------------------------------------------------------
    @property
    def fast_scale(self) -> bool:
        """True when the quadrature must resolve the period 2 pi eps."""
        return (not self.homogenized) and self.potential.has_fluctuations

    @property
    def _sign(self) -> float:
        return hom.psi_sign_factor(self.psi_sign)

    def _beta(self, beta):
        if beta is None:
            if self.beta is None:
                raise ValueError("no beta given and the problem has no default beta")
            return self.beta
        return beta

    def energy(self, x, beta=None):
        """W(x): V^eps(x) (finite eps) or V0(x) + psi(x; beta) (homogenized)."""
        x = np.asarray(x, dtype=float)
        if not self.homogenized:
            return self.potential.value(x)
        beta = self._beta(beta)
        return hom.homogenized_potential(self.potential, x, beta, psi_sign=self.psi_sign, method=self.method, n_y=self.n_y)

    # ------------------------------------------------------------------------------------------
    # grid
    # ------------------------------------------------------------------------------------------
    @property
    def lattice_spacing(self) -> float:
        g = self.grid
        target = min(PERIOD * self.potential.eps / g.points_per_period, g.dx) if self.fast_scale else g.dx
        pos = [abs(b) for b in self.potential.breakpoints if b != 0.0]
        if pos:
            b = min(pos)
            return b / np.ceil(b / target - 1e-9)
        return float(target)

    def _envelope(self):
        env = self._cache.get("envelope")
        if env is None:
            g = self.grid
            n = int(np.ceil(g.x_cap / g.envelope_dx))
            xs = np.linspace(-n * g.envelope_dx, n * g.envelope_dx, 2 * n + 1)
            c = self.potential.v0_value(xs) + 0.5 * self.theta * xs * xs
            b1 = self.potential.fluctuation_bound(xs) if self.potential.has_fluctuations else np.zeros_like(xs)
            env = (np.abs(xs), c - b1, c + b1)
            self._cache["envelope"] = env
        return env

    def _extent(self, beta: float, m_abs: float) -> float:
        g = self.grid
        if g.x_max is not None:
            return float(g.x_max)
        key = ("extent", float(beta), float(m_abs))
        X = self._cache.get(key)
        if X is not None:
            return X
        ax, low, high = self._envelope()
        tm = abs(self.theta) * m_abs * ax
        min_high = np.min(high + tm)  # >= min_x E(x; m) for every |m| <= m_abs
        bad = beta * (low - tm - min_high) < g.tail
        X = float(ax[bad].max()) + 2 * g.envelope_dx if bad.any() else g.x_min
        if X > g.x_cap:
            warnings.warn(
                f"automatic domain: density not below exp(-{g.tail}) within |x| <= x_cap = {g.x_cap} "
                f"(beta={beta}, |m|<={m_abs}); truncating there",
                stacklevel=3,
            )
            X = g.x_cap
        X = max(X, g.x_min)
        if len(self._cache) > 4096:
            self._cache.clear()
        self._cache[key] = X
        return X

    def quadrature_grid(self, beta=None, m_abs_max: float = 0.0) -> QuadratureGrid:
        """Nodes and weights used at this beta (and |m| <= m_abs_max)."""
        beta = self._beta(beta)
        h = self.lattice_spacing
        K = int(np.ceil(self._extent(beta, np.ceil(m_abs_max * 4.0) / 4.0) / h - 1e-9))
        return self._lattice(K)[0]

    def _lattice(self, K: int):
        grids = self._cache.setdefault("grids", OrderedDict())
        hit = grids.get(K)
        if hit is not None:
            grids.move_to_end(K)
            return hit
        h = self.lattice_spacing
        j = np.arange(-K, K + 1)
        x = j * h
        w = np.full(x.shape, h)
        w[0] = w[-1] = 0.5 * h
        # breakpoints on the lattice: replace the node by left/right limits, weight h/2 each
        for b in sorted(self.potential.breakpoints, reverse=True):
            jb = round(b / h)
            if abs(b / h - jb) > 1e-7 or abs(jb) >= K:
                continue
            i = jb + K
            xl, xr = np.nextafter(b, -np.inf), np.nextafter(b, np.inf)
            x = np.concatenate([x[:i], [xl, xr], x[i + 1:]])
            w = np.concatenate([w[:i], [0.5 * h, 0.5 * h], w[i + 1:]])
        qg = QuadratureGrid(x, w, float(h), float(K * h))
        static = {"x2": 0.5 * x * x}
        if self.homogenized:
            static["v0"] = self.potential.v0_value(x)
        else:
            static["W"] = self.potential.value(x)
        out = (qg, static)
        grids[K] = out
        while len(grids) > 24:
            grids.popitem(last=False)
        return out

    def _base(self, beta: float, m_abs: float):
        """(grid, a0, f0, W): exponent a0 = -beta (W + theta x^2/2), f0 = d(beta E)/d beta at m = 0."""
        h = self.lattice_spacing
        K = int(np.ceil(self._extent(beta, m_abs) / h - 1e-9))
        bases = self._cache.setdefault("bases", OrderedDict())
        key = (K, float(beta))
        hit = bases.get(key)
        if hit is not None:
            bases.move_to_end(key)
            return hit
        qg, st = self._lattice(K)
        if self.homogenized:
            pot = self.potential
            ps = hom.psi(pot, qg.x, beta, psi_sign=self.psi_sign, method=self.method, n_y=self.n_y)
            W = st["v0"] + ps
            u = hom.fast_energy(pot, qg.x, beta, method=self.method, n_y=self.n_y)
            f0 = st["v0"] + self._sign * u + self.theta * st["x2"]
        else:
            W = st["W"]
            f0 = W + self.theta * st["x2"]
        a0 = -beta * (W + self.theta * st["x2"])
        out = (qg, a0, f0, W)
        bases[key] = out
        while len(bases) > 64:
            bases.popitem(last=False)
        return out

    # ------------------------------------------------------------------------------------------
    # core: moments of the Gibbs family at one beta, vectorised over m
    # ------------------------------------------------------------------------------------------
    def _moments_1beta(self, m: np.ndarray, beta: float, need_cov: bool = False, need_w: bool = False):
        m = np.asarray(m, dtype=float).ravel()
        m_abs = float(np.max(np.abs(m))) if m.size else 0.0
        # bucket |m| so the extent (and its cache) does not change with every m
        m_abs = np.ceil(m_abs * 4.0) / 4.0
        qg, a0, f0, W = self._base(beta, m_abs)
        x, w = qg.x, qg.w
        bt = beta * self.theta
        n = x.size
        mean = np.empty(m.size)
        var = np.empty(m.size)
        logz = np.empty(m.size)
        cov = np.empty(m.size) if need_cov else None
        mw = np.empty(m.size) if need_w else None
        rows = max(1, _ROWS_ELEMS // max(n, 1))
        for s in range(0, m.size, rows):
            mc = m[s:s + rows]
            a = a0[None, :] + (bt * mc)[:, None] * x[None, :]
            shift = a.max(axis=1)
            e = np.exp(a - shift[:, None])
            e *= w
            z = e.sum(axis=1)
            mu = (e @ x) / z
            d = x[None, :] - mu[:, None]
            ed = e * d
            mean[s:s + rows] = mu
            var[s:s + rows] = np.einsum("ij,ij->i", ed, d) / z
            logz[s:s + rows] = np.log(z) + shift
            if need_cov:
                # Cov(x, f0 - theta m x) = Cov(x, f0) - theta m Var
                cov[s:s + rows] = (ed @ f0) / z - self.theta * mc * var[s:s + rows]
            if need_w:
                mw[s:s + rows] = (e @ W) / z
        return mean, var, logz, cov, mw

    def _broadcast(self, m, beta, fn):
        """Apply fn(m_1d, beta_scalar) -> tuple of 1d arrays over broadcast (m, beta)."""
        beta = self._beta(beta)
        if np.ndim(m) == 0 and np.ndim(beta) == 0:  # fast path
            res = fn(np.array([float(m)]), float(beta))
            return tuple(float(r[0]) if r is not None else None for r in res)
        ma, ba = np.broadcast_arrays(np.asarray(m, dtype=float), np.asarray(beta, dtype=float))
        shape = ma.shape
        mf, bf = ma.ravel(), ba.ravel()
        outs = None
        for b in np.unique(bf):
            idx = np.nonzero(bf == b)[0]
            res = fn(mf[idx], float(b))
            if outs is None:
                outs = [np.empty(mf.size) if r is not None else None for r in res]
            for o, r in zip(outs, res):
                if o is not None:
                    o[idx] = r
        return tuple(_asfloat(o.reshape(shape)) if o is not None else None for o in outs)

    def moments(self, m, beta=None, *, need_cov: bool = False, need_w: bool = False) -> GibbsMoments:
        """Mean (= R), variance, ln Z, optionally Cov(x, d(beta E)/d beta) and <W> of p(.; m)."""
        out = self._broadcast(m, beta, lambda mm, b: self._moments_1beta(mm, b, need_cov, need_w))
        return GibbsMoments(*out)

    # ------------------------------------------------------------------------------------------
    # public quantities
    # ------------------------------------------------------------------------------------------
    def R(self, m, beta=None):
        """Self-consistency map R(m; theta, beta) (eq. 3.4 / 2.25)."""
        return self.moments(m, beta).mean

    def variance(self, m, beta=None):
        return self.moments(m, beta).var

    def dR_dm(self, m, beta=None):
        """dR/dm = beta theta Var_{p(.;m)}(x) (exact)."""
        mo = self.moments(m, beta)
        return self._beta(beta) * self.theta * mo.var

    def dR_dbeta(self, m, beta=None):
        """dR/dbeta = -Cov(x, d(beta E)/d beta) (exact, includes d psi/d beta when homogenized)."""
        return -self.moments(m, beta, need_cov=True).cov_energy

    def residual(self, m, beta=None):
        """R(m, beta) - m."""
        return self.R(m, beta) - np.asarray(m, dtype=float)

    def jacobian(self, m, beta=None):
        """(d residual/dm, d residual/dbeta) = (beta theta Var - 1, -Cov(x, d(beta E)/d beta))."""
        beta_ = self._beta(beta)
        mo = self.moments(m, beta_, need_cov=True)
        return (_asfloat(np.asarray(beta_) * self.theta * mo.var - 1.0), _asfloat(-np.asarray(mo.cov_energy)))

    def residual_and_jacobian(self, m, beta=None):
        """(R - m, beta theta Var - 1, dR/dbeta) from one quadrature pass."""
        beta_ = self._beta(beta)
        mo = self.moments(m, beta_, need_cov=True)
        res = _asfloat(np.asarray(mo.mean) - np.asarray(m, dtype=float))
        return res, _asfloat(np.asarray(beta_) * self.theta * mo.var - 1.0), _asfloat(-np.asarray(mo.cov_energy))

    def variance_at_zero(self, beta=None):
        """Var_{p(.;0)}(x) (eq. 1.10/2.27/4.4: critical when beta theta Var = 1)."""
        return self.variance(0.0 * np.asarray(self._beta(beta), dtype=float), beta)

    def critical_function(self, beta):
        """g(beta) = beta theta Var_{m=0}(beta) - 1; its roots are the critical betas."""
        beta = np.asarray(beta, dtype=float)
        return _asfloat(beta * self.theta * np.asarray(self.variance_at_zero(beta)) - 1.0)

    def critical_betas(self, beta_range, *, n_scan: int = 400, spacing: str = "geometric",
                       xtol: float = 1e-10, return_scan: bool = False):
        """Every root in beta_range of beta theta Var_{m=0}(beta) = 1, located by a sign-change scan.

        The scan has ``n_scan`` points (geometric or linear); each bracket is refined with brentq to
        ``xtol`` (absolute, plus 1e-12 relative). Roots closer together than the scan spacing and
        tangential (even-multiplicity) roots are not detected.
        """
        lo, hi = map(float, beta_range)
        if not 0 < lo < hi:
            raise ValueError("beta_range must satisfy 0 < lo < hi")
        if spacing == "geometric":
            bs = np.geomspace(lo, hi, n_scan)
        elif spacing == "linear":
            bs = np.linspace(lo, hi, n_scan)
        else:
            raise ValueError("spacing must be 'geometric' or 'linear'")
        g = np.asarray(self.critical_function(bs))
        roots = _scan_roots(lambda b: float(self.critical_function(b)), bs, g, xtol)
        return (roots, bs, g) if return_scan else roots

    def stationary_states(self, beta, m_range=(-3.0, 3.0), *, n_scan: int = 601, xtol: float = 1e-12):
        """Every stationary state m = R(m) in ``m_range`` at ``beta``, ascending in m (sign-change scan + brentq).

        Returns a list of StationaryState(m, stable (R'(m) < 1), free_energy (eq. 1.5)).
        Tangential roots and roots closer than the scan spacing are not detected.
        """
        ms = np.linspace(*map(float, m_range), n_scan)
        roots = _scan_roots(lambda m: float(self.residual(m, beta)), ms, np.asarray(self.residual(ms, beta)), xtol)
        return [StationaryState(float(m), bool(self.dR_dm(m, beta) < 1.0), float(self.free_energy(m, beta)))
                for m in roots]

    def stationary_density(self, m, beta=None) -> Density:
        """Normalised p(x; m) on the quadrature grid (rows for array m)."""
        beta = float(self._beta(beta))
        m = np.asarray(m, dtype=float)
        m_abs = np.ceil(float(np.max(np.abs(m))) * 4.0) / 4.0
        qg, a0, _, _ = self._base(beta, m_abs)
        mo = self.moments(m, beta)
        lz = np.asarray(mo.log_z)
        a = a0 + beta * self.theta * m[..., None] * qg.x
        p = np.exp(a - lz[..., None])
        return Density(qg.x, p, qg.w)

    def free_energy_terms(self, m, beta=None) -> FreeEnergyTerms:
        """Eq. (1.5) for p(.; m), split into entropy, potential and interaction terms."""
        beta_ = self._beta(beta)
        mo = self.moments(m, beta_, need_w=True)
        b = np.asarray(beta_, dtype=float)
        mm = np.asarray(m, dtype=float)
        mu, var, lz, mw = (np.asarray(v) for v in (mo.mean, mo.var, mo.log_z, mo.mean_w))
        x2 = var + mu * mu
        # beta^{-1} int p ln p with ln p = -beta E - ln Z
        entropy = -mw - self.theta * (0.5 * x2 - mm * mu) - lz / b
        interaction = 0.5 * self.theta * var
        total = entropy + mw + interaction
        return FreeEnergyTerms(*(_asfloat(v) for v in (entropy, mw, interaction, total)))

    def free_energy(self, m, beta=None):
        """Free energy (eq. 1.5) of the Gibbs state p(.; m); the stationary state's when m = R(m)."""
        return self.free_energy_terms(m, beta).total


# ---------------------------------------------------------------------------------------------
# functional interface
# ---------------------------------------------------------------------------------------------


def R(m, beta, problem: MeanFieldProblem):
    """R(m; theta, beta) (eq. 3.4 for finite eps, eq. 2.25 homogenized)."""
    return problem.R(m, beta)


def dR_dm(m, beta, problem: MeanFieldProblem):
    """beta theta Var_{p(.;m)}(x)."""
    return problem.dR_dm(m, beta)


def dR_dbeta(m, beta, problem: MeanFieldProblem):
    return problem.dR_dbeta(m, beta)


def variance(m, beta, problem: MeanFieldProblem):
    return problem.variance(m, beta)


def variance_at_zero(beta, problem: MeanFieldProblem):
    return problem.variance_at_zero(beta)


def stationary_density(m, beta, problem: MeanFieldProblem) -> Density:
    return problem.stationary_density(m, beta)


def free_energy(m, beta, problem: MeanFieldProblem):
    return problem.free_energy(m, beta)


def critical_betas(potential: TwoScalePotential, theta: float, beta_range, *, homogenized: bool = False,
                   psi_sign: str = "printed", grid: GridSpec | None = None, n_scan: int = 400,
                   spacing: str = "geometric", xtol: float = 1e-10, return_scan: bool = False):
    """Every root in beta_range of beta theta Var_{m=0} = 1 (eqs. 1.10, 2.27, 4.4); see MeanFieldProblem.critical_betas."""
    prob = MeanFieldProblem(potential, theta, homogenized=homogenized, psi_sign=psi_sign, grid=grid or GridSpec())
    return prob.critical_betas(beta_range, n_scan=n_scan, spacing=spacing, xtol=xtol, return_scan=return_scan)
