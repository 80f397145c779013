"""The ``mfsweep`` command: run one sweep store, build the table, list problems, check a config.

The Snakemake workflow calls the same library functions; this is for running a single
piece by hand or from another scheduler.
"""

import argparse
import json
import sys

from mfsweep import storage
from mfsweep.cbo.parameters import LOOP_BOUNDS, PAIRINGS, X_UPDATES
from mfsweep.cbo.problems import REGISTRIES, describe
from mfsweep.experiments import cbo_bilevel
from mfsweep.experiments.config import ConfigError, load_config
from mfsweep.reports import cbo_bilevel_table
from mfsweep.scriptlog import log_to


def main(argv=None):
    parser = argparse.ArgumentParser(prog="mfsweep", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check-config", help="validate a config and print it with defaults filled in")
    check.add_argument("config", nargs="?", help="YAML config (default: all defaults)")

    commands.add_parser("problems", help="list the bi-level problems of Table 1")

    run = commands.add_parser("cbo-bilevel", help="run one (problem, variant) store of the bi-level MS-CBO sweep")
    run.add_argument("problem")
    run.add_argument("output", help="zarr store to write (atomically)")
    run.add_argument("--config", help="YAML config (default: all defaults = the paper's settings)")
    run.add_argument("--pairing", choices=PAIRINGS, default=PAIRINGS[0])
    run.add_argument("--x-update", choices=X_UPDATES, default=X_UPDATES[0])
    run.add_argument("--loop-bound", choices=LOOP_BOUNDS, default=LOOP_BOUNDS[0])
    run.add_argument("--threads", type=int, default=1, help="dask threads (default 1)")

    table = commands.add_parser("cbo-bilevel-table", help="table of a combined store next to the paper's Table 1")
    table.add_argument("store")
    table.add_argument("prefix", help="writes PREFIX.csv, .md, .tex, .html")

    args = parser.parse_args(argv)
    try:
        _run(args)
    except ConfigError as error:
        print(f"mfsweep {args.command}: config error: {error}", file=sys.stderr)
        return 2
    return 0


def _run(args):
    if args.command == "check-config":
        print(json.dumps(load_config(args.config), indent=2))
    elif args.command == "problems":
        for name, problem in REGISTRIES["bilevel"].items():
            print(f"({name})  F = {describe(problem.F)};  G = {describe(problem.G)};  "
                  f"solution x* = {problem.x_star:g}, y* = {problem.y_star:g}")
    elif args.command == "cbo-bilevel":
        log_to()
        variant = {"pairing": args.pairing, "x_update": args.x_update, "loop_bound": args.loop_bound}
        cbo_bilevel.run_store(load_config(args.config), args.problem, variant, args.output, args.threads)
    elif args.command == "cbo-bilevel-table":
        cbo_bilevel_table.write_bilevel_table(storage.open_store(args.store).load(), {ext: f"{args.prefix}.{ext}" for ext in ("csv", "md", "tex", "html")})


if __name__ == "__main__":
    sys.exit(main())
