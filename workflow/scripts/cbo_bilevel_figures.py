"""Rule cbo_bilevel_figures: success-rate and error-distribution figures."""

from mfsweep import storage
from mfsweep.reports.cbo_bilevel_figures import plot_bilevel
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
success, errors = plot_bilevel(storage.open_store(snakemake.input[0]).load())
success.savefig(snakemake.output.success, dpi=120)
errors.savefig(snakemake.output.errors, dpi=120)
