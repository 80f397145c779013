"""The sweep grammar and runner on a tiny method (tests/toy_method.py): axes, seeds, growing stores, resumes."""

import numpy as np
import pytest
import toy_method
import xarray as xr

from mfsweep.sweeps import spec
from mfsweep.sweeps.runner import run_sweep

DASK = {"mode": "local", "runs_per_task": 1}


def methods(name, where):
    assert name == "toy", name
    return toy_method


def sweep(**entry):
    return spec.parse("s", {"method": "toy", "problem": "line", **entry}, methods)


def make(tmp_path, entry, name="s.zarr", **kwargs):
    output = tmp_path / name
    computed = run_sweep(sweep(**entry), output, seed=7, dask_config=DASK, threads=2, **kwargs)
    return xr.open_zarr(output).load(), computed


@pytest.fixture
def markers(tmp_path, monkeypatch):
    folder = tmp_path / "markers"
    folder.mkdir()
    monkeypatch.setenv("TOY_MARKERS", str(folder))

    def computed():
        names = sorted(path.name.rsplit("-", 1)[0] for path in folder.iterdir())
        for path in folder.iterdir():
            path.unlink()
        return names
    return computed


GRID = {"grid": {"a": [1.0, 2.0], "mode": ["plain", "doubled"]}, "zip": {"size": {"n": [2, 4]}}, "runs": 3}


def test_axes_labels_and_values_equal_direct_runs(tmp_path):
    ds, _ = make(tmp_path, {**GRID, "problem": ["line", "raised"]})
    assert ds.y.dims == ("problem", "a", "mode", "size", "run", "sample")
    assert list(ds.problem.values) == ["line", "raised"] and list(ds.mode.values) == ["plain", "doubled"]
    assert list(ds.n.values) == [2, 4] and ds.n.dims == ("size",) and ds.a.attrs["long_name"] == "slope a"
    for problem in ("line", "raised"):
        for a in (1.0, 2.0):
            for mode in ("plain", "doubled"):
                for size, n in enumerate((2, 4)):
                    direct = toy_method.run(problem, toy_method.Params(a=a, n=n, mode=mode), runs=3, seed=_base(
                        problem))
                    got = ds.y.sel(problem=problem, a=a, mode=mode).isel(size=size).values
                    np.testing.assert_array_equal(got[:, :n], direct.y.values)  # bit-identical
                    assert np.isnan(got[:, n:]).all()  # the shorter output is padded
    assert ds.attrs["seed_mode"] == "common" and ds.attrs["parameters"]["runs"] == 3


def _base(problem):
    from mfsweep.seeding import seed_sequence
    return seed_sequence(7, "toy", problem)


def test_common_random_numbers_and_independent_streams(tmp_path):
    common, _ = make(tmp_path, {"grid": {"a": [1.0, 2.0]}, "runs": 2}, "c.zarr")
    noise = common.y - common.a * common.sample
    np.testing.assert_allclose(noise.sel(a=1.0), noise.sel(a=2.0), rtol=0, atol=1e-15)  # same streams
    independent, _ = make(tmp_path, {"grid": {"a": [1.0, 2.0]}, "runs": 2, "seed_mode": "independent"}, "i.zarr")
    noise = independent.y - independent.a * independent.sample
    assert not np.allclose(noise.sel(a=1.0), noise.sel(a=2.0))
    keyed, _ = make(tmp_path, {"grid": {"a": [1.0, 2.0]}, "runs": 2, "seed_key": ["toy", "{problem}"]}, "k.zarr")
    np.testing.assert_array_equal(keyed.y.values, common.y.values)  # the key of the common mode, written out


def test_the_store_does_not_depend_on_how_it_was_cut(tmp_path):
    whole, _ = make(tmp_path, {**GRID, "runs_per_cell": 3}, "whole.zarr")
    cut, _ = make(tmp_path, {**GRID, "runs_per_cell": 1}, "cut.zarr")
    for name in ("y", "total"):
        np.testing.assert_array_equal(whole[name].values, cut[name].values)


def test_extending_a_grid_or_the_runs_computes_only_new_cells(tmp_path, markers):
    entry = {"grid": {"a": [1.0, 2.0]}, "runs": 2, "runs_per_cell": 1}
    make(tmp_path, entry)
    assert len(markers()) == 4
    extended, computed = make(tmp_path, {**entry, "grid": {"a": [1.0, 2.0, 3.0]}})
    assert computed == 2 and markers() == ["3.0-3-plain-line-0", "3.0-3-plain-line-1"]
    more, computed = make(tmp_path, {**entry, "grid": {"a": [1.0, 2.0, 3.0]}, "runs": 3})
    assert computed == 3 and [name.rsplit("-", 1)[1] for name in markers()] == ["2", "2", "2"]
    fresh, _ = make(tmp_path, {**entry, "grid": {"a": [1.0, 2.0, 3.0]}, "runs": 3}, "fresh.zarr")
    np.testing.assert_array_equal(more.y.values, fresh.y.values)  # bit-identical to a fresh sweep
    np.testing.assert_array_equal(more.y.isel(run=slice(0, 2)).values, extended.y.values)


def test_an_interrupted_sweep_resumes_with_the_same_bits(tmp_path, markers, monkeypatch):
    entry = {"grid": {"a": [1.0, 2.0, 3.0]}, "runs": 2, "runs_per_cell": 1}
    monkeypatch.setenv("TOY_FAIL_A", "3.0")
    with pytest.raises(RuntimeError, match="toy failure"):
        make(tmp_path, entry)
    done = markers()
    assert not (tmp_path / "s.zarr").exists() and done  # no store, but the finished cells are kept
    monkeypatch.delenv("TOY_FAIL_A")
    resumed, computed = make(tmp_path, entry)
    assert computed == 6 - len(done) and not set(markers()) & set(done)  # finished cells were not redone
    fresh, _ = make(tmp_path, entry, "fresh.zarr")
    np.testing.assert_array_equal(resumed.y.values, fresh.y.values)
    markers()
    again, computed = make(tmp_path, entry)
    assert computed == 0 and not markers()


@pytest.mark.parametrize("entry, message", [
    ({"params": {"b": 1}}, "sweeps.s.params: 'b' is not a parameter of method toy; its parameters: a, n, mode"),
    ({"grid": {"b": [1]}}, "sweeps.s.grid: 'b' is not a parameter of method toy"),
    ({"grid": {"a": [1.0, 1.0]}}, "sweeps.s.grid.a: expected a non-empty list of distinct values"),
    ({"zip": {"size": {"n": [2, 3], "a": [1.0]}}}, "sweeps.s.zip.size: every parameter needs a non-empty list"),
    ({"grid": {"a": [1.0]}, "params": {"a": 2.0}}, "sweeps.s.params: a also on an axis"),
    ({"seed_mode": "shared"}, "sweeps.s.seed_mode: 'shared' is not allowed; allowed: common, independent"),
    ({"runs": 0}, "sweeps.s.runs: expected a positive integer, got 0"),
    ({"colour": 1}, "sweeps.s: unknown key 'colour'"),
    ({"grid": {"n": [2, -1]}}, "sweeps.s: at n = -1: n: must be > 0, got -1"),
])
def test_bad_entries_name_the_key(entry, message):
    with pytest.raises(spec.SweepError) as error:
        list(sweep(**entry).points())
    assert str(error.value).startswith(message)


def test_every_library_method_is_a_sweep_method_and_cbo_sweeps_replay_the_table1_streams(tmp_path):
    # The sweep of a real method in common mode draws run k of problem p from seed_sequence(seed,
    # SEED_LABEL, p) + (k,): for MS-CBO bi-level those are the Table-1 streams, so a sweep over sigma1
    # holds, at each sigma1, exactly what bilevel.run(p, Params(sigma1=...), runs=2, seed=7) gives.
    from mfsweep.cbo import bilevel
    from mfsweep.sweeps import methods as registry

    assert all(registry.resolve(name).SEED_LABEL for name in registry.METHODS)
    small = {"N": 6, "M": 3, "dim": 2, "T_x": 0.5}
    entry = {"method": "cbo.bilevel", "problem": ["i", "v"], "params": small, "grid": {"sigma1": [1.0, 2.0]},
             "runs": 2}
    output = tmp_path / "cbo.zarr"
    run_sweep(spec.parse("cbo", entry, registry.resolve), output, seed=7, dask_config=DASK, threads=2)
    ds = xr.open_zarr(output).load()
    for problem in ("i", "v"):
        for sigma1 in (1.0, 2.0):
            direct = bilevel.run(problem, bilevel.Params(**small, sigma1=sigma1), runs=2, seed=7)
            for name in ("x_star", "y_star", "error"):
                np.testing.assert_array_equal(ds[name].sel(problem=problem, sigma1=sigma1).values, direct[name].values)


def test_a_store_written_in_several_slabs_keeps_its_attrs(tmp_path, monkeypatch):
    from mfsweep.sweeps import runner

    whole, _ = make(tmp_path, GRID, name="whole.zarr")
    monkeypatch.setattr(runner, "SLAB_ELEMENTS", 1)  # one slab per index of the first axis
    sliced, _ = make(tmp_path, GRID, name="sliced.zarr")
    assert sliced.attrs["sweep"] == "s" and sliced.attrs["sweep_axes"] == whole.attrs["sweep_axes"]
    np.testing.assert_array_equal(sliced.y.values, whole.y.values)
