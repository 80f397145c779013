"""Stationary McKean-Vlasov sweeps of Gomes & Pavliotis (2017) as stored datasets: the config layer.

Three kinds of store, each built from one entry of the config's ``meanfield`` section by the library
methods of :mod:`mfsweep.meanfield.stationary`:

* R-maps (Figs 1a, 3, 4, 5a-b, 6a-9a, :mod:`~mfsweep.meanfield.stationary.rmap`): R(m; theta,
  beta) with dims (case, eps, beta, m) and the ``dynamics`` label of each eps;
* critical temperatures (Fig 10, :mod:`~mfsweep.meanfield.stationary.critical`): every root of
  beta theta Var_{m=0} = 1, dims (case, eps, root), the (case, eps) grid fanned out as dask tasks,
  with the homogenized (both psi signs) and no-fluctuation values alongside;
* bifurcation diagrams (Figs 1b, 5c, 6b-9b, :mod:`~mfsweep.meanfield.stationary.diagram`): every
  branch of m = R(m) in a window, dims (branch, point), with stability and free energy, and the
  states at ``free_energy_beta`` (Table 2).

In the config ``eps = 0`` names the homogenized problem (eq. 2.25; psi of eq. 2.21 with
``psi_sign``); :func:`dynamics` turns it into the library's Dynamics value, here and nowhere else.
Cases are ``case1``-``case4`` (Table 1), ``V0+V1`` names of the built-in tables (e.g.
``bistable+none``) or ``"package.module:name"`` of a user Potential.
"""

import functools
import logging

import numpy as np
import xarray as xr

from mfsweep import storage
from mfsweep.cluster import dask_client
from mfsweep.meanfield.model import dynamics as dynamics_
from mfsweep.meanfield.model import potentials
from mfsweep.meanfield.stationary import critical, diagram, rmap
from mfsweep.meanfield.stationary.continuation import ContinuationOptions
from mfsweep.meanfield.stationary.selfconsistency import GridSpec, MeanFieldProblem, QuadratureResolutionError
from mfsweep.provenance import provenance

log = logging.getLogger(__name__)

HOMOGENIZED = 0.0
"""The config's eps of the homogenized problem."""
EPS_ATTRS = {"long_name": "scale separation epsilon (0 = homogenized limit, see dynamics)", "units": "1"}
BETA_ATTRS = {"long_name": "inverse temperature beta", "units": "1"}
M_ATTRS = {"long_name": "first moment m", "units": "1"}


def dynamics(eps, psi_sign="printed"):
    """The Dynamics of a config ``eps`` (0 = homogenized, with ``psi_sign``)."""
    return dynamics_.Homogenized(psi_sign) if eps == HOMOGENIZED else dynamics_.Full(eps)


def potential(name, config, where="meanfield.case"):
    """The potential called ``name`` (``caseN``, ``V0+V1`` or an import path) with the config's delta, a.

    ``where`` is the config key of the name, for the error message.
    """
    return potentials.potential(name, where).with_parameters(config["meanfield"]["delta"], config["meanfield"]["a"])


def problem(name, eps, theta, config, psi_sign="printed", where="meanfield.case"):
    """The stationary problem of potential ``name`` at ``eps`` (0 = homogenized)."""
    return MeanFieldProblem(potential(name, config, where), float(theta), dynamics(eps, psi_sign),
                            grid=GridSpec(**config["meanfield"].get("grid", {})))


def method_params(config, eps, psi_sign="printed", **values):
    """The library parameters of a config point: delta, a, the grid, the dynamics of ``eps``, and ``values``."""
    section = config["meanfield"]
    model = dynamics(eps, psi_sign)
    grid = {f"grid_{key}": value for key, value in section.get("grid", {}).items()}
    return {"delta": section["delta"], "a": section["a"], **grid, "model": model.model, "psi_sign": psi_sign,
            **({"eps": eps} if eps != HOMOGENIZED else {}), **values}


def plan_bytes(config, kind, name=None):
    """Build every problem of the ``meanfield.<kind>[.name]`` job and check that its lattice resolves it
    (bad names or an unresolved beta fail before any work); the job's bytes."""
    section = config["meanfield"]
    if kind == "rmaps":
        spec, where = section["rmaps"][name], f"meanfield.rmaps.{name}"
        _increasing(spec["m_range"], f"{where}.m_range")
        for case in spec["cases"]:
            for eps in spec["eps"]:
                prob = problem(case, eps, spec["theta"], config, spec["psi_sign"], f"{where}.cases")
                _resolved(prob, max(spec["betas"]), max(map(abs, spec["m_range"])), where)
        points = len(spec["cases"]) * len(spec["eps"]) * len(spec["betas"]) * spec["n_m"]
        return 8 * (3 * 2 * points + 8 * _ROWS_BYTES)
    if kind == "critical":
        spec = section["critical"]
        _increasing(spec["beta_range"], "meanfield.critical.beta_range")
        for case in spec["cases"]:
            for eps in spec["eps"]:
                prob = problem(case, eps, spec["theta"], config, where="meanfield.critical.cases")
                _resolved(prob, spec["beta_range"][1], 0.0, "meanfield.critical")
        return 8 * 16 * _ROWS_BYTES
    spec, where = section["diagrams"][name], f"meanfield.diagrams.{name}"
    _increasing(spec["m_range"], f"{where}.m_range")
    _increasing(spec["beta_range"], f"{where}.beta_range")
    prob = problem(spec["case"], spec["eps"], spec["theta"], config, spec["psi_sign"], f"{where}.case")
    _resolved(prob, spec["beta_range"][1], max(map(abs, spec["m_range"])), where)
    options(spec)
    return 8 * (8 * spec["n_m"] * spec["n_beta"] + 8 * _ROWS_BYTES)


def _resolved(prob, beta, m_abs, where):
    """QuadratureResolutionError of the stationary solver as a ValueError naming the config key."""
    try:
        prob.check_resolution(beta, m_abs, what=where)
    except QuadratureResolutionError as error:
        raise ValueError(str(error)) from None


_ROWS_BYTES = 1 << 18  # elements of one chunk of the quadrature's (m x node) broadcast


def _increasing(pair, where):
    if not pair[0] < pair[1]:
        raise ValueError(f"{where}: need lo < hi, got {list(pair)}")


def rmap_dataset(config, name):
    """R(m) and R'(m) on the (case, eps, beta, m) grid of the R-map spec ``name``."""
    spec = config["meanfield"]["rmaps"][name]
    curves = {}
    for case in spec["cases"]:
        for eps in spec["eps"]:
            for beta in spec["betas"]:
                params = rmap.Params(**method_params(config, eps, spec["psi_sign"], theta=spec["theta"], beta=beta,
                                                     m_range=spec["m_range"], n_m=spec["n_m"]))
                curves[case, eps, beta] = rmap.run(case, params)
    m = next(iter(curves.values())).m.values
    shape = (len(spec["cases"]), len(spec["eps"]), len(spec["betas"]), m.size)
    R = np.stack([curves[key].R.values for key in curves]).reshape(shape)
    dR = np.stack([curves[key].dR_dm.values for key in curves]).reshape(shape)
    dims = ("case", "eps", "beta", "m")
    first = next(iter(curves.values()))
    ds = xr.Dataset(
        {"R": (dims, R, first.R.attrs), "dR_dm": (dims, dR, first.dR_dm.attrs)},
        coords={**_coords(case=spec["cases"], eps=spec["eps"], beta=spec["betas"], m=m),
                "dynamics": ("eps", np.array([dynamics(eps, spec["psi_sign"]).label for eps in spec["eps"]],
                                             dtype=object), {"long_name": "dynamics of each eps"})},
    )
    ds.attrs = provenance(spec, figure=name, theta=spec["theta"], **_potential_params(config))
    return ds


def critical_task(config, theta, beta_range, name, eps, psi_sign="printed"):
    """All critical betas of one (case, eps) point (eps = 0: homogenized with ``psi_sign``): a dask task."""
    params = critical.Params(**method_params(config, eps, psi_sign, theta=theta, beta_range=beta_range))
    return critical.run(name, params).beta_c.values


def critical_dataset(config, client):
    """Critical betas over the (case, eps) grid, plus homogenized and no-fluctuation values."""
    spec = config["meanfield"]["critical"]
    theta, beta_range = spec["theta"], spec["beta_range"]
    task = functools.partial(critical_task, config, theta, beta_range)
    points = [(name, eps) for name in spec["cases"] for eps in spec["eps"]]
    futures = client.map(task, *zip(*points))
    roots = dict(zip(points, client.gather(futures)))
    homogenized = {(name, sign): critical_task(config, theta, beta_range, name, HOMOGENIZED, sign)
                   for name in spec["cases"] for sign in spec["psi_signs"]}
    without = {name: critical_task(config, theta, beta_range, potentials.potential(name).without_fluctuations(), 1.0)
               for name in spec["cases"]}
    width = max(1, *(len(r) for r in [*roots.values(), *homogenized.values(), *without.values()]))
    ds = xr.Dataset(
        {
            "beta_c": (("case", "eps", "root"), _pad(roots, spec["cases"], spec["eps"], width),
                       {"long_name": "critical inverse temperature (roots of beta theta Var = 1, eq. 4.4)"}),
            "beta_c_homogenized": (("case", "psi_sign", "root"),
                                   _pad(homogenized, spec["cases"], spec["psi_signs"], width),
                                   {"long_name": "critical beta of the homogenized problem (eq. 2.27)"}),
            "beta_c_no_fluctuation": (("case", "root"),
                                      np.stack([_row(without[name], width) for name in spec["cases"]]),
                                      {"long_name": "critical beta without fluctuations (eq. 1.10)"}),
        },
        coords=_coords(case=spec["cases"], eps=spec["eps"], psi_sign=spec["psi_signs"], root=np.arange(width)),
    )
    for var in ds.data_vars.values():
        var.attrs["units"] = "1"
    ds.attrs = provenance(spec, **_potential_params(config))
    return ds


def options(spec):
    """Continuation options of a diagram spec."""
    return ContinuationOptions(n_m=spec["n_m"], n_beta=spec["n_beta"])


def diagram_params(config, spec):
    """The library parameters of a diagram spec."""
    return diagram.Params(**method_params(config, spec["eps"], spec["psi_sign"], theta=spec["theta"],
                                          m_range=spec["m_range"], beta_range=spec["beta_range"], n_m=spec["n_m"],
                                          n_beta=spec["n_beta"], free_energy_beta=spec["free_energy_beta"]))


def diagram_dataset(config, name):
    """Every branch of m = R(m) in the spec's window, with stability and free energy along it."""
    spec = config["meanfield"]["diagrams"][name]
    ds = diagram.run(spec["case"], diagram_params(config, spec))
    ds.attrs.update(figure=name, spec=spec)
    return ds


def run_rmap(config, name, output):
    storage.write_zarr_atomic(rmap_dataset(config, name), output)


def run_critical(config, output, threads):
    with dask_client(config["dask"], threads) as client:
        storage.write_zarr_atomic(critical_dataset(config, client), output)


def run_diagram(config, name, output):
    storage.write_zarr_atomic(diagram_dataset(config, name), output)


def config_error(error, keys):
    """A ParameterError of the library (``field: message``) as a ValueError naming the config key of the field."""
    name, _, message = str(error).partition(": ")
    return ValueError(f"{keys.get(name, name)}: {message}")


COORD_ATTRS = {
    "eps": EPS_ATTRS, "beta": BETA_ATTRS, "m": M_ATTRS,
    "case": {"long_name": "two-scale potential: Table-1 case, V0+V1 or import path"},
    "psi_sign": {"long_name": "sign convention of psi (eq. 2.21): printed or flipped"},
    "root": {"long_name": "index of the critical beta, ascending", "units": "1"},
}


def _coords(**coords):
    """Dimension coordinates with CF attrs; labels as variable-length strings."""
    out = {}
    for key, values in coords.items():
        values = list(values)
        text = bool(values) and isinstance(values[0], str)
        out[key] = (key, np.asarray(values, dtype=object if text else float if key in ("eps", "beta", "m") else None),
                    COORD_ATTRS[key])
    return out


def _row(values, width):
    row = np.full(width, np.nan)
    row[: len(values)] = values
    return row


def _pad(results, rows, cols, width):
    return np.stack([np.stack([_row(results[(r, c)], width) for c in cols]) for r in rows])


def _potential_params(config):
    return {"delta": config["meanfield"]["delta"], "a": config["meanfield"]["a"],
            "grid": config["meanfield"]["grid"]}

