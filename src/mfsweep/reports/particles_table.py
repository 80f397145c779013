"""Summary of the particle stores: long-time means and histograms against the stationary solver and the paper."""

import collections

import numpy as np
import pandas as pd

from mfsweep import storage
from mfsweep.experiments.particles import stationary_prediction, total_variation
from mfsweep.reports.tables import reference_data, write_table

PAPER_PARTICLES = "gomes2017_particles.csv"


def particles_table(stores, grid):
    """One row per store: long-time mean over seeds, every stationary state, the one reached, TV distance.

    ``grid`` is the stationary solver's quadrature grid (the config's ``meanfield.grid``).
    """
    paper = reference_data(PAPER_PARTICLES)
    rows = []
    for path in stores:
        ds = storage.open_store(path).load()
        spec = ds.attrs["parameters"]
        states, matched, probability = stationary_prediction(ds, grid)
        dynamics = str(ds.dynamics.values)
        match = paper[(paper["case"] == spec["case"]) & (paper.theta == spec["theta"]) & (paper.beta == spec["beta"])
                      & (paper.dynamics == dynamics)]
        rows.append({
            "setting": ds.attrs["setting"], "case": spec["case"], "model": ds.attrs["model"],
            "theta": spec["theta"], "beta": spec["beta"], "eps": spec["eps"], "N": spec["N"], "T": spec["T"],
            "dt": spec["dt"], "seeds": ds.sizes["seed"],
            "long_time_mean": float(ds.long_time_mean.mean()), "sd_over_seeds": float(ds.long_time_mean.std()),
            "mean_abs_long_time_mean": float(np.abs(ds.long_time_mean).mean()),
            "stationary_states": " ".join(f"{s.m:+.3f}{'' if s.stable else '(u)'}" for s in states),
            "seeds_per_state": " ".join(f"{m:+.3f}: {n}" for m, n in
                                        sorted(collections.Counter(state.m for state in matched).items())),
            "mean_abs_stable_m": float(np.mean([abs(state.m) for state in matched])),
            "tv_distance": float(total_variation(ds, probability).mean()),
            "paper_long_time_mean": match.paper_long_time_mean.iloc[0] if len(match) else None,
            "paper_says": match.paper_says.iloc[0] if len(match) else None,
        })
    return pd.DataFrame(rows)


def write_particles_table(stores, grid, outputs):
    """Write the table to outputs["csv"|"md"|"tex"|"html"]."""
    write_table(particles_table(stores, grid), outputs,
                {"long_time_mean": ".3f", "sd_over_seeds": ".3f", "mean_abs_long_time_mean": ".3f",
                 "mean_abs_stable_m": ".3f", "tv_distance": ".3f",
                 "paper_long_time_mean": "g"}, label="tab:particles",
                caption="Particle systems (Gomes & Pavliotis 2017, Section 4.4): long-time mean over [average_from, "
                        "T], stationary states m = R(m) of the same model ((u) = unstable), the stable state nearest to "
                        "each seed's long-time mean, and the total-variation distance of each seed's time-averaged "
                        "histogram to that state's density (mean over seeds).")
