"""Figures of the mean-field stores in the style of Gomes & Pavliotis (2017), Figs 1, 3-10."""

import itertools
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from mfsweep import storage  # noqa: E402

SPECIAL_MARKERS = {"fold": ("o", "C3", "fold"), "branch_point": ("s", "C0", "branch point")}


def plot_rmap(store, png):
    """R(m) against m, one panel per case, one curve per (eps, beta), with the diagonal y = m."""
    ds = storage.open_store(store).load()
    fig, axes = _panels(ds.sizes["case"])
    for ax, case in zip(axes, ds["case"].values):
        curves = itertools.product(ds.eps.values, ds.beta.values)
        for n, (eps, beta) in enumerate(curves):
            colour = "k" if eps == 0 and ds.sizes["eps"] > 1 else f"C{n}"
            ax.plot(ds.m, ds.R.sel(case=case, eps=eps, beta=beta), color=colour,
                    label=f"{describe(eps=eps)}, β = {beta:g}")
        ax.plot(ds.m, ds.m, "k--", linewidth=1, label="y = m")
        ax.set(xlabel=_label(ds.m), ylabel=_label(ds.R), title=str(case))
        ax.legend(fontsize="small", loc="upper left")
    fig.suptitle(describe(theta=ds.attrs["theta"], psi_sign=ds.attrs["parameters"]["psi_sign"]))
    save_figure(fig, png)


def plot_diagram(store, png):
    """Bifurcation diagram m(beta): stable parts solid, unstable dashed, folds and branch points marked."""
    ds = storage.open_store(store).load()
    parameters = ds.attrs["parameters"]
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for branch in ds.branch.values:
        size = int(ds.n_points.sel(branch=branch))
        beta, m, stable = (ds[name].sel(branch=branch).values[:size] for name in ("beta", "m", "stable"))
        starts = np.flatnonzero(np.diff(stable, prepend=np.nan) != 0)
        for start, stop in zip(starts, [*starts[1:], size - 1]):
            piece = slice(start, stop + 1)  # up to the next run's first point, so the curve stays connected
            ax.plot(beta[piece], m[piece], "k", linestyle="-" if stable[start] == 1 else "--", linewidth=1.2)
    handles = [Line2D([], [], color="k", label="stable"), Line2D([], [], color="k", linestyle="--", label="unstable")]
    for kind, (marker, colour, label) in SPECIAL_MARKERS.items():
        at = ds.special_kind.values == kind
        if at.any():
            handles.append(ax.plot(ds.special_beta[at], ds.special_m[at], marker, color=colour, linestyle="none",
                                   markersize=6, zorder=3, label=label)[0])
    if parameters["free_energy_beta"] is not None:
        handles.append(ax.axvline(parameters["free_energy_beta"], color="grey", linestyle=":", linewidth=1,
                                  label=f"free energy at β = {parameters['free_energy_beta']:g}"))
    ax.set(xlabel=_label(ds.beta), ylabel=_label(ds.m),
           title=f"{ds['case'].item()}, " + describe(theta=float(ds.theta), eps=float(ds.eps),
                                                        psi_sign=parameters["psi_sign"]))
    ax.legend(handles=handles, fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1))  # beside the curves
    save_figure(fig, png)


def plot_critical(store, png):
    """Critical beta against eps (log axis), one panel per case, with homogenized and V0-only levels."""
    ds = storage.open_store(store).load()
    fig, axes = _panels(ds.sizes["case"])
    for ax, case in zip(axes, ds["case"].values):
        at = ds.sel(case=case)
        for root in ds.root.values:
            ax.plot(ds.eps, at.beta_c.sel(root=root), "o-", color=f"C{root}", markersize=4, label=f"root {root}")
        for sign, style in (("printed", "-"), ("flipped", ":")):
            for level in _finite(at.beta_c_homogenized.sel(psi_sign=sign)):
                ax.axhline(level, color="k", linestyle=style, linewidth=1, label=f"homogenized, ψ {sign}")
        for level in _finite(at.beta_c_no_fluctuation):
            ax.axhline(level, color="grey", linestyle="--", linewidth=1, label="no fluctuation")
        ax.set(xscale="log", xlabel=_label(ds.eps), ylabel=_label(ds.beta_c), title=str(case))
        ax.legend(fontsize="small")
    fig.suptitle(describe(theta=ds.attrs["parameters"]["theta"]))
    save_figure(fig, png)


def describe(theta=None, eps=None, psi_sign=None):
    """'θ = 5, ε = 0.1' style text; eps = 0 reads "homogenized"; a flipped psi sign is said."""
    parts = []
    if theta is not None:
        parts.append(f"θ = {theta:g}")
    if eps is not None:
        parts.append("homogenized" if eps == 0 else f"ε = {eps:g}")
    if psi_sign == "flipped":
        parts.append("ψ sign flipped")
    return ", ".join(parts)


def _label(da):
    return textwrap.fill(da.attrs.get("long_name", da.name), 50)


def _finite(da):
    values = np.ravel(da.values)
    return values[np.isfinite(values)]


def _panels(count):
    fig, axes = plt.subplots(1, count, figsize=(5 * count, 4.5), sharex=True, squeeze=False)
    return fig, axes[0]


def save_figure(fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
