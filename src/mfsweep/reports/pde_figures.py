"""Figures of the McKean-Vlasov stores in the style of Gomes & Pavliotis (2017), Figs 17-18.

One column per model (full eq. 4.6; homogenized eq. 4.7 with each psi sign) at the setting's first
(theta, beta) point: p(x, t) at the snapshot times with the stationary solver's density, and
m(t), F(t) and the L1 distance to that stationary state against t (log axis).
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from mfsweep import storage  # noqa: E402
from mfsweep.reports.stationary_figures import save_figure  # noqa: E402


def _title(ds):
    if str(ds.dynamics.values) == "full":
        return f"full (4.6), ε = {float(ds.eps):g}"
    return "homogenized (4.7)" + ("" if str(ds.psi_sign.values) == "printed" else ", ψ sign flipped")


def _first_point(path):
    return storage.open_store(path).load().isel(theta=0, beta=0)


def plot_densities(stores, png):
    """p(x, t) at the snapshot times and the stationary density (Figs 17, 18)."""
    datasets = [_first_point(path) for path in stores]
    fig, axes = plt.subplots(1, len(datasets), figsize=(5 * len(datasets), 4), squeeze=False)
    for ax, ds in zip(axes[0], datasets):
        for n, t in enumerate(ds.attrs["parameters"]["snapshots"]):
            if t <= float(ds.time[-1]):
                ax.plot(ds.x, ds.p.sel(time=t, method="nearest"), color=f"C{n}", linewidth=1, label=f"t = {t:g}")
        ax.plot(ds.x, ds.stationary_p, "k--", linewidth=1, label=f"stationary, m = {float(ds.stationary_m):.3f}")
        ax.set(title=_title(ds), xlabel="x", ylabel="p(x, t)", xlim=(-3, 3))
        ax.legend(fontsize="x-small")
    _suptitle(fig, datasets[0])
    save_figure(fig, png)


def plot_evolution(stores, png):
    """m(t), F(t) and the L1 distance to the stationary state, all models on common axes."""
    datasets = [_first_point(path) for path in stores]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    for n, ds in enumerate(datasets):
        later = ds.time > 0
        for ax, name in zip(axes, ("mean", "free_energy", "distance_to_stationary")):
            ax.plot(ds.time[later], ds[name][later], color=f"C{n}", label=_title(ds))
        axes[0].axhline(float(ds.stationary_m), color=f"C{n}", linestyle=":", linewidth=0.8)
        axes[1].axhline(float(ds.stationary_free_energy), color=f"C{n}", linestyle=":", linewidth=0.8)
    for ax, label in zip(axes, ("m(t)", "free energy F(t)", "L1 distance to stationary state")):
        ax.set(xscale="log", xlabel="t", ylabel=label)
    axes[2].set_yscale("log")
    axes[0].legend(fontsize="x-small")
    _suptitle(fig, datasets[0])
    save_figure(fig, png)


def _suptitle(fig, ds):
    spec = ds.attrs["parameters"]
    fig.suptitle(f"{spec['case']}: θ = {float(ds.theta):g}, β = {float(ds.beta):g}, "
                 f"initial N({spec['init_mean']:g}, {spec['init_var']:g}); dotted: stationary solver")
