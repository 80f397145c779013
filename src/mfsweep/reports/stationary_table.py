"""The Table-2-style free-energy table (Gomes & Pavliotis 2017): ours next to the paper's."""

import pandas as pd

from mfsweep import storage
from mfsweep.experiments.stationary import states_at_beta
from mfsweep.reports.tables import reference_data, write_table

PAPER_TABLE2 = "gomes2017_table2.csv"


def paper_table2():
    """The paper's Table 2 (cited reference data shipped with the package)."""
    return reference_data(PAPER_TABLE2, dtype={"figure": str})


def free_energy_table(stores):
    """One row per stationary state with m >= 0 at each diagram's ``free_energy_beta``.

    States are listed from the largest m down to m = 0 (as in the paper); the paper's value is
    matched by rank counted from the m = 0 state, since the paper prints no m values.
    """
    paper = paper_table2()
    rows = []
    for path in stores:
        ds = storage.open_store(path).load()
        spec = ds.attrs["parameters"]
        beta = spec["free_energy_beta"]
        states = states_at_beta(ds, beta)
        match = paper[(paper["case"] == spec["case"]) & (paper.beta == beta)
                      & (paper.eps == spec["eps"]) & (paper.theta == spec["theta"])]
        reference = dict(zip(match.rank_from_zero, match.free_energy))
        for rank, state in zip(range(len(states) - 1, -1, -1), states):
            rows.append({"figure": ds.attrs["figure"], "case": spec["case"], "theta": spec["theta"],
                         "eps": spec["eps"], "psi_sign": spec["psi_sign"], "beta": beta, "m": state["m"],
                         "stable": state["stable"], "free_energy": state["free_energy"],
                         "paper_free_energy": reference.get(rank), "paper_states": len(match) or None})
    return pd.DataFrame(rows)


def write_free_energy_table(stores, outputs):
    """Write the table to outputs["csv"|"md"|"tex"|"html"]."""
    table = free_energy_table(stores)
    write_table(table, outputs, {"m": ".4f", "free_energy": ".4f", "paper_free_energy": ".4f"}, label="tab:free-energy",
                caption="Free energy (eq. 1.5) of the stationary states with m >= 0 at fixed beta, "
                        "ours next to Table 2 of Gomes & Pavliotis (2017).")
