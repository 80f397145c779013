"""The Table-2-style free-energy table (Gomes & Pavliotis 2017): ours next to the paper's."""

import pandas as pd

from mfsweep.reports.tables import reference_data, write_table

PAPER_TABLE2 = "gomes2017_table2.csv"


def paper_table2():
    """The paper's Table 2 (cited reference data shipped with the package)."""
    return reference_data(PAPER_TABLE2, dtype={"figure": str})


def free_energy_table(diagrams):
    """One row per stationary state with m >= 0 at each diagram's ``free_energy_beta``.

    ``diagrams``: diagram datasets (:mod:`mfsweep.meanfield.stationary.diagram`), which store the
    states at ``free_energy_beta`` (``state_m``, ``state_stable``, ``state_free_energy``). States are
    listed from the largest m down to m = 0 (as in the paper); the paper's value is matched by rank
    counted from the m = 0 state, since the paper prints no m values. The paper lists the
    homogenized rows under eps = 0.
    """
    paper = paper_table2()
    rows = []
    for ds in diagrams:
        parameters = ds.attrs["parameters"]
        beta, case, theta = parameters["free_energy_beta"], ds.attrs["potential"], float(ds.theta)
        eps = float(ds.eps) if str(ds.dynamics.values) == "full" else 0.0
        psi_sign = str(ds.psi_sign.values) if "psi_sign" in ds.coords else parameters["psi_sign"]
        keep = ds.state_m.values >= -1e-9
        states = list(zip(ds.state_m.values[keep], ds.state_stable.values[keep],
                          ds.state_free_energy.values[keep]))[::-1]
        match = paper[(paper["case"] == case) & (paper.beta == beta) & (paper.eps == eps) & (paper.theta == theta)]
        reference = dict(zip(match.rank_from_zero, match.free_energy))
        for rank, (m, stable, free_energy) in zip(range(len(states) - 1, -1, -1), states):
            rows.append({"figure": ds.attrs.get("figure", ""), "case": case, "theta": theta, "eps": eps,
                         "psi_sign": psi_sign, "beta": beta, "m": float(m), "stable": bool(stable),
                         "free_energy": float(free_energy), "paper_free_energy": reference.get(rank),
                         "paper_states": len(match) or None})
    return pd.DataFrame(rows)


def write_free_energy_table(diagrams, outputs):
    """Write the table of the diagram datasets to outputs["csv"|"md"|"tex"|"html"]."""
    write_table(free_energy_table(diagrams), outputs, {"m": ".4f", "free_energy": ".4f", "paper_free_energy": ".4f"},
                label="tab:free-energy",
                caption="Free energy (eq. 1.5) of the stationary states with m >= 0 at fixed beta, "
                        "ours next to Table 2 of Gomes & Pavliotis (2017).")
