"""Sweeps through Snakemake: a user's YAML with one sweep per library method, extended, split in parts."""

import copy
import re

import numpy as np
import pytest
import xarray as xr
from test_workflow import planned, snakemake

from mfsweep.sweeps import methods, spec
from mfsweep.sweeps.runner import run_sweep

TINY_CBO = {"N": 8, "M": 3, "dim": 2, "T_x": 0.5}
POINT = {"theta": 2.0, "grid_dx": 0.02}
#: One small sweep per method, each with a numeric or a categorical parameter (or a zip) on an axis.
SWEEPS = {
    "bilevel": {"method": "cbo.bilevel", "problem": ["i", "v"], "params": TINY_CBO, "grid": {"sigma1": [1.0, 2.0]},
                "runs": 4, "runs_per_cell": 2, "options": {"success_threshold": 0.5}},
    "trilevel": {"method": "cbo.trilevel", "problem": "C", "params": {"N": 6, "M": 3, "P": 2, "dim": 2, "T_x": 0.3},
                 "grid": {"loop_bound": ["inclusive", "exclusive"]}, "runs": 2},
    "minmax": {"method": "cbo.minmax", "problem": "d", "params": {"dim": 2, "T_x": 0.5},
               "zip": {"size": {"N": [6, 8], "M": [3, 4]}}, "runs": 2},
    "spcbo": {"method": "cbo.spcbo", "problem": "d", "params": {"N": 10, "dim": 2, "T": 1.0},
              "grid": {"noise": ["anisotropic", "isotropic"]}, "runs": 2},
    "standard": {"method": "cbo.standard", "problem": "ackley", "params": {"N": 10, "dim": 2, "T": 0.5},
                 "grid": {"alpha": [10.0, 1.0e15]}, "runs": 2},
    "particles": {"method": "particles", "problem": "case1", "grid": {"beta": [2.0, 8.0]}, "runs": 2,
                  "params": {**POINT, "N": 20, "T": 1.0, "snapshots": [0.0, 1.0], "record_dt": 0.5}},
    "pde": {"method": "pde", "problem": "case1", "grid": {"beta": [2.0, 8.0]},
            "params": {**POINT, "T": 1.0, "n_outputs": 3, "snapshots": [0.0, 1.0]}},
    "states": {"method": "stationary.states", "problem": "case1", "params": POINT, "grid": {"beta": [2.0, 8.0]}},
    "critical": {"method": "stationary.critical", "problem": "case4", "params": {"grid_dx": 0.02},
                 "grid": {"theta": [2.0, 5.0]}},
    "rmap": {"method": "stationary.rmap", "problem": "case1", "params": {**POINT, "n_m": 21},
             "grid": {"beta": [2.0, 8.0]}},
    "diagram": {"method": "stationary.diagram", "problem": "case1", "grid": {"theta": [2.0, 5.0]},
                "params": {"grid_dx": 0.02, "n_m": 41, "n_beta": 20, "beta_range": [0.5, 10.0]}},
}
AXES = {"bilevel": ("problem", "sigma1"), "trilevel": ("loop_bound",), "minmax": ("size",), "spcbo": ("noise",),
        "standard": ("alpha",), "particles": ("beta",), "pde": ("beta",), "states": ("beta",),
        "critical": ("theta",), "rmap": ("beta",), "diagram": ("theta",)}
CONFIG = {"seed": 3, "sweeps": SWEEPS}


def targets(names):
    return [f"results/{kind}/sweeps/{name}.{ext}" for name in names for kind, ext in (("tables", "csv"),
                                                                                     ("figures", "png"))]


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("sweeps")
    result = snakemake(workdir, CONFIG, *targets(SWEEPS))
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir


@pytest.mark.slow
def test_every_method_sweeps_into_one_labelled_store(swept):
    assert set(methods.METHODS) == {entry["method"] for entry in SWEEPS.values()}  # every method is here
    for name, entry in SWEEPS.items():
        ds = xr.open_zarr(swept / "results" / "sweeps" / f"{name}.zarr")
        axes = AXES[name]
        assert ds.attrs["sweep_axes"] == list(axes), name
        for axis in axes:
            assert axis in ds.dims and ds[axis].attrs.get("long_name"), (name, axis)
        assert ds.attrs["parameters"]["method"] == entry["method"] and "git_commit" in ds.attrs
        table = (swept / "results" / "tables" / "sweeps" / f"{name}.csv").read_text().splitlines()
        assert len(table) == 1 + int(np.prod([ds.sizes[axis] for axis in axes])), name  # one row per point
    bilevel = xr.open_zarr(swept / "results" / "sweeps" / "bilevel.zarr")
    assert bilevel.success.dims == ("problem", "sigma1", "run") and bilevel.sizes["run"] == 4
    assert "success: error <= 0.5" in bilevel.success.attrs["long_name"]  # the options reached the method
    minmax = xr.open_zarr(swept / "results" / "sweeps" / "minmax.zarr")
    assert list(minmax["N"].values) == [6, 8] and minmax["N"].dims == ("size",)


@pytest.mark.slow
def test_extending_a_grid_computes_only_the_new_cells_with_the_same_bits(swept, tmp_path):
    config = copy.deepcopy(CONFIG)
    config["sweeps"]["bilevel"]["grid"]["sigma1"].append(3.0)
    assert planned(snakemake(swept, config, *targets(SWEEPS), "-n")) == {"sweep_run": 1, "sweep_view": 1}
    result = snakemake(swept, config, *targets(SWEEPS))
    assert result.returncode == 0, result.stderr[-3000:]
    log = (swept / "logs" / "sweeps" / "bilevel.log").read_text()
    # 2 problems x 1 new sigma1 x 2 chunks of 2 runs: only those 4 of the 12 cells are computed
    assert re.search(r"12 cells, 8 in the cache, 4 to compute", log), log[-2000:]
    extended = xr.open_zarr(swept / "results" / "sweeps" / "bilevel.zarr").load()
    fresh = tmp_path / "fresh.zarr"
    run_sweep(spec.parse("bilevel", config["sweeps"]["bilevel"], methods.resolve), fresh, seed=3,
              dask_config={"mode": "local"}, threads=2)
    fresh = xr.open_zarr(fresh).load()
    for name in ("x_star", "y_star", "error", "success"):
        np.testing.assert_array_equal(extended[name].values, fresh[name].values)


@pytest.mark.slow
def test_a_sweep_split_in_parts_is_the_same_store(swept):
    config = copy.deepcopy(CONFIG)
    config["sweeps"]["split"] = {**SWEEPS["standard"], "parts": 2}
    jobs = planned(snakemake(swept, config, *targets(["split"]), "-n"))
    assert jobs == {"sweep_part": 2, "sweep_run": 1, "sweep_view": 1}
    result = snakemake(swept, config, *targets(["split"]))
    assert result.returncode == 0, result.stderr[-3000:]
    split = xr.open_zarr(swept / "results" / "sweeps" / "split.zarr").load()
    whole = xr.open_zarr(swept / "results" / "sweeps" / "standard.zarr").load()
    np.testing.assert_array_equal(split.x_star.values, whole.x_star.values)
