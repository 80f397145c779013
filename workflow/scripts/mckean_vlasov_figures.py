"""Rule mckean_vlasov_figures: densities and m, F, distance of one setting, all its models, every (theta, beta)."""

from mfsweep import storage
from mfsweep.reports import pde_figures as figures
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
datasets = [storage.open_store(path).load() for path in snakemake.input]
figures.plot_densities(datasets).savefig(snakemake.output.densities, dpi=120)
figures.plot_evolution(datasets).savefig(snakemake.output.evolution, dpi=120)
