"""Rule cbo_tables_table: Tables 2-4, ours next to the paper's, and the success-rate figure."""

from mfsweep import storage
from mfsweep.reports.cbo_tables_figures import plot_success
from mfsweep.reports.cbo_tables_table import write_comparison_table
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
datasets = [storage.open_store(path).load() for path in snakemake.input]
write_comparison_table(datasets, dict(snakemake.output.items()))
plot_success(datasets).savefig(snakemake.output.png, dpi=120)
