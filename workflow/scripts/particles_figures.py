"""Rule particles_figures: positions, histograms and mean of one setting, all its models side by side."""

from mfsweep import storage
from mfsweep.reports import particles_figures as figures
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
datasets = [storage.open_store(path).load() for path in snakemake.input]
figures.plot_positions(datasets).savefig(snakemake.output.positions, dpi=120)
figures.plot_histograms(datasets).savefig(snakemake.output.histograms, dpi=120)
figures.plot_means(datasets).savefig(snakemake.output.means, dpi=120)
