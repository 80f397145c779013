"""Time-dependent McKean-Vlasov runs (Gomes & Pavliotis 2017, Section 4.5, Figs 17-18) as stored sweeps.

The config layer of :mod:`mfsweep.meanfield.pde`: one store per (setting, model), model ``full``
(eq. 4.6) or ``homogenized-<psi_sign>`` (eq. 4.7 in gradient-flow form). The (theta, beta) points
of a setting are fanned out as dask tasks, one library run each; the store stacks them on dims
(theta, beta): p(x, t), m, the free energy, the mass and the L1 distance to the stationary state
that the self-consistency solver gives at the same parameters (the stable state nearest to m(T)).
"""

import itertools
import logging

import xarray as xr

from mfsweep import storage
from mfsweep.cluster import dask_client
from mfsweep.experiments.stationary import config_error
from mfsweep.meanfield.model import dynamics
from mfsweep.meanfield.model import potentials
from mfsweep.meanfield.pde import method
from mfsweep.params import ParameterError
from mfsweep.provenance import provenance

log = logging.getLogger(__name__)

EXPERIMENT = "mckean_vlasov"
MODELS = dynamics.LABELS


def params(config, setting, model, theta, beta):
    """The library parameters of one (theta, beta) point of a (setting, model)."""
    section = config["mckean_vlasov"]
    spec, grid, solver_ = section["settings"][setting], section["grid"], section["solver"]
    dyn = dynamics.from_label(model, spec["eps"])
    quadrature = {f"grid_{key}": value for key, value in config["meanfield"].get("grid", {}).items()}
    return method.Params(
        theta=theta, beta=beta, eps=spec["eps"], delta=config["meanfield"]["delta"], a=config["meanfield"]["a"],
        model=dyn.model, psi_sign=getattr(dyn, "psi_sign", "printed"), init_mean=spec["init_mean"],
        init_var=spec["init_var"], T=spec["T"], snapshots=spec["snapshots"], n_outputs=spec["n_outputs"],
        first_output=spec["first_output"], domain=grid["domain"], dx=grid["dx"],
        cells_per_period=grid["cells_per_period"], tol=solver_["tol"], dt0=solver_["dt0"], dt_max=solver_["dt_max"],
        **quadrature)


def output_times(config, setting):
    """0, ``n_outputs`` geometric times from ``first_output`` to T, and the snapshot times (<= T)."""
    spec = config["mckean_vlasov"]["settings"][setting]
    return params(config, setting, "full", spec["thetas"][0], spec["betas"][0]).output_times


def solver(config, setting, model, theta, beta):
    """The Fokker-Planck solver of one parameter point."""
    case = config["mckean_vlasov"]["settings"][setting]["case"]
    return method.solver(case, params(config, setting, model, theta, beta))


def _keys(setting):
    where = f"mckean_vlasov.settings.{setting}"
    keys = {name: f"{where}.{name}" for name in ("eps", "T", "init_mean", "init_var", "snapshots", "n_outputs",
                                                 "first_output")}
    keys.update(theta=f"{where}.thetas", beta=f"{where}.betas", delta="meanfield.delta", a="meanfield.a")
    keys.update({name: f"mckean_vlasov.grid.{name}" for name in ("domain", "dx", "cells_per_period")})
    keys.update({name: f"mckean_vlasov.solver.{name}" for name in ("tol", "dt0", "dt_max")})
    keys.update({f"grid_{key}": f"meanfield.grid.{key}" for key in ("points_per_period", "dx", "tolerance")})
    return keys


def plan_sizes(config, setting, model):
    """Check one (setting, model) store before any work; its (points, output times, cells)."""
    spec = config["mckean_vlasov"]["settings"][setting]
    where = f"mckean_vlasov.settings.{setting}"
    if model not in MODELS:
        raise ValueError(f"{where}: unknown model {model!r}; allowed: {', '.join(MODELS)}")
    potentials.potential(spec["case"], f"{where}.case")
    try:
        point = [params(config, setting, model, theta, beta) for theta in spec["thetas"] for beta in spec["betas"]]
    except ParameterError as error:
        raise config_error(error, _keys(setting)) from None
    return len(point), point[0].output_times.size, method.solver(spec["case"], point[0]).x.size


def point_task(config, setting, model, theta, beta):
    """One dask task: evolve one (theta, beta) point and compare with the stationary solver."""
    case = config["mckean_vlasov"]["settings"][setting]["case"]
    return method.run(case, params(config, setting, model, theta, beta))


def run_store(config, setting, model, output, threads):
    """All (theta, beta) points of one (setting, model), as dask tasks; written atomically."""
    spec = config["mckean_vlasov"]["settings"][setting]
    points = list(itertools.product(spec["thetas"], spec["betas"]))
    with storage.store_lock(output), dask_client(config["dask"], threads, len(points)) as client:
        futures = [client.submit(point_task, config, setting, model, theta, beta, pure=False) for theta, beta in points]
        ds = mckean_vlasov_dataset(config, setting, model, client.gather(futures))
        storage.write_zarr_atomic(ds, output)
    log.info("%s %s/%s: wrote %s (%d points, %.1f s of solver time)", EXPERIMENT, setting, model, output,
             len(points), float(ds.wall_time.sum()))


def mckean_vlasov_dataset(config, setting, model, results):
    """Labelled dataset with dims (theta, beta, time, x) from the point datasets (in product order)."""
    spec = config["mckean_vlasov"]["settings"][setting]
    n_beta = len(spec["betas"])
    rows = [xr.concat(results[i:i + n_beta], dim="beta", coords="minimal", compat="override",
                      combine_attrs="override") for i in range(0, len(results), n_beta)]
    ds = xr.concat(rows, dim="theta", coords="minimal", compat="override", combine_attrs="override")
    ds = ds.transpose("theta", "beta", ...)
    first = results[0].attrs
    ds.attrs = provenance({**first["parameters"], "thetas": spec["thetas"], "betas": spec["betas"]},
                          method=first["method"], potential=first["potential"], cell_width=first["cell_width"],
                          experiment=EXPERIMENT, setting=setting, model=model, spec=spec)
    for name in ("theta", "beta"):
        ds[name].attrs = dict(results[0][name].attrs)
    return ds
