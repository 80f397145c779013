"""A user's own two-scale potential, as a user writes it: plain numpy callables, no registration.

V0(x) = x^4/4 - x^2 (a double well that is not in Table 1) and the general fluctuation
V1(x, y) = delta cos(y) / (1 + x^2) (not of the form A(x) cos y as declared: psi and M by quadrature).
Importable as ``"user_potentials:QUARTIC_COSINE"`` (how it reaches process-based workers).
"""

import numpy as np

from mfsweep.meanfield.model import V0, V1, Potential


def v0(x):
    return 0.25 * x**4 - x**2


def v0_dx(x):
    return x**3 - 2.0 * x


def v1(x, y, delta):
    return delta * np.cos(y) / (1.0 + x**2)


def v1_dx(x, y, delta):
    return -2.0 * delta * x * np.cos(y) / (1.0 + x**2) ** 2


def v1_dy(x, y, delta):
    return -delta * np.sin(y) / (1.0 + x**2)


QUARTIC_COSINE = Potential(V0(v0, v0_dx, name="quartic", symmetric=True),
                           V1(v1, v1_dx, v1_dy, name="cosine", symmetric=True), name="quartic_cosine")
NO_DERIVATIVES = Potential(V0(v0, name="quartic", symmetric=True), V1(v1, name="cosine", symmetric=True),
                           name="quartic_cosine_values_only")
