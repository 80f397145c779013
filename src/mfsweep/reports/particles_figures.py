"""Figures of the particle stores in the style of Gomes & Pavliotis (2017), Figs 11-16.

Each figure has one column per model of a setting (full eps-system, homogenized with each psi
sign): particle positions at the snapshot times (Figs 11, 14), histograms at the snapshot times
with the stationary McKean-Vlasov density overlaid on the last one (Figs 12, 15), and the mean
xbar(t) over time, seed average +- one standard deviation over seeds (Figs 13, 16).
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from mfsweep import storage  # noqa: E402
from mfsweep.reports.stationary_figures import describe, save_figure  # noqa: E402
from mfsweep.experiments.particles import stationary_prediction  # noqa: E402


def _title(ds):
    if str(ds.dynamics.values) == "full":
        return f"full system (2.1), ε = {float(ds.eps):g}"
    return "homogenized (2.17)" + ("" if str(ds.psi_sign.values) == "printed" else ", ψ sign flipped")


def _grid(stores, rows):
    datasets = [storage.open_store(path).load() for path in stores]
    fig, axes = plt.subplots(rows, len(datasets), figsize=(4.5 * len(datasets), 2.6 * rows), squeeze=False,
                             sharex=True)
    spec = datasets[0].attrs["parameters"]
    fig.suptitle(f"{spec['case']}: " + describe(theta=spec["theta"]) + f", β = {spec['beta']:g}, N = {spec['N']}")
    return datasets, fig, axes


def plot_positions(stores, png):
    """Positions of the particles of seed 0 at each snapshot time (Figs 11, 14)."""
    datasets, fig, axes = _grid(stores, _snapshot_rows(stores))
    for column, ds in enumerate(datasets):
        for row, t in enumerate(ds.snapshot.values):
            ax = axes[row, column]
            ax.plot(ds.positions.isel(seed=0).sel(snapshot=t), ds.particle, ".", markersize=1.5)
            ax.set(title=f"{_title(ds)}, t = {t:g}", ylabel="particle")
        axes[-1, column].set_xlabel("x")
    save_figure(fig, png)


def plot_histograms(stores, png, grid):
    """Histograms (seed 0) at the snapshot times; the last row adds seed 0's time average and the
    stationary density of the state it reached (Figs 12, 15; ``grid``: the stationary solver's quadrature)."""
    datasets, fig, axes = _grid(stores, _snapshot_rows(stores))
    for column, ds in enumerate(datasets):
        centres, width = ds.bin.values, float(ds.bin_bounds[0, 1] - ds.bin_bounds[0, 0])
        for row, t in enumerate(ds.snapshot.values):
            ax = axes[row, column]
            ax.bar(centres, ds.histogram.isel(seed=0).sel(snapshot=t), width=width, color="C0", alpha=0.6,
                   label="seed 0")
            ax.set(title=f"{_title(ds)}, t = {t:g}", ylabel="density")
        _, matched, probability = stationary_prediction(ds, grid)
        last = axes[-1, column]
        last.step(centres, ds.time_averaged_density.isel(seed=0), where="mid", color="C2",
                  label="seed 0, time average")
        last.plot(centres, probability[0] / width, "k", linewidth=1.2, label=f"stationary, m = {matched[0].m:.3f}")
        last.legend(fontsize="x-small")
        last.set_xlabel("x")
    save_figure(fig, png)


def plot_means(stores, png, grid):
    """xbar(t): seed average +- one standard deviation, seed 0, and the stationary means (Figs 13, 16)."""
    datasets, fig, axes = _grid(stores, 1)
    for ax, ds in zip(axes[0], datasets):
        average, spread = ds["mean"].mean("seed"), ds["mean"].std("seed")
        ax.fill_between(ds.time, average - spread, average + spread, color="C0", alpha=0.3, label="± 1 sd over seeds")
        ax.plot(ds.time, average, "C0", label=f"average of {ds.sizes['seed']} seeds")
        ax.plot(ds.time, ds["mean"].isel(seed=0), "C1", linewidth=0.6, label="seed 0")
        states, _, _ = stationary_prediction(ds, grid)
        for state in states:
            ax.axhline(state.m, color="k", linestyle="-" if state.stable else ":", linewidth=0.8)
        ax.set(title=_title(ds), xlabel="t", ylabel="x̄(t)")
        ax.legend(fontsize="x-small")
    save_figure(fig, png)


def _snapshot_rows(stores):
    return storage.open_store(stores[0]).sizes["snapshot"]
