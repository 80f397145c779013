"""Time-dependent McKean-Vlasov runs (Gomes & Pavliotis 2017, Section 4.5, Figs 17-18) as stored sweeps.

One store per (setting, model), model ``full`` (eq. 4.6) or ``homogenized-<psi_sign>`` (eq. 4.7
in gradient-flow form, see :mod:`.fokker_planck`). The (theta, beta) points of a setting are
fanned out as dask tasks; each evolves p(x, t) from a Gaussian to T and records p, m, the free
energy, the mass and the L1 distance to the stationary state that the self-consistency solver
gives at the same parameters (the stable state nearest to the final mean).
"""

import itertools
import logging
import time

import numpy as np
import xarray as xr

from mfsweep import storage
from mfsweep.cluster import dask_client
from mfsweep.provenance import provenance
from mfsweep.experiments import stationary
from mfsweep.meanfield.fokker_planck import FokkerPlanck
from mfsweep.experiments.particles import FULL, HOMOGENIZED, MODELS, psi_sign_of
from mfsweep.meanfield.selfconsistency import nearest_stable_state

log = logging.getLogger(__name__)

EXPERIMENT = "mckean_vlasov"


def output_times(spec):
    """0, ``n_outputs`` geometric times from ``first_output`` to T, and the snapshot times (<= T)."""
    times = np.geomspace(spec["first_output"], spec["T"], spec["n_outputs"])
    return np.unique(np.concatenate([[0.0], times, [t for t in spec["snapshots"] if t <= spec["T"]]]))


def solver(config, setting, model, theta, beta):
    """The Fokker-Planck solver of one parameter point."""
    spec, grid = config["mckean_vlasov"]["settings"][setting], config["mckean_vlasov"]["grid"]
    potential = stationary.potential(spec["case"], spec["eps"], config, f"mckean_vlasov.settings.{setting}.case")
    return FokkerPlanck(potential, float(theta), float(beta), homogenized=model != FULL,
                        psi_sign=psi_sign_of(model) or "printed", domain=tuple(grid["domain"]), dx=grid["dx"],
                        cells_per_period=grid["cells_per_period"])


def plan_sizes(config, setting, model):
    """Check one (setting, model) store before any work; its (points, output times, cells)."""
    section = config["mckean_vlasov"]
    spec = section["settings"][setting]
    where = f"mckean_vlasov.settings.{setting}"
    if model not in MODELS:
        raise ValueError(f"{where}: unknown model {model!r}; allowed: {', '.join(MODELS)}")
    if not spec["first_output"] < spec["T"]:
        raise ValueError(f"{where}.first_output: must be < T = {spec['T']}")
    lo, hi = section["grid"]["domain"]
    if not lo < hi:
        raise ValueError(f"mckean_vlasov.grid.domain: need lo < hi, got {[lo, hi]}")
    if not lo < spec["init_mean"] < hi:
        raise ValueError(f"{where}.init_mean: must lie in mckean_vlasov.grid.domain {[lo, hi]}")
    fp = solver(config, setting, model, spec["thetas"][0], spec["betas"][0])
    return len(spec["thetas"]) * len(spec["betas"]), output_times(spec).size, fp.x.size


def stationary_on_grid(fp, config, case, final_mean):
    """The stationary solver's density on the cell centres, for the stable state nearest to ``final_mean``."""
    problem = stationary.stationary_problem(case, fp.potential.eps, fp.theta, config, fp.homogenized, fp.psi_sign)
    state = nearest_stable_state(problem.stationary_states(fp.beta), final_mean)
    log_z = float(problem.moments(state.m, fp.beta).log_z)
    x = fp.x
    return state, np.exp(-fp.beta * (fp.confining(x) + fp.theta * (0.5 * x * x - state.m * x)) - log_z)


def point_task(config, setting, model, theta, beta):
    """One dask task: evolve one (theta, beta) point and compare with the stationary solver."""
    spec, solver_options = config["mckean_vlasov"]["settings"][setting], config["mckean_vlasov"]["solver"]
    fp = solver(config, setting, model, theta, beta)
    start = time.perf_counter()
    evolution = fp.evolve(fp.initial(spec["init_mean"], spec["init_var"]), output_times(spec), **solver_options)
    wall = time.perf_counter() - start
    state, stationary = stationary_on_grid(fp, config, spec["case"], evolution.mean[-1])
    distance = fp.h * np.abs(evolution.p - stationary).sum(axis=1)
    return {"evolution": evolution, "wall_time": wall, "stationary": stationary, "stationary_m": state.m,
            "stationary_free_energy": state.free_energy, "distance": distance}


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
    """Labelled dataset with dims (theta, beta, time, x) from the point results (in product order)."""
    spec = config["mckean_vlasov"]["settings"][setting]
    fp = solver(config, setting, model, spec["thetas"][0], spec["betas"][0])
    shape = (len(spec["thetas"]), len(spec["betas"]))

    def grid(values):
        values = np.asarray(values)
        return values.reshape(shape + values.shape[1:])

    evolutions = [r["evolution"] for r in results]
    point, series = ("theta", "beta"), ("theta", "beta", "time")
    ds = xr.Dataset(
        {
            "p": (series + ("x",), grid([e.p for e in evolutions]),
                  {"long_name": "density p(x, t) (cell averages)", "units": "1"}),
            "mean": (series, grid([e.mean for e in evolutions]), {"long_name": "first moment m(t)", "units": "1"}),
            "free_energy": (series, grid([e.free_energy for e in evolutions]),
                            {"long_name": "discrete free energy F(t) (eq. 1.5)", "units": "1"}),
            "mass": (series, grid([e.mass for e in evolutions]), {"long_name": "total mass", "units": "1"}),
            "distance_to_stationary": (series, grid([r["distance"] for r in results]),
                                       {"long_name": "L1 distance of p(t) to the stationary solver's state",
                                        "units": "1"}),
            "stationary_p": (point + ("x",), grid([r["stationary"] for r in results]),
                             {"long_name": "stationary density of the self-consistency solver", "units": "1"}),
            "stationary_m": (point, grid([r["stationary_m"] for r in results]),
                             {"long_name": "m of the stable stationary state nearest to m(T)", "units": "1"}),
            "stationary_free_energy": (point, grid([r["stationary_free_energy"] for r in results]),
                                       {"long_name": "free energy of that state (eq. 1.5)", "units": "1"}),
            "steps": (point, grid([e.steps for e in evolutions]), {"long_name": "accepted time steps", "units": "1"}),
            "rejected_steps": (point, grid([e.rejected for e in evolutions]),
                               {"long_name": "rejected time steps", "units": "1"}),
            "max_free_energy_increase": (point, grid([e.max_free_energy_increase for e in evolutions]),
                                         {"long_name": "largest change of F over one accepted step (<= 0 "
                                                       "up to rounding)", "units": "1"}),
            "wall_time": (point, grid([r["wall_time"] for r in results]),
                          {"long_name": "wall time of the evolution", "units": "s"}),
        },
        coords={
            "theta": ("theta", np.asarray(spec["thetas"], dtype=float),
                      {"long_name": "interaction strength theta", "units": "1"}),
            "beta": ("beta", np.asarray(spec["betas"], dtype=float), stationary.BETA_ATTRS),
            "time": ("time", evolutions[0].times, {"long_name": "time t", "units": "1"}),
            "x": ("x", fp.x, {"long_name": "cell centre x", "units": "1"}),
            "case": ((), spec["case"], {"long_name": "two-scale potential: Table-1 case or V0+V1"}),
            "dynamics": ((), HOMOGENIZED if fp.homogenized else FULL,
                         {"long_name": "full (eq. 4.6) or homogenized (eq. 4.7, gradient-flow form)"}),
            "psi_sign": ((), fp.psi_sign if fp.homogenized else "none",
                         {"long_name": "sign convention of psi (eq. 2.21); none for full"}),
            "eps": ((), float(spec["eps"]), {"long_name": "scale separation epsilon", "units": "1"}),
            "delta": ((), float(config["meanfield"]["delta"]), {"long_name": "fluctuation strength delta",
                                                                  "units": "1"}),
        },
    )
    for name in ("p", "mean", "free_energy", "distance_to_stationary"):
        if not np.all(np.isfinite(ds[name].values)):
            raise FloatingPointError(f"{EXPERIMENT} {setting}/{model}: non-finite {name}")
    ds.attrs = provenance(spec, experiment=EXPERIMENT, setting=setting, model=model,
                                  grid=config["mckean_vlasov"]["grid"], solver=config["mckean_vlasov"]["solver"],
                                  meanfield={"delta": config["meanfield"]["delta"], "a": config["meanfield"]["a"]},
                                  cell_width=fp.h)
    return ds
