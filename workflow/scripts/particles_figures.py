"""Rule particles_figures: positions, histograms and mean of one setting, all its models side by side."""

import json

from mfsweep.reports import particles_figures as figures
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
grid = json.loads(snakemake.params.grid)["meanfield"]["grid"]
figures.plot_positions(list(snakemake.input), snakemake.output.positions)
figures.plot_histograms(list(snakemake.input), snakemake.output.histograms, grid)
figures.plot_means(list(snakemake.input), snakemake.output.means, grid)
