"""Parameters of every method: one frozen dataclass per method, validated on construction.

Fields are declared with :func:`parameter` (default, meaning, units: documented once, read by the
docs and ``mfsweep list params``). A subclass is a frozen dataclass that sets ``_POSITIVE``, ``_NONNEGATIVE``, ``_UNIT_INTERVAL`` and
``_CHOICES`` (field -> allowed values), and checks its step counts in ``_check_steps``. Numbers are
coerced to plain int/float (also from numpy scalars); booleans, strings and non-finite values are
rejected. Errors are :class:`ParameterError` naming the parameter; :meth:`Params.from_mapping`
prefixes them with the config key the mapping came from.
"""

import math
import numbers
from dataclasses import MISSING, asdict, field, fields


def parameter(default, doc, units="1"):
    """A dataclass field with its meaning (``doc``, citing the paper's equation) and ``units``."""
    return field(default=default, metadata={"doc": doc, "units": units})


class ParameterError(ValueError):
    """A bad parameter value; the message starts with the parameter's name."""


class Params:
    _POSITIVE = ()
    _NONNEGATIVE = ()
    _UNIT_INTERVAL = ()
    _CHOICES = {}  # field -> allowed values

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type is str:
                if f.name in self._CHOICES and value not in self._CHOICES[f.name]:
                    raise ParameterError(f"{f.name}: {value!r} is not allowed; allowed: "
                                         f"{', '.join(self._CHOICES[f.name])}")
                continue
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
                raise ParameterError(f"{f.name}: expected a finite number, got {value!r}")
            if f.type is int and int(value) != value:
                raise ParameterError(f"{f.name}: expected an integer, got {value!r}")
            object.__setattr__(self, f.name, f.type(value))
        for name in self._POSITIVE:
            if getattr(self, name) <= 0:
                raise ParameterError(f"{name}: must be > 0, got {getattr(self, name)!r}")
        for name in self._NONNEGATIVE:
            if getattr(self, name) < 0:
                raise ParameterError(f"{name}: must be >= 0, got {getattr(self, name)!r}")
        for name in self._UNIT_INTERVAL:
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ParameterError(f"{name}: must lie in [0, 1], got {getattr(self, name)!r}")
        if "init_low" in self.__dataclass_fields__ and self.init_high <= self.init_low:
            raise ParameterError(f"init_high: must exceed init_low = {self.init_low!r}, got {self.init_high!r}")
        self._check_steps()

    def _check_steps(self):
        """Raise if a horizon is not a whole number of steps (subclasses)."""

    @classmethod
    def from_mapping(cls, mapping, where):
        """From a config mapping found at key ``where``; errors name ``where.<parameter>``."""
        allowed = [f.name for f in fields(cls)]
        unknown = sorted(set(mapping) - set(allowed))
        if unknown:
            raise ParameterError(f"{where}: unknown key {', '.join(map(repr, unknown))}; allowed: {', '.join(allowed)}")
        try:
            return cls(**mapping)
        except ParameterError as error:
            raise ParameterError(f"{where}.{error}") from None

    def as_dict(self):
        return asdict(self)

    @classmethod
    def describe(cls):
        """[(name, default, units, meaning)] of every parameter, in declaration order."""
        return [(f.name, None if f.default is MISSING else f.default, f.metadata.get("units", ""),
                 f.metadata.get("doc", "")) for f in fields(cls)]

    def replace(self, **changes):
        """A copy with ``changes`` (validated like a new instance)."""
        return type(self)(**{**self.as_dict(), **changes})


def whole_steps(horizon, step, name, step_name):
    """horizon / step as an int; a ParameterError naming ``name`` if it is not a whole number (>= 1)."""
    count = round(horizon / step)
    if count < 1 or not math.isclose(count * step, horizon, rel_tol=1e-9):
        raise ParameterError(f"{name}: {horizon} is not a whole number of steps {step_name} = {step}")
    return count
