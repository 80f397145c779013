"""Figures of Tables 2-4 (success rates, ours against the paper's) and Fig. 3 of Herty et al. (2024)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from mfsweep.cbo.bilevel import MSCBOParams, run_bilevel  # noqa: E402
from mfsweep.reports.cbo_tables_table import comparison_table  # noqa: E402
from mfsweep.cbo.objectives import minmax_problem  # noqa: E402
from mfsweep.seeding import seed_sequence  # noqa: E402


def plot_success(stores, png):
    """Success rate per cell, one panel per table; the paper's as black bars."""
    table = comparison_table(stores)
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
    fig.savefig(png, dpi=120)
    plt.close(fig)


def illustration_plan(config):
    """The Algorithm-1 parameters of Fig. 3, its problems checked; a ValueError names the key."""
    spec = config["cbo_tables"]["illustration"]
    for name in spec["problems"]:
        try:
            minmax_problem(name)
        except ValueError as error:
            raise ValueError(f"cbo_tables.illustration.problems: {error}") from None
    return MSCBOParams.from_mapping(spec["params"], "cbo_tables.illustration.params")


def plot_illustration(config, png):
    """Fig. 3: initial (blue) and final (red) (X^i, v^i) of one 1-D MS-CBO run over the landscape F(x, y)."""
    spec = config["cbo_tables"]["illustration"]
    params = illustration_plan(config)
    grid = np.linspace(params.init_low, params.init_high, 201)
    fig, axes = plt.subplots(1, len(spec["problems"]), figsize=(4.5 * len(spec["problems"]), 4.2), squeeze=False)
    for ax, name in zip(axes[0], spec["problems"]):
        problem = minmax_problem(name)
        run = run_bilevel(problem, params, seed_sequence(config["seed"], "cbo_illustration", name, 0),
                          keep_particles=True)
        xx, yy = np.meshgrid(grid, grid)
        landscape = problem.F(xx[..., None], yy[..., None])
        ax.contourf(xx, yy, landscape, levels=30, cmap="Greys")
        ax.plot(run["X0"][:, 0], run["v0"][:, 0], "o", color="C0", label="initial (X, v)")
        ax.plot(run["X"][:, 0], run["v"][:, 0], "o", color="C3", label="final (X, v)")
        ax.set(xlabel="x", ylabel="y", title=f"F = {problem.F.describe()}")
        ax.legend(fontsize="x-small")
    fig.tight_layout()
    fig.savefig(png, dpi=120)
    plt.close(fig)
