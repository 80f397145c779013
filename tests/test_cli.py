"""The mfsweep command: every subcommand on small inputs, against the library it calls."""

import numpy as np
import pytest
import xarray as xr
import yaml

from mfsweep import cli
from mfsweep.cbo import standard
from mfsweep.sweeps import methods, spec
from mfsweep.sweeps.runner import run_sweep


def test_list_names_every_method_problem_and_parameter(capsys):
    assert cli.main(["list", "methods"]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == list(methods.METHODS)
    assert cli.main(["list", "problems", "cbo.trilevel"]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == ["A", "B", "C"]
    assert cli.main(["list", "params", "cbo.standard"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert [row.split()[0] for row in rows] == [name for name, *_ in standard.Params.describe()]
    assert rows[0].split()[1] == "100"  # N's default


def test_run_writes_what_the_method_returns_and_show_reads_it(tmp_path, capsys):
    out = tmp_path / "a.zarr"
    assert cli.main(["run", "cbo.standard", "--problem", "ackley", "--set", "N=12", "--set", "dim=2",
                     "--set", "T=0.2", "--runs", "3", "--seed", "4", "-o", str(out)]) == 0
    direct = standard.run("ackley", standard.Params(N=12, dim=2, T=0.2), runs=3, seed=4)
    stored = xr.open_zarr(out)
    np.testing.assert_array_equal(stored.x_star.values, direct.x_star.values)
    capsys.readouterr()
    assert cli.main(["show", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "run 3, dim 2" in shown and f"error {float(direct.error.mean()):.4g}" in shown


def test_sweep_runs_a_config_like_the_workflow(tmp_path):
    entry = {"method": "cbo.standard", "problem": "ackley", "params": {"N": 10, "dim": 2, "T": 0.2},
             "grid": {"sigma": [0.5, 1.0]}, "runs": 2}
    config = tmp_path / "my.yaml"
    config.write_text(yaml.safe_dump({"seed": 9, "sweeps": {"s": entry}}))
    assert cli.main(["sweep", str(config), "--results", str(tmp_path / "results")]) == 0
    got = xr.open_zarr(tmp_path / "results" / "sweeps" / "s.zarr")
    run_sweep(spec.parse("s", entry, methods.resolve), tmp_path / "direct.zarr", seed=9,
              dask_config={"mode": "local"}, threads=1)
    np.testing.assert_array_equal(got.x_star.values, xr.open_zarr(tmp_path / "direct.zarr").x_star.values)


@pytest.mark.parametrize("argv, message", [
    (["run", "cbo.bilevel", "--problem", "vii", "-o", "x.zarr"], "unknown bi-level problem 'vii'; allowed: i,"),
    (["run", "cbo.bilevel", "--set", "sigma=1", "-o", "x.zarr"], "--set: unknown key 'sigma'; allowed: N, M"),
    (["run", "cbo.bilevel", "--set", "sigma1", "-o", "x.zarr"], "--set 'sigma1': expected KEY=VALUE"),
    (["list", "params"], "name the method"),
])
def test_errors_are_one_line_naming_what_to_fix(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) <= 2 and not list(tmp_path.iterdir())
