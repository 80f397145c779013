"""Rule meanfield_critical: critical betas over the eps-grid, fanned out as dask tasks."""

from mfsweep.meanfield.experiment import run_critical
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
run_critical(snakemake.config, snakemake.output[0], snakemake.threads)
