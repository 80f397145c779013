"""Problems: what the CBO methods solve, the registries of the paper's, and a resolver for all of them.

A problem holds its objectives and, optionally, its known solution (then runs report errors and
success, eq. 5.4). An objective is

* an :class:`~mfsweep.cbo.objectives.Objective` (sums of benchmark-function terms: the fast path),
* a numba-jittable function of 1-D float64 arrays returning a float (``@numba.njit`` or plain
  Python, jitted on use): f(x) for single-level CBO, F(x, y) for bi-level and min-max problems,
  F(x, y, r) for tri-level ones,
* or the import path ``"package.module:function"`` of one, resolved when the problem is run (so a
  dask process worker imports the function instead of unpickling it).

A solution component is a number (that value in every component) or a (d,) array.

The kinds, their problem types and registries (:func:`resolve` finds a name in its kind's registry):

=========== ======================= ==================================================
kind        type                    registry
=========== ======================= ==================================================
``bilevel`` :class:`BilevelProblem` Table 1 (i)-(vi); min-max problems as G = -F
``trilevel``:class:`TrilevelProblem` Table 2 (A)-(C)
``minmax``  :class:`MinMaxProblem`  Table 3 (a)-(d); Fig. 3's ``quadratic``, ``rastrigin``
``single``  :class:`SingleLevelProblem` the benchmark functions, and ``shifted_ackley``
=========== ======================= ==================================================
"""

from dataclasses import dataclass, replace

import numpy as np

from mfsweep import userfunc
from mfsweep.cbo.functions import FUNCTIONS
from mfsweep.cbo.objectives import VARIABLES, Objective

KINDS = ("bilevel", "trilevel", "minmax", "single")
KIND_WORDS = {"bilevel": "bi-level problem", "trilevel": "tri-level problem", "minmax": "min-max function",
              "single": "single-level problem"}


def objective(obj, what="objective"):
    """An objective ready to evaluate: import paths resolved, Objectives and functions as they are."""
    if isinstance(obj, str):
        obj = userfunc.resolve(obj, what)
    if not (isinstance(obj, Objective) or callable(obj)):
        raise TypeError(f"{what}: expected an Objective, a numba-jittable function or an import path, got {obj!r}")
    return obj


def describe(obj):
    """A short text for an objective: the formula of an Objective, else its import path or name."""
    if isinstance(obj, Objective):
        return obj.describe()
    if isinstance(obj, str):
        return obj
    return userfunc.import_path(obj) or getattr(obj, "__qualname__", repr(obj))


def evaluate(obj, *args):
    """The objective at one point per argument (1-D arrays), as a float."""
    obj = objective(obj)
    return float(obj(*args) if isinstance(obj, Objective) else obj(*(np.ascontiguousarray(a) for a in args)))


class _Problem:
    """What every problem type shares: its levels, solution, objectives and their values."""

    OBJECTIVES = ()  # (attribute, dataset variable) of each objective
    LEVELS = ()      # the variables (= the objectives' arguments), in the order of the outputs x*, y*, r*

    def solution(self, dim):
        """The exact minimiser, one (dim,) array per level, or None if it is not known."""
        values = [getattr(self, f"{level}_star") for level in self.LEVELS]
        if all(value is None for value in values):
            return None
        if any(value is None for value in values):
            raise ValueError(f"problem {self.name!r}: give the solution of every level or of none")
        return tuple(np.broadcast_to(np.asarray(value, dtype=float), (dim,)).copy() for value in values)

    def resolved(self):
        """The same problem with every objective ready to evaluate (import paths resolved)."""
        return replace(self, **{name: objective(getattr(self, name), f"problem {self.name!r}: {name}")
                                for name, _ in self.OBJECTIVES})

    def descriptions(self):
        """{"objective_F": text, ...}: every objective described (dataset attrs)."""
        return {f"objective_{name}": describe(getattr(self, name)) for name, _ in self.OBJECTIVES}

    def objective_values(self, outputs):
        """{variable: objective at the outputs} for the outputs (x*, y*, ...) of a run."""
        return {variable: evaluate(getattr(self, name), *outputs[:len(self.LEVELS)]) for name, variable in self.OBJECTIVES}


@dataclass(frozen=True)
class BilevelProblem(_Problem):
    """min_x F(x, y) s.t. y in argmin_y G(x, y) (eq. 1.1)."""

    name: str
    F: object
    G: object
    x_star: object = None
    y_star: object = None

    OBJECTIVES = (("F", "upper_objective"), ("G", "lower_objective"))
    LEVELS = ("x", "y")


@dataclass(frozen=True)
class MinMaxProblem(_Problem):
    """min_x max_y F(x, y) (eq. 1.3); its bi-level form has G = -F."""

    name: str
    F: object
    x_star: object = None
    y_star: object = None

    OBJECTIVES = (("F", "upper_objective"),)
    LEVELS = ("x", "y")

    def as_bilevel(self):
        """The bi-level problem with G = -F (eq. 1.3), objectives resolved."""
        from mfsweep.cbo.kernels.compiled import negated  # numba only where a function must be negated

        F = objective(self.F, f"problem {self.name!r}: F")
        G = F.negated() if isinstance(F, Objective) else negated(F)
        return BilevelProblem(self.name, F, G, self.x_star, self.y_star)


@dataclass(frozen=True)
class TrilevelProblem(_Problem):
    """min_x F(x, y, r) s.t. y in argmin_y G(x, y, r) s.t. r in argmin_r E(x, y, r) (eq. 1.2)."""

    name: str
    F: object
    G: object
    E: object
    x_star: object = None
    y_star: object = None
    r_star: object = None

    OBJECTIVES = (("F", "upper_objective"), ("G", "middle_objective"), ("E", "lower_objective"))
    LEVELS = ("x", "y", "r")


@dataclass(frozen=True)
class SingleLevelProblem(_Problem):
    """min_x f(x)."""

    name: str
    f: object
    x_star: object = None

    OBJECTIVES = (("f", "objective"),)
    LEVELS = ("x",)


TYPES = {"bilevel": BilevelProblem, "trilevel": TrilevelProblem, "minmax": MinMaxProblem,
         "single": SingleLevelProblem}


# --------------------------------------------------------------------------------------
# The paper's problems, as term specs (the format of the config's custom problems)
# --------------------------------------------------------------------------------------


def _term(fn, shift=0.0, coef=1.0, **coefs):
    return {"fn": fn, "coef": coef, "shift": shift, **coefs}


def _separable(fn, shift=0.0):
    return {"terms": [_term(fn, x=1.0, shift=shift), _term(fn, y=1.0, shift=shift)]}


def _difference(fn, xy=0.0):
    return {"terms": [_term(fn, x=1.0), _term(fn, y=1.0, coef=-1.0)], "xy": xy}


_SQUARED_DIFFERENCE = {"terms": [_term("sphere", x=1.0, y=-1.0)]}
_ACKLEY_DIFFERENCE = {"terms": [_term("ackley", x=1.0, y=-1.0)]}

#: Table 1 of Herty et al. (2024), problems (i)-(vi) (d = n = m): F, G and the solution (x*, y*).
TABLE1_SPECS = {
    "i": {"F": _separable("sphere"), "G": _SQUARED_DIFFERENCE, "x_star": 0.0, "y_star": 0.0},
    "ii": {"F": _separable("sphere", shift=1.0), "G": _SQUARED_DIFFERENCE, "x_star": 1.0, "y_star": 1.0},
    "iii": {"F": {**_separable("sphere"), "xy": 2.0}, "G": _SQUARED_DIFFERENCE, "x_star": 0.0, "y_star": 0.0},
    "iv": {"F": _separable("ackley"), "G": _SQUARED_DIFFERENCE, "x_star": 0.0, "y_star": 0.0},
    "v": {"F": _separable("rastrigin"), "G": _ACKLEY_DIFFERENCE, "x_star": 0.0, "y_star": 0.0},
    "vi": {"F": _separable("levy"), "G": _ACKLEY_DIFFERENCE, "x_star": 0.0, "y_star": 0.0},
}

#: Table 2, Tests (A)-(C): F, G, E and the solution (x*, y*, r*).
TABLE2_SPECS = {
    "A": {"F": {"terms": [_term("sphere", x=1.0), _term("sphere", y=1.0)]},
          "G": {"terms": [_term("levy", x=1.0, y=-1.0)]},
          "E": {"terms": [_term("levy", r=1.0, y=-1.0)]},
          "x_star": 0.0, "y_star": 0.0, "r_star": 0.0},
    "B": {"F": {"terms": [_term("sphere", x=1.0), _term("sphere", y=1.0), _term("sphere", r=1.0, x=-1.0)]},
          "G": {"terms": [_term("levy", x=1.0, y=-1.0)]},
          "E": {"terms": [_term("rastrigin", r=1.0, y=-1.0)]},
          "x_star": 0.0, "y_star": 0.0, "r_star": 0.0},
    "C": {"F": {"terms": [_term("sphere", x=1.0, shift=1.0), _term("sphere", y=1.0, shift=1.0),
                          _term("sphere", r=1.0, shift=1.0)]},
          "G": {"terms": [_term("sphere", y=1.0, x=-1.0)]},
          "E": {"terms": [_term("sphere", r=1.0, y=-1.0)]},
          "x_star": 1.0, "y_star": 1.0, "r_star": 1.0},
}

#: Min-max functions F(x, y) of Section 5.3 (saddle point (0, 0)): Table 3's (a)-(d), and the two
#: further 1-D illustrations of Fig. 3 (x^2 - y^2 and R(x) - R(y)).
MINMAX_SPECS = {
    name: {"F": spec, "x_star": 0.0, "y_star": 0.0} for name, spec in {
        "a": _difference("ackley"),
        "b": _difference("rastrigin", xy=-2.0),
        "c": _difference("levy"),
        "d": _difference("sphere", xy=-2.0),
        "quadratic": _difference("sphere"),
        "rastrigin": _difference("rastrigin"),
    }.items()
}

#: Single-level problems: each benchmark function (minimiser 0) and Ackley shifted to (2, ..., 2),
#: off the centre of the initial box [-1, 3]^d (the CBXPy comparison).
SINGLE_SPECS = {
    **{name: {"f": {"terms": [_term(name, x=1.0)]}, "x_star": 0.0} for name in FUNCTIONS},
    "shifted_ackley": {"f": {"terms": [_term("ackley", x=1.0, shift=2.0)]}, "x_star": 2.0},
}

SPECS = {"bilevel": TABLE1_SPECS, "trilevel": TABLE2_SPECS, "minmax": MINMAX_SPECS, "single": SINGLE_SPECS}


def from_spec(kind, name, spec, where=None):
    """A problem of ``kind`` from a term spec ``{objective: {"terms": [...], "xy": k}, "x_star": a, ...}``.

    An objective may instead be the import path ``"package.module:function"`` of a numba-jittable
    function (resolved when the problem is run). ``where`` names the spec's config key in errors (default: the name).
    """
    where = where or name
    cls = TYPES[kind]
    objectives = [key for key, _ in cls.OBJECTIVES]
    solution = [f"{level}_star" for level in cls.LEVELS]
    if not isinstance(spec, dict):
        raise ValueError(f"{where}: expected a mapping of {objectives + solution}, got {spec!r}")
    missing = sorted(set(objectives) - set(spec))
    if missing:
        raise ValueError(f"{where}: missing keys {missing}")
    unknown = sorted(set(spec) - set(objectives) - set(solution))
    if unknown:
        raise ValueError(f"{where}: unknown keys {unknown}; allowed: {objectives + solution}")
    variables = VARIABLES if kind == "trilevel" else VARIABLES[:len(cls.LEVELS)]
    fields = {key: spec[key] if userfunc.is_import_path(spec[key]) else
              Objective.from_spec(spec[key], f"{where}.{key}", variables) for key in objectives}
    for key in solution:
        if key in spec and spec[key] is not None:
            value = spec[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
                raise ValueError(f"{where}.{key}: expected a finite number, got {value!r}")
            fields[key] = float(value)
    return cls(name, **fields)


REGISTRIES = {kind: {name: from_spec(kind, name, spec) for name, spec in specs.items()} for kind, specs in SPECS.items()}


def resolve(problem, kind, custom=None):
    """The problem of ``kind`` that ``problem`` names: a registry name, a problem object or ``"module:name"``.

    ``custom`` maps further names to problems of ``kind`` (or to term specs). A min-max problem is
    accepted where a bi-level one is asked for, as its bi-level form G = -F (eq. 1.3). Objectives
    given as import paths are resolved.
    """
    if kind not in TYPES:
        raise ValueError(f"kind: {kind!r} is not allowed; allowed: {', '.join(KINDS)}")
    if userfunc.is_import_path(problem):
        problem = userfunc.resolve(problem, f"{KIND_WORDS[kind]} {problem!r}")
    elif isinstance(problem, str):
        known = {**REGISTRIES[kind], **(custom or {})}
        if problem not in known:
            raise ValueError(f"unknown {KIND_WORDS[kind]} {problem!r}; allowed: {', '.join(known)}")
        problem = known[problem] if not isinstance(known[problem], dict) else from_spec(kind, problem, known[problem])
    if kind == "bilevel" and isinstance(problem, MinMaxProblem):
        return problem.as_bilevel()
    if not isinstance(problem, TYPES[kind]):
        raise TypeError(f"expected a {KIND_WORDS[kind]} ({TYPES[kind].__name__}), a registry name or an import "
                        f"path, got {problem!r}")
    return problem.resolved()


def bilevel_problem(name, custom=None):
    """The problem of the config's ``cbo_bilevel.problems`` called ``name``: Table 1, or a term spec in ``custom``.

    ``custom`` maps names to ``{"F": spec, "G": spec, "x_star": a, "y_star": b}``
    (``cbo_bilevel.custom_problems``); errors name the config keys.
    """
    custom = custom or {}
    if name in custom:
        where = f"cbo_bilevel.custom_problems.{name}"
        spec = custom[name]
        missing = sorted({"F", "G", "x_star", "y_star"} - set(spec))
        if missing:
            raise ValueError(f"{where}: missing keys {missing}")
        return from_spec("bilevel", name, spec, where)
    if name not in TABLE1_SPECS:
        allowed = sorted(TABLE1_SPECS) + sorted(custom)
        raise ValueError(f"cbo_bilevel.problems: unknown problem {name!r}; allowed: {', '.join(allowed)}")
    return REGISTRIES["bilevel"][name]
