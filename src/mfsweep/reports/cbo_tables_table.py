"""Tables 2-4 of Herty et al. (2024): ours next to the paper's, one row per (method, problem, size)."""

import numpy as np
import pandas as pd

from mfsweep.reports.tables import reference_data, write_table

PAPER_TABLES = "herty2024_tables234.csv"


def comparison_table(datasets):
    """Success rate, mean/median error and mean wall time per (method, problem, size), with the paper's cell.

    ``datasets``: the cell Datasets (dims size, run) of :mod:`mfsweep.experiments.cbo_tables`.
    """
    paper = reference_data(PAPER_TABLES, dtype={"problem": str})
    rows = []
    for ds in datasets:
        for size in ds["size"].values:
            cell = ds.sel(size=size)
            rows.append({
                "table": str(ds.table.values), "problem": str(ds.problem.values), "method": str(ds.method.values),
                **{key: float(cell[key]) for key in ("N", "M", "P")}, "dim": float(cell["d"]),
                "runs": cell.sizes["run"], "success_%": 100.0 * float(cell.success.mean()),
                "mean_error": float(cell.error.mean()), "median_error": float(cell.error.median()),
                "mean_wall_time_s": float(cell.wall_time.mean()),
            })
    table = pd.DataFrame(rows)
    reference = paper.rename(columns={"success_rate_percent": "paper_success_%", "mean_error": "paper_mean_error",
                                      "running_time_s": "paper_time_s"})
    reference = reference.astype({"N": float, "dim": float})
    merged = table.merge(reference[["table", "problem", "method", "N", "dim", "paper_success_%", "paper_mean_error",
                                    "paper_time_s"]], on=["table", "problem", "method", "N", "dim"], how="left")
    merged = merged.sort_values(["table", "dim", "N", "problem", "method"]).reset_index(drop=True)
    for key in ("N", "M", "P", "dim"):
        merged[key] = merged[key].map(lambda value: "" if np.isnan(value) else f"{value:g}")
    return merged


def write_comparison_table(datasets, outputs):
    """Write the table of the cell Datasets to outputs["csv"|"md"|"tex"|"html"]."""
    write_table(comparison_table(datasets), outputs,
                {"success_%": ".0f", "mean_error": ".3e", "median_error": ".3e", "mean_wall_time_s": ".2f",
                 "paper_success_%": "g", "paper_mean_error": ".3e", "paper_time_s": ".3f"},
                label="tab:cbo-tables",
                caption="Herty et al. (2024), Tables 2-4 (tri-level MS-CBO; min-max MS-CBO and SP-CBO; scaling in "
                        "N, M, d): success rate (error <= 0.25), mean and median error, mean wall time per run, "
                        "ours next to the paper's.")
