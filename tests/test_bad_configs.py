"""The bad-input corpus (tests/bad_configs/): every file is refused before any work, by both entry points.

Each file starts with ``# key: <text>``, the key path (or message start) its error must name, and
may add ``# snakemake: <text>`` where Snakemake itself refuses the file before our validator runs
(a config that is not a mapping). Both ``mfsweep check-config`` and ``snakemake -n`` must refuse it
with a message of a few lines naming that key, and leave no results or logs behind.
"""

import contextlib
import io
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mfsweep import cli

REPO = Path(__file__).resolve().parents[1]
CORPUS = sorted((REPO / "tests" / "bad_configs").glob("*.yaml"))


def expectation(path, entry_point="check-config"):
    text = path.read_text()
    key = re.search(r"^# key: (.+)$", text, re.M).group(1)
    if entry_point == "snakemake":
        override = re.search(r"^# snakemake: (.+)$", text, re.M)
        return override.group(1) if override else key
    return key


def test_the_corpus_covers_every_section():
    assert len(CORPUS) >= 70
    sections = {expectation(path).split(".")[0].split(":")[0].split("[")[0] for path in CORPUS}
    assert sections >= {"config", "seed", "limits", "dask", "cbo_bilevel", "meanfield", "particles",
                        "mckean_vlasov", "cbo_tables", "sweeps", "phase_diagrams"}


@pytest.mark.parametrize("path", CORPUS, ids=[path.stem for path in CORPUS])
def test_check_config_refuses_naming_the_key(path):
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = cli.main(["check-config", str(path)])
    message = stderr.getvalue().strip()
    assert status == 2 and stdout.getvalue() == ""
    assert expectation(path) in message and len(message.splitlines()) <= 2, message


def test_check_config_command_exits_nonzero_with_one_line():
    path = REPO / "tests" / "bad_configs" / "cbo_threshold_nan.yaml"
    result = subprocess.run([sys.executable, "-m", "mfsweep.cli", "check-config", str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == ("mfsweep check-config: config error: cbo_bilevel.success_threshold: must be a "
                                     "finite number, got nan (no key accepts NaN or inf)")


def _snakemake_dry_run(path, workdir):
    workdir.mkdir()
    (workdir / "config").mkdir()
    shutil.copy(REPO / "config" / "config.yaml", workdir / "config")  # snakemake merges the file over it
    command = [sys.executable, "-m", "snakemake", "-n", "-s", str(REPO / "Snakefile"), "-d", str(workdir),
               "--configfile", str(path), "--cores", "1"]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_snakemake_dry_run_refuses_every_bad_config(tmp_path):
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(CORPUS, pool.map(lambda path: _snakemake_dry_run(path, tmp_path / path.stem), CORPUS)))
    failures = []
    for path, result in results.items():
        output = (result.stdout + result.stderr).strip()
        lines = [line for line in output.splitlines() if not line.startswith(("Using workflow specific profile",
                                                                              "Config file config/config.yaml"))]
        expected = expectation(path, "snakemake")
        if result.returncode == 0 or expected not in output or len(lines) > 5:
            failures.append(f"{path.name}: rc {result.returncode}, expected {expected!r} in:\n{output[-600:]}")
        if (tmp_path / path.stem / "results").exists() or (tmp_path / path.stem / "logs").exists():
            failures.append(f"{path.name}: work was started")
    assert not failures, "\n\n".join(failures)
