"""Figures of the McKean-Vlasov datasets in the style of Gomes & Pavliotis (2017), Figs 17-18.

Each function takes the datasets of one setting (one per dynamics: full eq. 4.6, homogenized eq. 4.7
with each psi sign; dims (theta, beta, time, x) as stored, or a single point from
:func:`mfsweep.meanfield.pde.run`) and returns a Figure with one row per (theta, beta) point:
p(x, t) at the snapshot times with the stored stationary density (one column per dynamics), and
m(t), F(t) and the L1 distance to that stationary state against t (log axis; all dynamics on
common axes, the stationary values dotted).
"""

import itertools

from mfsweep.reports.stationary_figures import dynamics_title, new_figure


def _title(ds):
    return dynamics_title(ds, "(4.6)" if str(ds.dynamics.values) == "full" else "(4.7)")


def points(ds):
    """The (theta, beta) points of a dataset, each as the dataset at that point."""
    if "theta" not in ds.dims:
        return [ds]
    return [ds.sel(theta=theta, beta=beta) for theta, beta in itertools.product(ds.theta.values, ds.beta.values)]


def _point_label(ds):
    spec = ds.attrs["parameters"]
    return (f"{ds.attrs['potential']}: θ = {float(ds.theta):g}, β = {float(ds.beta):g}, "
            f"initial N({spec['init_mean']:g}, {spec['init_var']:g})")


def plot_densities(datasets):
    """p(x, t) at the snapshot times and the stationary density (Figs 17, 18): row = (theta, beta), column = dynamics."""
    grid = [points(ds) for ds in datasets]
    rows = len(grid[0])
    fig = new_figure(figsize=(5 * len(datasets), 4 * rows))
    axes = fig.subplots(rows, len(datasets), squeeze=False)
    for column, per_point in enumerate(grid):
        for row, ds in enumerate(per_point):
            ax = axes[row, column]
            for n, t in enumerate(ds.attrs["parameters"]["snapshots"]):
                if t <= float(ds.time[-1]):
                    ax.plot(ds.x.values, ds.p.sel(time=t, method="nearest").values, color=f"C{n}", linewidth=1,
                            label=f"t = {t:g}")
            ax.plot(ds.x.values, ds.stationary_p.values, "k--", linewidth=1,
                    label=f"stationary, m = {float(ds.stationary_m):.3f}")
            ax.set(title=f"{_title(ds)}\n{_point_label(ds)}", xlabel="x", ylabel="p(x, t)", xlim=(-3, 3))
            ax.legend(fontsize="x-small")
    fig.tight_layout()
    return fig


def plot_evolution(datasets):
    """m(t), F(t) and the L1 distance to the stationary state: row = (theta, beta), all dynamics on common axes."""
    grid = [points(ds) for ds in datasets]
    rows = len(grid[0])
    fig = new_figure(figsize=(15, 4 * rows))
    axes = fig.subplots(rows, 3, squeeze=False)
    for n, per_point in enumerate(grid):
        for row, ds in enumerate(per_point):
            later = (ds.time > 0).values
            for ax, name in zip(axes[row], ("mean", "free_energy", "distance_to_stationary")):
                ax.plot(ds.time.values[later], ds[name].values[later], color=f"C{n}", label=_title(ds))
            axes[row, 0].axhline(float(ds.stationary_m), color=f"C{n}", linestyle=":", linewidth=0.8)
            axes[row, 1].axhline(float(ds.stationary_free_energy), color=f"C{n}", linestyle=":", linewidth=0.8)
    for row, ds in enumerate(grid[0]):
        for ax, text in zip(axes[row], ("m(t)", "free energy F(t)", "L1 distance to stationary state")):
            ax.set(xscale="log", xlabel="t", ylabel=text)
        axes[row, 2].set_yscale("log")
        axes[row, 0].set_title(_point_label(ds) + "; dotted: stationary solver", fontsize="small", loc="left")
        axes[row, 0].legend(fontsize="x-small")
    fig.tight_layout()
    return fig
