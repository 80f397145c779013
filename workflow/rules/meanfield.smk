# Stationary McKean-Vlasov states in two-scale potentials: Gomes & Pavliotis (2017), Sections 1-4.3.

MEANFIELD_CATEGORY = "Mean-field stationary states (Gomes & Pavliotis 2017)"


rule meanfield_rmap:
    output:
        directory("results/meanfield/rmaps/{figure}.zarr"),
    params:
        config=job_config("meanfield_rmap"),
        code=jobs.code("meanfield_rmap"),
    log:
        "logs/meanfield/rmaps/{figure}.log",
    resources:
        runtime=10,
        mem_mb=job_memory("meanfield_rmap"),
    conda:
        ENV
    script:
        "../scripts/meanfield_rmap.py"


rule meanfield_critical:
    output:
        directory("results/meanfield/critical.zarr"),
    params:
        config=job_config("meanfield_critical"),
        code=jobs.code("meanfield_critical"),
    log:
        "logs/meanfield/critical.log",
    threads: 2
    resources:
        runtime=30,
        mem_mb=job_memory("meanfield_critical"),
    conda:
        ENV
    script:
        "../scripts/meanfield_critical.py"


rule meanfield_diagram:
    output:
        directory("results/meanfield/diagrams/{figure}.zarr"),
    params:
        config=job_config("meanfield_diagram"),
        code=jobs.code("meanfield_diagram"),
    log:
        "logs/meanfield/diagrams/{figure}.log",
    resources:
        runtime=30,
        mem_mb=job_memory("meanfield_diagram"),
    conda:
        ENV
    script:
        "../scripts/meanfield_diagram.py"


rule meanfield_free_energy_table:
    input:
        get_free_energy_diagrams(),
    output:
        csv=report("results/tables/meanfield_free_energy.csv", caption="../report/meanfield_free_energy.rst",
                   category=MEANFIELD_CATEGORY, subcategory="Free energy (Table 2)", labels={"file": "CSV"}),
        md=report("results/tables/meanfield_free_energy.md", caption="../report/meanfield_free_energy.rst",
                  category=MEANFIELD_CATEGORY, subcategory="Free energy (Table 2)", labels={"file": "Markdown"}),
        tex=report("results/tables/meanfield_free_energy.tex", caption="../report/meanfield_free_energy.rst",
                   category=MEANFIELD_CATEGORY, subcategory="Free energy (Table 2)", labels={"file": "LaTeX"}),
        html=report("results/tables/meanfield_free_energy.html", caption="../report/meanfield_free_energy.rst",
                    category=MEANFIELD_CATEGORY, subcategory="Free energy (Table 2)", labels={"file": "table"}),
    params:
        code=jobs.code("meanfield_free_energy_table"),
    log:
        "logs/meanfield/free_energy_table.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/meanfield_free_energy_table.py"


rule meanfield_rmap_figure:
    input:
        "results/meanfield/rmaps/{figure}.zarr",
    output:
        report("results/figures/meanfield/rmaps/{figure}.png", caption="../report/meanfield_rmaps.rst",
               category=MEANFIELD_CATEGORY, subcategory="R(m)", labels={"figure": "{figure}"}),
    params:
        code=jobs.code("meanfield_rmap_figure"),
    log:
        "logs/meanfield/figures/rmaps/{figure}.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/meanfield_figure.py"


rule meanfield_diagram_figure:
    input:
        "results/meanfield/diagrams/{figure}.zarr",
    output:
        report("results/figures/meanfield/diagrams/{figure}.png", caption="../report/meanfield_diagrams.rst",
               category=MEANFIELD_CATEGORY, subcategory="bifurcation diagrams", labels={"figure": "{figure}"}),
    params:
        code=jobs.code("meanfield_diagram_figure"),
    log:
        "logs/meanfield/figures/diagrams/{figure}.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/meanfield_figure.py"


rule meanfield_critical_figure:
    input:
        "results/meanfield/critical.zarr",
    output:
        report("results/figures/meanfield/critical.png", caption="../report/meanfield_critical.rst",
               category=MEANFIELD_CATEGORY, subcategory="critical", labels={"figure": "fig10"}),
    params:
        code=jobs.code("meanfield_critical_figure"),
    log:
        "logs/meanfield/figures/critical.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/meanfield_figure.py"
