"""Where a result comes from: the code that computed it and the attrs every stored dataset carries.

:func:`source_hash` fingerprints the mfsweep source a computation runs: the module's file and,
transitively, every mfsweep module it imports (found statically in the source, so a module
imported only inside a function counts too), plus the packaged data files. It is what makes a
result stale when its code changes (Snakemake rule params, checkpoint fingerprints): editing a
figure module does not touch the hash of a kernel, editing a kernel changes the hash of every
store computed with it. The git state plays no part (a config edit leaves a tree "dirty").
"""

import ast
import functools
import importlib.util
import hashlib
import json
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

import mfsweep

PACKAGE = "mfsweep"
ROOT = Path(mfsweep.__file__).resolve().parent


@functools.cache
def source_files(module):
    """The source files of ``module`` (a dotted module name) and of every mfsweep module it imports.

    Modules are found by path under the package (nothing is imported), so the closure is cheap.
    """
    seen, todo = {}, [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _module_path(name)
        if path is None:
            raise ModuleNotFoundError(f"no source for module {name!r}")
        seen[name] = path
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        todo += [imported for imported in _imports(path.read_text(), package) if imported not in seen]
        if "." in name:  # a submodule runs its packages' __init__ first
            todo.append(name.rpartition(".")[0])
    return tuple(sorted(seen.values()))


def _module_path(name):
    """The file of module ``name``, or None if ``name`` is not a module (e.g. a class).

    mfsweep modules are found by path under the package; another module (a user's method) is
    looked up with importlib (which imports its parent packages, not the module itself).
    """
    parts = name.split(".")
    if parts[0] != PACKAGE:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            return None
        return Path(spec.origin) if spec is not None and spec.origin and spec.origin.endswith(".py") else None
    base = ROOT.joinpath(*parts[1:])
    for path in (base / "__init__.py", base.with_suffix(".py")):
        if path.is_file():
            return path
    return None


@functools.cache
def source_hash(module):
    """SHA-256 (16 hex digits) of :func:`source_files` of ``module`` and the packaged data files."""
    digest = hashlib.sha256()
    for path in [*source_files(module), *sorted((ROOT / "data").glob("*"))]:
        if path.is_file():
            name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _imports(source, package):
    """Dotted names of the mfsweep modules that ``source`` (of a module in ``package``) imports."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module
            found.append(base)
            found += [f"{base}.{alias.name}" for alias in node.names]  # `from pkg import module`
    return [name for name in found if name.split(".")[0] == PACKAGE and _module_path(name) is not None]


@functools.lru_cache(maxsize=1)
def git_commit():
    """The commit of the source tree (``-dirty`` if it has uncommitted changes), or "unknown"."""
    for where in (Path(mfsweep.__file__).resolve().parent, Path.cwd()):
        try:
            commit = subprocess.run(["git", "-C", str(where), "rev-parse", "HEAD"],
                                    capture_output=True, text=True, check=True).stdout.strip()
            dirty = subprocess.run(["git", "-C", str(where), "status", "--porcelain", "--untracked-files=no"],
                                   capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            continue
        return commit + ("-dirty" if dirty else "")
    return "unknown"


def provenance(parameters, **extra):
    """Dataset attrs: the full parameter set (JSON-clean), package version, git commit, creation time."""
    return {
        "parameters": json.loads(json.dumps(parameters, default=_jsonable)),
        "mfsweep_version": mfsweep.__version__,
        "git_commit": git_commit(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        **json.loads(json.dumps(extra, default=_jsonable)),
    }


def _jsonable(value):
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    raise TypeError(f"cannot store {type(value).__name__} in dataset attrs: {value!r}")
