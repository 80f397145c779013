"""Rule particles_figures: positions, histograms and mean of one setting, all its models side by side."""

from mfsweep.meanfield import montecarlo_figures as figures
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
for name in ("positions", "histograms", "means"):
    getattr(figures, f"plot_{name}")(list(snakemake.input), snakemake.output[name])
