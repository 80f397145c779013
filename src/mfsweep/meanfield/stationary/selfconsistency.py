"""Self-consistency map, critical temperatures and free energy of the stationary McKean-Vlasov states.

All stationary states for the Curie-Weiss interaction F(x) = x^2/2 are the Gibbs family (eq. 1.8)

    p(x; m) = exp(-beta E(x; m)) / Z,   E(x; m) = W(x) + theta (x^2/2 - m x),

subject to m = R(m) := int x p(x; m) dx (eq. 1.9), with

* W = V^eps = V0 + V1(x, x/eps) for the full dynamics ``Full(eps)`` (eqs. 3.3-3.4), and
* W = V0 + psi (psi of eq. 2.21, see :mod:`~mfsweep.meanfield.model.homogenization`) for
  ``Homogenized(psi_sign)`` (eq. 2.25).

Identities used (exact for the Gibbs family, so no finite differences are needed):

* dR/dm = beta theta Var_p(x)                                   (stability: R' < 1; eq. 1.10 at m = 0)
* dR/dbeta = -Cov_p(x, d(beta E)/d beta);  d(beta E)/d beta = E for finite eps, and
  = V0 + theta (x^2/2 - m x) + s u(x) for the homogenized problem, where u = <V1>_{exp(-beta V1)} =
  d(beta psi)/d beta (psi depends on beta; s = +1 printed, -1 flipped).
* Free energy (eq. 1.5) of p(.; m): F = beta^{-1} int p ln p + int W p + (theta/2) Var_p
  (int int (x-y)^2/2 p p = Var_p); for a Gibbs state this equals -beta^{-1} ln Z + theta m mu - theta mu^2/2,
  mu = R(m). For the homogenized problem W = V0 + psi (normalised psi, see :mod:`~mfsweep.meanfield.model.homogenization`).

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

Resolution estimate and guard (:meth:`MeanFieldProblem.resolution_error`, ``check_resolution``).
Poisson summation: on the lattice x_j = j h, h sum_j f(x_j) = sum_k f^(2 pi k / h), so the
trapezoid error is sum_{k != 0} f^(2 pi k / h) (f^ the Fourier transform; truncation aside). The
Gibbs density is a mixture of wells; near the bottom of a well at x_i with curvature kappa_i = E''
it is a Gaussian of width sigma_i^2 = 1/(beta kappa_i), whose transform at 2 pi k / h is its mass
times rho_k = exp(-k^2 q_i), q_i = 2 pi^2 sigma_i^2 / h^2 = 2 pi^2 / (beta kappa_i h^2). Transforming
(x - x_i) f and (x - x_i)^2 f the same way, the lattice errors of one well are (phases <= 1):

    mass (relative)  <= a0 = 2 sum_k rho_k,
    mean             <= sigma a1,   a1 = 2 sqrt(2 q) sum_k k rho_k,
    variance         <= sigma^2 a2, a2 = 4 q sum_k k^2 rho_k.

Slow wells (homogenized problems, no fluctuations): kappa = |V0'' + psi'' + theta|, which is the
"smooth part" exp(-2 pi^2 sigma^2/h^2). Fast wells: for V1 = A(x) cos(x/eps) the well bottom has
kappa = A/eps^2 + O(1) and with N = 2 pi eps / h lattice points per period q = N^2/(2 beta A), the
aliasing of the fast scale; there rho_1 is the alias of a cosine well, I_N(z)/I_0(z) with
z = beta kappa eps^2 (>= exp(-q); equal for z >> N), bounded above by the Debye exponent
exp(sqrt(N^2 + z^2) - z - N asinh(N/z)) (never below the exact ratio, at most e^3.2 above, for N in
[8, 8192], z in [1e-3, 1e9]), and rho_k = rho_1^(k^2). kappa
is bounded at a well bottom by |V0'' + theta| + |A|/eps^2 + 2 |A'| min(1/eps, (|V0'| + theta (|x| +
|m|) + |A'|)/|A|) + |A''| (the mixed term -2 A' sin(y)/eps is small at a bottom, where
A sin(y)/eps balances the slow force); for other V1, sup over a period of the y- and x-derivatives
(64 samples). Unresolved wells (q < 0.5) use the asymptotics of the sums (a0 ~ sqrt(pi/q), ...).
For the mixture with node masses p_j (the lattice's own normalised density at m), mean mu and
variance V, the mean and variance errors are bounded by

    |dR|   <~ sum_j p_j (sigma_j a1_j + |x_j - mu| a0_j),
    |dVar| <~ sum_j p_j (sigma_j^2 a2_j + |(x_j - mu)^2 - V| a0_j) + dR^2,

and the estimate is max over m in [-|m|max, |m|max] (step 0.1; [0, |m|max] if symmetric) of
max(|dR|, beta theta |dVar| / max(1, beta theta V)): absolute in R and in R' = beta theta Var below
1 (the stability threshold), relative to R' above. kappa and the factors are evaluated on the 0.01
grid of |x| <= extent and interpolated to the nodes; no finer lattice is evaluated (cost 0.1-3 ms;
a weight-free bound, max over nodes, replaces the m scan when it is below 1e-14, or below
tolerance * 1e-3 in ``check_resolution``). Measured against a lattice 16x finer (same
measure, max over 241 m in [-|m|max, |m|max]), case 1, eps = 0.1, theta = 5, default grid, |m| <= 2:

    beta       45              100       200       300      1000     1e4
    estimate   1.7e-16         2.6e-8    3.1e-4    4.9e-3   0.12     9.3
    measured   2.6e-14 (round) 2.1e-8    1.2e-4    1.9e-3   0.073    1.1
    raw |dR'|  3.1e-14         1.7e-7    -         0.049    4.2      (R' up to 440: relative there)

and over cases 1-4 at eps = 0.1, 0.01, homogenized and without fluctuations, beta up to 1e8, the
estimate is 0.4x-100x the measured error (typically 1.2x-20x) wherever that is above rounding and
the 16x lattice resolves; below 1x only for case 3 at beta = 300 (0.64x, error 4e-3) and unresolved
homogenized wells (0.44x, error 0.3). Case 2, eps = 0.1, beta = 50, |m| <= 3 (the paper's Fig 7b
corner): estimate 2.1e-4, measured 6.2e-5. ``check_resolution`` raises
:class:`QuadratureResolutionError` above ``GridSpec.tolerance`` (default 1e-3) and names the
``points_per_period`` (finite eps) or ``dx`` that brings the estimate below tolerance/2;
``stationary_states`` (over its m_range) and ``critical_betas`` (m = 0 at the top of beta_range)
call it, and ``stationary_states`` re-checks its roots on a lattice of half the spacing when the
estimate exceeds tolerance * 1e-3. R, R', dR/dbeta themselves are not guarded (their cost is
microseconds): callers that tabulate them call ``check_resolution(max(betas), m_abs=max |m|)``.

eps -> 0: int_0^L exp(-beta V1(x, y)) dy = L exp(-beta psi(x)) with psi as printed (eq. 2.21), so
eqs. (3.9)/(3.10) coincide with (2.25)/(2.27): R^eps -> homogenized R (printed sign). Numerically the
difference decays faster than any power of eps (case 4, theta = 0.5, beta = 10: 1e-1, 1e-2, 5e-9,
2e-15 at eps = 0.1, 0.05, 0.02, 0.01); the flipped sign is not the limit.
"""

import warnings
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np
from scipy.optimize import brentq

from ..model import homogenization as hom
from ..model.dynamics import Dynamics, Full, Homogenized
from ..model.potentials import PERIOD, MissingDerivativeError, TwoScalePotential

__all__ = [
    "QuadratureResolutionError",
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
_RES_DM = 0.1  # m-step of the resolution estimate's scan over [-m_abs, m_abs]
_RES_NM_MAX = 401  # at most this many m in that scan
_RES_NEGLIGIBLE = 1e-3  # stationary_states re-checks its roots on a finer lattice above tolerance * this
_RES_FLOOR = 1e-14  # below this weight-free bound the estimate skips its m-scan (rounding level of R)


class QuadratureResolutionError(ArithmeticError):
    """The quadrature lattice does not resolve the Gibbs density (estimated error above ``GridSpec.tolerance``)."""


@dataclass(frozen=True)
class GridSpec:
    """Quadrature grid settings (see module docstring).

    ``tolerance`` bounds the estimated lattice error (:meth:`MeanFieldProblem.resolution_error`:
    absolute in R, and in R' = dR/dm where R' <= 1, relative to R' above) that
    :meth:`MeanFieldProblem.check_resolution` accepts; ``stationary_states`` and ``critical_betas``
    raise :class:`QuadratureResolutionError` above it. With the default lattice the default 1e-3
    passes every setting of the paper (largest estimate 2.1e-4: Fig 7b, case 2, eps = 0.1, beta = 50,
    |m| <= 3; measured error there 6e-5) and refuses beta >~ 230 for case 1 at eps = 0.1 (|m| <= 2),
    beta >~ 60 for case 2 at |m| <= 3, beta >~ 1700 for case 4 homogenized (|m| <= 2);
    ``float("inf")`` disables the guard.
    """

    points_per_period: int = 64  # nodes per fast period 2 pi eps (finite eps with fluctuations)
    dx: float = 0.01  # node spacing without a fast scale, and its upper bound with one (slow wells)
    x_max: float | None = None  # fixed half-width of [-x_max, x_max]; None = automatic per beta
    tail: float = 40.0  # automatic extent: density < exp(-tail) * max beyond the domain
    x_min: float = 1.0  # automatic extent is at least this
    x_cap: float = 60.0  # automatic extent is at most this (warns if the tail is not reached)
    envelope_dx: float = 0.01  # spacing of the coarse envelope scan for the automatic extent
    tolerance: float = 1e-3  # largest accepted estimated lattice error (see the class docstring)

    def __post_init__(self):
        if self.points_per_period < 8:
            raise ValueError("points_per_period must be >= 8")
        if not self.dx > 0:
            raise ValueError("dx must be > 0")
        if not self.tolerance > 0:
            raise ValueError("tolerance must be > 0")


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
    depends on the argument's size); a root sitting on a scan point is then taken as is. A scan
    point where ``values`` is exactly 0 is a root; so is an end point whose value is zero to within
    ``xtol`` (Newton step from the secant to its neighbour, or rounding level 1e-15): a root exactly
    on an end (m = 0 of a symmetric problem at the end of ``m_range``) has no sign change beside it.
    Roots closer than 4 (xtol + 1e-12 |x|) are one root (an exact zero or end point is kept).
    """
    found = []  # (root, exact): exact = a scan point taken as is
    for i in range(xs.size - 1):
        if values[i] == 0.0:
            found.append((xs[i], True))
        elif values[i] * values[i + 1] < 0.0:
            a, b = xs[i], xs[i + 1]
            fa, fb = fn(a), fn(b)
            if fa * fb <= 0.0:
                found.append((brentq(fn, a, b, xtol=xtol, rtol=1e-12, maxiter=200), False))
            else:
                found.append((a if abs(fa) < abs(fb) else b, True))
    if values[-1] == 0.0:
        found.append((xs[-1], True))
    if xs.size >= 2:
        for end, nb in ((0, 1), (xs.size - 1, xs.size - 2)):
            v = values[end]
            if v == 0.0 or not np.isfinite(v):
                continue
            slope = (values[nb] - v) / (xs[nb] - xs[end])
            scale = xtol + 1e-12 * abs(xs[end])
            if abs(v) <= 1e-15 * max(1.0, abs(xs[end])) or abs(v) <= scale * abs(slope):
                found.append((xs[end], True))
    found.sort(key=lambda r: r[0])
    roots = []
    for r, exact in found:
        if roots and abs(r - roots[-1][0]) <= 4.0 * (xtol + 1e-12 * max(abs(r), abs(roots[-1][0]))):
            if exact and not roots[-1][1]:
                roots[-1] = (r, exact)
            continue
        roots.append((r, exact))
    return np.array([float(r) for r, _ in roots])


def _lattice_error_factors(q, nu=None, z=None):
    """Poisson-summation error factors (a0, a1, a2) of the trapezoid rule on a Gibbs well.

    For a Gaussian well of width sigma on a lattice of spacing h, q = 2 pi^2 sigma^2 / h^2 and the
    k-th alias is rho_k = exp(-k^2 q); relative error of its mass <= a0 = 2 sum_k rho_k, of its mean
    <= sigma a1 (a1 = 2 sqrt(2q) sum_k k rho_k), of its variance <= sigma^2 a2 (a2 = 4q sum_k k^2 rho_k).
    With ``nu`` (lattice points per fast period) and ``z`` (= beta times the well's curvature times
    eps^2) the first alias is that of the cosine well exp(z cos y), rho_1 = I_nu(z)/I_0(z) (>= the
    Gaussian value, = it for z >> nu), bounded above by its Debye exponent, and rho_k = rho_1^(k^2).
    Unresolved wells (q < 0.5) use the sums' asymptotics.
    """
    q = np.asarray(q, dtype=float)
    a0, a1, a2 = (np.zeros_like(q) for _ in range(3))
    ok = np.isfinite(q)
    big = ok & (q >= 0.5)
    if np.any(big):
        qb = q[big]
        k = np.arange(1, 5, dtype=float)[:, None]
        if nu is None:
            rho = np.exp(-k * k * qb)
        else:
            # ln(I_nu(z)/I_0(z)) <= sqrt(nu^2 + z^2) - z - nu asinh(nu/z) (the Debye exponent; checked
            # for nu in [8, 8192], z in [1e-3, 1e9]: at most 3.2 above the exact value, never below)
            zb = np.maximum(np.broadcast_to(np.asarray(z, dtype=float), q.shape)[big], 1e-300)
            debye = np.hypot(nu, zb) - zb - nu * np.arcsinh(nu / zb)
            with np.errstate(under="ignore"):
                rho = np.exp(np.minimum(debye, 0.0))[None, :] ** (k * k)  # rho_k ~ rho_1^(k^2)
        a0[big] = 2.0 * rho.sum(axis=0)
        a1[big] = 2.0 * np.sqrt(2.0 * qb) * (k * rho).sum(axis=0)
        a2[big] = 4.0 * qb * (k * k * rho).sum(axis=0)
    small = ok & (q < 0.5)
    if np.any(small):
        qs = np.maximum(q[small], 1e-300)
        a0[small] = 2.0 * (np.sqrt(np.pi / (4.0 * qs)) - 0.5)
        a1[small] = 2.0 * np.sqrt(2.0 * qs) * (0.5 / qs - 1.0 / 12.0)
        a2[small] = 4.0 * qs * np.sqrt(np.pi) / (4.0 * qs**1.5)
    return a0, a1, a2


def _piecewise_gradient(f, xs, breakpoints):
    """df/dx from samples f(xs) (np.gradient on each piece between breakpoints, ascending xs).

    A sample sitting on a breakpoint belongs to neither piece and takes the neighbouring value of
    larger magnitude.
    """
    bps = np.asarray(sorted(breakpoints), dtype=float)
    if bps.size == 0:
        return np.gradient(f, xs)
    out = np.zeros_like(f)
    tol = 1e-9 * max(1.0, float(np.max(np.abs(xs))))
    on_bp = np.min(np.abs(xs[:, None] - bps[None, :]), axis=1) <= tol
    piece = np.searchsorted(bps, xs, side="left")
    for k in np.unique(piece):
        idx = np.flatnonzero((piece == k) & ~on_bp)
        if idx.size >= 2:
            out[idx] = np.gradient(f[idx], xs[idx])
    for i in np.flatnonzero(on_bp):
        left, right = out[max(i - 1, 0)], out[min(i + 1, xs.size - 1)]
        out[i] = left if abs(left) >= abs(right) else right
    return out


def _or_gradient(exact, values, x, breakpoints):
    """``exact()``, or where the potential lacks that derivative the piecewise gradient of ``values()`` on ``x``."""
    try:
        return exact()
    except MissingDerivativeError:
        f = np.asarray(values())
        if f.ndim == 1:
            return _piecewise_gradient(f, x, breakpoints)
        return np.stack([_piecewise_gradient(column, x, breakpoints) for column in f.T], axis=1)


def _asfloat(v):
    a = np.asarray(v, dtype=float)
    return float(a) if a.ndim == 0 else a


@dataclass(frozen=True)
class MeanFieldProblem:
    """Stationary McKean-Vlasov problem: potential, interaction strength theta, and which W.

    ``dynamics``: ``Full(eps)``, W = V^eps; ``Homogenized(psi_sign)``, W = V0 + psi with psi of
    eq. 2.21 as printed or flipped. ``beta`` is an optional default for the methods' ``beta``
    argument. ``method``/``n_y`` select closed-form or quadrature psi. All methods broadcast
    ``m`` and ``beta`` (scalar in -> float out).
    """

    potential: TwoScalePotential
    theta: float
    dynamics: Dynamics
    beta: float | None = None
    grid: GridSpec = field(default_factory=GridSpec)
    method: str = "auto"
    n_y: int = hom.N_Y_DEFAULT
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self):
        if not isinstance(self.dynamics, (Full, Homogenized)):
            raise TypeError(f"dynamics: expected Full(eps) or Homogenized(psi_sign), got {self.dynamics!r}")
        if self.homogenized and self.potential.has_fluctuations:
            hom._method(self.potential, self.method)

    def replace(self, **changes) -> "MeanFieldProblem":
        return replace(self, **changes)

    # ------------------------------------------------------------------------------------------
    # which potential
    # ------------------------------------------------------------------------------------------
    @property
    def homogenized(self) -> bool:
        return self.dynamics.homogenized

    @property
    def eps(self) -> float:
        """The scale separation of the full dynamics."""
        return self.dynamics.eps

    @property
    def fast_scale(self) -> bool:
        """True when the quadrature must resolve the period 2 pi eps."""
        return (not self.homogenized) and self.potential.has_fluctuations

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
            return self.potential.value(x, self.eps)
        beta = self._beta(beta)
        return hom.homogenized_potential(self.potential, x, beta, psi_sign=self.dynamics.psi_sign, method=self.method,
                                         n_y=self.n_y)

    # ------------------------------------------------------------------------------------------
    # grid
    # ------------------------------------------------------------------------------------------
    @property
    def lattice_spacing(self) -> float:
        g = self.grid
        target = min(PERIOD * self.eps / g.points_per_period, g.dx) if self.fast_scale else g.dx
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
            static["W"] = self.potential.value(x, self.eps)
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
            ps = hom.psi(pot, qg.x, beta, psi_sign=self.dynamics.psi_sign, method=self.method, n_y=self.n_y)
            W = st["v0"] + ps
            u = hom.fast_energy(pot, qg.x, beta, method=self.method, n_y=self.n_y)
            f0 = st["v0"] + self.dynamics.sign * u + self.theta * st["x2"]
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
    # resolution of the lattice: a-priori error estimate and guard (see the module docstring)
    # ------------------------------------------------------------------------------------------
    def _resolution_cells(self, beta: float, m_abs: float):
        """(x, kappa): the envelope-grid cells |x| <= extent (where the density can live at beta,
        |m| <= m_abs) and a bound kappa >= |E''| at the bottoms of the wells there."""
        key = ("res_cells", float(beta), float(m_abs))
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        pot, g = self.potential, self.grid
        X = self._extent(beta, np.ceil(m_abs * 4.0) / 4.0)
        n = int(np.ceil(X / g.envelope_dx - 1e-9)) + 1
        x = np.linspace(-n * g.envelope_dx, n * g.envelope_dx, 2 * n + 1)
        bps = pot.breakpoints
        # derivatives the potential lacks are replaced by finite differences on this grid (an estimate)
        v0d = _or_gradient(lambda: pot.v0_derivative(x), lambda: pot.v0_value(x), x, ())
        slow = np.gradient(v0d, x) + self.theta  # V0'' + theta
        if self.homogenized:
            kappa = np.abs(slow)
            if pot.has_fluctuations:
                psi_args = dict(psi_sign=self.dynamics.psi_sign, method=self.method, n_y=self.n_y)
                dpsi = _or_gradient(lambda: hom.psi_dx(pot, x, beta, **psi_args),
                                    lambda: hom.psi(pot, x, beta, **psi_args), x, bps)
                kappa = np.abs(slow + _piecewise_gradient(dpsi, x, bps))
        elif self.fast_scale:
            # E'' = V0'' + theta + d_x^2 V1 + 2 d_x d_y V1 / eps + d_y^2 V1 / eps^2 at y = x / eps
            eps = self.eps
            if pot.closed_form:  # V1 = A cos y: c2 = |A|, c1 = |A'|, c0 = |A''|
                a_dx = _or_gradient(lambda: pot.amplitude_dx(x), lambda: pot.amplitude(x), x, bps)
                c2, c1, c0 = np.abs(pot.amplitude(x)), np.abs(a_dx), np.abs(_piecewise_gradient(a_dx, x, bps))
                # the mixed term is -2 A' sin(y) / eps; at a well bottom (E' = 0)
                # |sin y| = eps |V0' + theta (x - m) + A' cos y| / |A| <= eps (|V0'| + theta (|x| + m_abs) + |A'|) / |A|
                force = np.abs(v0d) + abs(self.theta) * (np.abs(x) + m_abs) + c1
                with np.errstate(divide="ignore", invalid="ignore"):
                    mixed = np.where(c2 > 0, np.minimum(c1 / eps, c1 * force / c2), c1 / eps)
            else:  # sup over 64 y-samples of spectral y-derivatives (exact for degree < 32 in y)
                y = np.linspace(0.0, PERIOD, 64, endpoint=False)
                k = np.fft.rfftfreq(y.size, d=1.0 / y.size)
                k1 = 1j * k
                k1[-1] = 0.0  # Nyquist mode of an odd derivative
                v = np.broadcast_to(pot.v1_value(x[:, None], y), (x.size, y.size))
                d = _or_gradient(lambda: np.broadcast_to(pot.v1_dx(x[:, None], y), (x.size, y.size)),
                                 lambda: v, x, bps)
                c2 = np.abs(np.fft.irfft(-(k * k) * np.fft.rfft(v, axis=1), n=y.size, axis=1)).max(axis=1)
                c1 = np.abs(np.fft.irfft(k1 * np.fft.rfft(d, axis=1), n=y.size, axis=1)).max(axis=1)
                c0 = np.abs(np.stack([_piecewise_gradient(d[:, j], x, bps) for j in range(y.size)], axis=1)).max(axis=1)
                mixed = c1 / eps
            kappa = np.abs(slow) + c2 / eps**2 + 2.0 * mixed + c0
        else:
            kappa = np.abs(slow)
        out = (x, kappa)
        if len(self._cache) > 4096:
            self._cache.clear()
        self._cache[key] = out
        return out

    def _resolution_estimate(self, beta: float, m_abs: float, h: float, floor: float = _RES_FLOOR) -> float:
        """The estimate of :meth:`resolution_error` for a lattice spacing h (weights from this lattice);
        a weight-free upper bound of it instead when that is <= ``floor``."""
        cx, kappa = self._resolution_cells(beta, m_abs)
        qg, a_base, _, _ = self._base(beta, np.ceil(m_abs * 4.0) / 4.0)
        x, w = qg.x, qg.w
        with np.errstate(divide="ignore"):
            sig2 = np.where(kappa > 0, 1.0 / (beta * kappa), np.inf)
        q = 2.0 * np.pi**2 * sig2 / (h * h)
        if self.fast_scale:
            eps = self.eps
            a0, a1, a2 = _lattice_error_factors(q, nu=PERIOD * eps / h, z=beta * kappa * eps**2)
        else:
            a0, a1, a2 = _lattice_error_factors(q)
        sig2 = np.where(np.isfinite(sig2), sig2, 0.0)
        e_mu, e_var = np.sqrt(sig2) * a1, sig2 * a2
        bt = beta * self.theta
        span = float(np.ptp(x))
        crude_r = float(np.max(e_mu)) + span * float(np.max(a0))
        crude = max(crude_r, abs(bt) * (float(np.max(e_var)) + span * span * float(np.max(a0)) + crude_r**2))
        if crude <= floor:  # weight-free bound (|x - mu| <= span, p sums to 1): skip the m-scan
            return crude
        # per-well error factors on the cells, linearly interpolated to the lattice nodes
        a0, e_mu, e_var = (np.interp(x, cx, v) for v in (a0, e_mu, e_var))
        # the between-well terms only over nodes whose a0 can matter: the others add at most
        # max(span, |bt| span^2) a0 <= floor * 1e-3 in all (the weights sum to 1)
        act = np.flatnonzero(a0 * max(span, abs(bt) * span * span) > 1e-3 * floor)
        x_act, a0_act = x[act], a0[act]
        if m_abs > 0:
            n = int(min(_RES_NM_MAX, max(3, np.ceil(m_abs / _RES_DM) + 1)))
            ms = np.linspace(0.0, m_abs, n)
            if not self.potential.symmetric:
                ms = np.concatenate([-ms[:0:-1], ms])
        else:
            ms = np.zeros(1)
        worst = 0.0
        rows = max(1, _ROWS_ELEMS // max(x.size, 1))
        for s in range(0, ms.size, rows):
            mc = ms[s:s + rows]
            a = a_base[None, :] + (bt * mc)[:, None] * x[None, :]
            p = np.exp(a - a.max(axis=1, keepdims=True)) * w
            p /= p.sum(axis=1, keepdims=True)
            mu = p @ x
            var = np.maximum(p @ (x * x) - mu * mu, 0.0)
            pa = p[:, act]
            d = x_act[None, :] - mu[:, None]
            d_r = p @ e_mu + (pa * np.abs(d)) @ a0_act
            d_var = p @ e_var + (pa * np.abs(d * d - var[:, None])) @ a0_act + d_r * d_r
            err = np.maximum(d_r, abs(bt) * d_var / np.maximum(1.0, abs(bt) * var))
            worst = max(worst, float(np.max(err)))
        return worst

    def resolution_error(self, beta=None, m_abs: float = 0.0) -> float:
        """A-priori estimate of the lattice (trapezoid) error of R and R' = dR/dm for |m| <= ``m_abs``.

        The largest over |m| <= m_abs (and over ``beta`` if an array) of max(|dR|, |dR'| / max(1, R')),
        i.e. absolute in R, absolute in R' where R' <= 1 (the stability threshold), relative above.
        Cheap: slow quantities on the 0.01 envelope grid, no fine-lattice evaluation; derivation and
        measured accuracy in the module docstring (a faithful estimate: measured errors are 1-30x below it).
        """
        betas = np.atleast_1d(np.asarray(self._beta(beta), dtype=float)).ravel()
        h = self.lattice_spacing
        return max(self._resolution_estimate(float(b), float(abs(m_abs)), h) for b in betas)

    def _resolving_grid(self, beta: float, m_abs: float) -> tuple[str, float]:
        """The smallest GridSpec change (text, new spacing) whose estimate is <= tolerance / 2."""
        g = self.grid
        target = 0.5 * g.tolerance
        h_ok = self.lattice_spacing
        for _ in range(60):
            h_ok *= 0.5
            if self._resolution_estimate(beta, m_abs, h_ok) <= target:
                break
        h_bad = 2.0 * h_ok
        for _ in range(12):  # bisect in log h
            mid = np.sqrt(h_ok * h_bad)
            if self._resolution_estimate(beta, m_abs, mid) <= target:
                h_ok = mid
            else:
                h_bad = mid
        if self.fast_scale:
            n = int(8 * np.ceil(PERIOD * self.eps / h_ok / 8.0 - 1e-9))
            return (f"set grid.points_per_period >= {n} (parameter grid_points_per_period; config "
                    f"meanfield.grid.points_per_period)"), PERIOD * self.eps / n
        dx = float(f"{h_ok:.2g}")
        dx = dx if dx <= h_ok else float(f"{0.9 * h_ok:.2g}")
        return f"set grid.dx <= {dx:.2g} (parameter grid_dx; config meanfield.grid.dx)", dx

    def _describe(self) -> str:
        if self.homogenized:
            return "homogenized" if self.potential.has_fluctuations else "no fluctuations"
        return f"eps = {self.eps:g}" if self.potential.has_fluctuations else "no fluctuations"

    def check_resolution(self, beta=None, m_abs: float = 0.0, *, what: str | None = None) -> float:
        """Raise :class:`QuadratureResolutionError` if :meth:`resolution_error` exceeds ``grid.tolerance``.

        ``beta``: a value or an array (all are checked; the message names the worst); ``m_abs``: the
        largest |m| at which R, R' will be evaluated; ``what``: the caller's name for the message.
        Returns the estimate, or a weight-free upper bound of it when that is below tolerance * 1e-3
        (then the m-scan of the estimate is skipped: a resolved problem costs ~0.3 ms).
        """
        betas = np.atleast_1d(np.asarray(self._beta(beta), dtype=float)).ravel()
        m_abs = float(abs(m_abs))
        h = self.lattice_spacing
        g = self.grid
        floor = max(_RES_FLOOR, g.tolerance * _RES_NEGLIGIBLE)
        est, b = max((self._resolution_estimate(float(b), m_abs, h, floor), float(b)) for b in betas)
        if not est <= g.tolerance:
            fix, _ = self._resolving_grid(b, m_abs)
            raise QuadratureResolutionError(
                f"{what or 'MeanFieldProblem'}: the quadrature lattice does not resolve the Gibbs density at "
                f"beta = {b:.6g}, |m| <= {m_abs:g}, {self._describe()} (grid.dx = {g.dx:g}, "
                f"grid.points_per_period = {g.points_per_period}; spacing {h:.3g}):\n"
                f"estimated error of R, R' {est:.2g} > grid.tolerance = {g.tolerance:g}; {fix} to resolve it."
            )
        return est

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
        tangential (even-multiplicity) roots are not detected. Raises :class:`QuadratureResolutionError`
        if the lattice does not resolve the m = 0 state at the largest beta of the range
        (:meth:`check_resolution`).
        """
        lo, hi = map(float, beta_range)
        if not 0 < lo < hi:
            raise ValueError("beta_range must satisfy 0 < lo < hi")
        self.check_resolution(hi, 0.0, what="critical_betas")
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
        Tangential roots and roots closer than the scan spacing are not detected; a root exactly on
        an end of ``m_range`` (m = 0 of a symmetric problem) is found. Raises
        :class:`QuadratureResolutionError` if the lattice does not resolve the densities of
        ``m_range`` (:meth:`check_resolution`), or, when that estimate is above
        ``grid.tolerance`` * 1e-3, if a root is not confirmed by a lattice of half the spacing (R and R'
        there within ``grid.tolerance``, the same measure as :meth:`resolution_error`).
        """
        beta = float(self._beta(beta))
        lo, hi = map(float, m_range)
        m_abs = max(abs(lo), abs(hi))
        est = self.check_resolution(beta, m_abs, what="stationary_states")
        ms = np.linspace(lo, hi, n_scan)
        roots = _scan_roots(lambda m: float(self.residual(m, beta)), ms, np.asarray(self.residual(ms, beta)), xtol)
        if roots.size and est > self.grid.tolerance * _RES_NEGLIGIBLE:
            self._confirm_roots(roots, beta, m_abs)
        return [StationaryState(float(m), bool(self.dR_dm(m, beta) < 1.0), float(self.free_energy(m, beta)))
                for m in roots]

    def _confirm_roots(self, roots, beta: float, m_abs: float) -> None:
        """Raise QuadratureResolutionError unless R and R' at ``roots`` agree with a lattice of half the spacing."""
        g = self.grid
        fine = self.replace(grid=replace(g, points_per_period=2 * g.points_per_period, dx=0.5 * g.dx))
        coarse, ref = self.moments(roots, beta), fine.moments(roots, beta)
        bt = abs(beta * self.theta)
        v_ref, v = np.asarray(ref.var), np.asarray(coarse.var)
        err = np.maximum(np.abs(np.asarray(ref.mean) - roots), bt * np.abs(v_ref - v) / np.maximum(1.0, bt * v_ref))
        i = int(np.argmax(err))
        if not err[i] <= g.tolerance:
            fix, _ = self._resolving_grid(beta, m_abs)
            raise QuadratureResolutionError(
                f"stationary_states: root m = {roots[i]:.6g} at beta = {beta:.6g}, {self._describe()} (grid.dx = "
                f"{g.dx:g}, grid.points_per_period = {g.points_per_period}) is not confirmed by a lattice of half\n"
                f"the spacing: R, R' differ by {err[i]:.2g} there > grid.tolerance = {g.tolerance:g}; "
                f"{fix} to resolve it."
            )

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


def critical_betas(potential: TwoScalePotential, theta: float, beta_range, dynamics: Dynamics, *,
                   grid: GridSpec | None = None, n_scan: int = 400, spacing: str = "geometric", xtol: float = 1e-10,
                   return_scan: bool = False):
    """Every root in beta_range of beta theta Var_{m=0} = 1 (eqs. 1.10, 2.27, 4.4); see MeanFieldProblem.critical_betas."""
    prob = MeanFieldProblem(potential, theta, dynamics, grid=grid or GridSpec())
    return prob.critical_betas(beta_range, n_scan=n_scan, spacing=spacing, xtol=xtol, return_scan=return_scan)
