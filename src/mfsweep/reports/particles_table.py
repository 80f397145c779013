"""Summary of the particle datasets: long-time means and histograms against the stored stationary predictions and the paper."""

import collections

import numpy as np
import pandas as pd

from mfsweep.meanfield.model.dynamics import of_dataset
from mfsweep.reports.tables import reference_data, write_table

PAPER_PARTICLES = "gomes2017_particles.csv"


def particles_table(datasets):
    """One row per particle dataset (:mod:`mfsweep.meanfield.particles`): long-time mean over runs, every
    stationary state of the same dynamics, the stable state each run reached, the TV distance.

    Everything is read from the datasets (their stored stationary predictions); nothing is recomputed.
    """
    paper = reference_data(PAPER_PARTICLES)
    rows = []
    for ds in datasets:
        spec = ds.attrs["parameters"]
        case, dynamics = ds.attrs["potential"], str(ds.dynamics.values)
        match = paper[(paper["case"] == case) & (paper.theta == spec["theta"]) & (paper.beta == spec["beta"])
                      & (paper.dynamics == of_dataset(ds).model)]
        states = zip(ds.state_m.values, ds.state_stable.values)
        reached = collections.Counter(float(m) for m in ds.stationary_m.values)
        rows.append({
            "setting": ds.attrs.get("setting", ""), "case": case, "model": dynamics,
            "theta": spec["theta"], "beta": spec["beta"], "eps": spec["eps"], "N": spec["N"], "T": spec["T"],
            "dt": spec["dt"], "runs": ds.sizes["run"],
            "long_time_mean": float(ds.long_time_mean.mean()), "sd_over_runs": float(ds.long_time_mean.std()),
            "mean_abs_long_time_mean": float(np.abs(ds.long_time_mean).mean()),
            "stationary_states": " ".join(f"{m:+.3f}{'' if stable else '(u)'}" for m, stable in states),
            "runs_per_state": " ".join(f"{m:+.3f}: {n}" for m, n in sorted(reached.items())),
            "mean_abs_stable_m": float(np.abs(ds.stationary_m).mean()),
            "tv_distance": float(ds.tv_distance.mean()),
            "paper_long_time_mean": match.paper_long_time_mean.iloc[0] if len(match) else None,
            "paper_says": match.paper_says.iloc[0] if len(match) else None,
        })
    return pd.DataFrame(rows)


def write_particles_table(datasets, outputs):
    """Write the table to outputs["csv"|"md"|"tex"|"html"]."""
    write_table(particles_table(datasets), outputs,
                {"long_time_mean": ".3f", "sd_over_runs": ".3f", "mean_abs_long_time_mean": ".3f",
                 "mean_abs_stable_m": ".3f", "tv_distance": ".3f",
                 "paper_long_time_mean": "g"}, label="tab:particles",
                caption="Particle systems (Gomes & Pavliotis 2017, Section 4.4): long-time mean over [average_from, "
                        "T], stationary states m = R(m) of the same model ((u) = unstable), the stable state nearest to "
                        "each run's long-time mean, and the total-variation distance of each run's time-averaged "
                        "histogram to that state's density (mean over runs).")
