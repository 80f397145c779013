"""Rule sweep_view: the summary table and the figure of one sweep store."""

from mfsweep.experiments.sweeps import write_views
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
write_views(snakemake.input.store, snakemake.output, snakemake.output.png, snakemake.params.column,
            snakemake.input.overlay[0] if snakemake.input.overlay else None)
