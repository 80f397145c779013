"""The config's ``sweeps:`` section: each entry one labelled, resumable sweep store and its views.

The grammar is :mod:`mfsweep.sweeps.spec`'s; this module only reads the config. ``sweeps.NAME``
becomes ``results/sweeps/NAME.zarr`` (rule ``sweep_run``, or ``parts`` jobs ``sweep_part`` and a
merge), ``results/tables/sweeps/NAME.{csv,md,tex,html}`` and ``results/figures/sweeps/NAME.png``
(rule ``sweep_view``). From Python, the same store is::

    from mfsweep.sweeps import methods, spec
    from mfsweep.sweeps.runner import run_sweep
    sweep = spec.parse("v_sigma", {"method": "cbo.bilevel", "problem": "v", "grid": {"sigma1": [1, 2, 3]}, "runs": 20},
                       methods.resolve)
    run_sweep(sweep, "v_sigma.zarr", seed=1, dask_config={"mode": "local"}, threads=2)
"""

from mfsweep.provenance import source_hash
from mfsweep.sweeps import methods, spec
from mfsweep.userfunc import is_import_path


def parse(job, name):
    """The :class:`~mfsweep.sweeps.spec.Sweep` of a job config (:func:`mfsweep.experiments.jobs.sweep`)."""
    entry = dict(job["sweep"])
    for key in ("grid", "zip"):  # the config's axis order, which the job config's canonical JSON does not keep
        if entry.get(key):
            entry[key] = {axis: entry[key][axis] for axis in job["axes"] if axis in entry[key]}
    return spec.parse(name, entry, methods.resolve)


def code(config, name):
    """The source hash of the code a sweep runs: the runner, the method and any user problem's module."""
    entry = config["sweeps"][name]
    problems = entry.get("problem", [])
    modules = ["mfsweep.sweeps.spec", "mfsweep.sweeps.runner", methods.module_name(entry["method"])]
    modules += [p.split(":")[0] for p in (problems if isinstance(problems, list) else [problems])
                if is_import_path(p)]
    return ",".join(source_hash(module) for module in modules)


def check(job, name):
    """Validate a sweep down to every point's parameters and its problem names, before any work; the Sweep."""
    entry = parse(job, name)
    resolve_problem = getattr(entry.method, "resolve_problem", None)
    if resolve_problem is not None:
        for problem in entry.problems:
            try:
                resolve_problem(problem)
            except (TypeError, ValueError) as error:
                raise spec.SweepError(f"sweeps.{name}.problem: {error}") from None
    for _ in entry.points():
        pass
    return entry


def run_store(job, name, output, threads, dask, part=None):
    """Compute sweep ``name`` of the job config ``job`` into ``output`` (or only the cells of part ``part``)."""
    from mfsweep.sweeps.runner import run_sweep

    return run_sweep(parse(job, name), output, seed=job["seed"], dask_config=dask, threads=threads, part=part)


def overlay_stores(config, name):
    """The stores a sweep's figure draws theory from: ``view.overlay.critical`` names a stationary.critical sweep."""
    critical = (config["sweeps"][name].get("view") or {}).get("overlay", {}).get("critical")
    if critical is not None and critical not in config["sweeps"]:
        raise spec.SweepError(f"sweeps.{name}.view.overlay.critical: {critical!r} is not a sweep; sweeps: "
                              f"{', '.join(config['sweeps'])}")
    return [f"results/sweeps/{critical}.zarr"] if critical else []


def write_views(store, outputs, png, column=None, critical_store=None):
    """The summary table (``outputs["csv"|"md"|"tex"|"html"]``) and the figure of a sweep store.

    ``column``: the summary column the figure shows (default :func:`mfsweep.reports.sweep_views.default_column`);
    ``critical_store``: a stationary.critical sweep over theta whose beta_C(theta) is drawn on the figure.
    """
    import xarray as xr

    from mfsweep.reports import sweep_views
    from mfsweep.reports.tables import write_table

    ds = xr.open_zarr(store).load()
    overlay = sweep_views.critical_overlay(xr.open_zarr(critical_store).load()) if critical_store else None
    table = sweep_views.summary(ds)
    formats = {column: ".4g" for column in table.columns if table[column].dtype.kind == "f"}
    write_table(table, outputs, formats, label=f"tab:sweep-{ds.attrs['sweep']}",
                caption=f"Sweep {ds.attrs['sweep']}: per-point summary (95 % Clopper-Pearson intervals).")
    sweep_views.figure(ds, column=column, table=table, overlay=overlay).savefig(png, dpi=120)


ROUTES = {"particles": "particles", "pde": "pde", "states": "stationary.states", "critical": "stationary.critical"}


def phase_diagram_stores(config, name):
    """{route: store} of ``phase_diagrams.NAME``; a SweepError if a route names no sweep of the right method."""
    entry = config["phase_diagrams"][name]
    stores = {}
    for route, method in ROUTES.items():
        sweep = entry[route]
        if sweep not in config["sweeps"] or methods.module_name(config["sweeps"][sweep]["method"]) != \
                methods.module_name(method):
            raise spec.SweepError(f"phase_diagrams.{name}.{route}: {sweep!r} is not a sweep of method {method}; "
                                  f"sweeps: {', '.join(config['sweeps'])}")
        stores[route] = f"results/sweeps/{sweep}.zarr"
    return stores


def write_phase_diagram(stores, outputs, transitions_csv, png, threshold):
    """The per-point agreement table, the per-theta transitions and the three-route figure of a phase diagram."""
    import xarray as xr

    from mfsweep.reports import phase_diagram
    from mfsweep.reports.tables import write_table

    data = {route: xr.open_zarr(path).load() for route, path in stores.items()}
    table = phase_diagram.agreement(data["particles"], data["pde"], data["states"])
    formats = {column: ".4g" for column in table.columns if table[column].dtype.kind == "f"}
    write_table(table, outputs, formats, label="tab:phase-diagram",
                caption="(theta, beta) phase diagram: particles' time-averaged |x|, PDE |m(T)|, stationary |m|.")
    phase_diagram.transitions(table, data["critical"], threshold).to_csv(transitions_csv, index=False)
    phase_diagram.plot(table, data["critical"]).savefig(png, dpi=120)
