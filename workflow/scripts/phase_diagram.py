"""Rule phase_diagram: three routes to one (theta, beta) phase diagram, compared."""

from mfsweep.experiments.sweeps import write_phase_diagram
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
stores = {route: snakemake.input[route] for route in ("particles", "pde", "states", "critical")}
write_phase_diagram(stores, snakemake.output, snakemake.output.transitions, snakemake.output.png,
                    snakemake.params.threshold)
