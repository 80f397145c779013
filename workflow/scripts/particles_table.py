"""Rule particles_table: long-time means and histograms against the stored stationary predictions and the paper."""

from mfsweep import storage
from mfsweep.reports.particles_table import write_particles_table
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
write_particles_table([storage.open_store(path).load() for path in snakemake.input], dict(snakemake.output.items()))
