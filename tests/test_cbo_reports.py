"""Tables and figures of Herty et al. (2024) Tables 1-4: checked on what they print and plot.

The inputs are small Datasets built here with known per-run values, so every number a table row or
a bar shows has an exact expected value (means of the runs; the paper's cell from the shipped CSV).
"""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import xarray as xr

from mfsweep.reports.cbo_bilevel_figures import plot_bilevel
from mfsweep.reports.cbo_bilevel_table import bilevel_table, paper_table1
from mfsweep.reports.cbo_tables_figures import plot_success
from mfsweep.reports.cbo_tables_table import comparison_table

PROBLEMS, PAIRINGS, RUNS = ["ii", "v"], ["printed", "own"], 4


@pytest.fixture
def combined():
    """A combined Table-1 Dataset: error of run k of (problem p, pairing q) = 10^(k - 3) (p + 1) (q + 1)."""
    error = np.array([[[[[10.0 ** (k - 3) * (p + 1) * (q + 1) for k in range(RUNS)]]] for q in range(2)]
                      for p in range(2)])
    dims = ("problem", "pairing", "x_update", "loop_bound", "run")
    coords = {"problem": PROBLEMS, "pairing": PAIRINGS, "x_update": ["gauss_seidel"], "loop_bound": ["inclusive"],
              "run": np.arange(RUNS)}
    return xr.Dataset({"error": (dims, error), "success": (dims, error <= 0.25),
                       "wall_time": (dims, np.full(error.shape, 0.5))}, coords, attrs={"success_threshold": 0.25})


def test_bilevel_table_rows_are_the_runs_means_beside_table1(combined):
    table = bilevel_table(combined).set_index(["problem", "pairing"])
    paper = paper_table1()
    for p, problem in enumerate(PROBLEMS):
        for q, pairing in enumerate(PAIRINGS):
            errors = combined.error.sel(problem=problem, pairing=pairing).values.ravel()
            row = table.loc[(problem, pairing)]
            assert row["success_%"] == 100.0 * np.mean(errors <= 0.25) and row.runs == RUNS
            assert row.mean_error == pytest.approx(errors.mean(), rel=1e-15)
            assert row.median_error == pytest.approx(np.median(errors), rel=1e-15)
            assert row["paper_success_%"] == paper.loc[problem, "success_rate_percent"]
    assert table.loc[("v", "printed"), "paper_success_%"] == 99  # Table 1 of the paper, problem (v)


def test_bilevel_figures_plot_the_table_and_every_run(combined):
    success, errors = plot_bilevel(combined)
    table = bilevel_table(combined).set_index(["pairing", "problem"])
    ax = success.axes[0]
    bars = [patch.get_height() for container in ax.containers for patch in container]
    expected = [table.loc[(pairing, problem), "success_%"] for pairing in PAIRINGS for problem in PROBLEMS]
    assert bars == expected  # one bar group per variant, in problem order
    paper_line = next(line for line in ax.lines if line.get_label() == "paper (Table 1)")
    np.testing.assert_array_equal(paper_line.get_ydata(), [paper_table1().loc[p, "success_rate_percent"]
                                                           for p in PROBLEMS])
    points = [line for line in errors.axes[0].lines if line.get_linestyle() == "None"]
    plotted = np.sort(np.concatenate([line.get_ydata() for line in points]))
    np.testing.assert_allclose(plotted, np.sort(np.log10(combined.error.values.ravel())), rtol=0, atol=1e-15)
    threshold = next(line for line in errors.axes[0].lines if line.get_label() == "success threshold")
    assert threshold.get_ydata()[0] == pytest.approx(np.log10(0.25))


def _cell(table, problem, method, sizes, errors):
    """A Tables 2-4 cell Dataset (dims size, run) as :mod:`mfsweep.experiments.cbo_tables` writes them."""
    labels = [f"N={n}" for n, _, _ in sizes]
    n, m, d = (np.array(column, dtype=float) for column in zip(*sizes))
    errors = np.asarray(errors, dtype=float)
    return xr.Dataset(
        {"error": (("size", "run"), errors), "success": (("size", "run"), errors <= 0.25),
         "wall_time": (("size", "run"), np.ones_like(errors))},
        {"size": labels, "run": np.arange(errors.shape[1]), "N": ("size", n), "M": ("size", m),
         "P": ("size", np.full(len(sizes), np.nan)), "d": ("size", d), "table": table, "problem": problem,
         "method": method})


def test_tables234_and_their_success_figure_show_each_cells_runs_and_the_paper():
    cells = [_cell("table3", "d", "sp_cbo", [(100, np.nan, 10)], [[0.1, 0.2, 0.3, 0.01]]),
             _cell("table3", "d", "ms_cbo_c1", [(100, 25, 10)], [[0.5, 0.2, 0.6, 0.7]])]
    table = comparison_table(cells)
    rows = table.set_index("method")
    assert rows.loc["sp_cbo", "success_%"] == 75.0 and rows.loc["ms_cbo_c1", "success_%"] == 25.0
    assert rows.loc["sp_cbo", "mean_error"] == pytest.approx(0.1525, rel=1e-15)
    assert rows.loc["ms_cbo_c1", "median_error"] == pytest.approx(0.55, rel=1e-15)
    assert rows["paper_success_%"].notna().all()  # Table 3 (d) at N = 100, d = 10: the paper's cells are found
    ax = plot_success(cells).axes[0]
    ours, paper = ax.containers
    assert [bar.get_height() for bar in ours] == list(table["success_%"])
    assert [bar.get_height() for bar in paper] == list(table["paper_success_%"])
