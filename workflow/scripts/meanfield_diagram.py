"""Rule meanfield_diagram: every branch of one bifurcation-diagram spec."""

from mfsweep.experiments.jobs import decode
from mfsweep.experiments.stationary import run_diagram
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
run_diagram(decode(snakemake.params.config, snakemake.config["dask"]), snakemake.wildcards.figure,
            snakemake.output[0])
