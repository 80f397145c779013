"""Two-scale confining potentials V^eps(x) = V0(x) + V1(x, x/eps) (Gomes & Pavliotis 2017, eqs. 1.11, 2.7).

A potential is a plain object, never a registration: a :class:`Potential` pairs a large-scale
part :class:`V0` with a fluctuation, L-periodic in the fast variable y = x/eps (L = 2 pi):

* :class:`V1`: a general V1(x, y) from its value (and, where a method needs them, its partial
  derivatives in x and y); homogenized by quadrature over one period;
* :class:`AmplitudeV1`: V1(x, y) = A(x) cos(y) from A and A'; then
  (1/2pi) int_0^{2pi} exp(-/+ beta A cos y) dy = I0(beta A) and psi, M have closed forms;
* :data:`NONE`: V1 = 0.

Every function is numpy-vectorised (broadcasting). It may take the keyword parameters
``delta`` (fluctuation strength) and ``a`` (truncation of the nonseparable fluctuation), which the
methods pass from their parameters (:mod:`mfsweep.meanfield.common`); it receives only those it
names (or all if it takes ``**kwargs``). Derivatives are optional: a method that needs one and
does not get it raises :class:`MissingDerivativeError` naming it (the particle drift needs V0' and
the partial derivatives of V1; the stationary solver and the PDE need values only, their a-priori
lattice estimate falls back on finite differences). ``symmetric=True`` declares V0(-x) = V0(x)
(V1(-x, -y) = V1(x, y)); the solvers then use R(-m) = -R(m), so it defaults to False for user
objects. Jumps of V1 in x are declared as ``breakpoints`` (numbers, or a function of the
parameters) so that the quadrature puts a node on each side.

Built in (Table 1 of the paper), read-only: :data:`V0_TABLE` (``quadratic`` x^2/2, ``bistable``
x^4/4 - x^2/2), :data:`V1_TABLE` (``none``, ``separable`` delta cos y, ``nonseparable``
delta chi_[-a,a](x) (x^2/2) cos y, chi the closed interval) and :data:`CASES` (``case1``-``case4``).
:func:`potential` resolves a name (``caseN``, ``V0+V1`` from the tables), a :class:`Potential`
or an import path ``"package.module:name"`` of one (how a user potential reaches process-based
dask workers).
"""

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from mfsweep import userfunc

__all__ = ["PERIOD", "PARAMETERS", "MissingDerivativeError", "V0", "V1", "AmplitudeV1", "NONE", "Potential",
           "TwoScalePotential", "V0_TABLE", "V1_TABLE", "CASES", "potential", "names"]

PERIOD = 2.0 * np.pi
"""Period L of the fluctuations in the fast variable y (the paper uses L = 2 pi throughout)."""

PARAMETERS = ("delta", "a")
"""Keyword parameters the methods hand to the potential's functions."""


class MissingDerivativeError(ValueError):
    """A method needs a derivative that the potential was not given."""


@functools.lru_cache(maxsize=None)
def _keywords(fn):
    """The names of :data:`PARAMETERS` that ``fn`` accepts (all of them if it takes ``**kwargs``)."""
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):  # builtins without a signature (numpy ufuncs): no parameters
        return ()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return PARAMETERS
    names = {p.name for p in parameters if p.kind is not inspect.Parameter.VAR_POSITIONAL}
    return tuple(name for name in PARAMETERS if name in names)


def _call(fn, params, *args):
    try:
        keywords = _keywords(fn)
    except TypeError:  # an unhashable callable: not cached
        keywords = _keywords.__wrapped__(fn)
    return fn(*args, **{name: params[name] for name in keywords})


def _missing(what, name, needed_by):
    return MissingDerivativeError(f"{what} of {name!r} is needed by {needed_by} but was not given: pass it to the "
                                  f"potential's constructor")


@dataclass(frozen=True, eq=False)
class V0:
    """Large-scale (confining) potential V0: ``value(x)`` and, optionally, ``derivative(x)``."""

    value: Callable
    derivative: Callable | None = None
    name: str = "V0"
    symmetric: bool = False


@dataclass(frozen=True, eq=False)
class V1:
    """General fluctuation V1(x, y), L-periodic in y: ``value(x, y)``, optional ``dx`` and ``dy``.

    ``separable``: V1 does not depend on x (psi and M are constants); ``bound(x)``: an upper bound
    of sup_y |V1(x, y)| (used only to choose the truncated quadrature domain; sampled on 64 y
    when not given).
    """

    value: Callable
    dx: Callable | None = None
    dy: Callable | None = None
    name: str = "V1"
    symmetric: bool = False
    separable: bool = False
    breakpoints: tuple | Callable = ()
    bound: Callable | None = None
    trivial = False  # V1 == 0 (only NONE)
    closed_form = False  # not A(x) cos(y)


@dataclass(frozen=True, eq=False)
class AmplitudeV1:
    """V1(x, y) = A(x) cos(y) from ``amplitude`` A(x) and, optionally, ``amplitude_dx`` A'(x).

    ``symmetric`` should be True iff A is even (then V1(-x, -y) = V1(x, y)).
    """

    amplitude: Callable
    amplitude_dx: Callable | None = None
    name: str = "A(x) cos(y)"
    symmetric: bool = False
    separable: bool = False
    breakpoints: tuple | Callable = ()
    trivial = False
    closed_form = True


def _zero(x, y):
    return np.zeros(np.broadcast(np.asarray(x), np.asarray(y)).shape)


class _NoFluctuation(V1):
    trivial = True


NONE = _NoFluctuation(_zero, _zero, _zero, name="none", symmetric=True, separable=True)
"""V1 = 0."""


@dataclass(frozen=True, eq=False)
class Potential:
    """A two-scale potential V0 + V1 (eq. 2.7): the ``problem`` every mean-field method takes."""

    v0: V0
    v1: V1 | AmplitudeV1 = NONE
    name: str | None = None

    def __post_init__(self):
        if not isinstance(self.v0, V0):
            raise TypeError(f"Potential: v0 must be a V0, got {self.v0!r}")
        if not isinstance(self.v1, (V1, AmplitudeV1)):
            raise TypeError(f"Potential: v1 must be a V1 or an AmplitudeV1, got {self.v1!r}")
        if self.name is None:
            object.__setattr__(self, "name", f"{self.v0.name}+{self.v1.name}")

    def without_fluctuations(self):
        """The same V0 with V1 = 0."""
        return Potential(self.v0, NONE, f"{self.v0.name}+none")

    def with_parameters(self, delta=1.0, a=5.0):
        """The potential with its parameters delta and a set (what the solvers evaluate)."""
        return TwoScalePotential(self, float(delta), float(a))


@dataclass(frozen=True)
class TwoScalePotential:
    """V^eps(x) = V0(x) + V1(x, x/eps) of a :class:`Potential` at fixed delta and a.

    The scale separation eps is not part of it: it belongs to the dynamics
    (:class:`~mfsweep.meanfield.model.dynamics.Full`) and is an argument of :meth:`value` and
    :meth:`derivative`.
    """

    potential: Potential
    delta: float = 1.0
    a: float = 5.0

    @property
    def name(self):
        return self.potential.name

    @property
    def params(self):
        """Keyword parameters handed to the potential's functions."""
        return {"delta": float(self.delta), "a": float(self.a)}

    @property
    def has_fluctuations(self):
        return not self.potential.v1.trivial

    @property
    def separable(self):
        return self.potential.v1.separable

    @property
    def symmetric(self):
        """V^eps(-x) == V^eps(x) (and V0 + psi even): then R(-m) = -R(m)."""
        return self.potential.v0.symmetric and self.potential.v1.symmetric

    @property
    def closed_form(self):
        """True when V1 = A(x) cos(y): psi and M have closed forms in terms of I0."""
        return self.potential.v1.closed_form

    @property
    def breakpoints(self):
        """x where V1 (hence V^eps and psi) jumps."""
        if not self.has_fluctuations:
            return ()
        points = self.potential.v1.breakpoints
        points = _call(points, self.params) if callable(points) else points
        return tuple(sorted(float(b) for b in points))

    def without_fluctuations(self):
        return TwoScalePotential(self.potential.without_fluctuations(), self.delta, self.a)

    # --- pieces ---------------------------------------------------------------------------------
    def v0_value(self, x):
        return _call(self.potential.v0.value, self.params, np.asarray(x, dtype=float))

    def v0_derivative(self, x, needed_by="this method"):
        v0 = self.potential.v0
        if v0.derivative is None:
            raise _missing("the derivative V0'(x)", v0.name, needed_by)
        return _call(v0.derivative, self.params, np.asarray(x, dtype=float))

    def v1_value(self, x, y):
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        v1 = self.potential.v1
        if v1.closed_form:
            return _call(v1.amplitude, self.params, x) * np.cos(y)
        return _call(v1.value, self.params, x, y)

    def v1_dx(self, x, y, needed_by="this method"):
        """d_x V1(x, y) at fixed y (away from breakpoints)."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        v1 = self.potential.v1
        if v1.closed_form:
            return self._raw_amplitude_dx(x, needed_by) * np.cos(y)
        if v1.dx is None:
            raise _missing("the partial derivative d_x V1(x, y)", v1.name, needed_by)
        return _call(v1.dx, self.params, x, y)

    def v1_dy(self, x, y, needed_by="this method"):
        """d_y V1(x, y)."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        v1 = self.potential.v1
        if v1.closed_form:
            return -_call(v1.amplitude, self.params, x) * np.sin(y)
        if v1.dy is None:
            raise _missing("the partial derivative d_y V1(x, y)", v1.name, needed_by)
        return _call(v1.dy, self.params, x, y)

    def _raw_amplitude_dx(self, x, needed_by):
        v1 = self.potential.v1
        if v1.amplitude_dx is None:
            raise _missing("the derivative A'(x) of the amplitude", v1.name, needed_by)
        return _call(v1.amplitude_dx, self.params, x)

    def amplitude(self, x):
        """A(x) for V1 = A(x) cos(y) (a TypeError for other fluctuations)."""
        return self._amplitude_part(lambda v1, z: _call(v1.amplitude, self.params, z), x)

    def amplitude_dx(self, x, needed_by="this method"):
        """A'(x) for V1 = A(x) cos(y)."""
        return self._amplitude_part(lambda v1, z: self._raw_amplitude_dx(z, needed_by), x)

    def _amplitude_part(self, fn, x):
        v1 = self.potential.v1
        if not v1.closed_form:
            raise TypeError(f"V1 {v1.name!r} is not of the form A(x) cos(y)")
        x = np.asarray(x, dtype=float)
        return np.broadcast_to(fn(v1, x), x.shape).astype(float)

    def fluctuation_bound(self, x, n_y=64):
        """Upper bound of sup_y |V1(x, y)| (exact for A(x) cos y, sampled on n_y points otherwise)."""
        x = np.asarray(x, dtype=float)
        v1 = self.potential.v1
        if v1.trivial:
            return np.zeros_like(x)
        if v1.closed_form:
            return np.abs(self.amplitude(x))
        if v1.bound is not None:
            return np.broadcast_to(np.asarray(_call(v1.bound, self.params, x), dtype=float), x.shape).copy()
        y = np.linspace(0.0, PERIOD, n_y, endpoint=False)
        return np.broadcast_to(np.abs(self.v1_value(x[..., None], y)), x.shape + (n_y,)).max(axis=-1)

    # --- full two-scale potential -------------------------------------------------------------
    def value(self, x, eps):
        """V^eps(x) = V0(x) + V1(x, x/eps)."""
        x = np.asarray(x, dtype=float)
        v = self.v0_value(x)
        if self.has_fluctuations:
            v = v + self.v1_value(x, x / eps)
        return v

    def derivative(self, x, eps, needed_by="this method"):
        """d/dx V^eps(x) = V0'(x) + d_x V1(x, x/eps) + d_y V1(x, x/eps)/eps (away from breakpoints)."""
        x = np.asarray(x, dtype=float)
        d = self.v0_derivative(x, needed_by)
        if self.has_fluctuations:
            y = x / eps
            d = d + self.v1_dx(x, y, needed_by) + self.v1_dy(x, y, needed_by) / eps
        return d


# ---------------------------------------------------------------------------------------------
# Built-in entries (Table 1)
# ---------------------------------------------------------------------------------------------


def _quadratic(x):
    return 0.5 * np.asarray(x, dtype=float) ** 2


def _quadratic_dx(x):
    return np.asarray(x, dtype=float) * 1.0


def _bistable(x):
    x = np.asarray(x, dtype=float)
    x2 = x * x
    return 0.25 * x2 * x2 - 0.5 * x2


def _bistable_dx(x):
    x = np.asarray(x, dtype=float)
    return x * x * x - x


def _separable_amplitude(x, delta):
    return np.full(np.shape(x), float(delta))


def _separable_amplitude_dx(x):
    return np.zeros(np.shape(x))


def _chi(x, a):
    return (np.abs(np.asarray(x, dtype=float)) <= a).astype(float)


def _nonseparable_amplitude(x, delta, a):
    x = np.asarray(x, dtype=float)
    return delta * _chi(x, a) * 0.5 * x * x


def _nonseparable_amplitude_dx(x, delta, a):
    # derivative away from the jumps at |x| = a (the jumps are declared as breakpoints)
    x = np.asarray(x, dtype=float)
    return delta * _chi(x, a) * x


def _nonseparable_breakpoints(a):
    return (-float(a), float(a))


QUADRATIC = V0(_quadratic, _quadratic_dx, name="quadratic", symmetric=True)
BISTABLE = V0(_bistable, _bistable_dx, name="bistable", symmetric=True)
SEPARABLE = AmplitudeV1(_separable_amplitude, _separable_amplitude_dx, name="separable", symmetric=True,
                        separable=True)
NONSEPARABLE = AmplitudeV1(_nonseparable_amplitude, _nonseparable_amplitude_dx, name="nonseparable", symmetric=True,
                           breakpoints=_nonseparable_breakpoints)

V0_TABLE = MappingProxyType({"quadratic": QUADRATIC, "bistable": BISTABLE})
"""The built-in large-scale potentials (read-only)."""
V1_TABLE = MappingProxyType({"none": NONE, "separable": SEPARABLE, "nonseparable": NONSEPARABLE})
"""The built-in fluctuations (read-only)."""
CASES = MappingProxyType({
    "case1": Potential(QUADRATIC, SEPARABLE, "case1"),
    "case2": Potential(QUADRATIC, NONSEPARABLE, "case2"),
    "case3": Potential(BISTABLE, SEPARABLE, "case3"),
    "case4": Potential(BISTABLE, NONSEPARABLE, "case4"),
})
"""Table 1 of the paper (read-only)."""


def names():
    """Every built-in name: the Table-1 cases and every ``V0+V1`` of the tables."""
    return [*CASES, *(f"{v0}+{v1}" for v0 in V0_TABLE for v1 in V1_TABLE)]


def potential(problem, where="problem"):
    """The :class:`Potential` named by ``problem``: a Potential, ``caseN``, ``V0+V1`` or ``"package.module:name"``.

    A ValueError names ``where`` and the allowed built-in names.
    """
    if isinstance(problem, Potential):
        return problem
    if isinstance(problem, str):
        if problem in CASES:
            return CASES[problem]
        v0, plus, v1 = problem.partition("+")
        if plus and v0 in V0_TABLE and v1 in V1_TABLE:
            return Potential(V0_TABLE[v0], V1_TABLE[v1], problem)
        if userfunc.is_import_path(problem):
            found = userfunc.resolve(problem, where)
            if not isinstance(found, Potential):
                raise ValueError(f"{where} {problem!r}: expected a mfsweep.meanfield.model.Potential, got "
                                 f"{type(found).__name__}")
            return found
    raise ValueError(f"{where}: unknown case {problem!r}; allowed: {', '.join(names())}, a Potential, or "
                     f"'package.module:name' of one")


def label(problem):
    """The text that names ``problem`` in datasets: its name, or the import path it was given by."""
    if isinstance(problem, str):
        return problem
    return problem.name

