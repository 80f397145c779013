"""Figures of the bi-level MS-CBO sweep: success rates and error distributions per problem."""

import matplotlib.pyplot as plt
import numpy as np

from mfsweep.reports.cbo_bilevel_table import VARIANT_KEYS, bilevel_table


def plot_bilevel(combined):
    """(success figure, errors figure) of the combined Dataset (dims problem, *variants, run).

    Success rate per problem and variant as bars (the paper's as markers); log10 error of every run.
    """
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
    fig.tight_layout()

    errors_fig, ax = plt.subplots(figsize=(8, 4))
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
    errors_fig.tight_layout()
    return fig, errors_fig


def _offset(n, count, width):
    return (n - (count - 1) / 2) * width


def _label(variant):
    return ", ".join(str(value) for value in variant.values())
