"""Branch discovery and pseudo-arclength continuation of H(m, beta) = 0 against analytic diagrams."""

import numpy as np
import pytest
from scipy.optimize import brentq

from mfsweep.meanfield.stationary.continuation import (
    BRANCH_POINT,
    FOLD,
    SPECIAL_CODES,
    ContinuationOptions,
    padded_arrays,
    trace_branches,
)

# Accepted points are Newton-corrected to |H| <= 1e-12; 1e-10 is the contract, with margin.
H_TOL = 1e-10


def curie_weiss(m, beta):
    return np.tanh(beta * m) - m


def curie_weiss_grad(m, beta):
    sech2 = 1.0 / np.cosh(beta * m) ** 2
    return beta * sech2 - 1.0, m * sech2


def cubic(m, beta):  # S-shaped normal form: beta = m^3 - m
    return beta - m**3 + m


def cubic_grad(m, beta):
    return 1.0 - 3.0 * m**2, np.ones_like(beta)


def tanh_field(m, beta, h=0.1):  # Curie-Weiss in an external field h: imperfect pitchfork
    return np.tanh(beta * m + h) - m


def subcritical(m, beta):  # odd; pitchfork at beta = 1, folds where beta = 1 - m^2 + m^4 turns: m^2 = 1/2
    return (beta - 1.0) * m + m**3 - m**5


def _assert_on_zero_set(H, diagram):
    for b in diagram.branches:
        assert np.all(np.abs(H(b.m, b.beta)) < H_TOL)


def _specials(diagram, kind):
    return sorted(((p.m, p.beta) for p in diagram.special_points if p.kind == kind), key=lambda q: (q[1], q[0]))


def _m_star(beta):  # positive root of m = tanh(beta m), beta > 1
    return brentq(lambda m: np.tanh(beta * m) - m, 1e-3, 1.0, xtol=1e-15, rtol=1e-15)


# --------------------------------------------------------------------------------------
# Curie-Weiss: supercritical pitchfork at beta = 1
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("symmetric", [False, True])
@pytest.mark.parametrize("dH", [None, curie_weiss_grad], ids=["fd", "exact"])
def test_curie_weiss_pitchfork(symmetric, dH):
    d = trace_branches(curie_weiss, (-1.2, 1.2), (0.2, 3.0), dH=dH, symmetric=symmetric)
    _assert_on_zero_set(curie_weiss, d)

    # One branch point, at (0, 1): dH/dm(0, beta) = beta - 1. 1e-6 is the contract; centred
    # differences leave ~1e-10 (their truncation error in dH/dm), exact derivatives ~1e-15.
    (bp,) = d.special_points
    assert bp.kind == BRANCH_POINT
    assert abs(bp.m) < 1e-6 and abs(bp.beta - 1.0) < 1e-6

    # Counting: curves split at the branch point -> m = 0 (beta < 1), m = 0 (beta > 1), +m*, -m*.
    assert len(d.branches) == 4
    trivial = [b for b in d.branches if np.all(b.m == 0)]
    # (the branch point ends up at |m| ~ 1e-16 on the arms traced through it)
    upper = [b for b in d.branches if np.all(b.m > -1e-12) and b.m[-1] > 0]
    lower = [b for b in d.branches if np.all(b.m < 1e-12) and b.m[-1] < 0]
    assert len(trivial) == 2 and len(upper) == 1 and len(lower) == 1
    left, right = sorted(trivial, key=lambda b: b.beta[0])
    # each piece runs from the window edge to the branch point, or from the branch point to the edge
    assert left.beta[0] == 0.2 and abs(left.beta[-1] - 1) < 1e-6
    assert abs(right.beta[0] - 1) < 1e-6 and right.beta[-1] == 3.0
    # m = 0 is stable (R'(0) = beta < 1) below the pitchfork, unstable above: exact signs of beta - 1
    assert np.all(left.stable[left.beta < 1 - 1e-6]) and not np.any(right.stable[right.beta > 1 + 1e-6])
    for b, sign in ((upper[0], 1), (lower[0], -1)):
        assert abs(b.m[0]) < 1e-6 and abs(b.beta[0] - 1) < 1e-6  # born at the pitchfork
        # ends on the window edge beta = 3 at +-m*(3) (independent brentq; conditioning |dH/dm| ~ 0.94)
        assert b.beta[-1] == 3.0 and abs(b.m[-1] - sign * _m_star(3.0)) < 1e-11
        assert np.all(b.stable[b.beta > 1 + 1e-6])  # m* = tanh(beta m*) is stable (supercritical)
        # interior points are the positive/negative root m*(beta) (conditioning: |dH/dm| > 0.1 there)
        for i in range(5, len(b), 10):
            if b.beta[i] > 1.2:
                assert abs(b.m[i] - sign * _m_star(b.beta[i])) < 1e-9


# --------------------------------------------------------------------------------------
# Folds
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("dH", [None, cubic_grad], ids=["fd", "exact"])
def test_cubic_normal_form_folds(dH):
    d = trace_branches(cubic, (-1.5, 1.5), (-1.0, 1.0), dH=dH)
    _assert_on_zero_set(cubic, d)
    (b,) = d.branches  # beta = m^3 - m is a single curve through the window
    # Folds exactly where dH/dm = 1 - 3 m^2 = 0: m = +-1/sqrt(3), beta = -+2/(3 sqrt 3). 1e-8: located by
    # bisection on dbeta/ds; centred differences leave ~1e-10 in m, exact derivatives ~1e-14.
    r = 1 / np.sqrt(3)
    expected = [(r, -2 * r / 3), (-r, 2 * r / 3)]
    assert np.allclose(_specials(d, FOLD), expected, rtol=0, atol=1e-8)
    assert _specials(d, BRANCH_POINT) == []
    assert b.special_kind == (FOLD, FOLD)
    # stable (dH/dm < 0) exactly on |m| > 1/sqrt(3); the flag flips at each fold
    away = np.abs(np.abs(b.m) - r) > 1e-6
    assert np.array_equal(b.stable[away], np.abs(b.m[away]) > r)
    for i in b.special_index:
        assert b.stable[i - 1] != b.stable[i + 1]


def test_field_fold_matches_fold_equations():
    # tanh(beta m + h) = m has a fold where also beta (1 - m^2) = 1, i.e. tanh(m / (1 - m^2) + h) = m:
    # one root in (-0.9, -0.1) (brentq, independent of the tracer). 1e-8: fold location tolerance.
    h = 0.1
    m_f = brentq(lambda m: np.tanh(m / (1 - m**2) + h) - m, -0.9, -0.1, xtol=1e-15, rtol=1e-15)
    beta_f = 1 / (1 - m_f**2)
    d = trace_branches(tanh_field, (-1.2, 1.2), (0.2, 3.0))
    _assert_on_zero_set(tanh_field, d)
    (fold,) = d.special_points
    assert fold.kind == FOLD and abs(fold.m - m_f) < 1e-8 and abs(fold.beta - beta_f) < 1e-8
    # two branches: the stable m > 0 branch without special points, and the fold curve (stable m < 0
    # meeting the unstable middle root at the fold), both ending on the window edge beta = 3
    assert len(d.branches) == 2
    positive = next(b for b in d.branches if np.all(b.m > 0))
    assert positive.special_kind == () and np.all(positive.stable)
    folded = next(b for b in d.branches if b is not positive)
    (i,) = folded.special_index
    assert folded.beta[0] == 3.0 and folded.beta[-1] == 3.0
    assert np.all(folded.stable[:i]) and not np.any(folded.stable[i + 1 :])


# --------------------------------------------------------------------------------------
# Isola and a branch nearly parallel to the m axis
# --------------------------------------------------------------------------------------


def test_isola_closed_once_and_flat_branch_found_by_rows():
    # circle m^2 + (beta - 2)^2 = 1/4 (an isola) times a line beta = 0.8 + 0.01 m (nearly parallel to m)
    def H(m, beta):
        return (m**2 + (beta - 2) ** 2 - 0.25) * (beta - 0.8 - 0.01 * m)

    opt = ContinuationOptions(n_m=30, n_beta=21)
    # no beta column of this grid meets the line (beta in [0.79, 0.81]): only the row scans can seed it
    columns = np.linspace(0.5, 3.0, opt.n_beta)
    assert not np.any((columns > 0.78) & (columns < 0.82))
    d = trace_branches(H, (-1.0, 1.0), (0.5, 3.0), options=opt)
    _assert_on_zero_set(H, d)
    assert len(d.branches) == 2
    loop = next(b for b in d.branches if b.closed)
    line = next(b for b in d.branches if not b.closed)

    # the isola: closed (last point = first), on the circle (|circle| = |H| / |line factor| <= H_TOL / 0.6),
    # and traced exactly once: winding number 1 about its centre, no angular gap above 0.2 rad
    assert loop.m[0] == loop.m[-1] and loop.beta[0] == loop.beta[-1]
    assert np.all(np.abs(loop.m**2 + (loop.beta - 2) ** 2 - 0.25) < H_TOL / 0.6)
    angle = np.arctan2(loop.beta - 2, loop.m)
    assert abs(np.sum(np.angle(np.exp(1j * np.diff(angle))))) == pytest.approx(2 * np.pi, abs=1e-12)
    gaps = np.diff(np.sort(angle[:-1]))
    assert gaps.max() < 0.2 and 2 * np.pi - (angle.max() - angle.min()) < 0.2
    # folds where dH/dm = 0 on the circle: (0, 1.5) and (0, 2.5); stable exactly on m < 0
    assert np.allclose(_specials(d, FOLD), [(0.0, 1.5), (0.0, 2.5)], rtol=0, atol=1e-8)
    away = np.abs(loop.m) > 1e-6
    assert np.array_equal(loop.stable[away], loop.m[away] < 0)

    # the flat line crosses the whole window; its ends are solved for on m = -1 and m = 1
    assert (line.m[0], line.m[-1]) == (-1.0, 1.0)
    assert line.beta[0] == pytest.approx(0.79, abs=1e-12) and line.beta[-1] == pytest.approx(0.81, abs=1e-12)
    assert line.special_kind == () and np.all(line.stable)  # dH/dm = -0.01 (circle factor) < 0


# --------------------------------------------------------------------------------------
# Robustness and symmetry
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("H", "window", "window2", "symmetric"),
    [
        (curie_weiss, ((-1.2, 1.2), (0.2, 3.0)), ((-1.1, 1.25), (0.25, 2.9)), False),
        (tanh_field, ((-1.2, 1.2), (0.2, 3.0)), ((-1.15, 1.1), (0.3, 3.1)), False),
        (subcritical, ((-1.3, 1.3), (0.5, 2.0)), ((-1.25, 1.25), (0.55, 2.1)), True),
    ],
    ids=["curie_weiss", "tanh_field", "subcritical"],
)
def test_same_diagram_for_other_grids_and_windows(H, window, window2, symmetric):
    # The branch set is a property of H and the window, not of the discovery grid: same number of
    # branches and the same special points (within 1e-6) from coarse, fine and shifted set-ups.
    runs = [
        trace_branches(H, *w, symmetric=symmetric, options=ContinuationOptions(n_m=nm, n_beta=nb))
        for w in (window, window2)
        for nm, nb in ((40, 30), (90, 70))
    ]
    ref = runs[0]
    for d in runs:
        _assert_on_zero_set(H, d)
        assert len(d.branches) == len(ref.branches)
        assert [p.kind for p in d.special_points] == [p.kind for p in ref.special_points]
        for kind in (FOLD, BRANCH_POINT):
            assert np.allclose(_specials(d, kind), _specials(ref, kind), rtol=0, atol=1e-6)


def test_symmetric_flag_mirrors_branches_exactly():
    odd = trace_branches(subcritical, (-1.3, 1.3), (0.5, 2.0), symmetric=True)
    generic = trace_branches(subcritical, (-1.3, 1.3), (0.5, 2.0))
    for d in (odd, generic):
        _assert_on_zero_set(subcritical, d)
        # m = 0 split at the pitchfork, and the two subcritical arms (each through its fold)
        assert len(d.branches) == 4
        # pitchfork where dH/dm(0, beta) = beta - 1 = 0; folds at m^2 = 1/2, beta = 1 - 1/2 + 1/4
        assert np.allclose(_specials(d, BRANCH_POINT), [(0.0, 1.0)], rtol=0, atol=1e-6)
        assert np.allclose(_specials(d, FOLD), [(-np.sqrt(0.5), 0.75), (np.sqrt(0.5), 0.75)], rtol=0, atol=1e-8)
    arms = [b for b in odd.branches if np.any(b.m != 0)]
    assert len(arms) == 2
    neg, pos = sorted(arms, key=lambda b: b.m[-1])
    # reflection m -> -m, bit for bit, with the same stability and special points
    assert np.array_equal(neg.m, -pos.m) and np.array_equal(neg.beta, pos.beta)
    assert np.array_equal(neg.stable, pos.stable) and np.array_equal(neg.special_index, pos.special_index)
    assert neg.special_kind == pos.special_kind == (BRANCH_POINT, FOLD)
    # arm: unstable from the pitchfork (dH/dm = 2 m^2 (1 - 2 m^2) > 0) to the fold, stable beyond
    (i,) = [j for j, k in zip(pos.special_index, pos.special_kind) if k == FOLD]
    assert not np.any(pos.stable[1:i]) and np.all(pos.stable[i + 1 :])


def test_symmetric_rejects_asymmetric_window_and_even_H():
    with pytest.raises(ValueError, match="symmetric in m"):
        trace_branches(curie_weiss, (-1.0, 1.2), (0.2, 3.0), symmetric=True)
    with pytest.raises(ValueError, match=r"H\(0, beta\) != 0"):
        trace_branches(lambda m, b: m**2 + b - 1.0, (-1.0, 1.0), (0.0, 2.0), symmetric=True)
    with pytest.raises(ValueError):
        ContinuationOptions(ds_min=0.1, ds_init=0.01)


def test_padded_arrays_store_branches():
    d = trace_branches(subcritical, (-1.3, 1.3), (0.5, 2.0), symmetric=True)
    arr = padded_arrays(d.branches)
    n = arr["n_points"]
    assert arr["m"].shape == arr["beta"].shape == arr["stable"].shape == arr["special"].shape == (4, n.max())
    for i, b in enumerate(d.branches):
        assert np.array_equal(arr["m"][i, : n[i]], b.m) and np.all(np.isnan(arr["m"][i, n[i] :]))
        assert np.array_equal(arr["stable"][i, : n[i]], b.stable.astype(float))
        assert np.all(np.isnan(arr["stable"][i, n[i] :]))
        assert np.array_equal(np.flatnonzero(arr["special"][i] > 0), b.special_index)
        assert [SPECIAL_CODES[k] for k in b.special_kind] == list(arr["special"][i, b.special_index])
        assert np.all(arr["special"][i, n[i] :] == -1)
    assert not arr["closed"].any()
