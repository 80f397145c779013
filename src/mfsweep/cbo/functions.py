"""Benchmark functions of Herty, Huang, Kalise & Kouhkouh (2024), eqs. (5.1)-(5.3).

These are the readable numpy definitions, vectorised over leading axes (the last axis
is the dimension d). The numba kernels evaluate the same formulas in fused scalar loops
(:mod:`mfsweep.cbo.kernels.terms`); the tests check that both agree.

All three have their global minimum 0 at x = 0 (the paper's shifted Lévy function, see
:func:`levy`), and so has the sphere function used by the quadratic problems.
"""

import numpy as np

TWO_PI = 2.0 * np.pi


def sphere(u):
    """Sum of squares, sum_i u_i^2 (the quadratic problems of Table 1)."""
    u = np.asarray(u, dtype=float)
    return np.sum(u * u, axis=-1)


def ackley(u):
    """Ackley function, eq. (5.1)."""
    u = np.asarray(u, dtype=float)
    mean_sq = np.mean(u * u, axis=-1)
    mean_cos = np.mean(np.cos(TWO_PI * u), axis=-1)
    return -20.0 * np.exp(-0.2 * np.sqrt(mean_sq)) - np.exp(mean_cos) + np.e + 20.0


def rastrigin(u):
    """Rastrigin function as printed in eq. (5.2): sum_i u_i^2 + 1.5 (1 - cos(2 pi u_i))."""
    u = np.asarray(u, dtype=float)
    return np.sum(u * u + 1.5 * (1.0 - np.cos(TWO_PI * u)), axis=-1)


def levy(u):
    """Lévy function of eq. (5.3), d >= 2, with w_i = 1 + u_i / 4.

    This is the standard Lévy function shifted so that its minimiser is u = 0
    (the textbook version uses w_i = 1 + (u_i - 1)/4 and has its minimum at u = 1).
    The printed last term reads sin^2(2 pi (1 + x_i/4)) with a stray index i; we use
    i = d, the standard form. Every term is >= 0 and all vanish only at u = 0, so the
    minimiser is unique: L(0) = 0.
    """
    u = np.asarray(u, dtype=float)
    if u.shape[-1] < 2:
        raise ValueError(f"levy needs dimension d >= 2, got d = {u.shape[-1]}")
    w = 1.0 + u / 4.0
    head = np.sin(np.pi * w[..., 0]) ** 2
    body = np.sum((w[..., :-1] - 1.0) ** 2 * (1.0 + 10.0 * np.sin(np.pi * w[..., :-1] + 1.0) ** 2), axis=-1)
    tail = (w[..., -1] - 1.0) ** 2 * (1.0 + np.sin(TWO_PI * w[..., -1]) ** 2)
    return head + body + tail


#: Name -> numpy function. The integer code of each name (its position) is how the term rows of
#: :class:`mfsweep.cbo.objectives.Objective` name their function for the kernels
#: (:func:`mfsweep.cbo.kernels.terms.term_value`); the order is part of that contract.
FUNCTIONS = {"sphere": sphere, "ackley": ackley, "rastrigin": rastrigin, "levy": levy}
FUNCTION_CODES = {name: code for code, name in enumerate(FUNCTIONS)}
