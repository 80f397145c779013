"""The sweep grammar: one labelled, seeded parameter sweep of one method.

A sweep entry (the config's ``sweeps.NAME``, or a mapping from Python)::

    method: cbo.bilevel            # a method name (mfsweep.sweeps.methods) or a module by import path
    problem: v                     # a name, an import path, or a list of them (a `problem` axis)
    params: {N: 100, pairing: own} # fixed overrides of the method's parameters
    grid:                          # Cartesian product: each key is one axis named like the parameter
      sigma1: [1.0, 2.0, 3.0]
      lambda1: [0.5, 1.0]
    zip:                           # paired values along one axis named by the key (here `size`)
      size: {N: [200, 400, 600], M: [14, 20, 25]}
    runs: 100                      # replicates per point (seeded)
    seed_mode: common              # common | independent, or seed_key: [labels with {param} fields]
    runs_per_cell: 10              # runs computed per cell (a unit of work and of resume)
    options: {success_threshold: 0.25}  # keyword arguments of the method's run (not parameters)

Run k of a point draws from ``run_sequence(base, k)`` with ``base`` keyed by what the point *is*:

* ``common`` (default): ``seed_sequence(seed, method.SEED_LABEL, problem)``: run k of every point of
  the sweep draws the same stream (common random numbers: points differ only by their parameters);
* ``independent``: the point's parameter values are keyed too;
* ``seed_key``: a list of labels, each formatted with the point's parameters and ``problem``
  (e.g. ``[cbo_tables, minmax, "{problem}", "N={N},M={M},dim={dim}"]``), for streams of a fixed
  historical layout.

A point's result never depends on the other points of the sweep or on how it was cut into cells.
"""

import inspect
import itertools
import json
import math
import numbers
from dataclasses import dataclass

from mfsweep.seeding import seed_sequence

SEED_MODES = ("common", "independent")
KEYS = ("method", "problem", "params", "grid", "zip", "runs", "seed_mode", "seed_key", "runs_per_cell", "parts",
        "options", "view")
RESERVED_AXES = ("run", "problem")


class SweepError(ValueError):
    """A bad sweep entry; the message names the key (``sweeps.NAME.<key>``) and what is allowed."""


@dataclass(frozen=True)
class Axis:
    """One dimension of a sweep: its name, its labels, and the parameter values at each label."""

    name: str
    labels: tuple  # coordinate values along the axis
    settings: tuple  # per label: a dict of the parameters it sets ({} for the problem axis)


@dataclass(frozen=True)
class Sweep:
    """A validated sweep (see the module docstring)."""

    name: str
    method: object  # the method module (Params, run, SEED_LABEL)
    method_name: str
    problems: tuple  # problem specs (names or import paths); several = a `problem` axis
    params: dict  # fixed overrides
    axes: tuple  # of Axis, in order (the problem axis first if there is one)
    runs: int
    seed_mode: str
    seed_key: tuple | None
    runs_per_cell: int
    parts: int
    options: dict  # keyword arguments of method.run besides runs and seed
    view: dict

    @property
    def shape(self):
        return tuple(len(axis.labels) for axis in self.axes)

    @property
    def n_points(self):
        return math.prod(self.shape)

    def point(self, index):
        """(problem, params) of the point at ``index`` (a tuple over the axes)."""
        settings, problem = dict(self.params), self.problems[0]
        for axis, i in zip(self.axes, index):
            if axis.name == "problem":
                problem = axis.labels[i]
            else:
                settings.update(axis.settings[i])
        try:
            return problem, self.method.Params(**settings)
        except ValueError as error:
            where = ", ".join(f"{axis.name} = {axis.labels[i]!r}" for axis, i in zip(self.axes, index))
            raise SweepError(f"sweeps.{self.name}: at {where or 'the point'}: {error}") from None

    def points(self):
        """Every (index, problem, params), in the store's order."""
        for index in itertools.product(*(range(n) for n in self.shape)):
            yield (index, *self.point(index))

    def run_chunks(self):
        """The run indices of each cell of a point: consecutive chunks of ``runs_per_cell``."""
        return [list(range(start, min(start + self.runs_per_cell, self.runs)))
                for start in range(0, self.runs, self.runs_per_cell)]

    def base_seed(self, root, problem, params):
        """The SeedSequence whose child k is run k of the point (problem, params)."""
        name = _problem_label(problem)
        if self.seed_key is not None:
            fields = {**params.as_dict(), "problem": name}
            try:
                return seed_sequence(root, *(label.format(**fields) for label in self.seed_key))
            except (KeyError, IndexError, ValueError) as error:
                raise SweepError(f"sweeps.{self.name}.seed_key: cannot format {list(self.seed_key)} ({error!r}); "
                                 f"fields: {', '.join(fields)}") from None
        if self.seed_mode == "common":
            return seed_sequence(root, self.method.SEED_LABEL, name)
        return seed_sequence(root, self.method.SEED_LABEL, name, json.dumps(params.as_dict(), sort_keys=True))


def _problem_label(problem):
    return problem if isinstance(problem, str) else getattr(problem, "name", repr(problem))


def parse(name, entry, methods):
    """A :class:`Sweep` from a config entry; ``methods`` resolves a method name to its module."""
    where = f"sweeps.{name}"
    if not isinstance(entry, dict):
        raise SweepError(f"{where}: expected a mapping with keys {', '.join(KEYS)}, got {entry!r}")
    unknown = [key for key in entry if key not in KEYS]
    if unknown:
        raise SweepError(f"{where}: unknown key {', '.join(map(repr, unknown))}; allowed: {', '.join(KEYS)}")
    if "method" not in entry:
        raise SweepError(f"{where}: missing key 'method'")
    method_name = entry["method"]
    method = methods(method_name, f"{where}.method")
    fields = [f for f, *_ in method.Params.describe()]

    def check_param(key, at):
        if key not in fields:
            raise SweepError(f"{at}: {key!r} is not a parameter of method {method_name}; its parameters: "
                             f"{', '.join(fields)}")

    params = entry.get("params") or {}
    if not isinstance(params, dict):
        raise SweepError(f"{where}.params: expected a mapping of parameter values, got {params!r}")
    for key in params:
        check_param(key, f"{where}.params")
    problem = entry.get("problem", getattr(method, "DEFAULT_PROBLEM", None))
    if problem is None:
        raise SweepError(f"{where}: missing key 'problem' (method {method_name} needs one)")
    problems = tuple(problem) if isinstance(problem, list) else (problem,)
    if not problems or len(set(map(str, problems))) != len(problems):
        raise SweepError(f"{where}.problem: expected one name or a list of distinct names, got {problem!r}")
    axes = [Axis("problem", problems, tuple({} for _ in problems))] if isinstance(problem, list) else []
    for key, values in (entry.get("grid") or {}).items():
        check_param(key, f"{where}.grid")
        if not isinstance(values, list) or not values or _has_duplicates(values):
            raise SweepError(f"{where}.grid.{key}: expected a non-empty list of distinct values, got {values!r}")
        axes.append(Axis(key, tuple(values), tuple({key: value} for value in values)))
    for axis_name, paired in (entry.get("zip") or {}).items():
        at = f"{where}.zip.{axis_name}"
        if not isinstance(paired, dict) or not paired:
            raise SweepError(f"{at}: expected a mapping {{parameter: [values], ...}} of equal-length lists")
        lengths = {key: len(values) if isinstance(values, list) else -1 for key, values in paired.items()}
        if len(set(lengths.values())) != 1 or -1 in lengths.values() or 0 in lengths.values():
            raise SweepError(f"{at}: every parameter needs a non-empty list of the same length, got lengths {lengths}")
        for key in paired:
            check_param(key, at)
        n = next(iter(lengths.values()))
        settings = tuple({key: values[i] for key, values in paired.items()} for i in range(n))
        labels = tuple(",".join(f"{key}={s[key]}" for key in paired) for s in settings)
        axes.append(Axis(axis_name, labels, settings))
    names = [axis.name for axis in axes]
    clash = sorted({n for n in names if names.count(n) > 1} | (set(names) & {"run"}))
    if clash:
        raise SweepError(f"{where}: axis names must be distinct and not 'run': {', '.join(clash)}")
    overridden = sorted(set(params) & {key for axis in axes for s in axis.settings for key in s})
    if overridden:
        raise SweepError(f"{where}.params: {', '.join(overridden)} also on an axis; give each parameter once")
    runs = _positive_int(entry.get("runs", 1), f"{where}.runs")
    seed_mode = entry.get("seed_mode", "common")
    if seed_mode not in SEED_MODES:
        raise SweepError(f"{where}.seed_mode: {seed_mode!r} is not allowed; allowed: {', '.join(SEED_MODES)}")
    seed_key = entry.get("seed_key")
    if seed_key is not None and (not isinstance(seed_key, list) or not all(isinstance(s, str) for s in seed_key)):
        raise SweepError(f"{where}.seed_key: expected a list of label strings, got {seed_key!r}")
    sweep = Sweep(name, method, method_name, problems, dict(params), tuple(axes), runs, seed_mode,
                  tuple(seed_key) if seed_key is not None else None,
                  _positive_int(entry.get("runs_per_cell", runs), f"{where}.runs_per_cell"),
                  _positive_int(entry.get("parts", 1), f"{where}.parts"), _options(method, entry, where),
                  dict(entry.get("view") or {}))
    return sweep


def _options(method, entry, where):
    """The ``options`` of an entry: keyword-only arguments of ``method.run`` other than ``runs`` and ``seed``."""
    options = entry.get("options") or {}
    allowed = [name for name, p in inspect.signature(method.run).parameters.items()
               if p.kind is p.KEYWORD_ONLY and name not in ("runs", "seed")]
    if not isinstance(options, dict):
        raise SweepError(f"{where}.options: expected a mapping of keyword arguments, got {options!r}")
    unknown = [key for key in options if key not in allowed]
    if unknown:
        raise SweepError(f"{where}.options: {', '.join(map(repr, unknown))} is not an option of method "
                         f"{entry['method']}; its options: {', '.join(allowed) or 'none'}")
    return dict(options)


def _positive_int(value, where):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise SweepError(f"{where}: expected a positive integer, got {value!r}")
    return int(value)


def _has_duplicates(values):
    texts = [json.dumps(v, sort_keys=True, default=str) for v in values]
    return len(set(texts)) != len(texts)
