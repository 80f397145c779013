"""Figures of Tables 2-4 (success rates, ours against the paper's) and Fig. 3 of Herty et al. (2024)."""

import matplotlib.pyplot as plt
import numpy as np

from mfsweep.reports.cbo_tables_table import comparison_table


def plot_success(datasets):
    """Success rate per cell of the cell Datasets, one panel per table, the paper's as black bars; a Figure."""
    table = comparison_table(datasets)
    names = list(dict.fromkeys(table.table))
    fig, axes = plt.subplots(1, len(names), figsize=(5 * len(names), 4.5), squeeze=False)
    for ax, name in zip(axes[0], names):
        rows = table[table.table == name]
        labels = [f"{r.problem}\n{r.method}" + (f"\nN={r.N} M={r.M} d={r.dim}" if name == "table4" else "")
                  for r in rows.itertuples()]
        x = np.arange(len(rows))
        ax.bar(x - 0.2, rows["success_%"], 0.4, label="ours")
        ax.bar(x + 0.2, rows["paper_success_%"], 0.4, color="k", label="paper")
        ax.set_xticks(x, labels, fontsize="x-small", rotation=90)
        ax.set(ylabel="success rate (%)", ylim=(0, 105), title=name)
        ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def plot_illustration(datasets):
    """Fig. 3: initial (blue) and final (red) (X^i, v^i) of one 1-D MS-CBO run over the landscape F(x, y); a Figure.

    ``datasets``: :func:`mfsweep.experiments.cbo_tables.illustration`, one per function.
    """
    fig, axes = plt.subplots(1, len(datasets), figsize=(4.5 * len(datasets), 4.2), squeeze=False)
    for ax, ds in zip(axes[0], datasets):
        run = ds.isel(run=0, dim=0)
        ax.contourf(ds.x_grid, ds.y_grid, ds.landscape, levels=30, cmap="Greys")
        ax.plot(run.X0, run.v0, "o", color="C0", label="initial (X, v)")
        ax.plot(run.X, run.v, "o", color="C3", label="final (X, v)")
        ax.set(xlabel="x", ylabel="y", title=f"F = {ds.attrs['objective_F']}")
        ax.legend(fontsize="x-small")
    fig.tight_layout()
    return fig
