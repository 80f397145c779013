"""Rules meanfield_*_figure: one figure of a mean-field store."""

from mfsweep import storage
from mfsweep.reports import stationary_figures as figures
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
plot = {"meanfield_rmap_figure": figures.plot_rmap, "meanfield_diagram_figure": figures.plot_diagram,
        "meanfield_critical_figure": figures.plot_critical}[snakemake.rule]
plot(storage.open_store(snakemake.input[0]).load()).savefig(snakemake.output[0], dpi=120)
