"""Single-level CBO and the saddle-point CBO (SP-CBO) that Table 3 of Herty et al. (2024) compares against.

* CBO (Pinnau, Totzeck, Tse & Martin 2017), in the form of CBXPy's ``CBO`` dynamic: per step
  x_alpha = consensus of X with weights exp(-alpha f(X_i)) (Herty et al. eq. 2.5), then the
  Euler-Maruyama step X_i <- X_i - lam (X_i - x_alpha) dt + sigma S_i sqrt(dt) xi_i with
  S_i = |X_i - x_alpha| componentwise ("anisotropic") or ||X_i - x_alpha||_2 ("isotropic").
* SP-CBO (Huang, Qiu & Riedl, SIAM J. Control Optim. 2024) for min_x max_y F(x, y), eq. (1.3),
  exactly as its public MATLAB code (KonstantinRiedl/CBOSaddlePoints: CBOSP.m, CBOSP_update.m,
  compute_consensus.m) does it, ``for k = 1:T/dt``: x_alpha = consensus of X with weights
  exp(-alpha F(X_i, mean Y)); X moves; y_beta = consensus of Y with weights exp(+beta F(mean X, Y_i)),
  the mean taken over the *moved* X; Y moves. A move is the drift step P <- P - lam (P - c) dt
  followed by the noise sigma S sqrt(dt) xi with S taken at the *drifted* P (so its amplitude is
  (1 - lam dt) times the Euler-Maruyama one). Output: x* = x_alpha(X, mean Y), y* = y_beta(mean X, Y).

Noise comes from the run's ``numpy.random.Generator``: per step one block of N*d normals for
X (row-major, particle by particle), then, for SP-CBO, one block of N*d for Y. The numba
kernels (serial, ``nogil``, cached) come first; the Python API (:class:`CBOParams`,
:func:`run_cbo`, :class:`SPCBOParams`, :func:`run_spcbo`) follows them.
"""

import functools
import math
import time
from dataclasses import dataclass

import numpy as np

from mfsweep.cbo.bilevel import output_record
from mfsweep.cbo.kernels import ALL, X_ONLY, consensus, inline_jit, jit, objective
from mfsweep.params import Params, whole_steps

NOISES = ("anisotropic", "isotropic")


# --------------------------------------------------------------------------------------
# numba kernels
# --------------------------------------------------------------------------------------


@inline_jit
def _column_mean(P, out):
    """Mean over the particles (rows) of P (K, d)."""
    K, d = P.shape
    out[:] = 0.0
    for k in range(K):
        for l in range(d):
            out[l] += P[k, l]
    for l in range(d):
        out[l] /= K


@inline_jit
def _cbo_move(P, center, noise, lam, sigma, dt, sqrt_dt, isotropic):
    """Euler-Maruyama step of CBO: P_k <- P_k - lam (P_k - c) dt + sigma S_k sqrt(dt) xi_k, S at the old P_k."""
    K, d = P.shape
    for k in range(K):
        norm = 0.0
        if isotropic:
            for l in range(d):
                norm += (P[k, l] - center[l]) ** 2
            norm = math.sqrt(norm)
        for l in range(d):
            diff = P[k, l] - center[l]
            scale = norm if isotropic else abs(diff)
            P[k, l] = P[k, l] - lam * diff * dt + sigma * scale * sqrt_dt * noise[k * d + l]


@inline_jit
def _spcbo_move(P, center, noise, lam, sigma, dt, sqrt_dt, isotropic):
    """CBOSP_update.m: drift P_k <- P_k - lam (P_k - c) dt, then P_k += sigma S_k sqrt(dt) xi_k with S at the drifted P_k."""
    K, d = P.shape
    for k in range(K):
        for l in range(d):
            P[k, l] = P[k, l] - lam * (P[k, l] - center[l]) * dt
        norm = 0.0
        if isotropic:
            for l in range(d):
                norm += (P[k, l] - center[l]) ** 2
            norm = math.sqrt(norm)
        for l in range(d):
            scale = norm if isotropic else abs(P[k, l] - center[l])
            P[k, l] = P[k, l] + sigma * scale * sqrt_dt * noise[k * d + l]


@jit
def _cbo_consensus(X, terms, xy, alpha, energies, out):
    """x_alpha = consensus of X with weights exp(-alpha f(X_i)), f the x-only objective (eq. 2.5)."""
    for i in range(X.shape[0]):
        energies[i] = objective(terms, xy, X[i], X[i], X_ONLY)
    consensus(X, energies, alpha, out)


@jit
def _min_consensus(X, terms, xy, y_bar, alpha, energies, out):
    """x_alpha = consensus of X with weights exp(-alpha F(X_i, y_bar)) (compute_consensus.m, alpha > 0)."""
    for i in range(X.shape[0]):
        energies[i] = objective(terms, xy, X[i], y_bar, ALL)
    consensus(X, energies, alpha, out)


@jit
def _max_consensus(Y, terms, xy, x_bar, beta, energies, out):
    """y_beta = consensus of Y with weights exp(+beta F(x_bar, Y_j)) (compute_consensus.m, alpha < 0)."""
    for j in range(Y.shape[0]):
        energies[j] = -objective(terms, xy, x_bar, Y[j], ALL)
    consensus(Y, energies, beta, out)


@jit
def cbo_kernel(X, rng, terms, xy, alpha, lam, sigma, dt, n_steps, isotropic):
    """CBO, one run of ``n_steps`` steps; X (N, d) evolves in place. Returns the consensus of the final X."""
    N, d = X.shape
    sqrt_dt = math.sqrt(dt)
    energies = np.empty(N)
    x_alpha = np.empty(d)
    for _ in range(n_steps):
        _cbo_consensus(X, terms, xy, alpha, energies, x_alpha)
        _cbo_move(X, x_alpha, rng.standard_normal(N * d), lam, sigma, dt, sqrt_dt, isotropic)
    _cbo_consensus(X, terms, xy, alpha, energies, x_alpha)
    return x_alpha


@jit
def spcbo_kernel(X, Y, rng, terms, xy, alpha, beta, lam, sigma, dt, n_steps, isotropic):
    """SP-CBO (CBOSP.m), one run of ``n_steps`` steps; X, Y (N, d) evolve in place. Returns (x*, y*)."""
    N, d = X.shape
    sqrt_dt = math.sqrt(dt)
    energies = np.empty(N)
    x_bar = np.empty(d)
    y_bar = np.empty(d)
    x_alpha = np.empty(d)
    y_beta = np.empty(d)
    for _ in range(n_steps):
        _column_mean(Y, y_bar)
        _min_consensus(X, terms, xy, y_bar, alpha, energies, x_alpha)
        _spcbo_move(X, x_alpha, rng.standard_normal(N * d), lam, sigma, dt, sqrt_dt, isotropic)
        _column_mean(X, x_bar)
        _max_consensus(Y, terms, xy, x_bar, beta, energies, y_beta)
        _spcbo_move(Y, y_beta, rng.standard_normal(N * d), lam, sigma, dt, sqrt_dt, isotropic)
    _column_mean(Y, y_bar)
    _min_consensus(X, terms, xy, y_bar, alpha, energies, x_alpha)
    _column_mean(X, x_bar)
    _max_consensus(Y, terms, xy, x_bar, beta, energies, y_beta)
    return x_alpha, y_beta


# --------------------------------------------------------------------------------------
# Python API
# --------------------------------------------------------------------------------------


class _StepParams(Params):
    """CBO and SP-CBO: T/dt steps (the MATLAB code's ``for k = 1:T/dt``) and a noise model."""

    def _check_steps(self):
        self.n_steps()

    def n_steps(self):
        """Number of time steps, T/dt."""
        return whole_steps(self.T, self.dt, "T", "dt")


@dataclass(frozen=True)
class CBOParams(_StepParams):
    """Parameters of single-level CBO; dt = 0.01 and T = 5 (500 steps) as CBXPy's default dt, the rest as eq. (5.5)."""

    N: int = 100
    dim: int = 10
    T: float = 5.0
    dt: float = 0.01
    alpha: float = 1e15
    lam: float = 1.0
    sigma: float = 2.0
    init_low: float = -1.0
    init_high: float = 3.0
    noise: str = "anisotropic"

    _CHOICES = {"noise": NOISES}
    _POSITIVE = ("N", "dim", "T", "dt", "alpha")
    _NONNEGATIVE = ("lam", "sigma")


@dataclass(frozen=True)
class SPCBOParams(CBOParams):
    """Parameters of SP-CBO: those of CBO for each population, plus beta, the weight exponent of the
    maximising one; defaults are Table 3's (eq. 5.5 with T = T_x = 50, N particles per population)."""

    T: float = 50.0
    dt: float = 0.1
    beta: float = 1e15

    _POSITIVE = CBOParams._POSITIVE + ("beta",)


@functools.cache
def _load_kernels():
    """Compile (or load from numba's cache) both kernels once per process, so run timings exclude it."""
    X = np.zeros((2, 2))
    terms = np.array([[0.0, 1.0, 1.0, 0.0, 0.0]])
    rng = np.random.default_rng(0)
    cbo_kernel(X.copy(), rng, terms, 0.0, 1.0, 1.0, 1.0, 0.1, 1, False)
    spcbo_kernel(X.copy(), X.copy(), rng, terms, 0.0, 1.0, 1.0, 1.0, 1.0, 0.1, 1, False)


def _stream(params, seed):
    """The run's Generator (PCG64 of ``seed``, a SeedSequence) and X_0 ~ U[init_low, init_high]^{N x d} from it."""
    rng = np.random.Generator(np.random.PCG64(seed))
    return rng, rng.uniform(params.init_low, params.init_high, size=(params.N, params.dim))


def _non_finite(method, name, seed, params):
    return FloatingPointError(f"{method} produced non-finite values on {name} (seed spawn key "
                              f"{getattr(seed, 'spawn_key', seed)}); parameters: {params.as_dict()}")


def run_cbo(objective, params, seed, solution):
    """One CBO run minimising ``objective`` (an x-only :class:`~mfsweep.cbo.objectives.Objective`).

    X_0 ~ U[init_low, init_high]^{N x d} is drawn first from the stream of ``seed`` (a
    SeedSequence), the kernel then draws all noise from it. ``solution``: the known minimiser
    (a number, meaning that value in every component, or a (d,) array). Returns a dict with
    x_star (the final consensus x_alpha), error = ||x_star - solution||_2 (as eq. 5.4),
    objective = f(x_star) and the kernel's wall_time. Raises ValueError if the objective
    depends on y, FloatingPointError on non-finite output.
    """
    for n, (fn, _, _, b, _) in enumerate(objective.terms):
        if b != 0.0:
            raise ValueError(f"run_cbo: term {n} ({fn}) depends on y; CBO needs an x-only objective")
    if objective.xy != 0.0:
        raise ValueError("run_cbo: the objective has a bilinear <x, y> term; CBO needs an x-only objective")
    _load_kernels()
    rng, X = _stream(params, seed)
    start = time.perf_counter()
    x_star = cbo_kernel(X, rng, objective.as_array(), 0.0, params.alpha, params.lam, params.sigma,
                        params.dt, params.n_steps(), params.noise == "isotropic")
    wall_time = time.perf_counter() - start
    if not (np.all(np.isfinite(x_star)) and np.all(np.isfinite(X))):
        raise _non_finite("CBO", objective.describe(), seed, params)
    return {
        "x_star": x_star,
        "error": float(np.linalg.norm(x_star - np.broadcast_to(solution, x_star.shape))),
        "objective": float(objective(x_star, 0.0)),
        "wall_time": wall_time,
    }


def run_spcbo(problem, params, seed):
    """One SP-CBO run on min_x max_y problem.F(x, y) (eq. 1.3), a :class:`~mfsweep.cbo.objectives.BilevelProblem`.

    X_0, then Y_0 ~ U[init_low, init_high]^{N x d} are drawn first from the stream of ``seed``
    (a SeedSequence), the kernel then draws all noise from it. Returns the keys of
    :func:`mfsweep.cbo.bilevel.run_bilevel`: x_star, y_star, x_error, y_error, error (eq. 5.4),
    upper_objective = F(x*, y*), lower_objective = G(x*, y*), wall_time. Raises
    FloatingPointError on non-finite output.
    """
    _load_kernels()
    rng, X = _stream(params, seed)
    Y = rng.uniform(params.init_low, params.init_high, size=(params.N, params.dim))
    start = time.perf_counter()
    x_star, y_star = spcbo_kernel(X, Y, rng, problem.F.as_array(), problem.F.xy, params.alpha, params.beta,
                                  params.lam, params.sigma, params.dt, params.n_steps(), params.noise == "isotropic")
    wall_time = time.perf_counter() - start
    if not all(np.all(np.isfinite(a)) for a in (x_star, y_star, X, Y)):
        raise _non_finite("SP-CBO", f"problem {problem.name!r}", seed, params)
    return output_record(problem, params.dim, x_star, y_star, wall_time)
