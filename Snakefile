# mfsweep: sweeps of multiscale mean-field particle systems.
#   snakemake --cores 2                                   # quick default (config/config.yaml)
#   snakemake --cores 2 --configfile config/paper.yaml    # the papers' full settings
#   snakemake --report report.html                        # browsable report of the results
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/cbo_bilevel.smk"
include: "workflow/rules/cbo_tables.smk"
include: "workflow/rules/meanfield.smk"
include: "workflow/rules/particles.smk"
include: "workflow/rules/mckean_vlasov.smk"
include: "workflow/rules/sweeps.smk"


rule all:
    default_target: True
    input:
        get_final_outputs(),
