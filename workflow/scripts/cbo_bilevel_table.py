"""Rule cbo_bilevel_table: success rates, errors and times next to the paper's Table 1."""

from mfsweep import storage
from mfsweep.reports.cbo_bilevel_table import write_bilevel_table
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
write_bilevel_table(storage.open_store(snakemake.input[0]).load(), dict(snakemake.output.items()))
