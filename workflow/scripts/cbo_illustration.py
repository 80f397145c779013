"""Rule cbo_illustration: Fig. 3, one 1-D MS-CBO run per min-max function."""

from mfsweep.experiments.cbo_tables import write_illustration
from mfsweep.experiments.jobs import decode
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
write_illustration(decode(snakemake.params.config, snakemake.config["dask"]), snakemake.output[0])
