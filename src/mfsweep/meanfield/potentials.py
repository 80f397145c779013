"""Two-scale confining potentials V^eps(x) = V0(x) + V1(x, x/eps) of Gomes & Pavliotis (2017).

Large-scale parts V0 and fluctuations V1 live in two small registries, so a new potential is
added by registering a function pair; the solvers (:mod:`.homogenization`,
:mod:`.selfconsistency`) only talk to :class:`TwoScalePotential`.

Built in (Table 1 of the paper, period L = 2 pi in the fast variable y = x/eps):

* V0: ``"quadratic"`` x^2/2, ``"bistable"`` x^4/4 - x^2/2.
* V1: ``"none"`` 0, ``"separable"`` delta cos(y),
  ``"nonseparable"`` delta chi_[-a,a](x) (x^2/2) cos(y).

Fluctuations of the form V1(x, y) = A(x) cos(y) are registered through their amplitude A(x)
(:func:`register_amplitude_v1`); for them (1/2pi) int_0^{2pi} exp(-/+ beta A cos y) dy = I0(beta A)
and the homogenized coefficients have closed forms. Any other V1 (:func:`register_v1`) is
homogenized by quadrature over one period.

Function conventions (all numpy-vectorised, broadcasting):

* V0 entry: ``value(x)``, ``derivative(x)``.
* V1 entry: ``value(x, y, **params)``, ``dx(x, y, **params)`` (partial in x at fixed y),
  ``dy(x, y, **params)``; amplitude entries: ``amplitude(x, **params)``,
  ``amplitude_dx(x, **params)``. ``params`` are the potential's parameters (``delta``, ``a`` and
  any ``extra`` ones); entries must accept and ignore parameters they do not use (``**_``).

The indicator chi_[-a,a] is the closed interval (chi(+-a) = 1); the discontinuities at x = +-a are
declared as *breakpoints* so the quadrature in :mod:`.selfconsistency` puts a node on each side.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "PERIOD",
    "LargeScale",
    "Fluctuation",
    "TwoScalePotential",
    "TABLE1_CASES",
    "register_v0",
    "register_v1",
    "register_amplitude_v1",
    "get_v0",
    "get_v1",
    "available_v0",
    "available_v1",
    "case",
]

PERIOD = 2.0 * np.pi
"""Period L of the fluctuations in the fast variable y (the paper uses L = 2 pi throughout)."""


def _zero_breakpoints(**_):
    return ()


@dataclass(frozen=True)
class LargeScale:
    """Registry entry for a large-scale (confining) potential V0."""

    name: str
    value: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]
    symmetric: bool = True  # V0(-x) == V0(x)


@dataclass(frozen=True)
class Fluctuation:
    """Registry entry for a fluctuation V1(x, y), L-periodic in y.

    ``amplitude``/``amplitude_dx`` are set for V1 = A(x) cos(y) (closed-form homogenization);
    ``bound(x, **params)`` is an upper bound of sup_y |V1(x, y)| (used only to choose the
    truncated domain; estimated by sampling y when not given); ``breakpoints(**params)`` lists
    the x where V1 jumps.
    """

    name: str
    value: Callable[..., np.ndarray]
    dx: Callable[..., np.ndarray]
    dy: Callable[..., np.ndarray]
    amplitude: Callable[..., np.ndarray] | None = None
    amplitude_dx: Callable[..., np.ndarray] | None = None
    separable: bool = False  # V1 independent of x  =>  psi and M are constants
    symmetric: bool = True  # V1(-x, -y) == V1(x, y)
    trivial: bool = False  # V1 == 0
    breakpoints: Callable[..., tuple] = _zero_breakpoints
    bound: Callable[..., np.ndarray] | None = None

    @property
    def closed_form(self) -> bool:
        """True when V1 = A(x) cos(y), i.e. psi and M have closed forms in terms of I0."""
        return self.amplitude is not None

    def sup_abs(self, x, n_y: int = 64, **params) -> np.ndarray:
        """sup_y |V1(x, y)| (exact for amplitude entries, sampled on n_y points otherwise)."""
        x = np.asarray(x, dtype=float)
        if self.trivial:
            return np.zeros_like(x)
        if self.bound is not None:
            return np.broadcast_to(np.asarray(self.bound(x, **params), dtype=float), x.shape).copy()
        if self.amplitude is not None:
            return np.abs(np.broadcast_to(self.amplitude(x, **params), x.shape)).astype(float)
        y = np.linspace(0.0, PERIOD, n_y, endpoint=False)
        vals = np.abs(self.value(x[..., None], y, **params))
        return np.broadcast_to(vals, x.shape + (n_y,)).max(axis=-1)


_V0: dict[str, LargeScale] = {}
_V1: dict[str, Fluctuation] = {}


def register_v0(name: str, value, derivative, *, symmetric: bool = True, overwrite: bool = False) -> LargeScale:
    """Register a large-scale potential V0 (value and derivative, vectorised in x)."""
    if name in _V0 and not overwrite:
        raise ValueError(f"V0 {name!r} already registered (pass overwrite=True to replace it)")
    entry = LargeScale(name, value, derivative, symmetric)
    _V0[name] = entry
    return entry


def register_v1(
    name: str,
    value,
    dx,
    dy,
    *,
    amplitude=None,
    amplitude_dx=None,
    separable: bool = False,
    symmetric: bool = True,
    breakpoints=None,
    bound=None,
    trivial: bool = False,
    overwrite: bool = False,
) -> Fluctuation:
    """Register a general fluctuation V1(x, y) (2 pi-periodic in y): value, d/dx, d/dy."""
    if name in _V1 and not overwrite:
        raise ValueError(f"V1 {name!r} already registered (pass overwrite=True to replace it)")
    if (amplitude is None) != (amplitude_dx is None):
        raise ValueError("give both amplitude and amplitude_dx, or neither")
    entry = Fluctuation(
        name=name, value=value, dx=dx, dy=dy, amplitude=amplitude, amplitude_dx=amplitude_dx,
        separable=separable, symmetric=symmetric, trivial=trivial,
        breakpoints=breakpoints if breakpoints is not None else _zero_breakpoints, bound=bound,
    )
    _V1[name] = entry
    return entry


def register_amplitude_v1(
    name: str,
    amplitude,
    amplitude_dx,
    *,
    separable: bool = False,
    symmetric: bool = True,
    breakpoints=None,
    overwrite: bool = False,
) -> Fluctuation:
    """Register V1(x, y) = A(x) cos(y) from its amplitude A(x) and A'(x) (closed-form homogenization).

    ``symmetric`` should be True iff A is even (then V1(-x, -y) = V1(x, y)).
    """

    def value(x, y, **p):
        return amplitude(x, **p) * np.cos(y)

    def dx(x, y, **p):
        return amplitude_dx(x, **p) * np.cos(y)

    def dy(x, y, **p):
        return -amplitude(x, **p) * np.sin(y)

    return register_v1(
        name, value, dx, dy, amplitude=amplitude, amplitude_dx=amplitude_dx, separable=separable,
        symmetric=symmetric, breakpoints=breakpoints, overwrite=overwrite,
    )


def get_v0(name: str) -> LargeScale:
    try:
        return _V0[name]
    except KeyError:
        raise KeyError(f"unknown V0 {name!r}; registered: {sorted(_V0)}") from None


def get_v1(name: str) -> Fluctuation:
    try:
        return _V1[name]
    except KeyError:
        raise KeyError(f"unknown V1 {name!r}; registered: {sorted(_V1)}") from None


def available_v0() -> list[str]:
    return sorted(_V0)


def available_v1() -> list[str]:
    return sorted(_V1)


# ---------------------------------------------------------------------------------------------
# Built-in entries (Table 1)
# ---------------------------------------------------------------------------------------------

register_v0("quadratic", lambda x: 0.5 * np.asarray(x, dtype=float) ** 2, lambda x: np.asarray(x, dtype=float) * 1.0)


def _bistable(x):
    x = np.asarray(x, dtype=float)
    x2 = x * x
    return 0.25 * x2 * x2 - 0.5 * x2


def _bistable_dx(x):
    x = np.asarray(x, dtype=float)
    return x * x * x - x


register_v0("bistable", _bistable, _bistable_dx)


def _zero(x, y, **_):
    return np.zeros(np.broadcast(np.asarray(x), np.asarray(y)).shape)


register_v1("none", _zero, _zero, _zero, separable=True, trivial=True)


def _sep_amp(x, delta=1.0, **_):
    return np.full(np.shape(x), float(delta))


def _sep_amp_dx(x, **_):
    return np.zeros(np.shape(x))


register_amplitude_v1("separable", _sep_amp, _sep_amp_dx, separable=True)


def _chi(x, a):
    return (np.abs(np.asarray(x, dtype=float)) <= a).astype(float)


def _nonsep_amp(x, delta=1.0, a=5.0, **_):
    x = np.asarray(x, dtype=float)
    return delta * _chi(x, a) * 0.5 * x * x


def _nonsep_amp_dx(x, delta=1.0, a=5.0, **_):
    # derivative away from the jumps at |x| = a (the jumps are declared as breakpoints)
    x = np.asarray(x, dtype=float)
    return delta * _chi(x, a) * x


register_amplitude_v1(
    "nonseparable", _nonsep_amp, _nonsep_amp_dx, separable=False,
    breakpoints=lambda a=5.0, **_: (-float(a), float(a)),
)


# ---------------------------------------------------------------------------------------------
# The potential object
# ---------------------------------------------------------------------------------------------

TABLE1_CASES: Mapping[int, tuple[str, str]] = {
    1: ("quadratic", "separable"),
    2: ("quadratic", "nonseparable"),
    3: ("bistable", "separable"),
    4: ("bistable", "nonseparable"),
}
"""Table 1 of the paper: case number -> (V0 name, V1 name)."""


@dataclass(frozen=True)
class TwoScalePotential:
    """V^eps(x) = V0(x) + V1(x, x/eps) (eq. 1.11/2.7) with registry names for V0 and V1.

    ``delta`` (fluctuation strength), ``a`` (truncation of the nonseparable fluctuation) and
    ``extra`` (a tuple of ``(name, value)`` pairs for user-registered entries) are passed as
    keyword parameters to the V1 functions. ``eps`` is the scale separation (unused by the
    homogenized problem).
    """

    v0: str = "bistable"
    v1: str = "none"
    delta: float = 1.0
    a: float = 5.0
    eps: float = 0.1
    extra: tuple = field(default=())

    def __post_init__(self):
        get_v0(self.v0)
        get_v1(self.v1)
        if not self.eps > 0:
            raise ValueError(f"eps must be > 0, got {self.eps}")

    # --- constructors ------------------------------------------------------------------------
    @classmethod
    def case(cls, n: int, **params) -> TwoScalePotential:
        """Table-1 case n in {1, 2, 3, 4}; params: delta, a, eps, extra."""
        try:
            v0, v1 = TABLE1_CASES[int(n)]
        except KeyError:
            raise ValueError(f"Table 1 has cases 1-4, got {n!r}") from None
        return cls(v0=v0, v1=v1, **params)

    def without_fluctuations(self) -> TwoScalePotential:
        """Same V0 with V1 = 0."""
        return TwoScalePotential(v0=self.v0, v1="none", delta=self.delta, a=self.a, eps=self.eps, extra=self.extra)

    # --- registry access -------------------------------------------------------------------
    @property
    def large_scale(self) -> LargeScale:
        return get_v0(self.v0)

    @property
    def fluctuation(self) -> Fluctuation:
        return get_v1(self.v1)

    @property
    def params(self) -> dict:
        """Keyword parameters handed to the V1 functions."""
        return {"delta": float(self.delta), "a": float(self.a), **dict(self.extra)}

    @property
    def has_fluctuations(self) -> bool:
        return not self.fluctuation.trivial

    @property
    def separable(self) -> bool:
        return self.fluctuation.separable

    @property
    def symmetric(self) -> bool:
        """V^eps(-x) == V^eps(x) (and V0 + psi even): then R(-m) = -R(m)."""
        return self.large_scale.symmetric and self.fluctuation.symmetric

    @property
    def closed_form(self) -> bool:
        return self.fluctuation.closed_form

    @property
    def breakpoints(self) -> tuple:
        """x where V1 (hence V^eps and psi) jumps."""
        if not self.has_fluctuations:
            return ()
        return tuple(sorted(float(b) for b in self.fluctuation.breakpoints(**self.params)))

    # --- pieces ---------------------------------------------------------------------------------
    def v0_value(self, x):
        return self.large_scale.value(np.asarray(x, dtype=float))

    def v0_derivative(self, x):
        return self.large_scale.derivative(np.asarray(x, dtype=float))

    def v1_value(self, x, y):
        return self.fluctuation.value(np.asarray(x, dtype=float), np.asarray(y, dtype=float), **self.params)

    def v1_dx(self, x, y):
        return self.fluctuation.dx(np.asarray(x, dtype=float), np.asarray(y, dtype=float), **self.params)

    def v1_dy(self, x, y):
        return self.fluctuation.dy(np.asarray(x, dtype=float), np.asarray(y, dtype=float), **self.params)

    def amplitude(self, x):
        """A(x) for V1 = A(x) cos(y) (a TypeError for other fluctuations)."""
        return self._amplitude_part(self.fluctuation.amplitude, x)

    def amplitude_dx(self, x):
        """A'(x) for V1 = A(x) cos(y)."""
        return self._amplitude_part(self.fluctuation.amplitude_dx, x)

    def _amplitude_part(self, fn, x):
        if fn is None:
            raise TypeError(f"V1 {self.v1!r} is not of the form A(x) cos(y)")
        x = np.asarray(x, dtype=float)
        return np.broadcast_to(fn(x, **self.params), x.shape).astype(float)

    def fluctuation_bound(self, x):
        """Upper bound of sup_y |V1(x, y)|."""
        return self.fluctuation.sup_abs(x, **self.params)

    # --- full two-scale potential -------------------------------------------------------------
    def value(self, x):
        """V^eps(x) = V0(x) + V1(x, x/eps)."""
        x = np.asarray(x, dtype=float)
        v = self.v0_value(x)
        if self.has_fluctuations:
            v = v + self.v1_value(x, x / self.eps)
        return v

    def derivative(self, x):
        """d/dx V^eps(x) = V0'(x) + d_x V1(x, x/eps) + d_y V1(x, x/eps)/eps (away from breakpoints)."""
        x = np.asarray(x, dtype=float)
        d = self.v0_derivative(x)
        if self.has_fluctuations:
            y = x / self.eps
            d = d + self.v1_dx(x, y) + self.v1_dy(x, y) / self.eps
        return d

    __call__ = value


def case(n: int, **params) -> TwoScalePotential:
    """Shorthand for :meth:`TwoScalePotential.case`."""
    return TwoScalePotential.case(n, **params)
