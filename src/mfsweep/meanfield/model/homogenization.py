"""Homogenized coefficients of a two-scale potential: partial free energy psi (eq. 2.21) and mobility M (eq. 2.16).

With <f>_y = (1/L) int_0^L f(y) dy (L = 2 pi) and the fluctuation V1(x, y):

* psi(x) = -beta^{-1} ln < exp(-beta V1(x, .)) >_y                                   (eq. 2.21)
* M(x)   = 1 / ( < exp(-beta V1) >_y < exp(+beta V1) >_y )                           (eq. 2.16)

Normalisation: eq. (2.21) as printed has int_0^L without the 1/L. We use the normalised mean
<.>_y by default; the two differ by the constant beta^{-1} ln L, which cancels in every
normalised density (R, the variance, critical betas) and shifts the homogenized free energy by a
constant. ``normalized=False`` gives the literal printed constant.

Sign: ``psi_sign="printed"`` (default) is eq. (2.21) as printed, the thermodynamically consistent
choice: exp(-beta psi) = <exp(-beta V1)>_y is exactly the eps -> 0 weak limit of
exp(-beta V1(x, x/eps)), so the homogenized Gibbs density is the limit of the eps-Gibbs density.
``psi_sign="flipped"`` replaces psi by -psi; it is provided only to regenerate the paper's
homogenized case-4 figures (Fig. 5b's flat R, beta ~ 10.4 at theta = 0.5), which match that sign
and not the printed one. M is even in V1 and does not depend on this choice.

Closed forms for V1 = A(x) cos(y): <exp(-/+ beta A cos y)>_y = I0(beta A), so
psi = -beta^{-1} ln I0(beta A), psi' = -A' I1(beta A)/I0(beta A), M = 1/I0(beta A)^2,
M' = -2 beta A' M I1/I0. Everything is computed from ``scipy.special.i0e``/``i1e`` (ln I0(z) =
ln i0e(|z|) + |z|), so beta A = 1250 (beta = 100, a = 5) is finite. Other V1 use an n_y-point
trapezoid rule over one period (spectrally accurate for smooth periodic integrands) with
log-sum-exp.
"""

import numpy as np
from scipy.special import i0e, i1e, logsumexp

from .dynamics import PSI_SIGNS as _SIGN_NAMES
from .potentials import PERIOD, TwoScalePotential

__all__ = [
    "PSI_SIGNS",
    "psi_sign_factor",
    "log_i0",
    "bessel_ratio",
    "log_mean_exp_y",
    "psi",
    "psi_dx",
    "psi_beta_derivative",
    "fast_energy",
    "mobility",
    "mobility_dx",
    "homogenized_potential",
    "homogenized_potential_dx",
]

PSI_SIGNS = dict(zip(_SIGN_NAMES, (1.0, -1.0)))
"""psi_sign option -> factor multiplying eq. (2.21)."""

N_Y_DEFAULT = 256


def psi_sign_factor(psi_sign: str) -> float:
    try:
        return PSI_SIGNS[psi_sign]
    except KeyError:
        raise ValueError(f"psi_sign must be one of {sorted(PSI_SIGNS)}, got {psi_sign!r}") from None


def log_i0(z):
    """ln I0(z), finite for any real z (I0 is even)."""
    az = np.abs(np.asarray(z, dtype=float))
    return np.log(i0e(az)) + az


def bessel_ratio(z):
    """I1(z)/I0(z) (odd in z, |.| < 1), finite for any real z."""
    z = np.asarray(z, dtype=float)
    return i1e(z) / i0e(z)


def _method(potential: TwoScalePotential, method: str) -> str:
    if method == "auto":
        return "closed" if potential.closed_form else "quadrature"
    if method == "closed" and not potential.closed_form:
        raise ValueError(f"V1 {potential.potential.v1.name!r} has no closed form (not A(x) cos(y)); "
                         f"use method='quadrature'")
    if method not in ("closed", "quadrature"):
        raise ValueError(f"method must be 'auto', 'closed' or 'quadrature', got {method!r}")
    return method


def _y_nodes(n_y: int) -> np.ndarray:
    return np.linspace(0.0, PERIOD, int(n_y), endpoint=False)


def _weighted_y_mean(potential, x, c, f, n_y):
    """(<exp(c V1) f>_y / <exp(c V1)>_y) for f(x, y) given as a callable; trapezoid over a period."""
    y = _y_nodes(n_y)
    xx = np.asarray(x, dtype=float)[..., None]
    a = c * potential.v1_value(xx, y)
    a = a - a.max(axis=-1, keepdims=True)
    w = np.exp(a)
    return (w * f(xx, y)).sum(axis=-1) / w.sum(axis=-1)


def log_mean_exp_y(potential: TwoScalePotential, x, c: float, *, method: str = "auto", n_y: int = N_Y_DEFAULT):
    """ln (1/L) int_0^L exp(c V1(x, y)) dy (c = -beta for psi; c = +beta enters M)."""
    x = np.asarray(x, dtype=float)
    if not potential.has_fluctuations:
        return np.zeros_like(x)
    if _method(potential, method) == "closed":
        return log_i0(c * potential.amplitude(x))
    y = _y_nodes(n_y)
    a = c * potential.v1_value(x[..., None], y)
    return logsumexp(np.broadcast_to(a, x.shape + (len(y),)), axis=-1) - np.log(len(y))


def psi(potential: TwoScalePotential, x, beta: float, *, psi_sign: str = "printed", method: str = "auto",
        n_y: int = N_Y_DEFAULT, normalized: bool = True):
    """Partial free energy psi(x) of eq. (2.21) (normalised mean over y unless normalized=False)."""
    s = psi_sign_factor(psi_sign)
    out = -log_mean_exp_y(potential, x, -beta, method=method, n_y=n_y) / beta
    if not normalized and potential.has_fluctuations:
        out = out - np.log(PERIOD) / beta
    return s * out


def psi_dx(potential: TwoScalePotential, x, beta: float, *, psi_sign: str = "printed", method: str = "auto",
           n_y: int = N_Y_DEFAULT, needed_by: str = "psi'(x)"):
    """psi'(x) = <d_x V1>_w with w ~ exp(-beta V1(x, .)) (times the sign factor); away from breakpoints."""
    s = psi_sign_factor(psi_sign)
    x = np.asarray(x, dtype=float)
    if not potential.has_fluctuations:
        return np.zeros_like(x)
    if _method(potential, method) == "closed":
        amp = potential.amplitude(x)
        return -s * potential.amplitude_dx(x, needed_by) * bessel_ratio(beta * amp)
    return s * _weighted_y_mean(potential, x, -beta, _dx(potential, needed_by), n_y)


def _dx(potential, needed_by):
    return lambda x, y: potential.v1_dx(x, y, needed_by)


def fast_energy(potential: TwoScalePotential, x, beta: float, *, method: str = "auto", n_y: int = N_Y_DEFAULT):
    """u(x) = <V1>_w, w ~ exp(-beta V1(x, .)): the mean fast-scale energy, u = d(beta psi)/d beta (printed sign)."""
    x = np.asarray(x, dtype=float)
    if not potential.has_fluctuations:
        return np.zeros_like(x)
    if _method(potential, method) == "closed":
        amp = potential.amplitude(x)
        return -amp * bessel_ratio(beta * amp)
    return _weighted_y_mean(potential, x, -beta, potential.v1_value, n_y)


def psi_beta_derivative(potential: TwoScalePotential, x, beta: float, *, psi_sign: str = "printed",
                        method: str = "auto", n_y: int = N_Y_DEFAULT):
    """d psi / d beta at fixed x: (s u(x) - psi(x)) / beta, where s = sign factor, u = :func:`fast_energy`."""
    s = psi_sign_factor(psi_sign)
    u = fast_energy(potential, x, beta, method=method, n_y=n_y)
    p = psi(potential, x, beta, psi_sign=psi_sign, method=method, n_y=n_y)
    return (s * u - p) / beta


def mobility(potential: TwoScalePotential, x, beta: float, *, method: str = "auto", n_y: int = N_Y_DEFAULT):
    """M(x) of eq. (2.16) (= 1/I0(beta A)^2 for V1 = A cos y, eqs. 4.1-4.2), computed as exp(-sum of logs)."""
    x = np.asarray(x, dtype=float)
    if not potential.has_fluctuations:
        return np.ones_like(x)
    if _method(potential, method) == "closed":
        return np.exp(-2.0 * log_i0(beta * potential.amplitude(x)))
    lm = log_mean_exp_y(potential, x, -beta, method="quadrature", n_y=n_y)
    lp = log_mean_exp_y(potential, x, +beta, method="quadrature", n_y=n_y)
    return np.exp(-lm - lp)


def mobility_dx(potential: TwoScalePotential, x, beta: float, *, method: str = "auto", n_y: int = N_Y_DEFAULT,
                needed_by: str = "M'(x)"):
    """M'(x) = beta M (<d_x V1>_- - <d_x V1>_+), <.>_-/+ weighted by exp(-/+ beta V1); away from breakpoints."""
    x = np.asarray(x, dtype=float)
    if not potential.has_fluctuations:
        return np.zeros_like(x)
    m = mobility(potential, x, beta, method=method, n_y=n_y)
    if _method(potential, method) == "closed":
        amp = potential.amplitude(x)
        return -2.0 * beta * m * potential.amplitude_dx(x, needed_by) * bessel_ratio(beta * amp)
    gm = _weighted_y_mean(potential, x, -beta, _dx(potential, needed_by), n_y)
    gp = _weighted_y_mean(potential, x, +beta, _dx(potential, needed_by), n_y)
    return beta * m * (gm - gp)


def homogenized_potential(potential: TwoScalePotential, x, beta: float, *, psi_sign: str = "printed",
                          method: str = "auto", n_y: int = N_Y_DEFAULT):
    """V0(x) + psi(x): the confining potential of the homogenized Gibbs state (eq. 2.24-2.25)."""
    return potential.v0_value(x) + psi(potential, x, beta, psi_sign=psi_sign, method=method, n_y=n_y)


def homogenized_potential_dx(potential: TwoScalePotential, x, beta: float, *, psi_sign: str = "printed",
                             method: str = "auto", n_y: int = N_Y_DEFAULT, needed_by: str = "V0'(x) + psi'(x)"):
    """V0'(x) + psi'(x)."""
    return potential.v0_derivative(x, needed_by) + psi_dx(potential, x, beta, psi_sign=psi_sign, method=method,
                                                          n_y=n_y, needed_by=needed_by)
