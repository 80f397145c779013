"""Rule mckean_vlasov_figures: densities and m, F, distance of one setting, all its models."""

from mfsweep.reports import pde_figures as figures
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
figures.plot_densities(list(snakemake.input), snakemake.output.densities)
figures.plot_evolution(list(snakemake.input), snakemake.output.evolution)
