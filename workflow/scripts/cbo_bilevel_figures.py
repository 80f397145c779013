"""Rule cbo_bilevel_figures: success-rate and error-distribution figures."""

from mfsweep.reports.cbo_bilevel_figures import plot_bilevel
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
plot_bilevel(snakemake.input[0], snakemake.output.success, snakemake.output.errors)
