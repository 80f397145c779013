# Multiscale CBO for bi-level problems: Herty, Huang, Kalise & Kouhkouh (2024), Table 1.

CBO_BILEVEL_STORE = (
    "results/cbo_bilevel/pairing~{pairing}/x_update~{x_update}/loop_bound~{loop_bound}/{problem}.zarr"
)


wildcard_constraints:
    pairing="printed|own",
    x_update="gauss_seidel|jacobi",
    loop_bound="inclusive|exclusive",
    problem="[^/]+",


rule cbo_bilevel_run:
    output:
        directory(CBO_BILEVEL_STORE),
    params:
        config=job_config("cbo_bilevel_run"),
        code=jobs.code("cbo_bilevel_run"),
    log:
        "logs/cbo_bilevel/pairing~{pairing}/x_update~{x_update}/loop_bound~{loop_bound}/{problem}.log",
    threads: 2
    resources:
        runtime=120,
        mem_mb=job_memory("cbo_bilevel_run"),
    conda:
        ENV
    script:
        "../scripts/cbo_bilevel_run.py"


rule cbo_bilevel_combine:
    input:
        get_cbo_bilevel_stores(),
    output:
        directory("results/cbo_bilevel/combined.zarr"),
    params:
        code=jobs.code("cbo_bilevel_combine"),
    log:
        "logs/cbo_bilevel/combine.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/cbo_bilevel_combine.py"


rule cbo_bilevel_table:
    input:
        "results/cbo_bilevel/combined.zarr",
    output:
        csv=report("results/tables/cbo_bilevel.csv", caption="../report/cbo_bilevel_table.rst",
                   category="Multiscale CBO", subcategory="Bi-level (Table 1)", labels={"file": "CSV"}),
        md=report("results/tables/cbo_bilevel.md", caption="../report/cbo_bilevel_table.rst",
                  category="Multiscale CBO", subcategory="Bi-level (Table 1)", labels={"file": "Markdown"}),
        tex=report("results/tables/cbo_bilevel.tex", caption="../report/cbo_bilevel_table.rst",
                   category="Multiscale CBO", subcategory="Bi-level (Table 1)", labels={"file": "LaTeX"}),
        html=report("results/tables/cbo_bilevel.html", caption="../report/cbo_bilevel_table.rst",
                    category="Multiscale CBO", subcategory="Bi-level (Table 1)", labels={"file": "table"}),
    params:
        code=jobs.code("cbo_bilevel_table"),
    log:
        "logs/cbo_bilevel/table.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/cbo_bilevel_table.py"


rule cbo_bilevel_figures:
    input:
        "results/cbo_bilevel/combined.zarr",
    output:
        success=report("results/figures/cbo_bilevel_success.png", caption="../report/cbo_bilevel_success.rst",
                       category="Multiscale CBO", subcategory="Bi-level (Table 1)", labels={"file": "success"}),
        errors=report("results/figures/cbo_bilevel_errors.png", caption="../report/cbo_bilevel_errors.rst",
                      category="Multiscale CBO", subcategory="Bi-level (Table 1)", labels={"file": "errors"}),
    params:
        code=jobs.code("cbo_bilevel_figures"),
    log:
        "logs/cbo_bilevel/figures.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/cbo_bilevel_figures.py"
