"""Rules sweep_run and sweep_part: the missing cells of one sweep (or of one part), then (sweep_run) its store."""

import json

from mfsweep.experiments.jobs import decode
from mfsweep.experiments.sweeps import run_store
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
job = decode(snakemake.params.config, snakemake.config["dask"])
part = snakemake.wildcards.get("part")
computed = run_store(job, snakemake.wildcards.name, snakemake.params.store, snakemake.threads, job["dask"],
                     None if part is None else int(part))
if part is not None:
    with open(snakemake.output[0], "w") as f:
        json.dump({"sweep": snakemake.wildcards.name, "part": int(part), "cells_computed": computed}, f)
