# Multiscale CBO beyond bi-level: Herty, Huang, Kalise & Kouhkouh (2024), Tables 2-4 and Fig. 3.

CBO_TABLES_CATEGORY = "Multiscale CBO: Tables 2-4 (Herty et al. 2024)"


wildcard_constraints:
    table="[^/]+",
    method="[^/]+",


rule cbo_tables_run:
    output:
        directory("results/cbo_tables/{table}/{method}/{problem}.zarr"),
    params:
        config=job_config("cbo_tables_run"),
        code=jobs.code("cbo_tables_run"),
    log:
        "logs/cbo_tables/{table}/{method}/{problem}.log",
    threads: 2
    resources:
        runtime=120,
        mem_mb=job_memory("cbo_tables_run"),
    conda:
        ENV
    script:
        "../scripts/cbo_tables_run.py"


rule cbo_tables_table:
    input:
        get_cbo_table_stores(),
    output:
        csv=report("results/tables/cbo_tables.csv", caption="../report/cbo_tables.rst",
                   category=CBO_TABLES_CATEGORY, subcategory="tables", labels={"file": "CSV"}),
        md=report("results/tables/cbo_tables.md", caption="../report/cbo_tables.rst",
                  category=CBO_TABLES_CATEGORY, subcategory="tables", labels={"file": "Markdown"}),
        tex=report("results/tables/cbo_tables.tex", caption="../report/cbo_tables.rst",
                   category=CBO_TABLES_CATEGORY, subcategory="tables", labels={"file": "LaTeX"}),
        html=report("results/tables/cbo_tables.html", caption="../report/cbo_tables.rst",
                    category=CBO_TABLES_CATEGORY, subcategory="tables", labels={"file": "table"}),
        png=report("results/figures/cbo_tables_success.png", caption="../report/cbo_tables.rst",
                   category=CBO_TABLES_CATEGORY, subcategory="tables", labels={"file": "success rates"}),
    params:
        code=jobs.code("cbo_tables_table"),
    log:
        "logs/cbo_tables/table.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/cbo_tables_table.py"


rule cbo_illustration:
    output:
        report("results/figures/cbo_minmax_illustration.png", caption="../report/cbo_illustration.rst",
               category=CBO_TABLES_CATEGORY, subcategory="Fig. 3", labels={"figure": "Fig. 3"}),
    params:
        config=job_config("cbo_illustration"),
        code=jobs.code("cbo_illustration"),
    log:
        "logs/cbo_tables/illustration.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/cbo_illustration.py"
