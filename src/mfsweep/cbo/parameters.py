"""The parameters of the CBO methods, each symbol of Herty et al. (2024) documented once.

A method's ``Params`` (:class:`mfsweep.cbo.bilevel.Params`, ...) is declared with :func:`declare`,
which lists the names it takes and their defaults; what a name means, its type and which values
are valid come from :data:`SYMBOLS` and are the same in every method (the paper's symbols: ``alpha``
is alpha in every algorithm). The result is a frozen dataclass subclassing
:class:`mfsweep.params.Params` whose fields are :func:`mfsweep.params.parameter` s, so
``Params.describe()`` lists (name, default, units, meaning).
"""

from dataclasses import dataclass
from importlib import resources
from typing import NamedTuple

import yaml

from mfsweep.params import Params as _Params, parameter, whole_steps

#: The options of Algorithm 1 its pseudo-code leaves open (:class:`mfsweep.cbo.bilevel.Params`).
VARIANTS = ("pairing", "x_update", "loop_bound")

#: Validity rules, each the name of the :class:`mfsweep.params.Params` attribute that lists its fields.
POSITIVE, NONNEGATIVE, UNIT_INTERVAL, CHOICE = "_POSITIVE", "_NONNEGATIVE", "_UNIT_INTERVAL", "_CHOICES"


class Symbol(NamedTuple):
    type: type
    rule: str
    doc: str
    choices: tuple = ()


_RULES = {"positive": POSITIVE, "nonnegative": NONNEGATIVE, "unit_interval": UNIT_INTERVAL, "choice": CHOICE,
          "any": None}


def _load_symbols():
    table = yaml.safe_load(resources.files("mfsweep.data").joinpath("cbo_parameters.yaml").read_text())
    return {name: Symbol({"int": int, "float": float, "str": str}[entry["type"]], _RULES[entry["rule"]], entry["doc"],
                         tuple(entry.get("choices", ()))) for name, entry in table.items()}


#: Every parameter name of the CBO methods: its type, validity rule and meaning (``mfsweep/data/cbo_parameters.yaml``).
SYMBOLS = _load_symbols()
PAIRINGS, X_UPDATES, LOOP_BOUNDS, NOISES = (SYMBOLS[name].choices for name in ("pairing", "x_update", "loop_bound",
                                                                              "noise"))


def declare(**defaults):
    """Class decorator: the frozen :class:`mfsweep.params.Params` dataclass of the names in ``defaults``.

    ``defaults`` maps each parameter name of the method, in order, to its default; type, meaning
    and validity come from :data:`SYMBOLS`. The class body adds the docstring and the method's own
    step checks (``_check_steps``) and derived counts.
    """
    def make(cls):
        cls.__annotations__ = {name: SYMBOLS[name].type for name in defaults}
        for name, default in defaults.items():
            setattr(cls, name, parameter(default, SYMBOLS[name].doc))
        for rule in (POSITIVE, NONNEGATIVE, UNIT_INTERVAL):
            setattr(cls, rule, tuple(name for name in defaults if SYMBOLS[name].rule == rule))
        setattr(cls, CHOICE, {name: SYMBOLS[name].choices for name in defaults if SYMBOLS[name].rule == CHOICE})
        return dataclass(frozen=True)(cls)
    return make


class StepParams(_Params):
    """Base of the one-population methods (CBO, SP-CBO): T/dt steps (CBOSP.m's ``for k = 1:T/dt``)."""

    def _check_steps(self):
        self.n_steps()

    def n_steps(self):
        """Number of time steps, T/dt."""
        return whole_steps(self.T, self.dt, "T", "dt")
