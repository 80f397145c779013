"""Figures of the particle datasets in the style of Gomes & Pavliotis (2017), Figs 11-16.

Each function takes the datasets of one setting (one per dynamics: full eps-system, homogenized
with each psi sign; :mod:`mfsweep.meanfield.particles`), plots one column per dataset and returns
the Figure: particle positions at the snapshot times (Figs 11, 14), histograms at the snapshot
times with the stored stationary density of the state run 0 reached on the last row (Figs 12, 15),
and the mean xbar(t), average over runs +- one standard deviation, with the stored stationary
states (Figs 13, 16). Nothing is recomputed: the predictions come from the datasets.
"""

from mfsweep.reports.stationary_figures import describe, dynamics_title, new_figure


def _title(ds):
    return dynamics_title(ds, "(2.1)" if str(ds.dynamics.values) == "full" else "(2.17)")


def _grid(datasets, rows):
    fig = new_figure(figsize=(4.5 * len(datasets), 2.6 * rows))
    axes = fig.subplots(rows, len(datasets), squeeze=False, sharex=True)
    spec = datasets[0].attrs["parameters"]
    fig.suptitle(f"{datasets[0].attrs['potential']}: " + describe(theta=spec["theta"])
                 + f", β = {spec['beta']:g}, N = {spec['N']}")
    return fig, axes


def plot_positions(datasets):
    """Positions of the particles of run 0 at each snapshot time (Figs 11, 14); x on the horizontal axis."""
    fig, axes = _grid(datasets, datasets[0].sizes["snapshot"])
    for column, ds in enumerate(datasets):
        for row, t in enumerate(ds.snapshot.values):
            ax = axes[row, column]
            ax.plot(ds.positions.isel(run=0).sel(snapshot=t).values, ds.particle.values, ".", markersize=1.5)
            ax.set(title=f"{_title(ds)}, t = {t:g}", ylabel="particle")
        axes[-1, column].set_xlabel("x")
    fig.tight_layout()
    return fig


def plot_histograms(datasets):
    """Histograms of run 0 at the snapshot times; the last row adds run 0's time average and the density
    of the stable stationary state nearest to its long-time mean (Figs 12, 15)."""
    fig, axes = _grid(datasets, datasets[0].sizes["snapshot"])
    for column, ds in enumerate(datasets):
        centres, width = ds.bin.values, float(ds.bin_bounds[0, 1] - ds.bin_bounds[0, 0])
        first = ds.isel(run=0)
        for row, t in enumerate(ds.snapshot.values):
            ax = axes[row, column]
            ax.bar(centres, first.histogram.sel(snapshot=t).values, width=width, color="C0", alpha=0.6,
                   label=f"run {int(first.run)}")
            ax.set(title=f"{_title(ds)}, t = {t:g}", ylabel="density")
        last = axes[-1, column]
        last.step(centres, first.time_averaged_density.values, where="mid", color="C2",
                  label=f"run {int(first.run)}, time average")
        last.plot(centres, first.stationary_probability.values / width, "k", linewidth=1.2,
                  label=f"stationary, m = {float(first.stationary_m):.3f}")
        last.legend(fontsize="x-small")
        last.set_xlabel("x")
    fig.tight_layout()
    return fig


def plot_means(datasets):
    """xbar(t): average over runs +- one standard deviation, run 0, and the stationary means (Figs 13, 16);
    stable states solid, unstable dotted."""
    fig, axes = _grid(datasets, 1)
    for ax, ds in zip(axes[0], datasets):
        average, spread = ds["mean"].mean("run").values, ds["mean"].std("run").values
        time = ds.time.values
        ax.fill_between(time, average - spread, average + spread, color="C0", alpha=0.3, label="± 1 sd over runs")
        ax.plot(time, average, "C0", label=f"average of {ds.sizes['run']} runs")
        ax.plot(time, ds["mean"].isel(run=0).values, "C1", linewidth=0.6, label="run 0")
        for m, stable in zip(ds.state_m.values, ds.state_stable.values):
            ax.axhline(m, color="k", linestyle="-" if stable else ":", linewidth=0.8)
        ax.set(title=_title(ds), xlabel="t", ylabel="x̄(t)")
        ax.legend(fontsize="x-small")
    fig.tight_layout()
    return fig
