"""Kernels with one population per variable: standard CBO and the saddle-point CBO (SP-CBO).

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
X (row-major, particle by particle), then, for SP-CBO, one block of N*d for Y. Objectives are term
arrays or user functions (f(x) for CBO, F(x, y) for SP-CBO), read through
:mod:`mfsweep.cbo.kernels.energies`. Call them through :func:`cbo` and :func:`spcbo`.
"""

import math

import numpy as np

from mfsweep.cbo.kernels.common import consensus
from mfsweep.cbo.kernels.compiled import Kernel, one_variable, two_variables
from mfsweep.cbo.kernels.energies import ALL, X_ONLY, objective
from mfsweep.numba_policy import fast, fast_inline


def cbo(X, rng, f, params):
    """One CBO run on X (N, d), in place, minimising ``f`` (an x-only Objective or a function f(x)); (x_star, seconds)."""
    p = params
    return CBO(X, rng, *one_variable(f, "f"), p.alpha, p.lam, p.sigma, p.dt, p.n_steps(), p.noise == "isotropic")


def spcbo(X, Y, rng, F, params):
    """One SP-CBO run on X, Y (N, d), in place, for min_x max_y F(x, y); ((x_star, y_star), seconds)."""
    p = params
    return SPCBO(X, Y, rng, *two_variables(F, "F"), p.alpha, p.beta, p.lam, p.sigma, p.dt, p.n_steps(),
                 p.noise == "isotropic")


@fast_inline
def _column_mean(P, out):
    """Mean over the particles (rows) of P (K, d)."""
    K, d = P.shape
    out[:] = 0.0
    for k in range(K):
        for l in range(d):
            out[l] += P[k, l]
    for l in range(d):
        out[l] /= K


@fast_inline
def _distance(P, k, center):
    """||P_k - center||_2, the isotropic noise scale."""
    norm = 0.0
    for l in range(P.shape[1]):
        norm += (P[k, l] - center[l]) ** 2
    return math.sqrt(norm)


@fast_inline
def _cbo_move(P, center, noise, lam, sigma, dt, sqrt_dt, isotropic):
    """Euler-Maruyama step of CBO: P_k <- P_k - lam (P_k - c) dt + sigma S_k sqrt(dt) xi_k, S at the old P_k."""
    K, d = P.shape
    for k in range(K):
        norm = _distance(P, k, center) if isotropic else 0.0
        for l in range(d):
            diff = P[k, l] - center[l]
            scale = norm if isotropic else abs(diff)
            P[k, l] = P[k, l] - lam * diff * dt + sigma * scale * sqrt_dt * noise[k * d + l]


@fast_inline
def _spcbo_move(P, center, noise, lam, sigma, dt, sqrt_dt, isotropic):
    """CBOSP_update.m: drift P_k <- P_k - lam (P_k - c) dt, then P_k += sigma S_k sqrt(dt) xi_k with S at the drifted P_k."""
    K, d = P.shape
    for k in range(K):
        for l in range(d):
            P[k, l] = P[k, l] - lam * (P[k, l] - center[l]) * dt
        norm = _distance(P, k, center) if isotropic else 0.0
        for l in range(d):
            scale = norm if isotropic else abs(P[k, l] - center[l])
            P[k, l] = P[k, l] + sigma * scale * sqrt_dt * noise[k * d + l]


@fast
def _cbo_consensus(X, f, xy, alpha, energies, out):
    """x_alpha = consensus of X with weights exp(-alpha f(X_i)), f the x-only objective (eq. 2.5)."""
    for i in range(X.shape[0]):
        energies[i] = objective(f, xy, X[i], X[i], X_ONLY)
    consensus(X, energies, alpha, out)


@fast
def _min_consensus(X, F, xy, y_bar, alpha, energies, out):
    """x_alpha = consensus of X with weights exp(-alpha F(X_i, y_bar)) (compute_consensus.m, alpha > 0)."""
    for i in range(X.shape[0]):
        energies[i] = objective(F, xy, X[i], y_bar, ALL)
    consensus(X, energies, alpha, out)


@fast
def _max_consensus(Y, F, xy, x_bar, beta, energies, out):
    """y_beta = consensus of Y with weights exp(+beta F(x_bar, Y_j)) (compute_consensus.m, alpha < 0)."""
    for j in range(Y.shape[0]):
        energies[j] = -objective(F, xy, x_bar, Y[j], ALL)
    consensus(Y, energies, beta, out)


@fast
def cbo_kernel(X, rng, f, xy, alpha, lam, sigma, dt, n_steps, isotropic):
    """CBO, one run of ``n_steps`` steps; X (N, d) evolves in place. Returns the consensus of the final X."""
    N, d = X.shape
    sqrt_dt = math.sqrt(dt)
    energies = np.empty(N)
    x_alpha = np.empty(d)
    for _ in range(n_steps):
        _cbo_consensus(X, f, xy, alpha, energies, x_alpha)
        _cbo_move(X, x_alpha, rng.standard_normal(N * d), lam, sigma, dt, sqrt_dt, isotropic)
    _cbo_consensus(X, f, xy, alpha, energies, x_alpha)
    return x_alpha


@fast
def spcbo_kernel(X, Y, rng, F, xy, alpha, beta, lam, sigma, dt, n_steps, isotropic):
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
        _min_consensus(X, F, xy, y_bar, alpha, energies, x_alpha)
        _spcbo_move(X, x_alpha, rng.standard_normal(N * d), lam, sigma, dt, sqrt_dt, isotropic)
        _column_mean(X, x_bar)
        _max_consensus(Y, F, xy, x_bar, beta, energies, y_beta)
        _spcbo_move(Y, y_beta, rng.standard_normal(N * d), lam, sigma, dt, sqrt_dt, isotropic)
    _column_mean(Y, y_bar)
    _min_consensus(X, F, xy, y_bar, alpha, energies, x_alpha)
    _column_mean(X, x_bar)
    _max_consensus(Y, F, xy, x_bar, beta, energies, y_beta)
    return x_alpha, y_beta


CBO = Kernel(cbo_kernel)
SPCBO = Kernel(spcbo_kernel)
