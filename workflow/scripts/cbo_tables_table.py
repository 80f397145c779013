"""Rule cbo_tables_table: Tables 2-4, ours next to the paper's, and the success-rate figure."""

from mfsweep.reports.cbo_tables_figures import plot_success
from mfsweep.reports.cbo_tables_table import write_comparison_table
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
write_comparison_table(snakemake.input, dict(snakemake.output.items()))
plot_success(snakemake.input, snakemake.output.png)
