"""Rule meanfield_free_energy_table: free energies of the states at fixed beta, next to Table 2."""

from mfsweep.reports.stationary_table import write_free_energy_table
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
write_free_energy_table(snakemake.input, dict(snakemake.output.items()))
