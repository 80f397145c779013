"""Objectives F(x, y), G(x, y) as sums of benchmark-function terms, and the Table-1 problems.

An objective is

    F(x, y) = sum_t coef_t * f_t(a_t x + b_t y - shift_t) + xy * <x, y>,

with f_t one of :data:`mfsweep.cbo.testfunctions.FUNCTIONS`. Every problem of
Herty et al. (2024), Tables 1-3, has this form, a user can define new ones in a config
without touching the kernels, and the form tells the kernel which terms depend on x
only: those are cached per particle, which is what makes the z' consensus of
Algorithm 1 cheap (see :mod:`mfsweep.cbo.kernels`).
"""

from dataclasses import dataclass

import numpy as np

from mfsweep.cbo.testfunctions import FUNCTION_CODES, FUNCTIONS

TERM_KEYS = ("fn", "coef", "x", "y", "shift")


@dataclass(frozen=True)
class Objective:
    """A sum of terms coef * f(a x + b y - shift) plus xy * <x, y>."""

    terms: tuple  # of (fn name, coef, a, b, shift)
    xy: float = 0.0

    @classmethod
    def from_spec(cls, spec, where):
        """Build from a config mapping ``{"terms": [{fn, coef, x, y, shift}, ...], "xy": k}``.

        ``where`` names the config key, so errors point at it.
        """
        if not isinstance(spec, dict) or "terms" not in spec:
            raise ValueError(f"{where}: expected a mapping with a 'terms' list, got {spec!r}")
        unknown = set(spec) - {"terms", "xy"}
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}; allowed: ['terms', 'xy']")
        terms = []
        for n, term in enumerate(spec["terms"]):
            key = f"{where}.terms[{n}]"
            if not isinstance(term, dict):
                raise ValueError(f"{key}: expected a mapping, got {term!r}")
            extra = set(term) - set(TERM_KEYS)
            if extra:
                raise ValueError(f"{key}: unknown keys {sorted(extra)}; allowed: {list(TERM_KEYS)}")
            fn = term.get("fn")
            if fn not in FUNCTIONS:
                raise ValueError(f"{key}.fn: unknown function {fn!r}; allowed: {sorted(FUNCTIONS)}")
            numbers = []
            for name, default in (("coef", 1.0), ("x", 0.0), ("y", 0.0), ("shift", 0.0)):
                numbers.append(_number(term.get(name, default), f"{key}.{name}"))
            if numbers[1] == 0.0 and numbers[2] == 0.0:
                raise ValueError(f"{key}: a term needs a nonzero 'x' or 'y' coefficient")
            terms.append((fn, *numbers))
        return cls(tuple(terms), _number(spec.get("xy", 0.0), f"{where}.xy"))

    def as_array(self):
        """Terms as a float array (T, 5): [function code, coef, a, b, shift], for the kernels."""
        rows = [(FUNCTION_CODES[fn], coef, a, b, s) for fn, coef, a, b, s in self.terms]
        return np.array(rows, dtype=np.float64).reshape(len(rows), 5)

    def __call__(self, x, y):
        """Evaluate with numpy broadcasting over leading axes (last axis = dimension)."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        total = self.xy * np.sum(x * y, axis=-1)
        for fn, coef, a, b, shift in self.terms:
            total = total + coef * FUNCTIONS[fn](a * x + b * y - shift)
        return total

    def negated(self):
        """-F: the lower-level objective G = -F of a min-max problem (eq. 1.3)."""
        return Objective(tuple((fn, -coef, a, b, s) for fn, coef, a, b, s in self.terms), -self.xy)

    def describe(self):
        """A short human-readable formula, e.g. ``rastrigin(x) + rastrigin(y)``."""
        parts = [(coef, f"{fn}({_fmt_arg(a, b, s)})") for fn, coef, a, b, s in self.terms]
        if self.xy:
            parts.append((self.xy, "<x,y>"))
        text = "".join(f" {'-' if coef < 0 else '+'} {_fmt_coef(abs(coef))}{body}" for coef, body in parts)
        return text[3:] if text.startswith(" + ") else "-" + text[3:]


@dataclass(frozen=True)
class BilevelProblem:
    """min_x F(x, y) s.t. y in argmin_y G(x, y), with known solution (x*, y*) = (x_star·1, y_star·1)."""

    name: str
    F: Objective
    G: Objective
    x_star: float
    y_star: float

    def solution(self, dim):
        """The exact minimiser (x*, y*) in dimension ``dim``."""
        return np.full(dim, self.x_star), np.full(dim, self.y_star)


def _term(fn, x=0.0, y=0.0, shift=0.0, coef=1.0):
    return {"fn": fn, "coef": coef, "x": x, "y": y, "shift": shift}


def _separable(fn, shift=0.0):
    return {"terms": [_term(fn, x=1.0, shift=shift), _term(fn, y=1.0, shift=shift)]}


_SQUARED_DIFFERENCE = {"terms": [_term("sphere", x=1.0, y=-1.0)]}
_ACKLEY_DIFFERENCE = {"terms": [_term("ackley", x=1.0, y=-1.0)]}

#: Table 1 of Herty et al. (2024), problems (i)-(vi), written as term specs (d = n = m).
TABLE1_SPECS = {
    "i": ({"terms": [_term("sphere", x=1.0), _term("sphere", y=1.0)]}, _SQUARED_DIFFERENCE, 0.0, 0.0),
    "ii": (_separable("sphere", shift=1.0), _SQUARED_DIFFERENCE, 1.0, 1.0),
    "iii": ({"terms": [_term("sphere", x=1.0), _term("sphere", y=1.0)], "xy": 2.0}, _SQUARED_DIFFERENCE, 0.0, 0.0),
    "iv": (_separable("ackley"), _SQUARED_DIFFERENCE, 0.0, 0.0),
    "v": (_separable("rastrigin"), _ACKLEY_DIFFERENCE, 0.0, 0.0),
    "vi": (_separable("levy"), _ACKLEY_DIFFERENCE, 0.0, 0.0),
}


def _difference(fn, xy=0.0):
    return {"terms": [_term(fn, x=1.0), _term(fn, y=1.0, coef=-1.0)], "xy": xy}


#: Min-max functions F(x, y) of Section 5.3 (saddle point (0, 0)): Table 3's (a)-(d), and the two
#: further 1-D illustrations of Fig. 3 (x^2 - y^2 and R(x) - R(y)).
MINMAX_SPECS = {
    "a": _difference("ackley"),
    "b": _difference("rastrigin", xy=-2.0),
    "c": _difference("levy"),
    "d": _difference("sphere", xy=-2.0),
    "quadratic": _difference("sphere"),
    "rastrigin": _difference("rastrigin"),
}


def minmax_problem(name):
    """min_x max_y F(x, y) as the bi-level problem with G = -F (eq. 1.3); solution (0, 0)."""
    if name not in MINMAX_SPECS:
        raise ValueError(f"unknown min-max function {name!r}; allowed: {', '.join(sorted(MINMAX_SPECS))}")
    F = Objective.from_spec(MINMAX_SPECS[name], name)
    return BilevelProblem(name, F, F.negated(), 0.0, 0.0)


def bilevel_problem(name, custom=None):
    """The problem called ``name``: one of Table 1, or one defined under ``custom``.

    ``custom`` maps names to ``{"F": spec, "G": spec, "x_star": a, "y_star": b}``.
    """
    custom = custom or {}
    if name in custom:
        spec = custom[name]
        where = f"cbo_bilevel.custom_problems.{name}"
        missing = {"F", "G", "x_star", "y_star"} - set(spec)
        if missing:
            raise ValueError(f"{where}: missing keys {sorted(missing)}")
        return BilevelProblem(
            name,
            Objective.from_spec(spec["F"], f"{where}.F"),
            Objective.from_spec(spec["G"], f"{where}.G"),
            _number(spec["x_star"], f"{where}.x_star"),
            _number(spec["y_star"], f"{where}.y_star"),
        )
    if name not in TABLE1_SPECS:
        allowed = sorted(TABLE1_SPECS) + sorted(custom)
        raise ValueError(f"cbo_bilevel.problems: unknown problem {name!r}; allowed: {', '.join(allowed)}")
    F, G, x_star, y_star = TABLE1_SPECS[name]
    return BilevelProblem(name, Objective.from_spec(F, name), Objective.from_spec(G, name), x_star, y_star)


def _number(value, key):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{key}: expected a number, got {value!r}")
    if not np.isfinite(value):
        raise ValueError(f"{key}: expected a finite number, got {value!r}")
    return float(value)


def _fmt_coef(coef):
    return "" if coef == 1.0 else f"{coef:g}*"


def _fmt_arg(a, b, shift):
    parts = []
    for coef, var in ((a, "x"), (b, "y")):
        if coef:
            sign = "-" if coef < 0 else "+"
            mag = "" if abs(coef) == 1.0 else f"{abs(coef):g}"
            parts.append(f"{sign}{mag}{var}")
    text = "".join(parts).lstrip("+")
    if shift:
        text += f"{'-' if shift > 0 else '+'}{abs(shift):g}"
    return text
