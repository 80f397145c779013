"""Figures of the bi-level MS-CBO sweep: success rates and error distributions per problem."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from mfsweep import storage  # noqa: E402
from mfsweep.experiments.cbo_bilevel import VARIANT_KEYS  # noqa: E402
from mfsweep.reports.cbo_bilevel_table import bilevel_table  # noqa: E402


def plot_bilevel(store, success_png, errors_png):
    """Success rate per problem and variant (the paper's as markers); log10 error of every run."""
    combined = storage.open_store(store).load()
    table = bilevel_table(combined).set_index("problem")
    problems = list(combined.problem.values)
    variants = table[list(VARIANT_KEYS)].drop_duplicates().to_dict("records")
    width = 0.8 / len(variants)
    x = np.arange(len(problems))
    ticks = {"xticks": x, "xticklabels": [f"({p})" for p in problems]}

    fig, ax = plt.subplots(figsize=(8, 4))
    for n, variant in enumerate(variants):
        rows = table[(table[list(variant)] == list(variant.values())).all(axis=1)].loc[problems]
        ax.bar(x + _offset(n, len(variants), width), rows["success_%"], width, label=_label(variant))
    paper = table[~table.index.duplicated()].loc[problems, "paper_success_%"]
    ax.plot(x, paper, "k_", markersize=20, markeredgewidth=2, label="paper (Table 1)")
    ax.set(ylabel="success rate (%)", ylim=(0, 105),
           title=f"MS-CBO bi-level, {combined.sizes['run']} runs per cell", **ticks)
    ax.legend(fontsize="small", loc="lower left")
    _save(fig, success_png)

    fig, ax = plt.subplots(figsize=(8, 4))
    for n, variant in enumerate(variants):
        errors = combined.error.sel(**variant)
        for m, problem in enumerate(problems):
            values = np.log10(errors.sel(problem=problem).values)
            jitter = np.linspace(-0.3, 0.3, values.size) * width
            ax.plot(m + _offset(n, len(variants), width) + jitter, values, ".", color=f"C{n}", alpha=0.6,
                    label=_label(variant) if m == 0 else None)
    threshold = combined.attrs["success_threshold"]
    ax.axhline(np.log10(threshold), color="k", linestyle="--", linewidth=1, label="success threshold")
    ax.set(ylabel=r"$\log_{10}$ error", title="error of every run, eq. (5.4)", **ticks)
    ax.legend(fontsize="small")
    _save(fig, errors_png)


def _offset(n, count, width):
    return (n - (count - 1) / 2) * width


def _label(variant):
    return ", ".join(str(value) for value in variant.values())


def _save(fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
