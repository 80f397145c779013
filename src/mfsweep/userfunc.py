"""User objects (objectives, problems, potentials) named by import path: ``"package.module:name"``.

An import path is how a user function reaches a process-based dask worker or a Snakemake job: the
worker imports it instead of unpickling a closure, so it is the same function, compiled there.
"""

import importlib


def is_import_path(text):
    """Whether ``text`` looks like ``"package.module:name"``."""
    return isinstance(text, str) and text.count(":") == 1 and all(text.split(":"))


def resolve(path, what="object"):
    """The object named by ``"package.module:name"`` (``name`` may be dotted: ``module:Class.attr``)."""
    if not is_import_path(path):
        raise ValueError(f"{what}: expected 'package.module:name', got {path!r}")
    module_name, _, attribute = path.partition(":")
    try:
        obj = importlib.import_module(module_name)
    except ImportError as error:
        raise ValueError(f"{what} {path!r}: cannot import module {module_name!r} ({error})") from None
    for part in attribute.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ValueError(f"{what} {path!r}: module {module_name!r} has no {attribute!r}") from None
    return obj


def import_path(obj):
    """``"module:qualname"`` of a module-level object that importing finds again, else None."""
    module, name = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if not module or not name or "<" in name or module == "__main__":
        return None
    try:
        return f"{module}:{name}" if resolve(f"{module}:{name}") is obj else None
    except ValueError:
        return None
