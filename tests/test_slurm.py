"""The workflow on a real (single-node) SLURM: the Snakemake SLURM executor profile and dask's SLURM mode.

Integration tests (marker ``slurm``) run where the process is root on Debian (CI): there
tests/slurm/start.sh must install (apt) and start munged + slurmctld + slurmd, and a failure to
do so fails the tests. Elsewhere (not root, not Debian) they skip, saying why. The cluster
is stopped again at the end of the module (tests/slurm/stop.sh), unless it was already
running before. The CBO sweep of tests/test_workflow.py's tiny config runs (a) with
``--profile workflow/profiles/slurm``, (b) with ``dask.mode: slurm`` and (c) locally; its
stores must be bit-identical. (d) A job that fails, or that SLURM rejects, fails the
workflow within a time limit instead of hanging it.

The unit tests at the end (no marker) check the ``dask.slurm`` settings without SLURM.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import xarray as xr
import yaml
from test_workflow import TINY

from mfsweep import cluster

REPO = Path(__file__).resolve().parents[1]
START, STOP = REPO / "tests" / "slurm" / "start.sh", REPO / "tests" / "slurm" / "stop.sh"
PROFILE = "workflow/profiles/slurm"  # relative to the repository (the tests run snakemake from there)
COMBINED = "results/cbo_bilevel/combined.zarr"
ONE_STORE = "results/cbo_bilevel/pairing~printed/x_update~gauss_seidel/loop_bound~inclusive/ii.zarr"
TINY_CBO = {key: TINY[key] for key in ("seed", "dask", "cbo_bilevel")}  # only the CBO rules run here
DASK_SLURM = {  # worker jobs for mode 'slurm' on the one-node test cluster
    "jobs": 1, "cores": 2, "memory": "1GB", "walltime": "00:10:00", "interface": "lo", "startup_timeout": 120,
}
TIMEOUT = 600  # seconds for one snakemake call; a hang fails the test instead of blocking CI


slurm_test = pytest.mark.slurm


@pytest.fixture(scope="module")
def slurm():
    """A running single-node SLURM for the module; yields the seconds start.sh took."""
    if os.geteuid() != 0:
        pytest.skip("SLURM tests need root (tests/slurm/start.sh installs and starts the daemons)")
    if not Path("/etc/debian_version").exists():
        pytest.skip("SLURM tests need Debian (tests/slurm/start.sh uses apt)")
    start = time.perf_counter()
    try:
        result = subprocess.run([str(START)], check=False, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        subprocess.run([str(STOP)], check=False, capture_output=True, timeout=120)
        pytest.fail("tests/slurm/start.sh did not finish within 900 s")
    seconds = time.perf_counter() - start
    output = result.stdout + result.stderr
    if result.returncode != 0:
        if result.returncode == 3:  # it never touches a SLURM it did not configure
            pytest.skip(f"a SLURM that tests/slurm/start.sh did not configure runs here: {output[-500:]}")
        pytest.fail(f"tests/slurm/start.sh could not start SLURM (exit {result.returncode}): {output[-1500:]}")
    print(f"\n{output.strip()}\n[slurm] install + start: {seconds:.1f} s")
    already_running = "already running" in output
    yield seconds
    if not already_running:
        stop = subprocess.run([str(STOP)], check=False, capture_output=True, text=True, timeout=120)
        assert stop.returncode == 0, stop.stdout + stop.stderr


def snakemake(workdir, config, target, *args, timeout=TIMEOUT):
    """Make ``target`` with the repository's Snakefile, from the repository root, in ``workdir``.

    Returns (CompletedProcess, seconds); a call that outlives ``timeout`` fails the test.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    command = [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "-d", str(workdir),
               target, "--configfile", str(path), *args]  # the target before --configfile (it takes several)
    start = time.perf_counter()
    try:
        result = subprocess.run(command, check=False, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as error:  # its output arrives as bytes even with text=True
        output = "".join(part.decode(errors="replace") if isinstance(part, bytes) else part
                         for part in (error.stdout or "", error.stderr or ""))
        pytest.fail(f"snakemake hung: no result within {timeout} s\n{' '.join(command)}\n{output[-5000:]}")
    seconds = time.perf_counter() - start
    print(f"[slurm] {target} {' '.join(args)}: {seconds:.1f} s (exit {result.returncode})")
    return result, seconds


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    """(c) The reference: the CBO sweep with the local executor and the local dask cluster."""
    workdir = tmp_path_factory.mktemp("local")
    result, _ = snakemake(workdir, TINY_CBO, COMBINED, "--cores", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir / COMBINED


def assert_bit_identical(store, reference):
    ours, theirs = xr.open_zarr(store), xr.open_zarr(reference)
    assert dict(ours.sizes) == dict(theirs.sizes)
    for name in ("x_star", "error"):
        a, b = ours[name].transpose(*theirs[name].dims).values, theirs[name].values
        assert a.dtype == b.dtype and a.shape == b.shape
        assert a.tobytes() == b.tobytes(), f"{name} differs from the local run"
    for coord in ("problem", "pairing", "run"):
        assert list(ours[coord].values) == list(theirs[coord].values)


@slurm_test
def test_slurm_executor_profile_matches_local_run(slurm, local_run, tmp_path):
    """(a) Every cbo_bilevel_run is one sbatch job (the profile's squeue status checks); (c) same bits."""
    result, _ = snakemake(tmp_path, TINY_CBO, COMBINED, "--profile", PROFILE)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    assert output.count("has been submitted with SLURM jobid") == 4  # 2 problems x 2 pairings; combine is local
    assert "localrule cbo_bilevel_combine" in output
    assert_bit_identical(tmp_path / COMBINED, local_run)


@slurm_test
def test_dask_slurm_mode_matches_local_run(slurm, local_run, tmp_path):
    """(b) Local snakemake, the runs of each sweep in dask workers that are SLURM jobs; (c) same bits."""
    config = {**TINY_CBO, "dask": {**TINY_CBO["dask"], "mode": "slurm", "slurm": DASK_SLURM}}
    result, _ = snakemake(tmp_path, config, COMBINED, "--cores", "2")
    assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
    worker_logs = list((tmp_path / "logs" / "dask-slurm").glob("mfsweep-dask-*.err"))
    assert len(worker_logs) >= 4  # one worker job per sweep (store)
    rule_log = (tmp_path / "logs/cbo_bilevel/pairing~own/x_update~gauss_seidel/loop_bound~inclusive/v.log").read_text()
    assert "dask.mode 'slurm': 1 SLURM job(s) of 2 cores requested" in rule_log
    assert_bit_identical(tmp_path / COMBINED, local_run)


@slurm_test
def test_failing_slurm_job_fails_the_workflow(slurm, tmp_path):
    """(d) A job that fails inside SLURM (a scheduler address it cannot use) is reported, not waited for."""
    config = {**TINY_CBO, "dask": {**TINY_CBO["dask"], "mode": "address", "address": "bogus://nowhere:1"}}
    result, _ = snakemake(tmp_path, config, ONE_STORE, "--profile", PROFILE, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Error in rule cbo_bilevel_run" in output
    assert "SLURM status is: 'FAILED'" in output
    rule_log = tmp_path / ONE_STORE.replace("results/", "logs/").replace(".zarr", ".log")
    assert "unknown address scheme 'bogus'" in rule_log.read_text()  # written inside the SLURM job
    assert "unknown address scheme 'bogus'" in output  # and shown: the profile's show-failed-logs
    assert not (tmp_path / ONE_STORE).exists()


@slurm_test
def test_job_slurm_rejects_fails_the_workflow(slurm, tmp_path):
    """(d) A resource request SLURM rejects at submission (far more memory than the node has)."""
    result, _ = snakemake(tmp_path, TINY_CBO, ONE_STORE, "--profile", PROFILE,
                          "--set-resources", "cbo_bilevel_run:mem_mb=100000000", timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "SLURM sbatch failed" in output and "Memory specification can not be satisfied" in output
    assert not (tmp_path / ONE_STORE).exists()


@slurm_test
def test_dask_slurm_mode_rejected_worker_job_fails_fast(slurm, tmp_path):
    """(d) dask mode 'slurm' with a partition SLURM does not have stops at once with SLURM's message."""
    config = {**TINY_CBO, "dask": {**TINY_CBO["dask"], "mode": "slurm",
                                   "slurm": {**DASK_SLURM, "partition": "nosuch"}}}
    result, seconds = snakemake(tmp_path, config, ONE_STORE, "--cores", "2", timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Error in rule cbo_bilevel_run" in output
    rule_log = (tmp_path / ONE_STORE.replace("results/", "logs/").replace(".zarr", ".log")).read_text()
    assert "SLURM rejects the worker job" in rule_log and "invalid partition" in rule_log.lower()
    assert seconds < DASK_SLURM["startup_timeout"]  # not the startup timeout: the check comes first


# ---- dask.slurm settings, without SLURM ----------------------------------------------------------


def test_slurm_settings_defaults_and_checks():
    assert cluster.slurm_settings({}) == cluster.SLURM_DEFAULTS
    assert cluster.slurm_settings({"slurm": {"cores": 4}})["cores"] == 4
    with pytest.raises(ValueError, match=r"dask.slurm: unknown key 'queue'; allowed: jobs, cores"):
        cluster.slurm_settings({"slurm": {"queue": "debug"}})
    with pytest.raises(ValueError, match="dask.slurm.jobs"):
        cluster.slurm_settings({"slurm": {"jobs": 0}})
    with pytest.raises(ValueError, match="multiple of dask.slurm.processes"):
        cluster.slurm_settings({"slurm": {"cores": 3, "processes": 2}})
    with pytest.raises(ValueError, match="worker_lifetime needs at least 2 workers"):
        cluster.slurm_settings({"slurm": {"worker_lifetime": "55m"}})
    assert cluster.slurm_jobs({"jobs": 8, "cores": 2}, tasks=5) == 3  # no more jobs than tasks can use
    assert cluster.slurm_jobs({"jobs": 8, "cores": 2}) == 8
    assert cluster.slurm_jobs({"jobs": 8, "cores": 2, "processes": 1, "worker_lifetime": "1h"}, tasks=1) == 2


def test_slurm_worker_job_script():
    pytest.importorskip("dask_jobqueue")
    from dask_jobqueue import SLURMCluster

    settings = cluster.slurm_settings({"slurm": {
        "cores": 4, "processes": 2, "memory": "8GB", "walltime": "02:00:00", "partition": "short",
        "account": "proj", "interface": "lo", "job_script_prologue": ["source /opt/env/bin/activate"],
        "job_extra_directives": ["--qos=high"], "worker_lifetime": "110m", "lifetime_stagger": "5m"}})
    with SLURMCluster(**cluster.slurm_cluster_options(settings)) as slurm_cluster:
        script = slurm_cluster.job_script()
    for line in ("#SBATCH -p short", "#SBATCH -A proj", "#SBATCH --cpus-per-task=4", "#SBATCH -t 02:00:00",
                 "#SBATCH --qos=high", "source /opt/env/bin/activate", "export NUMBA_NUM_THREADS=1",
                 "export OMP_NUM_THREADS=1"):
        assert line in script, line
    assert script.index("source /opt/env/bin/activate") < script.index("distributed.cli.dask_worker")
    assert "--nworkers 2" in script and "--nthreads 2" in script and "--interface lo" in script
    assert "--lifetime 110m --lifetime-stagger 5m" in script and "--lifetime-restart" not in script


def test_schema_defaults_are_the_cluster_defaults():
    schema = yaml.safe_load((REPO / "config" / "schema.yaml").read_text())
    properties = schema["properties"]["dask"]["properties"]["slurm"]["properties"]
    assert {key: spec["default"] for key, spec in properties.items()} == cluster.SLURM_DEFAULTS
