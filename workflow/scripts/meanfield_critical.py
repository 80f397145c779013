"""Rule meanfield_critical: critical betas over the eps-grid, fanned out as dask tasks."""

from mfsweep.experiments.jobs import decode
from mfsweep.experiments.stationary import run_critical
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
run_critical(decode(snakemake.params.config, snakemake.config["dask"]), snakemake.output[0], snakemake.threads)
