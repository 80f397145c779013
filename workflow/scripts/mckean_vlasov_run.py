"""Rule mckean_vlasov_run: every (theta, beta) point of one (setting, model)."""

from mfsweep.experiments.jobs import decode
from mfsweep.experiments.pde import run_store
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
run_store(decode(snakemake.params.config, snakemake.config["dask"]), snakemake.wildcards.setting,
          snakemake.wildcards.model, snakemake.output[0], snakemake.threads)
