"""Numba kernel of one implicit Scharfetter-Gummel step of the McKean-Vlasov equation (see :mod:`.solver`).

Cell-centred finite volumes x_i, spacing h, no-flux boundaries. With phi = beta U (U the
potential of the step, including the lagged interaction) and D_f = M(x_f)/beta at the faces,
the Scharfetter-Gummel flux between cells i and i+1 is

    J = -(D_f / h) (B(-dphi) p_{i+1} - B(dphi) p_i),   dphi = phi_{i+1} - phi_i,  B(z) = z / (e^z - 1),

which vanishes exactly on the discrete Gibbs state p ~ exp(-phi). Backward Euler gives
(I - dt A) p_new = p_old with A tridiagonal, zero column sums (mass is conserved) and
non-negative off-diagonals (an M-matrix: p_new > 0 whenever p_old >= 0 is nonzero).

Compiled with :data:`mfsweep.numba_policy.strict` (no fastmath: the flags the stored results were
made with).
"""

import numpy as np

from mfsweep.numba_policy import strict


@strict
def bernoulli(z):
    """B(z) = z / (e^z - 1), B(0) = 1; B(z) -> 0 for z -> +inf, -> -z for z -> -inf."""
    if abs(z) < 1e-10:
        return 1.0 - 0.5 * z
    return z / np.expm1(z)


@strict
def implicit_step(p, phi, face_diffusion, inv_h2, dt):
    """p_new solving (I - dt A) p_new = p (Thomas algorithm; the M-matrix needs no pivoting)."""
    n = p.size
    lower = np.zeros(n)  # A[i, i-1]
    upper = np.zeros(n)  # A[i, i+1]
    diag = np.zeros(n)
    for f in range(n - 1):  # face between cells f and f+1
        dphi = phi[f + 1] - phi[f]
        coupling = face_diffusion[f] * inv_h2
        to_left = coupling * bernoulli(-dphi)  # carries p[f+1] into cell f
        to_right = coupling * bernoulli(dphi)  # carries p[f] into cell f+1
        upper[f] = -dt * to_left
        lower[f + 1] = -dt * to_right
        diag[f] += dt * to_right
        diag[f + 1] += dt * to_left
    for i in range(n):
        diag[i] += 1.0
    # forward elimination and back substitution
    c = np.empty(n)
    d = np.empty(n)
    c[0] = upper[0] / diag[0]
    d[0] = p[0] / diag[0]
    for i in range(1, n):
        denominator = diag[i] - lower[i] * c[i - 1]
        c[i] = upper[i] / denominator
        d[i] = (p[i] - lower[i] * d[i - 1]) / denominator
    solution = np.empty(n)
    solution[n - 1] = d[n - 1]
    for i in range(n - 2, -1, -1):
        solution[i] = d[i] - c[i] * solution[i + 1]
    # conservative form: p_new = p - dt (flux differences at p_new). It equals the solution up to the
    # solver's rounding, and its sum telescopes, so mass is conserved to rounding of the fluxes (not
    # amplified by the condition number of large steps); rounding below zero is clipped.
    out = p.copy()
    for f in range(n - 1):
        transfer = -upper[f] * solution[f + 1] + lower[f + 1] * solution[f]  # dt * (net flow f+1 -> f)
        out[f] += transfer
        out[f + 1] -= transfer
    for i in range(n):
        if out[i] < 0.0:
            out[i] = 0.0
    return out
