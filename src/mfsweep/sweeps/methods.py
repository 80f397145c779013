"""The methods a sweep can run, by name; any module with ``Params``, ``run`` and ``SEED_LABEL`` works by import path.

A method module provides ``Params`` (a :class:`mfsweep.params.Params` dataclass), ``run(problem, params,
*, runs, seed) -> xarray.Dataset`` with a leading ``run`` dimension, and ``SEED_LABEL`` (the label its
streams are keyed by); optionally ``DEFAULT_PROBLEM`` and ``resolve_problem(spec)`` (to check a problem
name before any work).
"""

import importlib

from mfsweep.userfunc import is_import_path

METHODS = {
    "cbo.bilevel": "mfsweep.cbo.bilevel",
    "cbo.trilevel": "mfsweep.cbo.trilevel",
    "cbo.minmax": "mfsweep.cbo.minmax",
    "cbo.spcbo": "mfsweep.cbo.spcbo",
    "cbo.standard": "mfsweep.cbo.standard",
    "particles": "mfsweep.meanfield.particles",
    "pde": "mfsweep.meanfield.pde",
    "stationary.states": "mfsweep.meanfield.stationary.states",
    "stationary.critical": "mfsweep.meanfield.stationary.critical",
    "stationary.rmap": "mfsweep.meanfield.stationary.rmap",
    "stationary.diagram": "mfsweep.meanfield.stationary.diagram",
}


def module_name(name):
    """The module of method ``name`` (a registered name, or a module given as ``package.module``)."""
    return METHODS.get(name, name)


def resolve(name, where="method"):
    """The module of method ``name``; a ValueError naming ``where`` and the methods if it is none."""
    if not isinstance(name, str):
        raise ValueError(f"{where}: expected a method name, got {name!r}; methods: {', '.join(METHODS)}")
    target = module_name(name)
    if target == name and (name not in METHODS.values()) and not _looks_like_module(name):
        raise ValueError(f"{where}: unknown method {name!r}; methods: {', '.join(METHODS)} (or a module path)")
    try:
        module = importlib.import_module(target)
    except ImportError as error:
        raise ValueError(f"{where}: unknown method {name!r}; methods: {', '.join(METHODS)} (or an importable "
                         f"module: {error})") from None
    missing = [attr for attr in ("Params", "run", "SEED_LABEL") if not hasattr(module, attr)]
    if missing:
        raise ValueError(f"{where}: module {target!r} is not a method (it lacks {', '.join(missing)})")
    return module


def _looks_like_module(name):
    return "." in name and not is_import_path(name) and all(part.isidentifier() for part in name.split("."))
