"""The Snakemake workflow end to end on a tiny config, plus lint, dry runs and bad input."""

import copy
import itertools
import os
import shutil
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
                                                 "dt": 0.002,
                                                 "snapshots": [0.0, 2.0, 4.0], "psi_signs": ["printed"]}}},
    "cbo_tables": {"runs": 2, "tables": {"t": {
        "kind": "minmax", "problems": ["d"],
        "methods": {"ms": {"method": "ms_cbo", "params": {"N": 12, "M": 4, "dim": 3, "T_x": 2.0}},
                    "sp": {"method": "sp_cbo", "params": {"N": 12, "dim": 3, "T": 2.0}}}}},
                   "illustration": {"params": {"N": 8, "M": 3, "dim": 1, "T_x": 1.0, "T_y": 0.5}}},
    "mckean_vlasov": {"settings": {"q": {"case": "case4", "thetas": [0.5], "betas": [5.6], "T": 2.0, "n_outputs": 4,
                                         "psi_signs": ["flipped"], "snapshots": [0.0, 1.0]}}},
}


def snakemake(workdir, config, *args, env=None):
    """Run the repository's Snakefile in ``workdir`` with ``config`` (written there)."""
    path = Path(workdir) / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    command = [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "-d", str(workdir),
               "--configfile", str(path), "--cores", "2", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})})


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
    assert particles["mean"].dims == ("run", "time") and particles.positions.dims == ("run", "snapshot", "particle")
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


def planned(result):
    """{rule: count} of the jobs a dry run plans (its "Job stats" table)."""
    assert result.returncode == 0, result.stderr[-3000:]
    lines = (result.stdout + result.stderr).splitlines()
    if not any(line.startswith("Job stats:") for line in lines):
        return {}
    start = next(n for n, line in enumerate(lines) if line.startswith("Job stats:")) + 3
    rows = [line.split() for line in lines[start:]]
    return {row[0]: int(row[1]) for row in itertools.takewhile(lambda row: row and row[0] != "total", rows)}


CBO_BILEVEL_JOBS = {"cbo_bilevel_run": 4, "cbo_bilevel_combine": 1, "cbo_bilevel_table": 1, "cbo_bilevel_figures": 1,
                    "all": 1}
STATIONARY_JOBS = {"meanfield_rmap": 1, "meanfield_critical": 1, "meanfield_diagram": 1, "meanfield_rmap_figure": 1,
                   "meanfield_critical_figure": 1, "meanfield_diagram_figure": 1, "meanfield_free_energy_table": 1}


@pytest.mark.slow
@pytest.mark.parametrize("change, expected", [
    # every value a store reads reruns exactly that store and what is built from it
    ({"cbo_bilevel": {"runs": 4}}, CBO_BILEVEL_JOBS),
    ({"cbo_bilevel": {"params": {"sigma1": 1.5}}}, CBO_BILEVEL_JOBS),
    ({"cbo_bilevel": {"success_threshold": 0.3}}, CBO_BILEVEL_JOBS),
    ({"seed": 6}, {**CBO_BILEVEL_JOBS, "cbo_tables_run": 2, "cbo_tables_table": 1, "cbo_illustration": 1,
                   "particles_run": 2, "particles_figures": 1, "particles_table": 1}),
    # the stationary solver's grid: its stores, and the particle and PDE stores (which store its predictions)
    ({"meanfield": {"grid": {"dx": 0.005}}}, {**STATIONARY_JOBS, "mckean_vlasov_run": 2, "mckean_vlasov_figures": 1,
                                              "particles_run": 2, "particles_figures": 1, "particles_table": 1,
                                              "all": 1}),
    ({"particles": {"settings": {"p": {"N": 40}}}}, {"particles_run": 2, "particles_figures": 1, "particles_table": 1,
                                                     "all": 1}),
    # execution settings change no result
    ({"dask": {"runs_per_task": 1}}, {}),
])
def test_a_config_change_reruns_exactly_the_affected_jobs(finished_run, change, expected):
    from snakemake.utils import update_config
    config = copy.deepcopy(TINY)
    update_config(config, change)
    assert planned(snakemake(finished_run, config, "-n")) == expected


@pytest.mark.slow
def test_a_library_change_reruns_the_jobs_that_run_it(finished_run, tmp_path):
    # A copy of the package with one kernel edited (a comment: the source hash sees every byte)
    # shadows the installed one; the Snakefile then plans every job whose code imports the kernels.
    shutil.copytree(REPO / "src" / "mfsweep", tmp_path / "mfsweep", ignore=shutil.ignore_patterns("__pycache__"))
    kernels = tmp_path / "mfsweep" / "cbo" / "kernels" / "common.py"
    kernels.write_text(kernels.read_text() + "\n# edited\n")
    jobs = planned(snakemake(finished_run, TINY, "-n", env={"PYTHONPATH": str(tmp_path)}))
    assert jobs == {**CBO_BILEVEL_JOBS, "cbo_tables_run": 2, "cbo_tables_table": 1, "cbo_illustration": 1}
    figures = tmp_path / "mfsweep" / "reports" / "stationary_figures.py"
    kernels.write_text(kernels.read_text().replace("\n# edited\n", ""))
    figures.write_text(figures.read_text() + "\n# edited\n")
    jobs = planned(snakemake(finished_run, TINY, "-n", env={"PYTHONPATH": str(tmp_path)}))
    assert jobs == {"meanfield_rmap_figure": 1, "meanfield_critical_figure": 1, "meanfield_diagram_figure": 1,
                    "particles_figures": 1, "mckean_vlasov_figures": 1, "all": 1}


@pytest.mark.slow
def test_lint_and_dry_runs_of_shipped_configs_are_clean(tmp_path):
    lint = subprocess.run([sys.executable, "-m", "snakemake", "--lint"], cwd=REPO, capture_output=True, text=True)
    assert lint.returncode == 0 and "Congratulations" in lint.stdout + lint.stderr, lint.stdout + lint.stderr
    for configfile in ("config/config.yaml", "config/paper.yaml"):
        dry = subprocess.run([sys.executable, "-m", "snakemake", "-n", "-d", str(tmp_path), "-s", "Snakefile",
                              "--configfile", str(REPO / configfile)], cwd=REPO, capture_output=True, text=True)
        assert dry.returncode == 0, dry.stderr[-3000:]


@pytest.mark.slow
def test_switching_from_the_default_to_the_paper_config_recomputes_the_table1_cells(tmp_path):
    # The README's flow: the quick default first, then config/paper.yaml. Two Table-1 stores of the
    # default (10 runs) are made; under paper.yaml (100 runs) both must be planned again, not reused.
    (tmp_path / "config").mkdir()
    for name in ("config.yaml", "paper.yaml"):
        shutil.copy(REPO / "config" / name, tmp_path / "config")
    stores = [f"results/cbo_bilevel/pairing~{pairing}/x_update~gauss_seidel/loop_bound~inclusive/i.zarr"
              for pairing in ("printed", "own")]

    def run(configfile, *args):
        command = [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "-d", str(tmp_path), *stores,
                   "--configfile", configfile, "--cores", "2", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=600)

    made = run("config/config.yaml")
    assert made.returncode == 0, made.stderr[-3000:]
    assert xr.open_zarr(tmp_path / stores[0]).sizes["run"] == 10
    assert planned(run("config/config.yaml", "-n")) == {}
    dry = run("config/paper.yaml", "-n")
    assert planned(dry) == {"cbo_bilevel_run": 2}
    assert "Params have changed since last execution" in dry.stdout + dry.stderr
