"""Plain-numpy references of single-level CBO and SP-CBO, to test :mod:`mfsweep.cbo.kernels.cbo` against.

Written from the methods' descriptions, whole-array numpy throughout:

* CBO (Pinnau et al. 2017; CBXPy's ``CBO``): x_alpha = sum_i X_i w_i / sum_i w_i with
  w_i = exp(-alpha f(X_i)) (Herty et al. eq. 2.5), then the Euler-Maruyama step
  X_i <- X_i - lam (X_i - x_alpha) dt + sigma S_i sqrt(dt) xi_i, S_i = |X_i - x_alpha|
  componentwise (anisotropic) or ||X_i - x_alpha||_2 (isotropic).
* SP-CBO (Huang, Qiu & Riedl 2024; their MATLAB code CBOSP.m) for min_x max_y F(x, y):
  x_alpha with weights exp(-alpha F(X_i, mean Y)); X <- X - lam (X - x_alpha) dt, then
  X <- X + sigma S sqrt(dt) xi with S measured at that drifted X; y_beta with weights
  exp(+beta F(mean X, Y_j)), mean X of the moved X; Y moves likewise.

Each step draws ``standard_normal((N, d))`` for X, then (SP-CBO) one for Y, from the given
Generator, so that kernel and reference see the same noise.
"""

import numpy as np

from mfsweep.cbo.reference import consensus


def _noise_scale(diff, noise):
    """S: |diff| componentwise ("anisotropic") or the row norms ||diff_i||_2 ("isotropic")."""
    if noise == "anisotropic":
        return np.abs(diff)
    if noise == "isotropic":
        return np.linalg.norm(diff, axis=1, keepdims=True)
    raise ValueError(f"noise must be 'anisotropic' or 'isotropic', got {noise!r}")


def cbo_reference(f, x0, rng, *, alpha, lam, sigma, dt, n_steps, noise="anisotropic"):
    """Run CBO on f (callable on (N, d) arrays, returning (N,)); return (x_alpha of the final X, final X)."""
    X = np.array(x0, dtype=float)
    for _ in range(n_steps):
        x_alpha = consensus(X, f(X), alpha)
        diff = X - x_alpha
        xi = rng.standard_normal(X.shape)
        X = X - lam * diff * dt + sigma * _noise_scale(diff, noise) * np.sqrt(dt) * xi
    return consensus(X, f(X), alpha), X


def spcbo_reference(F, x0, y0, rng, *, alpha, beta, lam, sigma, dt, n_steps, noise="anisotropic"):
    """Run SP-CBO for min_x max_y F(x, y) (F broadcasts over leading axes); return (x*, y*, final X, final Y)."""
    X = np.array(x0, dtype=float)
    Y = np.array(y0, dtype=float)

    def x_consensus():
        return consensus(X, F(X, Y.mean(axis=0)), alpha)

    def y_consensus():
        return consensus(Y, -F(X.mean(axis=0), Y), beta)  # weights exp(-beta (-F)) = exp(+beta F)

    def move(P, center):
        xi = rng.standard_normal(P.shape)
        P = P - lam * (P - center) * dt
        return P + sigma * _noise_scale(P - center, noise) * np.sqrt(dt) * xi

    for _ in range(n_steps):
        X = move(X, x_consensus())
        Y = move(Y, y_consensus())
    return x_consensus(), y_consensus(), X, Y
