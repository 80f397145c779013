"""Stores of Tables 2-4 (Herty et al. 2024): labelled, chunking-invariant, validated before any work."""

import numpy as np
import pytest

from mfsweep import storage
from mfsweep.experiments import cbo_tables as comparison
from mfsweep.experiments import jobs
from mfsweep.reports.cbo_tables_table import comparison_table
from mfsweep.experiments.config import load_config

TABLES = {
    "t3": {"kind": "minmax", "problems": ["d"],
           "methods": {"ms": {"method": "ms_cbo", "params": {"N": 12, "M": 4, "T_x": 1.0}},
                       "sp": {"method": "sp_cbo", "params": {"N": 12, "T": 1.0}}},
           "sizes": [{"dim": 2}, {"dim": 3}]},
    "t2": {"kind": "trilevel", "problems": ["C"], "runs": 2,  # overrides cbo_tables.runs (3)
           "methods": {"ms": {"method": "trilevel", "params": {"N": 6, "M": 3, "P": 2, "T_x": 0.5}}}},
}


def _config(runs_per_task, tables=TABLES):
    return load_config({"dask": {"runs_per_task": runs_per_task}, "cbo_tables": {"runs": 3, "tables": tables}})


def _cells(config):
    return [tuple(w.values()) for rule, w in jobs.all_jobs(config) if rule == "cbo_tables_run"]


def test_stores_do_not_depend_on_chunking_and_share_initial_positions(tmp_path):
    stores = {}
    for runs_per_task in (1, 4):
        config = _config(runs_per_task)
        for cell in _cells(config):
            path = tmp_path / f"{runs_per_task}-{'-'.join(cell)}.zarr"
            comparison.run_store(config, *cell, path, threads=2)
            stores[runs_per_task, cell] = storage.open_store(path).load()
    for cell in _cells(_config(1)):
        for name in ("x_star", "error"):
            np.testing.assert_array_equal(stores[1, cell][name].values, stores[4, cell][name].values)
    ms, sp = stores[1, ("t3", "ms", "d")], stores[1, ("t3", "sp", "d")]
    assert ms.x_star.dims == ("size", "run", "dim") and list(ms["d"].values) == [2, 3]
    assert np.isnan(ms.x_star.sel(size="dim=2").values[:, 2]).all()  # padded to the largest d
    assert np.isnan(sp["M"].values).all() and str(sp.method.values) == "sp"
    tri = stores[1, ("t2", "ms", "C")]
    assert {"r_star", "r_error"} <= set(tri.data_vars) and float(tri["P"][0]) == 2
    assert tri.sizes["run"] == 2 and ms.sizes["run"] == 3
    table = comparison_table([stores[1, cell] for cell in _cells(_config(1))])
    assert len(table) == 5 and set(table.method) == {"ms", "sp"}
    row = table[(table.method == "sp") & (table.dim == "3")].iloc[0]  # each cell's numbers come from its runs
    cell = sp.sel(size="dim=3")
    assert row["success_%"] == 100.0 * cell.success.mean() and row.runs == 3
    assert row.mean_error == pytest.approx(float(cell.error.mean()), rel=1e-15)
    assert row.median_error == pytest.approx(float(cell.error.median()), rel=1e-15)


@pytest.mark.parametrize("tables, message", [
    ({"x": {"kind": "minmax", "problems": ["e"], "methods": {"m": {"method": "ms_cbo"}}}}, "unknown min-max function"),
    ({"x": {"kind": "trilevel", "problems": ["A"], "methods": {"m": {"method": "sp_cbo"}}}},
     "does not solve trilevel problems"),
    ({"x": {"kind": "minmax", "problems": ["a"], "methods": {"m": {"method": "ms_cbo", "params": {"Q": 1}}}}},
     "cbo_tables.tables.x.methods.m.params: unknown key 'Q'; allowed: N, M, dim"),
])
def test_bad_table_is_rejected_naming_the_key(tables, message):
    with pytest.raises(ValueError) as error:
        _config(1, tables)  # load_config plans every store
    assert message in str(error.value)


def test_paper_tables_are_shipped_beside_ours():
    from mfsweep.reports.tables import reference_data
    paper = reference_data("herty2024_tables234.csv", dtype={"problem": str})
    assert len(paper) == 3 + 12 + 9
    assert paper.set_index(["table", "problem", "method"]).loc[("table3", "b", "sp_cbo"), "success_rate_percent"] == 5
