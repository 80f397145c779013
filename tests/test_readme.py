"""The README's "Use it from Python" examples run as printed (each block in a fresh namespace)."""

import re
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

README = Path(__file__).resolve().parents[1] / "README.md"


def _blocks():
    text = README.read_text()
    section = text.split("## Use it from Python", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_the_section_has_the_three_examples():
    assert len(_blocks()) == 3


@pytest.mark.parametrize("index", range(3))
def test_readme_example_runs(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exec(compile(_blocks()[index], f"README.md example {index + 1}", "exec"), {"__name__": "readme"})
    if index == 2:
        assert (tmp_path / "diagram.png").stat().st_size > 0
