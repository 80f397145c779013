"""The bi-level success table (Herty et al. 2024, Table 1): ours next to the paper's."""

import pandas as pd

from mfsweep.cbo.parameters import VARIANTS as VARIANT_KEYS  # dims of the combined store
from mfsweep.reports.tables import reference_data, write_table

PAPER_TABLE1 = "herty2024_table1.csv"


def paper_table1():
    """The paper's reported Table 1 (cited reference data shipped with the package)."""
    return reference_data(PAPER_TABLE1, dtype={"problem": str}).set_index("problem")


def bilevel_table(combined):
    """One row per (problem, variant): runs, success rate, errors, wall time, and the paper's values."""
    paper = paper_table1()
    rows = []
    for problem in combined.problem.values:
        for variant in _variants(combined):
            cell = combined.sel(problem=problem, **variant)
            rows.append({
                "problem": problem,
                **variant,
                "runs": cell.sizes["run"],
                "success_%": 100.0 * float(cell.success.mean()),
                "paper_success_%": paper.success_rate_percent.get(problem),
                "mean_error": float(cell.error.mean()),
                "paper_mean_error": paper.mean_error.get(problem),
                "median_error": float(cell.error.median()),
                "mean_time_s": float(cell.wall_time.mean()),
                "paper_time_s": paper.running_time_s.get(problem),
            })
    return pd.DataFrame(rows)


def write_bilevel_table(combined, outputs):
    """Write the table of the combined Dataset to outputs["csv"|"md"|"tex"|"html"]."""
    table = bilevel_table(combined)
    formats = {"mean_error": ".3e", "paper_mean_error": ".3e", "median_error": ".3e", "success_%": ".0f",
               "paper_success_%": ".0f", "mean_time_s": ".3f", "paper_time_s": ".3f"}
    write_table(table, outputs, formats, label="tab:cbo-bilevel",
                caption="Multiscale CBO on the bi-level problems of Herty et al. (2024), Table 1: "
                        "our runs next to the paper's reported values.")


def _variants(combined):
    """Every variant combination present in the combined dataset, as dicts."""
    index = pd.MultiIndex.from_product([combined[key].values for key in VARIANT_KEYS], names=VARIANT_KEYS)
    return [dict(zip(VARIANT_KEYS, values)) for values in index]
