"""Rule meanfield_rmap: R(m) curves of one figure spec."""

from mfsweep.experiments.jobs import decode
from mfsweep.experiments.stationary import run_rmap
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
run_rmap(decode(snakemake.params.config, snakemake.config["dask"]), snakemake.wildcards.figure, snakemake.output[0])
