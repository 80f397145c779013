"""The workflow configuration: JSON-schema validation with defaults, shared by Snakemake and the CLI.

The schema (``config/schema.yaml`` in the repository is a link to the packaged copy) gives
every key a description and a default; validation fills the defaults in place and stops
with a message naming the offending key and the allowed values.
"""

import copy
from importlib import resources

import yaml
from snakemake.utils import validate

SCHEMA = resources.files("mfsweep.data").joinpath("config.schema.yaml")


def load_config(source=None):
    """A validated config with defaults filled in, from a YAML path, a mapping, or nothing (all defaults)."""
    if source is None:
        config = {}
    elif isinstance(source, dict):
        config = copy.deepcopy(source)
    else:
        with open(source) as f:
            config = yaml.safe_load(f) or {}
    validate(config, str(SCHEMA))
    return config
