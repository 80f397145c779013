# Interacting-particle Monte Carlo: Gomes & Pavliotis (2017), Section 4.4, Figs 11-16.

PARTICLES_CATEGORY = "Particle systems (Gomes & Pavliotis 2017)"


wildcard_constraints:
    setting="[^/]+",
    model="full|homogenized-printed|homogenized-flipped",


rule particles_run:
    output:
        directory("results/particles/{setting}/{model}.zarr"),
    params:
        config=job_config("particles_run"),
        code=jobs.code("particles_run"),
    log:
        "logs/particles/{setting}/{model}.log",
    threads: 2
    resources:
        runtime=60,
        mem_mb=job_memory("particles_run"),
    conda:
        ENV
    script:
        "../scripts/particles_run.py"


rule particles_figures:
    input:
        lambda wildcards: get_particle_stores(wildcards.setting),
    output:
        positions=report("results/figures/particles/{setting}_positions.png", caption="../report/particles.rst",
                         category=PARTICLES_CATEGORY, subcategory="{setting}", labels={"figure": "positions"}),
        histograms=report("results/figures/particles/{setting}_histograms.png", caption="../report/particles.rst",
                          category=PARTICLES_CATEGORY, subcategory="{setting}", labels={"figure": "histograms"}),
        means=report("results/figures/particles/{setting}_means.png", caption="../report/particles.rst",
                     category=PARTICLES_CATEGORY, subcategory="{setting}", labels={"figure": "mean"}),
    params:
        code=jobs.code("particles_figures"),
    log:
        "logs/particles/figures/{setting}.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/particles_figures.py"


rule particles_table:
    input:
        get_particle_stores(),
    output:
        csv=report("results/tables/particles.csv", caption="../report/particles_table.rst",
                   category=PARTICLES_CATEGORY, subcategory="summary", labels={"file": "CSV"}),
        md=report("results/tables/particles.md", caption="../report/particles_table.rst",
                  category=PARTICLES_CATEGORY, subcategory="summary", labels={"file": "Markdown"}),
        tex=report("results/tables/particles.tex", caption="../report/particles_table.rst",
                   category=PARTICLES_CATEGORY, subcategory="summary", labels={"file": "LaTeX"}),
        html=report("results/tables/particles.html", caption="../report/particles_table.rst",
                    category=PARTICLES_CATEGORY, subcategory="summary", labels={"file": "table"}),
    params:
        code=jobs.code("particles_table"),
    log:
        "logs/particles/table.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/particles_table.py"
