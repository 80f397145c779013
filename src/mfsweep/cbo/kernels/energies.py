"""What the kernels ask of an objective, for term arrays and for user functions alike.

Each function below takes the objective as its first argument: either a term array
(:mod:`mfsweep.cbo.kernels.terms`, the fast path: the very functions of that module are called) or a
user function, a numba first-class function of one, two or three float64 vectors (see
:mod:`mfsweep.cbo.kernels.compiled`). Numba picks the implementation by the argument's type when it
compiles a kernel, so one kernel loop serves both and the term path compiles to what it was.

A user function cannot be split into terms, so it counts as one term that involves every variable
it takes: a function of x alone is an x-only term (single-level CBO), F(x, y) and F(x, y, r) couple
all their variables. Its energies are therefore its full values, never a cached or dropped part.
"""

from numba import types
from numba.extending import overload

from mfsweep.cbo.kernels import terms
from mfsweep.cbo.kernels.terms import ALL, COUPLED, R_BIT, X_BIT, X_ONLY, Y_BIT, Y_ONLY  # noqa: F401 (re-exported)
from mfsweep.numba_policy import FAST_OPTIONS

#: Compiled into the calling kernel (inline at numba-IR level), with its flags.
_OVERLOAD = {"inline": "always", "jit_options": {k: v for k, v in FAST_OPTIONS.items() if k != "cache"}}


def _arity(fn):
    """The number of vector arguments of a user function type, or None for a term array."""
    if isinstance(fn, types.Array):
        return None
    if isinstance(fn, types.FunctionType):
        return fn.nargs
    raise TypeError(f"an objective must be a term array or a first-class function, got {fn}")


def objective(F, xy, x, y, part):
    """The ``part`` (ALL, X_ONLY, Y_ONLY or COUPLED) of a two-variable objective at (x, y)."""


def add_energies(F, xy, points, fixed, points_are_x, with_single, out):
    """out[k] += the parts of F coupling x and y (and with ``with_single`` the points' own part) at (points[k], fixed)."""


def coupled_energies(F, xy, points, points_t, fixed_rows, base, out):
    """out[t, k] = base[k] + the part of F coupling x and y at (points[k], fixed_rows[t])."""


def is_coupled(F, xy):
    """Whether F depends on x and y jointly."""


def add_energies3(F, points, x, y, r, moving, exclude, require, out):
    """out[k] += the terms of a three-variable F at points[k] involving ``moving``, none of ``exclude``, one of ``require``."""


def involves(F, moving, other):
    """Whether a term of F involves both ``moving`` and one of ``other`` (bit masks)."""


@overload(objective, **_OVERLOAD)
def _objective(F, xy, x, y, part):
    nargs = _arity(F)
    if nargs is None:
        return lambda F, xy, x, y, part: terms.objective(F, xy, x, y, part)
    if nargs == 1:
        return lambda F, xy, x, y, part: F(x) if part == ALL or part == X_ONLY else 0.0
    return lambda F, xy, x, y, part: F(x, y) if part == ALL or part == COUPLED else 0.0


@overload(add_energies, **_OVERLOAD)
def _add_energies(F, xy, points, fixed, points_are_x, with_single, out):
    def x_only_impl(F, xy, points, fixed, points_are_x, with_single, out):
        if points_are_x and with_single:
            for k in range(points.shape[0]):
                out[k] += F(points[k])

    def pair_impl(F, xy, points, fixed, points_are_x, with_single, out):
        for k in range(points.shape[0]):
            out[k] += F(points[k], fixed) if points_are_x else F(fixed, points[k])

    return _by_arity(F, lambda F, xy, points, fixed, points_are_x, with_single, out: terms.add_energies(
        F, xy, points, fixed, points_are_x, with_single, out), x_only_impl, pair_impl)


@overload(coupled_energies, **_OVERLOAD)
def _coupled_energies(F, xy, points, points_t, fixed_rows, base, out):
    def x_only_impl(F, xy, points, points_t, fixed_rows, base, out):  # nothing couples
        for t in range(out.shape[0]):
            out[t] = base

    def pair_impl(F, xy, points, points_t, fixed_rows, base, out):
        for t in range(out.shape[0]):
            for k in range(out.shape[1]):
                out[t, k] = base[k] + F(points[k], fixed_rows[t])

    return _by_arity(F, lambda F, xy, points, points_t, fixed_rows, base, out: terms.coupled_energies(
        F, xy, points, points_t, fixed_rows, base, out), x_only_impl, pair_impl)


def _by_arity(F, terms_impl, x_only_impl, pair_impl):
    """The implementation for F: ``terms_impl`` (F a term array), ``x_only_impl`` (f(x)) or ``pair_impl`` (F(x, y))."""
    return {None: terms_impl, 1: x_only_impl}.get(_arity(F), pair_impl)


@overload(is_coupled, **_OVERLOAD)
def _is_coupled(F, xy):
    nargs = _arity(F)
    if nargs is None:
        return lambda F, xy: terms.is_coupled(F, xy)
    return lambda F, xy: nargs == 2


@overload(add_energies3, **_OVERLOAD)
def _add_energies3(F, points, x, y, r, moving, exclude, require, out):
    if _arity(F) is None:
        def term_impl(F, points, x, y, r, moving, exclude, require, out):
            terms.add_energies3(F, points, x, y, r, moving, exclude, require, out)
        return term_impl

    def function_impl(F, points, x, y, r, moving, exclude, require, out):
        if exclude != 0:  # the function involves every variable, so also an excluded one
            return
        for k in range(points.shape[0]):
            if moving == X_BIT:
                out[k] += F(points[k], y, r)
            elif moving == Y_BIT:
                out[k] += F(x, points[k], r)
            else:
                out[k] += F(x, y, points[k])
    return function_impl


@overload(involves, **_OVERLOAD)
def _involves(F, moving, other):
    if _arity(F) is None:
        return lambda F, moving, other: terms.involves(F, moving, other)
    return lambda F, moving, other: True
