"""Rule meanfield_diagram: every branch of one bifurcation-diagram spec."""

from mfsweep.meanfield.experiment import run_diagram
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
run_diagram(snakemake.config, snakemake.wildcards.figure, snakemake.output[0])
