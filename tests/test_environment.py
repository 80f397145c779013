"""environment.yml (conda, for clusters) lists the same packages as pyproject.toml."""

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def _name(requirement):
    return re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0].lower()


def test_environment_matches_pyproject():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    wanted = {_name(r): r for r in pyproject["project"]["dependencies"]}  # conda-forge uses the same names
    environment = yaml.safe_load((REPO / "environment.yml").read_text())
    conda = {_name(d): d for d in environment["dependencies"] if isinstance(d, str)}
    assert set(wanted) == set(conda) - {"python", "pip"}
    for name, requirement in wanted.items():
        assert requirement.replace(" ", "") == conda[name].replace(" ", ""), name  # same bounds
    python = pyproject["project"]["requires-python"]
    assert conda["python"].replace(" ", "") == "python" + python
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert pip_section == ["-e ."]
