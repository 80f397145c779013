"""Sweep views: summary statistics against independent formulas, figures checked by their plotted data."""

import numpy as np
import pytest
import xarray as xr
from scipy.stats import beta as beta_distribution

from mfsweep.reports import sweep_views


def store(successes, errors, sigma=(1.0, 2.0, 3.0), lam=None, pairing=None):
    """A sweep-shaped Dataset: axes (sigma1[, lambda1][, pairing]), then run."""
    axes = {"sigma1": np.array(sigma)}
    if lam is not None:
        axes["lambda1"] = np.array(lam)
    if pairing is not None:
        axes = {"pairing": np.array(pairing, dtype=object), **axes}
    dims = (*axes, "run")
    coords = {name: (name, values, {"long_name": name, "units": "1"}) for name, values in axes.items()}
    coords["run"] = ("run", np.arange(successes.shape[-1]))
    return xr.Dataset({"success": (dims, successes), "error": (dims, errors, {"long_name": "error", "units": "1"})},
                      coords=coords, attrs={"sweep_axes": list(axes)})


def clopper_pearson(k, n, level=0.95):
    """The exact interval from beta quantiles (independent of scipy's binomtest)."""
    a = 1 - level
    low = 0.0 if k == 0 else beta_distribution.ppf(a / 2, k, n - k + 1)
    high = 1.0 if k == n else beta_distribution.ppf(1 - a / 2, k + 1, n - k)
    return low, high


def test_success_rate_and_exact_binomial_interval():
    rng = np.random.default_rng(1)
    successes = rng.random((3, 20)) < np.array([[0.1], [0.5], [1.0]])
    errors = rng.random((3, 20))
    errors[0, 0] = np.nan
    table = sweep_views.summary(store(successes, errors))
    assert list(table.sigma1) == [1.0, 2.0, 3.0]
    for i, row in table.iterrows():
        k = int(successes[i].sum())
        assert row.success_rate == k / 20 and row.runs == 20
        np.testing.assert_allclose((row.success_low, row.success_high), clopper_pearson(k, 20), rtol=1e-9, atol=1e-12)
    assert table.error_mean[0] == pytest.approx(np.nanmean(errors[0])) and table.error_nan_runs[0] == 1
    assert table.error_median[1] == pytest.approx(np.median(errors[1]))


def test_one_axis_gives_lines_with_interval_bands():
    successes = np.array([[True, False, False, False], [True, True, False, False], [True, True, True, True]])
    fig = sweep_views.figure(store(successes, np.zeros((3, 4))))
    ax = fig.axes[0]
    x, y = ax.lines[0].get_data()
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(y, [0.25, 0.5, 1.0])
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == pytest.approx(clopper_pearson(1, 4)[0])  # the lowest edge: point 1's lower bound


def test_two_axes_give_an_annotated_heatmap_and_categories_bars():
    rng = np.random.default_rng(2)
    successes = rng.random((3, 2, 10)) < 0.5
    ds = store(successes, rng.random((3, 2, 10)), lam=(0.5, 1.0))
    fig = sweep_views.figure(ds)
    mesh = fig.axes[0].collections[0]
    np.testing.assert_allclose(np.asarray(mesh.get_array()).reshape(2, 3), successes.mean(-1).T)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert len(texts) == 6 and texts[0] == f"{successes[0, 0].mean():.2g}"
    bars = sweep_views.figure(store(successes[:, 0], np.zeros((3, 10)), sigma=("a", "b", "c")))
    assert [p.get_height() for p in bars.axes[0].patches] == pytest.approx(list(successes[:, 0].mean(-1)))


def test_lines_per_category_when_a_categorical_axis_is_added():
    successes = np.zeros((2, 3, 5), dtype=bool)
    successes[1] = True
    fig = sweep_views.figure(store(successes, np.ones((2, 3, 5)), pairing=["printed", "own"]), column="error_mean")
    lines = fig.axes[0].lines
    assert [line.get_label() for line in lines] == ["pairing = printed", "pairing = own"]
    np.testing.assert_array_equal(lines[0].get_ydata(), [1.0, 1.0, 1.0])
