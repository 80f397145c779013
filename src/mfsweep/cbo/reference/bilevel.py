"""Plain-numpy reference of multiscale CBO for bi-level problems (Algorithm 1).

This module is the readable, line-by-line statement of Algorithm 1 ("multiscale
CBO for bi-level optimization problems") of Herty, Huang, Kalise & Kouhkouh
(2024), "A multiscale Consensus-Based algorithm for multi-level optimization".
It exists to test the fast numba kernel against: both draw the same noise from
the same ``numpy.random.Generator`` in the same order, so for equal inputs they
must agree to rounding.

Ingredients, with the paper's numbering:

* weights (2.4) and Algorithm 1: ϖ_β(x, y) = exp(-β G(x, y)) for the lower
  level and ω_α(x, y) = exp(-α F(x, y)) for the upper level;
* lower-level consensus v^i (2.5), (2.9) of the Y-particles of X^i;
* upper-level consensus z(X, v^i / c) (2.7), (3.4);
* truncations of §3.1: ψ_R (componentwise clipping) for the drifts and
  D_R^δ = diag(δ + min(|v_k|, R)) for the diffusions, as in the drift and
  diffusion coefficients of (3.1);
* the forward-looking average (FLA) of §3.3 approximating the averaged
  consensus z̄_i (3.4)-(3.5);
* Euler-Maruyama time stepping (§5.1); the parameters of the paper's bi-level
  tests are listed in (5.5).

Upper and lower variables may have different dimensions (n and m in the
paper); the paper's tests use n = m = d.
"""

import numpy as np

from mfsweep.cbo.reference import D_R_delta, check_finite, consensus, psi_R

_PAIRINGS = ("printed", "own")
_UPDATES = ("gauss_seidel", "jacobi")


def ms_cbo_bilevel_reference(F, G, x0, y0, rng, *, alpha, beta, lam1, lam2, sigma1, sigma2,
                             dt, dtau, n_outer, n_inner, R1, R2, delta1, delta2, gamma, c,
                             pairing="printed", update="gauss_seidel"):
    """Run Algorithm 1 and return ``(x_star, y_star, v_final)``.

    Parameters
    ----------
    F, G : callables
        Upper- and lower-level objectives; ``F(x, y)`` with x of shape (..., n)
        and y of shape (..., m) broadcasts to shape (...).
    x0 : array (N, n)
        Initial X-particles X^i_0 (not modified).
    y0 : array (N, M, m)
        Initial Y-particles, Y_i^j = y0[i, j] (not modified).
    rng : numpy.random.Generator
        Source of all noise. Per outer step and per particle i (in order):
        ``n_inner`` draws ``standard_normal((M, m))`` for the Y_i steps, then
        one ``standard_normal(n)`` for the X^i step.
    alpha, beta : weight parameters of ω_α (upper level) and ϖ_β (lower level).
    lam1, lam2, sigma1, sigma2 : drift and diffusion strengths for X and Y.
    dt, dtau : time steps Δt (X) and Δτ (Y).
    n_outer, n_inner : iteration counts of the outer and inner while-loops.
    R1, R2, delta1, delta2 : truncation parameters of ψ_R and D_R^δ.
    gamma : FLA weight γ.
    c : lower-level scaling constant of §3.1.1.
    pairing : {"printed", "own"}
        Lower-level consensus paired with X^k in the auxiliary consensus z':
        "printed" uses v^i_τ of the particle being updated for every k;
        "own" uses each particle's own most recent v^k.
    update : {"gauss_seidel", "jacobi"}
        "gauss_seidel" overwrites X^i inside the i-loop (as printed);
        "jacobi" computes every X^i update of an outer step from the X at the
        start of that step and applies them after the i-loop.

    Returns
    -------
    x_star : array (n,)
        X* = consensus of the final X with weights ω_α(X^k, v̄ / c).
    y_star : array (m,)
        Y* = (1/c) consensus of the final v^k with weights ϖ_β(X̄, v^k / c).
    v_final : array (N, m)
        Final lower-level consensus points v^i.
    """
    if pairing not in _PAIRINGS:
        raise ValueError(f"pairing must be one of {_PAIRINGS}, got {pairing!r}")
    if update not in _UPDATES:
        raise ValueError(f"update must be one of {_UPDATES}, got {update!r}")

    X = np.array(x0, dtype=float)
    Y = np.array(y0, dtype=float)
    check_finite("x0", X)
    check_finite("y0", Y)
    N, n = X.shape
    _, M, m = Y.shape

    def lower_consensus(x, Y_i):
        """v = Σ_j Y_i^j ϖ_β(x, Y_i^j) / Σ_l ϖ_β(x, Y_i^l), eq. (2.9)."""
        return consensus(Y_i, G(x[None, :], Y_i), beta)

    def upper_consensus(X_read, v_pair):
        """z' = Σ_k X^k ω_α(X^k, v_pair^k / c) / Σ_r ω_α(X^r, v_pair^r / c), eq. (2.7).

        ``v_pair`` is (1, m) for the printed pairing (v^i_τ for every k) and
        (N, m) for "own" (v^k for particle k).
        """
        return consensus(X_read, F(X_read, v_pair / c), alpha)

    # Initialise: z^i_0 = X^i_0; v^k = consensus of the initial Y_k at X^k_0.
    z = X.copy()
    v = np.array([lower_consensus(X[k], Y[k]) for k in range(N)])

    for _ in range(n_outer):
        # X_read: the positions the consensus computations of this step see.
        # Gauss-Seidel: X itself, so later particles see updated X^i. Jacobi: a
        # copy of X from the start of the step; new positions go into X.
        X_read = X if update == "gauss_seidel" else X.copy()
        for i in range(N):
            x_i = X_read[i]
            Y_i = Y[i]
            v[i] = lower_consensus(x_i, Y_i)           # initial consensus of Y_{i,τ=0}
            for _ in range(n_inner):
                xi = rng.standard_normal((M, m))
                h = Y_i - c * v[i]                     # h_i^j of §3.1.2
                Y_i += (-lam2 * psi_R(h, R2) * dtau
                        + sigma2 * D_R_delta(h, R2, delta2) * (np.sqrt(dtau) * xi))
                check_finite("Y", Y_i)
                v[i] = lower_consensus(x_i, Y_i)       # consensus of Y_{i,τ}
                z_aux = upper_consensus(X_read, v[i:i + 1] if pairing == "printed" else v)
                z[i] = (1.0 - gamma) * z[i] + gamma * z_aux    # FLA
            xi = rng.standard_normal(n)
            g = x_i - z[i]                             # G_i of §3.1.4, with z̄_i ≈ z^i
            X[i] = (x_i - lam1 * psi_R(g, R1) * dt
                    + sigma1 * D_R_delta(g, R1, delta1) * (np.sqrt(dt) * xi))
            check_finite("X", X[i])

    X_bar = X.mean(axis=0)
    v_bar = v.mean(axis=0)
    x_star = consensus(X, F(X, v_bar[None, :] / c), alpha)
    y_star = consensus(v, G(X_bar[None, :], v / c), beta) / c
    return x_star, y_star, v
