"""Rule cbo_tables_run: all sizes x runs of one (table, method, problem) cell."""

from mfsweep.experiments.cbo_tables import run_store
from mfsweep.experiments.jobs import decode
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
w = snakemake.wildcards
run_store(decode(snakemake.params.config, snakemake.config["dask"]), w.table, w.method, w.problem,
          snakemake.output[0], snakemake.threads)
