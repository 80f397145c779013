"""Validation shared by the parameter sets of the CBO methods (Algorithms 1-2, SP-CBO, standard CBO).

A subclass is a frozen dataclass that sets ``_KEY`` (the config key that prefixes every error
message), ``_POSITIVE``, ``_NONNEGATIVE``, ``_UNIT_INTERVAL`` and ``_CHOICES`` (field -> allowed
values, with the key prefix of their message), and checks its step counts in ``_check_steps``.
Numbers are coerced to plain int/float (also from numpy scalars); booleans, strings and
non-finite values are rejected with a message naming the key.
"""

import math
import numbers
from dataclasses import asdict, fields


class Params:
    _KEY = ""
    _POSITIVE = ()
    _NONNEGATIVE = ()
    _UNIT_INTERVAL = ()
    _CHOICES = {}  # field -> (message prefix, allowed values)

    def __post_init__(self):
        for f in fields(self):
            if f.type is str:
                continue
            value = getattr(self, f.name)
            key = f"{self._KEY}.{f.name}"
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
                raise ValueError(f"{key}: expected a finite number, got {value!r}")
            if f.type is int and int(value) != value:
                raise ValueError(f"{key}: expected an integer, got {value!r}")
            object.__setattr__(self, f.name, f.type(value))
        for name in self._POSITIVE:
            if getattr(self, name) <= 0:
                raise ValueError(f"{self._KEY}.{name}: must be > 0, got {getattr(self, name)!r}")
        for name in self._NONNEGATIVE:
            if getattr(self, name) < 0:
                raise ValueError(f"{self._KEY}.{name}: must be >= 0, got {getattr(self, name)!r}")
        for name in self._UNIT_INTERVAL:
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{self._KEY}.{name}: must lie in [0, 1], got {getattr(self, name)!r}")
        if self.init_high <= self.init_low:
            raise ValueError(f"{self._KEY}.init_high: must exceed init_low")
        for name, (prefix, allowed) in self._CHOICES.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{prefix}.{name}: {getattr(self, name)!r} is not one of {list(allowed)}")
        self._check_steps()

    def _check_steps(self):
        """Raise if a horizon is not a whole number of steps (subclasses)."""

    @classmethod
    def from_mapping(cls, mapping):
        """From a config mapping; unknown keys are an error naming the allowed ones."""
        allowed = [f.name for f in fields(cls)]
        unknown = sorted(set(mapping) - set(allowed))
        if unknown:
            raise ValueError(f"{cls._KEY}: unknown keys {unknown}; allowed: {allowed}")
        return cls(**mapping)

    def as_dict(self):
        return asdict(self)


def whole_steps(horizon, step, key):
    """horizon / step as an int; a ValueError naming ``key`` if it is not a whole number (>= 1)."""
    count = round(horizon / step)
    if count < 1 or not math.isclose(count * step, horizon, rel_tol=1e-9):
        raise ValueError(f"{key}: {horizon} is not a whole number of steps of {step}")
    return count
