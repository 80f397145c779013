"""A dask ``Client`` for a sweep, chosen by the config's ``dask`` section.

Modes (``dask.mode``):

* ``local`` (default): an in-process LocalCluster with one worker of ``threads``
  threads. Tasks are serial ``nogil`` numba kernels (or numpy code), so the threads run
  them in parallel; numba's own threading is never used and BLAS is limited to one
  thread while the cluster runs (one level of parallelism).
* ``address``: connect to an already running scheduler at ``dask.address``; its
  workers should run with ``NUMBA_NUM_THREADS=1`` and ``OMP_NUM_THREADS=1``
  (one task per worker thread, nothing nested).
* ``slurm``: a ``dask_jobqueue.SLURMCluster`` configured from ``dask.slurm`` (see
  :data:`SLURM_DEFAULTS`): the scheduler runs in this process, the workers in up to
  ``dask.slurm.jobs`` SLURM jobs of ``cores`` threads each (``processes`` worker
  processes per job), started with ``NUMBA_NUM_THREADS=1`` and the BLAS/OpenMP
  variables at 1. The rule's ``threads`` are not used for the workers. SLURM is asked
  first (``sbatch --test-only``) whether it accepts the worker job, so a bad partition,
  account or memory request fails at once with SLURM's message; if no worker joins
  within ``startup_timeout`` seconds (jobs pending or dying), the sweep stops with an
  error instead of waiting forever. A worker job that ends is replaced.

A new mode is one more entry in :data:`CLIENT_FACTORIES`.
"""

import contextlib
import logging
import math
import subprocess
import tempfile

from distributed import Client, LocalCluster
from threadpoolctl import threadpool_limits

log = logging.getLogger(__name__)

# One level of parallelism in the worker jobs: each worker thread runs one serial task.
SERIAL_ENVIRONMENT = {
    "NUMBA_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}

# dask.slurm keys with their defaults (config/schema.yaml documents them; the schema fills
# them in, these serve callers that pass a partial mapping).
SLURM_DEFAULTS = {
    "jobs": 1,                      # SLURM jobs (worker groups) kept running (capped by dask_client's tasks)
    "cores": 2,                     # CPUs per job = dask threads per job (over all its processes)
    "processes": 1,                 # worker processes per job (threads each: cores / processes)
    "memory": "2GB",                # memory per job (sbatch --mem), split among its processes
    "walltime": "01:00:00",         # sbatch -t
    "partition": None,              # sbatch -p (None: the cluster's default partition)
    "account": None,                # sbatch -A
    "job_script_prologue": [],      # shell lines before the worker starts, e.g. activate the environment
    "job_extra_directives": [],     # extra '#SBATCH ...' options, e.g. ['--qos=short']
    "interface": None,              # network interface of scheduler and workers ('lo' on one host)
    "python": None,                 # worker's Python (None: this interpreter, i.e. a shared environment)
    "worker_lifetime": None,        # e.g. '55m': workers retire before the walltime kills them (needs
    "lifetime_stagger": None,       # >= 2 workers), staggered by e.g. '4m'; new jobs replace them
    "log_directory": "logs/dask-slurm",  # SLURM output of the worker jobs (relative to the working dir)
    "startup_timeout": 600,         # seconds to wait for the first worker before giving up
}


@contextlib.contextmanager
def _local_client(dask_config, threads, tasks=None):
    # dashboard_address=":0": a free port, so parallel Snakemake jobs never collide on 8787.
    with threadpool_limits(limits=1), LocalCluster(n_workers=1, threads_per_worker=threads, processes=False,
                                                   dashboard_address=":0") as cluster, Client(cluster) as client:
        yield client


@contextlib.contextmanager
def _address_client(dask_config, threads, tasks=None):
    check_settings(dask_config)
    with Client(dask_config["address"]) as client:
        yield client


def check_settings(dask_config):
    """Check the ``dask`` section before any work: the address of mode 'address', the ``dask.slurm`` settings."""
    mode = dask_config.get("mode", "local")
    if mode not in CLIENT_FACTORIES:
        raise ValueError(f"dask.mode: unknown mode {mode!r}; allowed: {', '.join(CLIENT_FACTORIES)}")
    if mode == "address" and not dask_config.get("address"):
        raise ValueError("dask.address: mode 'address' needs the scheduler address, e.g. 'tcp://host:8786'")
    slurm_settings(dask_config)


def slurm_settings(dask_config):
    """``dask.slurm`` with defaults filled in, checked; raises ValueError naming the bad key."""
    given = dask_config.get("slurm") or {}
    unknown = sorted(set(given) - set(SLURM_DEFAULTS))
    if unknown:
        raise ValueError(f"dask.slurm: unknown key {', '.join(map(repr, unknown))}; allowed: {', '.join(SLURM_DEFAULTS)}")
    settings = {**SLURM_DEFAULTS, **given}
    for key in ("jobs", "cores", "processes"):
        value = settings[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"dask.slurm.{key}: expected a positive integer, got {value!r}")
    if settings["cores"] % settings["processes"]:
        raise ValueError(f"dask.slurm.cores ({settings['cores']}) must be a multiple of "
                         f"dask.slurm.processes ({settings['processes']})")
    if settings["worker_lifetime"] and settings["jobs"] * settings["processes"] < 2:
        # a retiring worker hands its results to another one; a lone worker's are lost and recomputed
        raise ValueError("dask.slurm.worker_lifetime needs at least 2 workers (dask.slurm.jobs x processes)")
    return settings


def slurm_cluster_options(settings):
    """Keyword arguments of ``dask_jobqueue.SLURMCluster`` for checked ``dask.slurm`` settings."""
    worker_extra_args = []
    if settings["worker_lifetime"]:
        worker_extra_args += ["--lifetime", str(settings["worker_lifetime"])]  # the job ends; adapt replaces it
        if settings["lifetime_stagger"]:
            worker_extra_args += ["--lifetime-stagger", str(settings["lifetime_stagger"])]
    exports = [f"export {name}={value}" for name, value in SERIAL_ENVIRONMENT.items()]
    options = {
        "cores": settings["cores"],
        "processes": settings["processes"],
        "memory": str(settings["memory"]),
        "walltime": settings["walltime"],
        "queue": settings["partition"],
        "account": settings["account"],
        "job_script_prologue": [*settings["job_script_prologue"], *exports],
        "job_extra_directives": list(settings["job_extra_directives"]),
        "worker_extra_args": worker_extra_args,
        "interface": settings["interface"],
        "log_directory": settings["log_directory"],
        "job_name": "mfsweep-dask",
        # dashboard on a free port: several sweeps (Snakemake jobs) may share a host
        "scheduler_options": {"dashboard_address": ":0"},
    }
    if settings["python"]:
        options["python"] = settings["python"]
    return options


def slurm_jobs(settings, tasks=None):
    """SLURM jobs to request: ``dask.slurm.jobs``, but no more than ``tasks`` can keep busy."""
    jobs = settings["jobs"]
    if tasks is not None:
        fewest = 2 if settings.get("worker_lifetime") and settings["processes"] < 2 else 1  # see slurm_settings
        jobs = max(fewest, min(jobs, math.ceil(tasks / settings["cores"])))
    return jobs


def check_slurm_submission(job_script):
    """Ask SLURM (``sbatch --test-only``) whether it would accept ``job_script``; ValueError if not.

    dask-jobqueue only logs a rejected submission (bad partition, account or memory) and the
    workers then never come: this turns it into an immediate error with SLURM's message.
    """
    with tempfile.NamedTemporaryFile("w", suffix=".sh", prefix="mfsweep-dask-") as script:
        script.write(job_script)
        script.flush()
        try:
            result = subprocess.run(["sbatch", "--test-only", script.name], check=False, capture_output=True,
                                    text=True, timeout=60)
        except FileNotFoundError as error:
            raise RuntimeError("dask.mode 'slurm' needs SLURM's sbatch on the PATH") from error
    if result.returncode != 0:
        raise ValueError(f"dask.slurm: SLURM rejects the worker job ({result.stderr.strip()}); job script:\n"
                         f"{job_script}")


@contextlib.contextmanager
def _slurm_client(dask_config, threads, tasks=None):
    from dask_jobqueue import SLURMCluster  # imported here: only this mode needs it

    settings = slurm_settings(dask_config)
    cluster = SLURMCluster(**slurm_cluster_options(settings))
    client = None
    try:
        check_slurm_submission(cluster.job_script())
        client = Client(cluster)
        jobs = slurm_jobs(settings, tasks)
        # adapt with minimum = maximum: a fixed number of jobs, and a worker job that ends
        # (worker_lifetime, walltime, node failure) is replaced by a new submission.
        cluster.adapt(minimum_jobs=jobs, maximum_jobs=jobs)
        try:
            client.wait_for_workers(1, timeout=settings["startup_timeout"])
        except TimeoutError as error:
            raise RuntimeError(
                f"dask.mode 'slurm': no worker joined within {settings['startup_timeout']} s; see the jobs "
                f"named 'mfsweep-dask' (squeue) and their output in {settings['log_directory']}/"
            ) from error
        log.info("dask.mode 'slurm': %d SLURM job(s) of %d cores requested; dashboard %s",
                 jobs, settings["cores"], cluster.dashboard_link)
        yield client
    except BaseException:
        # Shutting down a cluster whose jobs never started raises on its own (distributed
        # asserts on the workers' status); that must not hide the error that got us here.
        for resource in (client, cluster):
            if resource is not None:
                try:
                    resource.close()
                except Exception as close_error:  # noqa: BLE001
                    log.warning("dask.mode 'slurm': while closing after an error: %r", close_error)
        raise
    client.close()
    cluster.close()


CLIENT_FACTORIES = {"local": _local_client, "address": _address_client, "slurm": _slurm_client}


def dask_client(dask_config, threads, tasks=None):
    """Context manager yielding a Client for ``dask_config`` (the config's ``dask`` mapping).

    ``threads`` are the local cluster's threads; ``tasks`` (optional) is the number of tasks
    of the sweep, which caps the SLURM jobs requested in mode ``slurm``.
    """
    check_settings(dask_config)
    mode = dask_config.get("mode", "local")
    if threads < 1:
        raise ValueError(f"threads: need at least 1, got {threads}")
    return CLIENT_FACTORIES[mode](dask_config, threads, tasks)
