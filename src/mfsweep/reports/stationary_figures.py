"""Figures of the stationary mean-field datasets in the style of Gomes & Pavliotis (2017), Figs 1, 3-10.

Every plotting function takes a Dataset and returns a :class:`matplotlib.figure.Figure` (no
pyplot state, no backend chosen here); the workflow scripts save them. The helpers at the end
(:func:`describe`, :func:`dynamics_title`, :func:`label`, :func:`new_figure`) are shared by the
particle and PDE figures.
"""

import itertools
import textwrap

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from mfsweep.meanfield.model import dynamics

SPECIAL_MARKERS = {"fold": ("o", "C3", "fold"), "branch_point": ("s", "C0", "branch point")}


def plot_rmap(ds):
    """R(m) against m, one panel per case, one curve per (eps, beta), with the diagonal y = m.

    ``ds``: an R-map dataset with dims (case, eps, beta, m) and the ``dynamics`` of each eps.
    """
    fig, axes = _panels(ds.sizes["case"])
    for ax, case in zip(axes, ds["case"].values):
        for n, (eps, beta) in enumerate(itertools.product(ds.eps.values, ds.beta.values)):
            homogenized = str(ds.dynamics.sel(eps=eps).values).startswith("homogenized")
            colour = "k" if homogenized and ds.sizes["eps"] > 1 else f"C{n}"
            ax.plot(ds.m.values, ds.R.sel(case=case, eps=eps, beta=beta).values, color=colour,
                    label=f"{_eps_text(ds, eps)}, β = {beta:g}")
        ax.plot(ds.m.values, ds.m.values, "k--", linewidth=1, label="y = m")
        ax.set(xlabel=label(ds.m), ylabel=label(ds.R), title=str(case))
        ax.legend(fontsize="small", loc="upper left")
    fig.suptitle(describe(theta=ds.attrs["theta"], psi_sign=ds.attrs["parameters"]["psi_sign"]))
    fig.tight_layout()
    return fig


def plot_diagram(ds):
    """Bifurcation diagram m(beta) of a diagram dataset: stable parts solid, unstable dashed, folds and
    branch points marked, the line beta = free_energy_beta dotted."""
    parameters = ds.attrs["parameters"]
    fig = new_figure(figsize=(7.5, 4.5))
    ax = fig.subplots()
    for branch in ds.branch.values:
        size = int(ds.n_points.sel(branch=branch))
        beta, m, stable = (ds[name].sel(branch=branch).values[:size] for name in ("beta", "m", "stable"))
        starts = np.flatnonzero(np.diff(stable, prepend=np.nan) != 0)
        for start, stop in zip(starts, [*starts[1:], size - 1]):
            piece = slice(start, stop + 1)  # up to the next run's first point, so the curve stays connected
            ax.plot(beta[piece], m[piece], "k", linestyle="-" if stable[start] == 1 else "--", linewidth=1.2)
    handles = [Line2D([], [], color="k", label="stable"), Line2D([], [], color="k", linestyle="--", label="unstable")]
    for kind, (marker, colour, text) in SPECIAL_MARKERS.items():
        at = ds.special_kind.values == kind
        if at.any():
            handles.append(ax.plot(ds.special_beta.values[at], ds.special_m.values[at], marker, color=colour,
                                   linestyle="none", markersize=6, zorder=3, label=text)[0])
    if parameters.get("free_energy_beta") is not None:
        handles.append(ax.axvline(parameters["free_energy_beta"], color="grey", linestyle=":", linewidth=1,
                                  label=f"free energy at β = {parameters['free_energy_beta']:g}"))
    ax.set(xlabel=label(ds.beta), ylabel=label(ds.m),
           title=f"{ds.attrs['potential']}, " + describe(theta=float(ds.theta)) + ", " + dynamics_title(ds))
    ax.legend(handles=handles, fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1))  # beside the curves
    fig.tight_layout()
    return fig


def plot_critical(ds):
    """Critical beta against eps (log axis), one panel per case, with the homogenized and V0-only levels."""
    fig, axes = _panels(ds.sizes["case"])
    for ax, case in zip(axes, ds["case"].values):
        at = ds.sel(case=case)
        for root in ds.root.values:
            ax.plot(ds.eps.values, at.beta_c.sel(root=root).values, "o-", color=f"C{root}", markersize=4,
                    label=f"root {root}")
        for sign, style in (("printed", "-"), ("flipped", ":")):
            if sign in ds.psi_sign.values:
                for level in _finite(at.beta_c_homogenized.sel(psi_sign=sign)):
                    ax.axhline(level, color="k", linestyle=style, linewidth=1, label=f"homogenized, ψ {sign}")
        for level in _finite(at.beta_c_no_fluctuation):
            ax.axhline(level, color="grey", linestyle="--", linewidth=1, label="no fluctuation")
        ax.set(xscale="log", xlabel=label(ds.eps), ylabel=label(ds.beta_c), title=str(case))
        ax.legend(fontsize="small")
    fig.suptitle(describe(theta=ds.attrs["parameters"]["theta"]))
    fig.tight_layout()
    return fig


# --- shared by the mean-field figures ------------------------------------------------------------

def describe(theta=None, psi_sign=None):
    """'θ = 5' style text; a flipped psi sign is said."""
    parts = [] if theta is None else [f"θ = {theta:g}"]
    if psi_sign == "flipped":
        parts.append("ψ sign flipped")
    return ", ".join(parts)


def dynamics_title(ds, equations=""):
    """'ε = 0.1' or 'homogenized[, ψ sign flipped]' of a dataset's scalar ``dynamics`` coordinate,
    with ``equations`` (e.g. ``(2.1)``) after the kind of system."""
    dyn = dynamics.of_dataset(ds)
    kind = dyn.model
    text = dyn.describe() if kind == "full" else dyn.describe()[len("homogenized"):].lstrip(", ")
    return ", ".join(part for part in (f"{kind} {equations}".strip(), text) if part)


def _eps_text(ds, eps):
    return "homogenized" if str(ds.dynamics.sel(eps=eps).values).startswith("homogenized") else f"ε = {eps:g}"


def label(da):
    """The axis label of a DataArray: its long_name, wrapped."""
    return textwrap.fill(da.attrs.get("long_name", da.name), 50)


def new_figure(**kwargs):
    """A Figure not managed by pyplot (nothing to close, no backend needed)."""
    return Figure(**kwargs)


def _finite(da):
    values = np.ravel(da.values)
    return values[np.isfinite(values)]


def _panels(count):
    fig = new_figure(figsize=(5 * count, 4.5))
    axes = fig.subplots(1, count, sharex=True, squeeze=False)
    return fig, axes[0]
