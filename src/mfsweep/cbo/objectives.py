"""The term language of objectives: sums of benchmark-function terms of up to three variables x, y, r.

An :class:`Objective` is

    F(x, y, r) = sum_t coef_t * f_t(a_t x + b_t y + e_t r - shift_t) + xy * <x, y>,

with f_t one of :data:`mfsweep.cbo.functions.FUNCTIONS`. Every problem of Herty et al. (2024),
Tables 1-3, has this form; a config can define new ones without code, and the form tells the
kernels which terms depend on which variable, which is what makes them fast (terms of one
variable are cached per particle or dropped as a constant shift of a consensus' energies: see
:mod:`mfsweep.cbo.kernels.terms`). Any other objective is a numba-jittable function instead
(:mod:`mfsweep.cbo.problems`).

The kernels read objectives as float arrays, :meth:`Objective.as_bilevel_array` (two variables,
rows ``[code, coef, a, b, shift]`` plus :attr:`Objective.xy`) and :meth:`Objective.as_trilevel_array`
(three variables, rows ``[code, coef, p, a, q, b, shift]``: coef * f(a v_p + b v_q - shift) with
v = (x, y, r)). A term of the tri-level kernel involves one or two variables.
"""

from dataclasses import dataclass, replace

import numpy as np

from mfsweep.cbo.functions import FUNCTION_CODES, FUNCTIONS

VARIABLES = ("x", "y", "r")
SPEC_KEYS = ("terms", "xy")


@dataclass(frozen=True)
class Term:
    """coef * fn(x x_value + y y_value + r r_value - shift): the coefficients are named after their variable."""

    fn: str
    coef: float = 1.0
    x: float = 0.0
    y: float = 0.0
    r: float = 0.0
    shift: float = 0.0

    def coefficients(self):
        """(x, y, r) coefficients."""
        return self.x, self.y, self.r

    def used(self):
        """[(variable index, coefficient)] of the nonzero coefficients, in the order x, y, r."""
        return [(v, a) for v, a in enumerate(self.coefficients()) if a != 0.0]


@dataclass(frozen=True)
class Objective:
    """A sum of :class:`Term` plus ``xy`` <x, y>; evaluated with numpy, or by the kernels as term arrays."""

    terms: tuple = ()
    xy: float = 0.0

    @classmethod
    def from_spec(cls, spec, where, variables=VARIABLES[:2]):
        """From a config mapping ``{"terms": [{fn, coef, x, y, shift}, ...], "xy": k}``.

        ``variables`` are the coefficient keys a term may use (``("x", "y", "r")`` for tri-level
        objectives); ``where`` names the config key, so errors point at it.
        """
        if not isinstance(spec, dict) or "terms" not in spec:
            raise ValueError(f"{where}: expected a mapping with a 'terms' list, got {spec!r}")
        unknown = set(spec) - set(SPEC_KEYS)
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}; allowed: {list(SPEC_KEYS)}")
        keys = ("fn", "coef", *variables, "shift")
        terms = []
        for n, term in enumerate(spec["terms"]):
            key = f"{where}.terms[{n}]"
            if not isinstance(term, dict):
                raise ValueError(f"{key}: expected a mapping, got {term!r}")
            extra = set(term) - set(keys)
            if extra:
                raise ValueError(f"{key}: unknown keys {sorted(extra)}; allowed: {list(keys)}")
            if term.get("fn") not in FUNCTIONS:
                raise ValueError(f"{key}.fn: unknown function {term.get('fn')!r}; allowed: {sorted(FUNCTIONS)}")
            numbers = {name: _number(term.get(name, 1.0 if name == "coef" else 0.0), f"{key}.{name}")
                       for name in keys[1:]}
            made = Term(term["fn"], **numbers)
            if not 1 <= len(made.used()) <= 2:
                raise ValueError(f"{key}: a term needs one or two nonzero coefficients among {list(variables)}")
            terms.append(made)
        return cls(tuple(terms), _number(spec.get("xy", 0.0), f"{where}.xy"))

    def variables(self):
        """The variables the objective depends on, e.g. ``("x", "y")``."""
        used = {v for term in self.terms for v, _ in term.used()} | ({0, 1} if self.xy else set())
        return tuple(VARIABLES[v] for v in sorted(used))

    def as_bilevel_array(self):
        """Terms as a float array (T, 5): [function code, coef, a, b, shift], for the two-variable kernels."""
        if "r" in self.variables():
            raise ValueError(f"{self.describe()}: a two-variable kernel cannot evaluate a term of r")
        rows = [(FUNCTION_CODES[t.fn], t.coef, t.x, t.y, t.shift) for t in self.terms]
        return np.array(rows, dtype=np.float64).reshape(len(rows), 5)

    def as_trilevel_array(self):
        """Terms as a float array (T, 7): [function code, coef, p, a, q, b, shift], for the tri-level kernel.

        A one-variable term has q = p and b = 0. The kernel has no bilinear part: ``xy`` must be 0.
        """
        if self.xy:
            raise ValueError(f"{self.describe()}: the tri-level kernel has no bilinear <x, y> part; "
                             "write it as a function instead")
        rows = []
        for t in self.terms:
            used = t.used()
            (p, a), (q, b) = used if len(used) == 2 else (used[0], (used[0][0], 0.0))
            rows.append((FUNCTION_CODES[t.fn], t.coef, p, a, q, b, t.shift))
        return np.array(rows, dtype=np.float64).reshape(len(rows), 7)

    def __call__(self, x, y=None, r=None):
        """Evaluate with numpy broadcasting over leading axes (last axis = dimension).

        Arguments of variables the objective does not use may be left out.
        """
        args = [None if u is None else np.asarray(u, dtype=float) for u in (x, y, r)]
        total = self.xy * np.sum(args[0] * args[1], axis=-1) if self.xy else 0.0
        for term in self.terms:
            argument = None
            for v, a in term.used():
                argument = a * args[v] if argument is None else argument + a * args[v]
            total = total + term.coef * FUNCTIONS[term.fn](argument - term.shift)
        return total

    def negated(self):
        """-F: the lower-level objective G = -F of a min-max problem (eq. 1.3)."""
        return Objective(tuple(replace(t, coef=-t.coef) for t in self.terms), -self.xy)

    def describe(self):
        """A short human-readable formula, e.g. ``rastrigin(x) + rastrigin(y)``."""
        parts = [(t.coef, f"{t.fn}({_fmt_arg(t)})") for t in self.terms]
        if self.xy:
            parts.append((self.xy, "<x,y>"))
        text = "".join(f" {'-' if coef < 0 else '+'} {_fmt_coef(abs(coef))}{body}" for coef, body in parts)
        return text[3:] if text.startswith(" + ") else "-" + text[3:]


def _number(value, key):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{key}: expected a number, got {value!r}")
    if not np.isfinite(value):
        raise ValueError(f"{key}: expected a finite number, got {value!r}")
    return float(value)


def _fmt_coef(coef):
    return "" if coef == 1.0 else f"{coef:g}*"


def _fmt_arg(term):
    parts = []
    for coef, var in zip(term.coefficients(), VARIABLES):
        if coef:
            sign = "-" if coef < 0 else "+"
            mag = "" if abs(coef) == 1.0 else f"{abs(coef):g}"
            parts.append(f"{sign}{mag}{var}")
    text = "".join(parts).lstrip("+")
    if term.shift:
        text += f"{'-' if term.shift > 0 else '+'}{abs(term.shift):g}"
    return text
