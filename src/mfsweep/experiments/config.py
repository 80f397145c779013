"""The one validator of the workflow configuration, shared by Snakemake and ``mfsweep check-config``.

:func:`load_config` runs, in order and before any work:

1. the JSON schema (``config/schema.yaml`` links to the packaged copy), filling every default in;
2. finiteness: no number anywhere may be NaN or infinite (no key gives infinity a meaning);
3. the semantic checks of every experiment (names of problems and cases, step multiples,
   orderings, parameter ranges), by planning every store the config asks for;
4. a memory estimate of every job against ``limits.job_memory_gb``.

Every failure is a :class:`ConfigError` of one or two lines naming the full key path and, where
there is a choice, the allowed values; the schema is never dumped.
"""

import copy
import math
import os
from importlib import resources

import jsonschema
import yaml

SCHEMA = resources.files("mfsweep.data").joinpath("config.schema.yaml")
_TYPE_NAMES = {"integer": "an integer", "number": "a number", "string": "a string", "array": "a list",
               "object": "a mapping", "boolean": "true or false", "null": "null"}


class ConfigError(ValueError):
    """A bad configuration; the message names the key path and what is allowed."""


def load_config(source=None, *, check_semantics=True):
    """A validated config with defaults filled in, from a YAML path, a mapping, or nothing (all defaults).

    Any other value (a list, a string that is not a path given as such) is refused as "not a mapping".

    Raises :class:`ConfigError` naming the first bad key. ``check_semantics=False`` stops after the
    schema and the finiteness check (for callers that plan the stores themselves).
    """
    if source is None:
        config = {}
    elif not isinstance(source, (str, os.PathLike)):
        config = copy.deepcopy(source)
    else:
        with open(source) as f:
            try:
                config = yaml.safe_load(f)
            except yaml.YAMLError as error:
                raise ConfigError(f"{source}: not valid YAML ({str(error).splitlines()[0]})") from None
        config = {} if config is None else config
    if not isinstance(config, dict):
        raise ConfigError(f"config: expected a mapping of sections ({', '.join(_schema()['properties'])}), "
                          f"got {type(config).__name__} {_short(config)}")
    _validate_schema(config)
    _check_finite(config, [])
    if check_semantics:
        from mfsweep.experiments import jobs  # the planners (imported here: jobs imports this module)

        jobs.check(config)
    return config


def key_path(path):
    """``['a', 'b', 0, 'c']`` -> ``a.b[0].c``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "config"


def _schema():
    if not hasattr(_schema, "cached"):
        _schema.cached = yaml.safe_load(SCHEMA.read_text())
    return _schema.cached


def _filling_defaults(validator_class):
    """A validator class that sets each missing property to a copy of its schema default first."""
    check_properties = validator_class.VALIDATORS["properties"]

    def properties(validator, props, instance, schema):
        if isinstance(instance, dict):
            for name, sub in props.items():
                if "default" in sub:
                    instance.setdefault(name, copy.deepcopy(sub["default"]))
        yield from check_properties(validator, props, instance, schema)

    return jsonschema.validators.extend(validator_class, {"properties": properties})


_Validator = _filling_defaults(jsonschema.Draft202012Validator)


def _validate_schema(config):
    error = jsonschema.exceptions.best_match(_Validator(_schema()).iter_errors(config))
    if error is not None:
        raise ConfigError(_describe(error))


def _describe(error):
    """One line for a schema error: key path, what is wrong, what is allowed."""
    where, value, kind, spec = key_path(error.absolute_path), error.instance, error.validator, error.validator_value
    if kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        unknown = [key for key in value if key not in allowed]
        if allowed:
            return f"{where}: unknown key {', '.join(map(repr, unknown))}; allowed: {', '.join(allowed)}"
        return f"{where}: unknown key {', '.join(map(repr, unknown))}"
    if kind == "enum":
        return f"{where}: {value!r} is not allowed; allowed: {', '.join(map(str, spec))}"
    if kind == "type":
        wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in ([spec] if isinstance(spec, str) else spec))
        return f"{where}: expected {wanted}, got {_short(value)}"
    if kind == "required":
        missing = [name for name in spec if name not in value]
        return f"{where}: missing key {', '.join(map(repr, missing))}"
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        relation = {"minimum": ">=", "exclusiveMinimum": ">", "maximum": "<=", "exclusiveMaximum": "<"}[kind]
        return f"{where}: must be {relation} {spec}, got {value!r}"
    if kind in ("minItems", "maxItems"):
        size = {"minItems": "at least", "maxItems": "at most"}[kind]
        return f"{where}: needs {size} {spec} entries, got {len(value)}"
    if kind == "uniqueItems":
        seen, repeated = set(), []
        for item in value:
            text = repr(item)
            if text in seen and text not in repeated:
                repeated.append(text)
            seen.add(text)
        return f"{where}: duplicate entries {', '.join(repeated)}"
    if kind == "minProperties":
        return f"{where}: needs at least {spec} entries"
    return f"{where}: {error.message}"


def _check_finite(value, path):
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"{key_path(path)}: must be a finite number, got {value!r} (no key accepts NaN or inf)")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_finite(item, [*path, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_finite(item, [*path, index])


def _short(value, width=60):
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."
