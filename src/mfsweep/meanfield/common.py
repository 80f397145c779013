"""What every mean-field method shares: its parameter classes, how ``problem`` becomes a potential, dataset attrs.

Every method module (``stationary.states``, ``.rmap``, ``.critical``, ``.diagram``,
``particles``, ``pde``) has a ``Params`` frozen dataclass built from the mixins here, so each
parameter of the paper is documented once:

* :class:`ModelParams`: theta, eps, delta, a, model, psi_sign (and :attr:`~ModelParams.dynamics`
  built from them), :class:`PointParams` adds beta;
* :class:`QuadratureParams`: the stationary solver's lattice (:class:`GridSpec`, the config's
  ``meanfield.grid``), used by every method (the particle and PDE methods compare with
  stationary states).

:class:`MethodParams` extends :class:`mfsweep.params.Params` by fields that hold a tuple of numbers
(ranges, times), an optional number (None) or a flag (True/False).
"""

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np

from mfsweep import params as base
from mfsweep.params import ParameterError, parameter
from mfsweep.provenance import provenance

from .model import dynamics as _dynamics
from .model import potentials
from .stationary.selfconsistency import GridSpec, MeanFieldProblem

__all__ = ["MethodParams", "ModelParams", "PointParams", "QuadratureParams", "StatesParams", "Numbers", "OptionalNumber", "Flag", "as_params",
           "model_potential", "stationary_problem", "attrs", "increasing"]


class Numbers(tuple):
    """Field type: a tuple of finite numbers (a range, times); given as any sequence, stored as a tuple of floats."""

    def __new__(cls, values=()):
        return super().__new__(cls, () if isinstance(values, numbers.Real) else values)


class OptionalNumber(float):
    """Field type: a finite number or None."""


class Flag(int):
    """Field type: True or False."""


class MethodParams(base.Params):
    """Parameters of a mean-field method: numbers, choices, tuples of numbers, optional numbers.

    ``_POSITIVE``, ``_NONNEGATIVE`` and ``_CHOICES`` of the mixins a class derives from are merged.
    Tuple and optional fields are checked here, then ``_check`` (cross-field rules) runs.
    """

    # mfsweep.params.Params.__post_init__ compares init_high with init_low (the interval of the CBO
    # methods' initial law); the mean-field methods have none, so the comparison always passes
    init_low, init_high = -math.inf, math.inf

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        mro = cls.__mro__[::-1]
        for name in ("_POSITIVE", "_NONNEGATIVE", "_UNIT_INTERVAL"):
            setattr(cls, name, tuple(dict.fromkeys(n for klass in mro for n in vars(klass).get(name, ()))))
        cls._CHOICES = {k: v for klass in mro for k, v in vars(klass).get("_CHOICES", {}).items()}

    def __post_init__(self):
        special = {f.name: (f.type, getattr(self, f.name)) for f in fields(self) if f.type in (Numbers, OptionalNumber, Flag)}
        for name in special:  # the base class checks numbers and strings only: it sees a placeholder
            object.__setattr__(self, name, 0.0)
        super().__post_init__()
        for name, (kind, value) in special.items():
            object.__setattr__(self, name, _special(name, kind, value))
        self._check()

    def _check(self):
        """Raise a ParameterError naming the parameter if the fields do not fit together (subclasses)."""


def _number(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not math.isfinite(value):
        raise ParameterError(f"{name}: expected a finite number, got {value!r}")
    return float(value)


def _special(name, kind, value):
    if kind is OptionalNumber:
        return None if value is None else _number(name, value)
    if kind is Flag:
        if not isinstance(value, (bool, np.bool_)):
            raise ParameterError(f"{name}: expected true or false, got {value!r}")
        return bool(value)
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
        raise ParameterError(f"{name}: expected a list of numbers, got {value!r}")
    values = tuple(_number(name, v) for v in value)
    if not values:
        raise ParameterError(f"{name}: expected at least one number")
    return values


def increasing(name, pair):
    """A ParameterError unless ``pair`` is (lo, hi) with lo < hi."""
    if len(pair) != 2 or not pair[0] < pair[1]:
        raise ParameterError(f"{name}: need [lo, hi] with lo < hi, got {list(pair)}")


@dataclass(frozen=True)
class ModelParams(MethodParams):
    """The physics: interaction, potential parameters, and which dynamics (eqs. 1.1, 2.1, 2.17)."""

    theta: float = parameter(5.0, "interaction strength theta of the Curie-Weiss interaction F(x) = x^2/2 "
                                  "(eqs. 1.1, 1.8); the paper's Sections 4.1-4.3 use 5")
    eps: float = parameter(0.1, "scale separation eps: V1(x, x/eps) has period 2 pi eps (eqs. 1.11, 2.1); "
                                "used by model = full")
    delta: float = parameter(1.0, "fluctuation strength delta of V1 (Table 1), handed to the potential")
    a: float = parameter(5.0, "truncation chi_[-a, a] of the nonseparable V1 (Table 1), handed to the potential")
    model: str = parameter("full", "full: the eps-system (eqs. 2.1, 3.4, 4.6); homogenized: its eps -> 0 limit "
                                   "with mobility M and free energy V0 + psi (eqs. 2.16-2.17, 2.21, 2.25, 4.7)")
    psi_sign: str = parameter("printed", "sign of psi (eq. 2.21) for model = homogenized: printed (the eps -> 0 "
                                         "limit) or flipped (the paper's homogenized case-4 figures)")

    _POSITIVE = ("eps", "a")
    _NONNEGATIVE = ("delta", "theta")
    _CHOICES = {"model": _dynamics.MODELS, "psi_sign": _dynamics.PSI_SIGNS}

    @property
    def dynamics(self):
        """Full(eps) or Homogenized(psi_sign)."""
        return _dynamics.from_parameters(self.model, self.eps, self.psi_sign)


@dataclass(frozen=True)
class PointParams(ModelParams):
    """One point (theta, beta) of the phase diagram."""

    beta: float = parameter(8.0, "inverse temperature beta (eqs. 1.1, 1.8)")

    _POSITIVE = ("beta",)


@dataclass(frozen=True)
class StatesParams(MethodParams):
    """Where the stationary states m = R(m) are searched (the states method; the particle and PDE methods
    compare with them)."""

    m_range: Numbers = parameter((-3.0, 3.0), "window of m searched for the stationary states m = R(m)")
    n_scan: int = parameter(601, "points of the sign-change scan of R(m) - m over m_range (roots refined by brentq)")

    _POSITIVE = ("n_scan",)

    def _check(self):
        super()._check()
        increasing("m_range", self.m_range)


@dataclass(frozen=True)
class QuadratureParams(MethodParams):
    """The lattice of the stationary solver's Gibbs integrals (:class:`GridSpec`; config ``meanfield.grid``)."""

    grid_points_per_period: int = parameter(64, "quadrature nodes per fast period 2 pi eps (model = full; >= 8)")
    grid_dx: float = parameter(0.01, "quadrature node spacing without a fast scale, and its upper bound with one")
    grid_tolerance: float = parameter(1e-3, "largest accepted a-priori estimate of the lattice error of R and "
                                            "R' = dR/dm (absolute; relative to R' where R' > 1); beyond it the "
                                            "solver raises QuadratureResolutionError naming the setting that "
                                            "resolves it")
    grid_x_max: OptionalNumber = parameter(None, "fixed half-width of the quadrature domain; None: chosen per beta")
    grid_tail: float = parameter(40.0, "automatic domain: the density is below exp(-tail) times its maximum outside")
    grid_x_min: float = parameter(1.0, "automatic domain: at least this half-width")
    grid_x_cap: float = parameter(60.0, "automatic domain: at most this half-width (warns if the tail is not reached)")
    grid_envelope_dx: float = parameter(0.01, "spacing of the envelope scan of the automatic domain")

    _POSITIVE = ("grid_dx", "grid_tolerance", "grid_tail", "grid_x_min", "grid_x_cap", "grid_envelope_dx")

    def _check(self):
        super()._check()
        if self.grid_points_per_period < 8:
            raise ParameterError(f"grid_points_per_period: must be >= 8, got {self.grid_points_per_period}")

    @property
    def grid(self):
        """The :class:`GridSpec` of these settings."""
        return GridSpec(points_per_period=self.grid_points_per_period, dx=self.grid_dx, x_max=self.grid_x_max,
                        tail=self.grid_tail, x_min=self.grid_x_min, x_cap=self.grid_x_cap,
                        envelope_dx=self.grid_envelope_dx, tolerance=self.grid_tolerance)


def _cf(long_name, units="1"):
    return {"long_name": long_name, **({} if units is None else {"units": units})}


ATTRS = {name: _cf(*text) for name, *text in (
    ("m", "first moment m"), ("beta", "inverse temperature beta"), ("theta", "interaction strength theta"),
    ("x", "position x"), ("time", "time t"), ("state", "stationary state index (ascending m)"),
    ("state_m", "m of the stationary state (m = R(m), eqs. 1.9, 2.25, 3.4)"),
    ("state_stable", "linearly stable stationary state: R'(m) < 1", None),
    ("state_free_energy", "free energy of the stationary state (eq. 1.5)"))}
"""CF attrs of the names several methods' datasets share."""


def coordinate(name, values, dim=None):
    """A coordinate tuple with the CF attrs of :data:`ATTRS` (dimension ``dim``, default ``name``)."""
    values = np.asarray(values)
    return (name if dim is None else dim, values, dict(ATTRS[name]))


def scalar_coords(params):
    """Scalar coordinates of a (theta, [beta,] dynamics) point: theta, beta if any, dynamics and eps or psi_sign."""
    coords = {"theta": ((), float(params.theta), dict(ATTRS["theta"]))}
    if hasattr(params, "beta"):
        coords["beta"] = ((), float(params.beta), dict(ATTRS["beta"]))
    return {**coords, **params.dynamics.coords()}


def state_variables(states):
    """Variables ``state_m``, ``state_stable``, ``state_free_energy`` (dim ``state``) of a list of StationaryState."""
    return {"state_m": ("state", np.array([s.m for s in states], dtype=float), dict(ATTRS["state_m"])),
            "state_stable": ("state", np.array([s.stable for s in states], dtype=bool), dict(ATTRS["state_stable"])),
            "state_free_energy": ("state", np.array([s.free_energy for s in states], dtype=float),
                                  dict(ATTRS["state_free_energy"]))}


def check_finite(what, **arrays):
    """FloatingPointError naming ``what`` and the first non-finite array."""
    for name, values in arrays.items():
        if not np.all(np.isfinite(values)):
            raise FloatingPointError(f"{what}: non-finite {name} (potential, beta or grid too extreme?)")


def as_params(cls, params):
    """``params`` as an instance of ``cls``: None (defaults), an instance, or a mapping of field values."""
    if params is None:
        return cls()
    if isinstance(params, cls):
        return params
    if isinstance(params, Mapping):
        return cls.from_mapping(dict(params), "params")
    raise TypeError(f"params: expected {cls.__module__}.{cls.__qualname__}, a mapping or None, got {params!r}")


def model_potential(problem, params, where="problem"):
    """The potential named by ``problem`` with the parameters' delta and a."""
    return potentials.potential(problem, where).with_parameters(params.delta, params.a)


def stationary_problem(potential, params, theta=None):
    """The stationary problem of a :class:`~.model.TwoScalePotential` at the parameters' theta and dynamics."""
    return MeanFieldProblem(potential, params.theta if theta is None else theta, params.dynamics, grid=params.grid)


def attrs(params, method, problem, **extra):
    """Dataset attrs of a method's result: provenance of the parameters, the method and the potential."""
    return provenance(params.as_dict(), method=method, potential=potentials.label(problem), **extra)
