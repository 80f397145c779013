"""Bad input stops before any work, with a message naming the key and the allowed values."""

import pytest
import yaml

from mfsweep.experiments import cbo_bilevel as experiment
from mfsweep.experiments.config import ConfigError, load_config

VARIANT = {"pairing": "printed", "x_update": "gauss_seidel", "loop_bound": "inclusive"}


def test_defaults_are_the_papers_settings():
    config = load_config()
    params = config["cbo_bilevel"]["params"]
    # eq. (5.5) of Herty et al. (2024)
    assert (params["N"], params["M"], params["dim"], params["alpha"], params["T_x"], params["T_y"]) == (
        100, 25, 10, 1e15, 50.0, 0.5)
    assert config["cbo_bilevel"]["runs"] == 100 and config["cbo_bilevel"]["success_threshold"] == 0.25
    assert config["cbo_bilevel"]["problems"] == ["i", "ii", "iii", "iv", "v", "vi"]


def test_shipped_configs_are_valid():
    for name in ("config/config.yaml", "config/paper.yaml"):
        config = load_config(name)
        for problem in config["cbo_bilevel"]["problems"]:
            experiment.plan(config, problem, VARIANT)
    assert load_config("config/paper.yaml")["cbo_bilevel"]["runs"] == 100


def test_paper_config_is_whole_when_snakemake_merges_it_over_the_default():
    # `snakemake --configfile config/paper.yaml` loads the Snakefile's config.yaml first and merges
    # paper.yaml over it (mappings key by key, lists replaced): a key that paper.yaml leaves out
    # would keep the quick default's value (Table 2 once ran at config.yaml's reduced size so).
    from snakemake.utils import update_config
    with open("config/config.yaml") as default, open("config/paper.yaml") as paper:
        merged, alone = yaml.safe_load(default), yaml.safe_load(paper)
    update_config(merged, alone)
    assert load_config(merged) == load_config(alone)


@pytest.mark.parametrize("bad, message", [
    ({"cbo_bilevel": {"params": {"N": -3}}}, "cbo_bilevel.params.N: must be >= 1, got -3"),
    ({"cbo_bilevel": {"params": {"alpha": "big"}}}, "cbo_bilevel.params.alpha: expected a number, got 'big'"),
    ({"cbo_bilevel": {"variants": {"pairing": ["mine"]}}},
     "cbo_bilevel.variants.pairing[0]: 'mine' is not allowed; allowed: printed, own"),
    ({"dask": {"mode": "slurmish"}}, "dask.mode: 'slurmish' is not allowed; allowed: local, address, slurm"),
    ({"cbo_bilevel": {"paramz": {}}},
     "cbo_bilevel: unknown key 'paramz'; allowed: problems, runs, success_threshold, variants, params"),
    ({"cbo_bilevel": {"custom_problems": {"p": {"F": {"terms": [{"fn": "sphere", "x": 1}]}, "x_star": 0,
                                                 "y_star": 0}}}}, "cbo_bilevel.custom_problems.p: missing key 'G'"),
    ({"cbo_bilevel": {"custom_problems": {"p": {"F": {"terms": [{"fn": "rosenbrock", "x": 1}]},
                                                 "G": {"terms": [{"fn": "sphere", "y": 1}]},
                                                 "x_star": 0, "y_star": 0}}}},
     "cbo_bilevel.custom_problems.p.F.terms[0].fn: 'rosenbrock' is not allowed; allowed: sphere, ackley, rastrigin, levy"),
    ({"cbo_bilevel": {"problems": ["vii"]}},
     "cbo_bilevel.problems: unknown problem 'vii'; allowed: i, ii, iii, iv, v, vi"),
    ({"cbo_bilevel": {"params": {"T_x": 1.05}}}, "cbo_bilevel.params.T_x: 1.05 is not a whole number of steps dt = 0.1"),
])
def test_errors_name_the_key_and_allowed_values_in_one_line(bad, message):
    with pytest.raises(ConfigError) as info:
        load_config(bad)
    assert str(info.value).startswith(message) and "\n" not in str(info.value)


def test_config_file_round_trip(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump({"seed": 3, "cbo_bilevel": {"runs": 7}}))
    config = load_config(path)
    assert config["seed"] == 3 and config["cbo_bilevel"]["runs"] == 7 and config["dask"]["mode"] == "local"
