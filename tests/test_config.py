"""Bad input stops before any work, with a message naming the key and the allowed values."""

import pytest
import yaml
from snakemake.exceptions import WorkflowError

from mfsweep.cbo import experiment
from mfsweep.config import load_config

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


@pytest.mark.parametrize("bad, key, allowed", [
    ({"cbo_bilevel": {"params": {"N": -3}}}, r"\['N'\]", "minimum"),
    ({"cbo_bilevel": {"params": {"alpha": "big"}}}, r"\['alpha'\]", "not of type 'number'"),
    ({"cbo_bilevel": {"variants": {"pairing": ["mine"]}}}, r"\['pairing'\]", r"\['printed', 'own'\]"),
    ({"dask": {"mode": "slurmish"}}, r"\['mode'\]", r"\['local', 'address', 'slurm'\]"),
    ({"cbo_bilevel": {"paramz": {}}}, r"paramz", "Additional properties"),
    ({"cbo_bilevel": {"custom_problems": {"p": {"F": {"terms": [{"fn": "sphere", "x": 1}]}, "x_star": 0,
                                                 "y_star": 0}}}}, r"'G' is a required property", "custom_problems"),
    ({"cbo_bilevel": {"custom_problems": {"p": {"F": {"terms": [{"fn": "rosenbrock", "x": 1}]},
                                                 "G": {"terms": [{"fn": "sphere", "y": 1}]},
                                                 "x_star": 0, "y_star": 0}}}},
     "rosenbrock", r"\['sphere', 'ackley', 'rastrigin', 'levy'\]"),
])
def test_schema_errors_name_the_key_and_allowed_values(bad, key, allowed):
    with pytest.raises(WorkflowError) as info:
        load_config(bad)
    assert info.match(key) and info.match(allowed)


def test_semantic_errors_are_caught_by_plan():
    config = load_config({"cbo_bilevel": {"problems": ["vii"]}})
    with pytest.raises(ValueError, match=r"cbo_bilevel.problems: unknown problem 'vii'; allowed: \['i', 'ii'"):
        experiment.plan(config, "vii", VARIANT)
    config = load_config({"cbo_bilevel": {"params": {"T_x": 1.05}}})
    with pytest.raises(ValueError, match="T_x"):
        experiment.plan(config, "i", VARIANT)


def test_config_file_round_trip(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump({"seed": 3, "cbo_bilevel": {"runs": 7}}))
    config = load_config(path)
    assert config["seed"] == 3 and config["cbo_bilevel"]["runs"] == 7 and config["dask"]["mode"] == "local"
