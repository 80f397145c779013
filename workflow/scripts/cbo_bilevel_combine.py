"""Rule cbo_bilevel_combine: all (problem, variant) stores as one labelled dataset."""

from mfsweep.experiments.cbo_bilevel import write_combined
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
write_combined(snakemake.input, snakemake.output[0])
