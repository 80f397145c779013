"""Rule meanfield_free_energy_table: free energies of the states at fixed beta, next to Table 2."""

from mfsweep import storage
from mfsweep.reports.stationary_table import write_free_energy_table
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
write_free_energy_table([storage.open_store(path).load() for path in snakemake.input], dict(snakemake.output.items()))
