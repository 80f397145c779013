# Time-dependent McKean-Vlasov equation: Gomes & Pavliotis (2017), Section 4.5, Figs 17-18.

MCKEAN_VLASOV_CATEGORY = "McKean-Vlasov PDE (Gomes & Pavliotis 2017)"


rule mckean_vlasov_run:
    output:
        directory("results/mckean_vlasov/{setting}/{model}.zarr"),
    params:
        config=job_config("mckean_vlasov_run"),
        code=jobs.code("mckean_vlasov_run"),
    log:
        "logs/mckean_vlasov/{setting}/{model}.log",
    threads: 2
    resources:
        runtime=30,
        mem_mb=job_memory("mckean_vlasov_run"),
    conda:
        ENV
    script:
        "../scripts/mckean_vlasov_run.py"


rule mckean_vlasov_figures:
    input:
        lambda wildcards: get_mckean_vlasov_stores(wildcards.setting),
    output:
        densities=report("results/figures/mckean_vlasov/{setting}_densities.png",
                         caption="../report/mckean_vlasov.rst", category=MCKEAN_VLASOV_CATEGORY,
                         subcategory="{setting}", labels={"figure": "p(x, t)"}),
        evolution=report("results/figures/mckean_vlasov/{setting}_evolution.png",
                         caption="../report/mckean_vlasov.rst", category=MCKEAN_VLASOV_CATEGORY,
                         subcategory="{setting}", labels={"figure": "m, F, distance"}),
    params:
        code=jobs.code("mckean_vlasov_figures"),
    log:
        "logs/mckean_vlasov/figures/{setting}.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/mckean_vlasov_figures.py"
