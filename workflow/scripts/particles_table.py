"""Rule particles_table: long-time means and histograms against the stationary solver and the paper."""

import json

from mfsweep.reports.particles_table import write_particles_table
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
grid = json.loads(snakemake.params.grid)["meanfield"]["grid"]
write_particles_table(snakemake.input, grid, dict(snakemake.output.items()))
