"""environment.yml (conda, for clusters) lists the same packages as pyproject.toml; the library imports no workflow tool."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def _name(requirement):
    return re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0].lower()


def test_environment_matches_pyproject():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    project = pyproject["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["workflow"]
    wanted = {_name(r): r for r in requirements}  # conda-forge uses the same names
    environment = yaml.safe_load((REPO / "environment.yml").read_text())
    conda = {_name(d): d for d in environment["dependencies"] if isinstance(d, str)}
    assert set(wanted) == set(conda) - {"python", "pip"}
    for name, requirement in wanted.items():
        assert requirement.replace(" ", "") == conda[name].replace(" ", ""), name  # same bounds
    python = pyproject["project"]["requires-python"]
    assert conda["python"].replace(" ", "") == "python" + python
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert pip_section == ["-e ."]


def test_the_library_imports_neither_the_workflow_tools_nor_the_config():
    code = ("import sys, mfsweep.cbo, mfsweep.meanfield; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('snakemake', 'dask_jobqueue', "
            "'snakemake_executor_plugin_slurm') or m.startswith('mfsweep.experiments')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
