"""Rule cbo_tables_table: Tables 2-4, ours next to the paper's, and the success-rate figure."""

from mfsweep.cbo.comparison_figures import plot_success
from mfsweep.cbo.comparison_tables import write_comparison_table
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
write_comparison_table(snakemake.input, dict(snakemake.output.items()))
plot_success(snakemake.input, snakemake.output.png)
