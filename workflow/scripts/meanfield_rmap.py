"""Rule meanfield_rmap: R(m) curves of one figure spec."""

from mfsweep.meanfield.experiment import run_rmap
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
run_rmap(snakemake.config, snakemake.wildcards.figure, snakemake.output[0])
