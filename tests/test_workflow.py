"""The Snakemake workflow end to end on a tiny config, plus lint, dry runs and bad input."""

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml

REPO = Path(__file__).resolve().parents[1]
TINY = {
    "seed": 5,
    "dask": {"runs_per_task": 2},
    "cbo_bilevel": {
        "problems": ["ii", "v"],
        "runs": 3,
        "variants": {"pairing": ["printed", "own"]},
        "params": {"N": 12, "M": 4, "dim": 3, "T_x": 2.0},
    },
    "meanfield": {
        "rmaps": {"r": {"cases": ["case4"], "theta": 5.0, "betas": [8.0], "eps": [0.1, 0.0], "n_m": 41}},
        "critical": {"cases": ["case4"], "eps": [0.2, 0.1]},
        "diagrams": {"d": {"case": "case4", "theta": 5.0, "eps": 0.1, "beta_range": [0.2, 10.0],
                           "free_energy_beta": 8.0, "n_m": 101, "n_beta": 30}},
    },
    "particles": {"seeds": 2, "settings": {"p": {"case": "case4", "theta": 0.5, "beta": 5.6, "N": 50, "T": 4.0,
                                                 "snapshots": [0.0, 2.0, 4.0], "psi_signs": ["printed"]}}},
    "cbo_tables": {"runs": 2, "tables": {"t": {
        "kind": "minmax", "problems": ["d"],
        "methods": {"ms": {"method": "ms_cbo", "params": {"N": 12, "M": 4, "dim": 3, "T_x": 2.0}},
                    "sp": {"method": "sp_cbo", "params": {"N": 12, "dim": 3, "T": 2.0}}}}},
                   "illustration": {"params": {"N": 8, "M": 3, "dim": 1, "T_x": 1.0, "T_y": 0.5}}},
    "mckean_vlasov": {"settings": {"q": {"case": "case4", "thetas": [0.5], "betas": [5.6], "T": 2.0, "n_outputs": 4,
                                         "psi_signs": ["flipped"], "snapshots": [0.0, 1.0]}}},
}


def snakemake(workdir, config, *args):
    """Run the repository's Snakefile in ``workdir`` with ``config`` (written there)."""
    path = Path(workdir) / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    command = [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "-d", str(workdir),
               "--configfile", str(path), "--cores", "2", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("workflow")
    result = snakemake(workdir, TINY)
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir


@pytest.mark.slow
def test_workflow_produces_stores_table_figures_and_report(finished_run):
    results = finished_run / "results"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Snakemake's .snakemake_timestamp inside the store must not bother readers
        combined = xr.open_zarr(results / "cbo_bilevel" / "combined.zarr")
    assert dict(combined.sizes) == {"problem": 2, "pairing": 2, "x_update": 1, "loop_bound": 1, "run": 3, "dim": 3}
    store = xr.open_zarr(results / "cbo_bilevel/pairing~own/x_update~gauss_seidel/loop_bound~inclusive/v.zarr")
    np.testing.assert_array_equal(store.x_star.values,
                                  combined.x_star.sel(problem="v", pairing="own").squeeze().values)
    table = pd.read_csv(results / "tables" / "cbo_bilevel.csv", dtype={"problem": str})
    assert len(table) == 4 and set(table.problem) == {"ii", "v"}
    assert table.set_index(["problem", "pairing"]).loc[("v", "printed"), "paper_success_%"] == 99  # Table 1
    for suffix in ("md", "tex", "html"):
        assert "paper_success" in (results / "tables" / f"cbo_bilevel.{suffix}").read_text().replace("\\_", "_")
    for name in ("cbo_bilevel_success.png", "cbo_bilevel_errors.png"):
        assert (results / "figures" / name).stat().st_size > 10_000
    meanfield = results / "meanfield"
    assert xr.open_zarr(meanfield / "rmaps" / "r.zarr").R.dims == ("case", "eps", "beta", "m")
    critical = xr.open_zarr(meanfield / "critical.zarr")
    assert critical.beta_c.dims == ("case", "eps", "root") and "beta_c_homogenized" in critical
    diagram = xr.open_zarr(meanfield / "diagrams" / "d.zarr")
    assert {"m", "beta", "stable", "free_energy"} <= set(diagram.data_vars)
    free_energy = pd.read_csv(results / "tables" / "meanfield_free_energy.csv")
    assert free_energy.m.iloc[-1] == 0.0 and free_energy.stable.any()  # states down to m = 0, one stable
    for name in ("rmaps/r.png", "diagrams/d.png", "critical.png"):
        assert (results / "figures" / "meanfield" / name).stat().st_size > 10_000
    particles = xr.open_zarr(results / "particles" / "p" / "homogenized-printed.zarr")
    assert particles["mean"].dims == ("seed", "time") and particles.positions.dims == ("seed", "snapshot", "particle")
    summary = pd.read_csv(results / "tables" / "particles.csv")
    assert list(summary.model) == ["full", "homogenized-printed"] and summary.paper_long_time_mean.notna().all()
    for kind in ("positions", "histograms", "means"):
        assert (results / "figures" / "particles" / f"p_{kind}.png").stat().st_size > 10_000
    cbo_tables = pd.read_csv(results / "tables" / "cbo_tables.csv")
    assert set(cbo_tables.method) == {"ms", "sp"} and (cbo_tables.runs == 2).all()
    for name in ("cbo_tables_success.png", "cbo_minmax_illustration.png"):
        assert (results / "figures" / name).stat().st_size > 10_000
    pde = xr.open_zarr(results / "mckean_vlasov" / "q" / "homogenized-flipped.zarr")
    assert pde.p.dims == ("theta", "beta", "time", "x")
    assert str(pde.psi_sign.values) == "flipped" and abs(float(pde.mass.max()) - 1.0) < 1e-12
    for kind in ("densities", "evolution"):
        assert (results / "figures" / "mckean_vlasov" / f"q_{kind}.png").stat().st_size > 10_000
    report = snakemake(finished_run, TINY, "--report", "report.html")
    assert report.returncode == 0, report.stderr[-3000:]
    assert (finished_run / "report.html").stat().st_size > 100_000


@pytest.mark.slow
def test_rerun_of_finished_workflow_does_nothing(finished_run):
    result = snakemake(finished_run, TINY, "-n")
    assert result.returncode == 0 and "Nothing to be done" in result.stdout + result.stderr


@pytest.mark.slow
def test_lint_and_dry_runs_of_shipped_configs_are_clean(tmp_path):
    lint = subprocess.run([sys.executable, "-m", "snakemake", "--lint"], cwd=REPO, capture_output=True, text=True)
    assert lint.returncode == 0 and "Congratulations" in lint.stdout + lint.stderr, lint.stdout + lint.stderr
    for configfile in ("config/config.yaml", "config/paper.yaml"):
        dry = subprocess.run([sys.executable, "-m", "snakemake", "-n", "-d", str(tmp_path), "-s", "Snakefile",
                              "--configfile", str(REPO / configfile)], cwd=REPO, capture_output=True, text=True)
        assert dry.returncode == 0, dry.stderr[-3000:]


@pytest.mark.slow
@pytest.mark.parametrize("bad, message", [
    ({"cbo_bilevel": {"problems": ["vii"]}}, r"unknown problem 'vii'; allowed: ['i', 'ii', 'iii', 'iv', 'v', 'vi']"),
    ({"cbo_bilevel": {"params": {"N": -1}}}, "On instance['cbo_bilevel']['params']['N']"),
    ({"cbo_bilevel": {"params": {"sigma1": "two"}}}, "'two' is not of type 'number'"),
    ({"meanfield": {"diagrams": {"x": {"case": "case9", "theta": 1.0}}}}, "unknown case 'case9'"),
    ({"particles": {"settings": {"x": {"case": "case1", "theta": 1.0, "beta": 1.0, "T": 1.005}}}},
     "particles.settings.x.T: 1.005 is not a multiple of dt = 0.01"),
    ({"mckean_vlasov": {"settings": {"x": {"case": "case7", "thetas": [1.0], "betas": [1.0]}}}}, "unknown case 'case7'"),
])
def test_bad_config_stops_before_any_work(tmp_path, bad, message):
    result = snakemake(tmp_path, bad)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
    assert not (tmp_path / "results").exists() and not (tmp_path / "logs").exists()
