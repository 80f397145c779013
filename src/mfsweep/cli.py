"""The ``mfsweep`` command: run any method or sweep, list what there is, show a store, check a config.

The Snakemake workflow calls the same library functions; this is for running a single piece by
hand, from a notebook's terminal or from another scheduler. Every command has ``--help``.
"""

import argparse
import json
import sys

import yaml

EXAMPLES = {
    "run": "mfsweep run cbo.bilevel --problem v --set N=50 --set pairing=own --runs 10 -o v.zarr",
    "sweep": "mfsweep sweep config/config.yaml cbo_v_sigma_lambda --threads 2",
    "list": "mfsweep list methods; mfsweep list problems cbo.bilevel; mfsweep list params particles",
    "show": "mfsweep show results/sweeps/cbo_v_sigma_lambda.zarr",
    "check-config": "mfsweep check-config config/paper.yaml",
}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="mfsweep", description=__doc__.splitlines()[0],
                                     epilog="examples:\n  " + "\n  ".join(EXAMPLES.values()),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name, help_text):
        return commands.add_parser(name, help=help_text, description=help_text, epilog=f"example: {EXAMPLES[name]}")

    run = command("run", "run one method on one problem and write its Dataset to a zarr store")
    run.add_argument("method", help="a method (mfsweep list methods) or a module path")
    run.add_argument("--problem", help="problem or potential name, or package.module:name (mfsweep list problems M)")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="a parameter (YAML value; repeatable; mfsweep list params METHOD)")
    run.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                     help="a keyword argument of the method's run, e.g. success_threshold=0.3")
    run.add_argument("--runs", type=int, default=1, help="replicates (default 1)")
    run.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    run.add_argument("-o", "--output", required=True, help="zarr store to write (atomically)")

    sweep = command("sweep", "run the sweeps of a config file without Snakemake (same runner, same stores)")
    sweep.add_argument("config", help="YAML config with a sweeps: section")
    sweep.add_argument("names", nargs="*", help="sweeps to run (default: all)")
    sweep.add_argument("--threads", type=int, default=1, help="local dask threads (default 1)")
    sweep.add_argument("--results", default="results", help="folder of results/sweeps/NAME.zarr (default results)")

    listing = command("list", "list methods, problems, potentials or a method's parameters")
    listing.add_argument("what", choices=["methods", "problems", "potentials", "params"])
    listing.add_argument("method", nargs="?", help="the method (for problems and params)")

    show = command("show", "dims, parameters, provenance and a per-point summary of a store")
    show.add_argument("store")

    check = command("check-config", "validate a config and print it with defaults filled in")
    check.add_argument("config", nargs="?", help="YAML config (default: all defaults)")

    args = parser.parse_args(argv)
    try:
        COMMANDS[args.command](args)
    except (ValueError, TypeError, FileNotFoundError) as error:
        kind = "config error" if type(error).__name__ in ("ConfigError", "SweepError") else "error"
        print(f"mfsweep {args.command}: {kind}: {error}", file=sys.stderr)
        return 2
    return 0


def _pairs(items, what):
    pairs = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"{what} {item!r}: expected KEY=VALUE")
        pairs[key] = yaml.safe_load(value)
    return pairs


def _run(args):
    from mfsweep import storage
    from mfsweep.sweeps import methods

    method = methods.resolve(args.method)
    params = method.Params.from_mapping(_pairs(args.set, "--set"), "--set")
    problem = args.problem if args.problem is not None else getattr(method, "DEFAULT_PROBLEM", None)
    if problem is None:
        raise ValueError(f"--problem: method {args.method} needs a problem (mfsweep list problems {args.method})")
    ds = method.run(problem, params, runs=args.runs, seed=args.seed, **_pairs(args.option, "--option"))
    storage.write_zarr_atomic(ds, args.output)
    print(f"wrote {args.output}: " + ", ".join(f"{dim} {size}" for dim, size in ds.sizes.items()))


def _sweep(args):
    from pathlib import Path

    from mfsweep.experiments import jobs, sweeps
    from mfsweep.experiments.config import load_config
    from mfsweep.scriptlog import log_to

    log_to()
    config = load_config(args.config)
    names = args.names or list(config["sweeps"])
    unknown = [name for name in names if name not in config["sweeps"]]
    if unknown:
        raise ValueError(f"sweeps {unknown} are not in {args.config}; its sweeps: {', '.join(config['sweeps'])}")
    for name in names:
        output = Path(args.results) / "sweeps" / f"{name}.zarr"
        output.parent.mkdir(parents=True, exist_ok=True)
        computed = sweeps.run_store(jobs.sweep(config, name), name, output, args.threads, config["dask"])
        print(f"{output}: {computed} cells computed")


def _list(args):
    from mfsweep.sweeps import methods

    if args.what == "methods":
        for name, module in methods.METHODS.items():
            print(f"{name:22s}{_first_line(methods.resolve(name).__doc__)}")
        return
    if args.what == "potentials":
        from mfsweep.meanfield.model import potentials

        print("\n".join(potentials.names()))
        return
    if args.method is None:
        raise ValueError(f"list {args.what}: name the method, e.g. mfsweep list {args.what} cbo.bilevel")
    method = methods.resolve(args.method)
    if args.what == "params":
        for name, default, units, meaning in method.Params.describe():
            print(f"{name:24s}{default!s:>14s}  {meaning}" + (f" [{units}]" if units not in ("", "1") else ""))
    elif method.__name__.startswith("mfsweep.meanfield"):
        from mfsweep.meanfield.model import potentials

        print("\n".join(potentials.names()))
    else:
        from mfsweep.cbo.problems import REGISTRIES, describe

        kind = method.resolve_problem.keywords["kind"]
        for name, problem in REGISTRIES[kind].items():
            texts = "; ".join(f"{key} = {describe(getattr(problem, key))}" for key, _ in problem.OBJECTIVES)
            print(f"{name:16s}{texts}")


def _show(args):
    import xarray as xr

    from mfsweep.reports import sweep_views

    ds = xr.open_zarr(args.store)
    print(f"{args.store}: " + ", ".join(f"{dim} {size}" for dim, size in ds.sizes.items()))
    for key in ("method", "sweep", "problem", "potential", "mfsweep_version", "git_commit", "created", "seed_keys"):
        if key in ds.attrs:
            print(f"  {key}: {ds.attrs[key]}")
    print(f"  parameters: {json.dumps(ds.attrs.get('parameters'), default=str)}")
    print("  variables: " + ", ".join(f"{name}{tuple(var.dims)}" for name, var in ds.data_vars.items()))
    if "sweep_axes" in ds.attrs:
        print(sweep_views.summary(ds.load()).to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    elif "run" in ds.dims:
        names = [name for name, var in ds.data_vars.items() if var.dims == ("run",) and var.dtype.kind in "biuf"]
        print("  mean over runs: " + ", ".join(f"{name} {float(ds[name].mean()):.4g}" for name in names))


def _check_config(args):
    from mfsweep.experiments.config import load_config

    print(json.dumps(load_config(args.config), indent=2))


def _first_line(text):
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


COMMANDS = {"run": _run, "sweep": _sweep, "list": _list, "show": _show, "check-config": _check_config}


if __name__ == "__main__":
    sys.exit(main())
