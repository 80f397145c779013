"""Views of a sweep store: a per-point summary table and a figure chosen by the sweep's axes.

The summary (:func:`summary`) has one row per point of the sweep (its axes as columns) and, per
run variable, what a reader asks first:

* ``success`` (bool per run): the rate, its exact (Clopper-Pearson) binomial 95 % interval
  (``scipy.stats.binomtest(...).proportion_ci``) and the number of runs;
* every other numeric variable with one value per run (``error``, ``wall_time``, long-time
  ``abs_mean`` ...): mean and median over the runs; NaN runs are left out and counted.

:func:`figure` plots one summary column against the axes: one numeric axis → lines (one per
combination of the other, categorical axes) with the interval band where there is one; two
numeric axes → an annotated heatmap (per combination of further axes, one panel); only
categorical axes → grouped bars with interval whiskers. ``overlay(ax, ds)`` (a method's theory,
e.g. the stationary β_C(θ) curve) is drawn on every panel when given. Both read only the Dataset.
"""

import itertools
import math

import matplotlib.figure
import numpy as np
import pandas as pd
from scipy.stats import binomtest

CONFIDENCE = 0.95


def axes_of(ds):
    """The sweep's axes (the store's attrs name them; else every dim with a coordinate except run and the method's)."""
    names = ds.attrs.get("sweep_axes")
    if names is None:
        names = [d for d in ds.dims if d != "run" and "run" in ds.dims and all(
            d in ds[v].dims[: ds[v].dims.index("run")] for v in ds.data_vars if "run" in ds[v].dims)]
    return list(names)


def per_run_variables(ds, axes):
    """Numeric variables with exactly the dims (axes..., run)."""
    wanted = (*axes, "run")
    return [name for name, var in ds.data_vars.items() if var.dims == wanted and var.dtype.kind in "biuf"]


def method_summaries(ds, axes):
    """The methods' own summaries as variables, per run (dims axes + run) or per point (dims axes).

    ``abs_long_time_mean`` = |time average of x̄ over [average_from, T]| (particles; their own
    ``long_time_abs_mean``, the time average of |x̄|, is a run variable already); ``m_final`` = m(T) (PDE);
    ``n_states``, ``n_stable_states``, ``max_stable_abs_m`` (the stationary states m = R(m));
    ``beta_c_min``, ``n_critical`` (critical β: the smallest root and how many);
    ``n_fixed_points`` (sign changes of R(m) - m on the R-map's grid); ``n_branches`` (diagram).
    """
    found = {}
    if "long_time_mean" in ds:
        found["abs_long_time_mean"] = abs(ds.long_time_mean)
    if "mean" in ds and "time" in ds["mean"].dims and "run" not in ds["mean"].dims:
        found["m_final"] = ds["mean"].isel(time=-1, drop=True)
    if "state_m" in ds and ds.sizes["state"] > 0:
        stable = ds.state_stable.fillna(False).astype(bool) & ds.state_m.notnull()
        found["n_states"] = ds.state_m.notnull().sum("state")
        found["n_stable_states"] = stable.sum("state")
        found["max_stable_abs_m"] = abs(ds.state_m).where(stable).max("state")
    if "beta_c" in ds and ds.sizes["root"] > 0:
        found["beta_c_min"] = ds.beta_c.min("root")
        found["n_critical"] = ds.beta_c.notnull().sum("root")
    if "R" in ds and "m" in ds["R"].dims:
        h = np.sign(ds.R - ds.m)
        found["n_fixed_points"] = (h.diff("m") != 0).sum("m")
    if "branch_values" in ds and "m" in ds:
        found["n_branches"] = ds.m.notnull().any("point").sum("branch")
    return {name: value.transpose(*[d for d in (*axes, "run") if d in value.dims]) for name, value in found.items()}


def summary(ds):
    """One row per point: the axes' labels, per run variable its summaries, per point variable its value."""
    axes = axes_of(ds)
    own = method_summaries(ds, axes)
    ds = ds.assign(own)
    names = per_run_variables(ds, axes)
    point_names = [name for name, var in ds.data_vars.items() if var.dims == tuple(axes)
                   and var.dtype.kind in "biuf" and name not in names]
    arrays = {name: ds[name].values for name in [*names, *point_names]}
    rows = []
    for index in itertools.product(*(range(ds.sizes[a]) for a in axes)):
        row = {a: _label(ds[a].values[i]) for a, i in zip(axes, index)}
        row.update({name: _label(arrays[name][index]) for name in point_names})
        for name in names:
            values = arrays[name][index]
            if name == "success":
                row.update(success_statistics(values))
                continue
            finite = values[np.isfinite(values)]
            row[f"{name}_mean"] = float(finite.mean()) if finite.size else math.nan
            row[f"{name}_median"] = float(np.median(finite)) if finite.size else math.nan
            if finite.size < values.size:
                row[f"{name}_nan_runs"] = int(values.size - finite.size)
        rows.append(row)
    return pd.DataFrame(rows)


def success_statistics(successes):
    """Rate, exact binomial 95 % interval and run count of a boolean array."""
    successes = np.asarray(successes, dtype=bool)
    n, k = successes.size, int(successes.sum())
    interval = binomtest(k, n).proportion_ci(confidence_level=CONFIDENCE, method="exact")
    return {"success_rate": k / n, "success_low": interval.low, "success_high": interval.high, "runs": n}


def _label(value):
    return value.item() if isinstance(value, np.generic) else value


#: Axis labels of the methods' own summaries (:func:`method_summaries`).
SUMMARY_NAMES = {"abs_long_time_mean": "|long-time mean x̄|", "m_final": "m(T)", "n_states": "number of stationary states",
                 "n_stable_states": "number of stable stationary states",
                 "max_stable_abs_m": "largest |m| of a stable stationary state", "beta_c_min": "smallest critical β",
                 "n_critical": "number of critical β", "n_fixed_points": "number of solutions of R(m) = m",
                 "n_branches": "number of branches"}

#: Columns a figure shows by default, the first present wins (then the first mean).
PREFERRED = ("success_rate", "long_time_abs_mean_mean", "abs_long_time_mean_mean", "m_final", "beta_c_min", "max_stable_abs_m",
             "n_fixed_points", "n_branches")


def default_column(table):
    """The column a figure shows by default (:data:`PREFERRED`, else the first mean)."""
    for column in PREFERRED:
        if column in table:
            return column
    means = [c for c in table.columns if c.endswith("_mean")]
    if not means:
        raise ValueError("the sweep has no numeric summary to plot")
    return means[0]


def figure(ds, column=None, overlay=None, table=None):
    """A Figure of ``column`` of :func:`summary` against the sweep's axes (see the module docstring)."""
    table = summary(ds) if table is None else table
    column = column or default_column(table)
    axes = axes_of(ds)
    numeric = [a for a in axes if ds[a].dtype.kind in "biuf"]
    categorical = [a for a in axes if a not in numeric]
    label = _column_label(ds, column)
    if len(numeric) >= 2:
        return _heatmaps(ds, table, column, numeric[:2], [*categorical, *numeric[2:]], label, overlay)
    if len(numeric) == 1:
        return _lines(ds, table, column, numeric[0], categorical, label, overlay)
    return _bars(table, column, categorical, label)


def _column_label(ds, column):
    if column == "success_rate":
        return f"success rate (runs per point: {ds.sizes['run']}; {CONFIDENCE:.0%} binomial interval)"
    if column in SUMMARY_NAMES:
        return SUMMARY_NAMES[column]
    name, _, stat = column.rpartition("_")
    if name in SUMMARY_NAMES:
        return f"{stat} of {SUMMARY_NAMES[name]}"
    var = ds[name] if name in ds else None
    units = var.attrs.get("units") if var is not None else None
    return f"{stat} of {var.attrs.get('long_name', name) if var is not None else name}" + (
        f" [{units}]" if units not in (None, "1") else "")


def _axis_label(ds, axis):
    attrs = ds[axis].attrs
    units = attrs.get("units")
    return f"{attrs.get('long_name', axis)}" + (f" [{units}]" if units not in (None, "1") else "")


def _groups(table, by):
    if not by:
        return [("", table)]
    return [(", ".join(f"{b} = {v}" for b, v in zip(by, key if isinstance(key, tuple) else (key,))), group)
            for key, group in table.groupby(by, sort=False)]


def _lines(ds, table, column, x, by, label, overlay):
    fig = matplotlib.figure.Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.add_subplot()
    for name, group in _groups(table, by):
        line, = ax.plot(group[x], group[column], marker="o", label=name or column)
        if column == "success_rate":
            ax.fill_between(group[x], group["success_low"], group["success_high"], color=line.get_color(), alpha=0.2)
    if overlay is not None:
        overlay(ax, ds)
    ax.set_xlabel(_axis_label(ds, x))
    ax.set_ylabel(label)
    if by:
        ax.legend(fontsize="small")
    return fig


def _heatmaps(ds, table, column, xy, by, label, overlay):
    groups = _groups(table, by)
    cols = min(3, len(groups))
    rows = math.ceil(len(groups) / cols)
    fig = matplotlib.figure.Figure(figsize=(4.8 * cols, 4.0 * rows), layout="constrained")
    x, y = xy
    xs, ys = list(ds[x].values), list(ds[y].values)
    for k, (name, group) in enumerate(groups):
        ax = fig.add_subplot(rows, cols, k + 1)
        grid = group.pivot_table(index=y, columns=x, values=column, sort=False).reindex(index=ys, columns=xs)
        image = ax.pcolormesh(cell_edges(xs), cell_edges(ys), grid.values, shading="flat")
        for (i, yv), (j, xv) in itertools.product(enumerate(ys), enumerate(xs)):
            value = grid.values[i, j]
            if np.isfinite(value):
                ax.text(float(xv), float(yv), f"{value:.2g}", ha="center", va="center", fontsize="x-small",
                        color="white" if value < np.nanmean(grid.values) else "black")
        if overlay is not None:
            overlay(ax, ds)
        ax.set(xlabel=_axis_label(ds, x), ylabel=_axis_label(ds, y), title=name or None)
        fig.colorbar(image, ax=ax, label=label)
    return fig


def cell_edges(values):
    """Cell edges around the (possibly uneven) axis values, midway between neighbours."""
    v = np.asarray(values, dtype=float)
    if v.size == 1:
        return np.array([v[0] - 0.5, v[0] + 0.5])
    mid = (v[1:] + v[:-1]) / 2
    return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])


def _bars(table, column, categorical, label):
    fig = matplotlib.figure.Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.add_subplot()
    inner, outer = (categorical[-1], categorical[:-1]) if categorical else (None, [])
    groups = _groups(table, outer)
    width = 0.8 / max(1, len(groups))
    ticks = list(dict.fromkeys(table[inner])) if inner else [""]
    for k, (name, group) in enumerate(groups):
        positions = np.arange(len(ticks)) + (k - (len(groups) - 1) / 2) * width
        values = group.set_index(inner)[column].reindex(ticks) if inner else group[column]
        errors = None
        if column == "success_rate":
            low = group.set_index(inner)["success_low"].reindex(ticks) if inner else group["success_low"]
            high = group.set_index(inner)["success_high"].reindex(ticks) if inner else group["success_high"]
            errors = np.vstack([values - low, high - values])
        ax.bar(positions, values, width, yerr=errors, capsize=3, label=name or column)
    ax.set_xticks(np.arange(len(ticks)), [str(t) for t in ticks])
    ax.set_ylabel(label)
    if inner:
        ax.set_xlabel(inner)
    if outer:
        ax.legend(fontsize="small")
    return fig


def critical_overlay(critical):
    """An ``overlay`` drawing β_C(θ) of a ``stationary.critical`` sweep over θ (its smallest root) on (θ, β) panels."""
    theta, beta_c = critical.theta.values, critical.beta_c.min("root").values

    def draw(ax, ds):
        numeric = [a for a in axes_of(ds) if ds[a].dtype.kind in "biuf"]
        x, y = (theta, beta_c) if numeric[:2] == ["theta", "beta"] else (beta_c, theta)
        ax.plot(x, y, "--", color="white", linewidth=2, label=r"$\beta_C(\theta)$, stationary theory")
        ax.legend(fontsize="x-small", loc="upper right")
    return draw
