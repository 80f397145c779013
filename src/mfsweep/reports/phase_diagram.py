"""A (theta, beta) phase diagram by three routes: interacting particles, the McKean-Vlasov PDE, the stationary theory.

Inputs are four sweep stores over the same (theta, beta) grid of one potential and dynamics (Gomes &
Pavliotis 2017): ``particles`` (runs), ``pde`` and ``stationary.states`` (one value per point) and a
``stationary.critical`` sweep over theta (beta_C(theta), eq. 1.10: beta theta Var_{m=0} = 1).

Per point (:func:`agreement`): the particles' order parameter, the time average of |x̄(t)| over
[average_from, T], as mean over runs with its standard error; the PDE's |m(T)|; the theory's largest
stable |m| (0 below beta_C); the particles' and the PDE's differences to the theory (in standard
errors for the particles). Per theta (:func:`transitions`): where each route's order parameter
first exceeds ``threshold`` on the beta grid, against beta_C(theta). |x̄| of N particles is biased
upwards by its O(N^-1/2) fluctuations (most near beta_C), so below beta_C the particles' value is
small but not 0: the threshold (default 0.25) sits well above that bias and below the ordered
states' |m| on the grid.
"""

import matplotlib.figure
import numpy as np
import pandas as pd

from mfsweep.reports.sweep_views import cell_edges, method_summaries

THRESHOLD = 0.25


def _grid(ds):
    return ds.transpose("theta", "beta", ...)


def agreement(particles, pde, states):
    """One row per (theta, beta): the three routes' order parameters and their differences (module docstring)."""
    particles, pde, states = (_grid(ds) for ds in (particles, pde, states))
    order = particles.long_time_abs_mean
    runs = order.sizes["run"]
    m_particles = order.mean("run")
    se = order.std("run", ddof=1) / np.sqrt(runs) if runs > 1 else order.mean("run") * np.nan
    m_pde = abs(pde["mean"].isel(time=-1))
    theory = method_summaries(states, ["theta", "beta"])["max_stable_abs_m"].fillna(0.0)
    table = pd.DataFrame({
        "theta": np.repeat(particles.theta.values, particles.sizes["beta"]),
        "beta": np.tile(particles.beta.values, particles.sizes["theta"]),
        "particles_abs_m": m_particles.values.ravel(), "particles_se": se.values.ravel(),
        "pde_abs_m": m_pde.values.ravel(), "theory_abs_m": theory.values.ravel(),
    })
    table["particles_minus_theory_in_se"] = (table.particles_abs_m - table.theory_abs_m) / table.particles_se
    table["pde_minus_theory"] = table.pde_abs_m - table.theory_abs_m
    table["runs"] = runs
    return table


def transitions(table, critical, threshold=THRESHOLD):
    """Per theta: beta_C(theta) and, per route, the grid interval (beta_below, beta_above] where its order
    parameter first exceeds ``threshold``; ``*_brackets_beta_c``: whether beta_C lies in that interval."""
    beta_c = critical.beta_c.min("root").to_series()
    rows = []
    for theta, group in table.groupby("theta", sort=True):
        group = group.sort_values("beta")
        row = {"theta": theta, "beta_c": float(beta_c.reindex([theta], method="nearest").iloc[0])}
        for route in ("particles", "pde", "theory"):
            above = group.beta.values[group[f"{route}_abs_m"].values > threshold]
            first = above[0] if above.size else np.nan
            below = group.beta.values[group.beta.values < first]
            row[f"{route}_beta_above"] = first
            row[f"{route}_beta_below"] = below[-1] if below.size else np.nan
            row[f"{route}_brackets_beta_c"] = bool(row[f"{route}_beta_below"] < row["beta_c"] <= first)
        rows.append(row)
    return pd.DataFrame(rows)


def plot(table, critical):
    """Three heatmaps of |m| over (theta, beta), particles, PDE and theory, each with beta_C(theta); a Figure."""
    fig = matplotlib.figure.Figure(figsize=(14.0, 4.2), layout="constrained")
    thetas, betas = np.unique(table.theta), np.unique(table.beta)
    edges = [cell_edges(thetas), cell_edges(betas)]
    for k, (route, title) in enumerate((("particles", "interacting particles: time average of |x̄|"),
                                         ("pde", "McKean-Vlasov PDE: |m(T)|"),
                                         ("theory", "stationary theory: largest stable |m|"))):
        ax = fig.add_subplot(1, 3, k + 1)
        grid = table.pivot(index="beta", columns="theta", values=f"{route}_abs_m").reindex(index=betas, columns=thetas)
        image = ax.pcolormesh(*edges, grid.values, shading="flat", vmin=0.0, vmax=np.nanmax(table.theory_abs_m))
        ax.plot(critical.theta.values, critical.beta_c.min("root").values, "--", color="white", linewidth=2,
                label=r"$\beta_C(\theta)$")
        ax.set(xlabel=r"$\theta$", ylabel=r"$\beta$", title=title, ylim=(edges[1][0], edges[1][-1]))
        ax.legend(fontsize="x-small", loc="upper right")
        fig.colorbar(image, ax=ax, label="|m|")
    return fig

