"""Result tables: cited reference data shipped with the package, and one writer for CSV/Markdown/LaTeX/HTML."""

from importlib import resources

import pandas as pd


def reference_data(name, **read_csv):
    """A CSV of published values from ``mfsweep/data`` (lines starting with # cite the source)."""
    with resources.files("mfsweep.data").joinpath(name).open() as f:
        return pd.read_csv(f, comment="#", **read_csv)


def write_table(table, outputs, formats, caption, label):
    """Write ``table`` raw to outputs["csv"], and with ``formats`` ({column: spec}) to "md", "tex", "html"."""
    table.to_csv(outputs["csv"], index=False)
    shown = table.copy()
    for column, spec in formats.items():
        shown[column] = shown[column].map(lambda value: "" if pd.isna(value) else format(value, spec))
    with open(outputs["md"], "w") as f:
        f.write(shown.to_markdown(index=False, disable_numparse=True) + "\n")
    shown.to_latex(outputs["tex"], index=False, escape=True, caption=caption, label=label)
    shown.to_html(outputs["html"], index=False)
