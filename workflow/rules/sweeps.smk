# Sweeps: any parameter of any method on an axis (config section `sweeps:`; grammar mfsweep.sweeps.spec).
# One store per sweep, results/sweeps/NAME.zarr, with its cell cache beside it (NAME.zarr.cells/):
# a rerun after a change computes only the cells whose key changed.

SWEEPS_CATEGORY = "Sweeps"


wildcard_constraints:
    name="[A-Za-z][A-Za-z0-9_]*",
    diagram="[A-Za-z][A-Za-z0-9_]*",
    part="[0-9]+",


rule sweep_part:
    output:
        "results/sweeps/{name}.part{part}.json",
    params:
        config=job_config("sweep_part"),
        code=lambda wildcards: jobs.sweep_code(config, wildcards.name),
        store=lambda wildcards: f"results/sweeps/{wildcards.name}.zarr",
    log:
        "logs/sweeps/{name}.part{part}.log",
    threads: 2
    resources:
        runtime=240,
        mem_mb=job_memory("sweep_part"),
    conda:
        ENV
    script:
        "../scripts/sweep_run.py"


rule sweep_run:
    input:
        get_sweep_parts,
    output:
        directory("results/sweeps/{name}.zarr"),
    params:
        config=job_config("sweep_run"),
        code=lambda wildcards: jobs.sweep_code(config, wildcards.name),
        store=lambda wildcards: f"results/sweeps/{wildcards.name}.zarr",
    log:
        "logs/sweeps/{name}.log",
    threads: 2
    resources:
        runtime=240,
        mem_mb=job_memory("sweep_run"),
    conda:
        ENV
    script:
        "../scripts/sweep_run.py"


rule sweep_view:
    input:
        store="results/sweeps/{name}.zarr",
        overlay=lambda wildcards: get_sweep_overlays(wildcards),
    output:
        csv="results/tables/sweeps/{name}.csv",
        md="results/tables/sweeps/{name}.md",
        tex="results/tables/sweeps/{name}.tex",
        html="results/tables/sweeps/{name}.html",
        png=report("results/figures/sweeps/{name}.png", caption="../report/sweeps.rst", category=SWEEPS_CATEGORY,
                   labels={"sweep": "{name}"}),
    params:
        code=jobs.code("sweep_view"),
        column=lambda wildcards: config["sweeps"][wildcards.name]["view"].get("column"),
    log:
        "logs/sweeps/{name}_view.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/sweep_view.py"


rule phase_diagram:
    input:
        unpack(get_phase_diagram_stores),
    output:
        csv="results/tables/phase_diagrams/{diagram}.csv",
        md="results/tables/phase_diagrams/{diagram}.md",
        tex="results/tables/phase_diagrams/{diagram}.tex",
        html="results/tables/phase_diagrams/{diagram}.html",
        transitions="results/tables/phase_diagrams/{diagram}_transitions.csv",
        png=report("results/figures/phase_diagrams/{diagram}.png", caption="../report/phase_diagram.rst",
                   category=SWEEPS_CATEGORY, labels={"phase diagram": "{diagram}"}),
    params:
        code=jobs.code("phase_diagram"),
        threshold=lambda wildcards: config["phase_diagrams"][wildcards.diagram]["threshold"],
    log:
        "logs/phase_diagrams/{diagram}.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/phase_diagram.py"
