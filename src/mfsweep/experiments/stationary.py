"""Stationary McKean-Vlasov sweeps of Gomes & Pavliotis (2017) as labelled datasets.

Three kinds of store, each built from one entry of the config's ``meanfield`` section:

* R-maps (Figs 1a, 3, 4, 5a-b, 6a-9a): R(m; theta, beta) with dims (case, eps, beta, m);
* critical temperatures (Fig 10, Fig 1b's pitchfork): every root of beta theta Var_{m=0} = 1,
  dims (case, eps, root), the (case, eps) grid fanned out as dask tasks, with the
  homogenized (both psi signs) and no-fluctuation values alongside;
* bifurcation diagrams (Figs 1b, 5c, 6b-9b): every branch of m = R(m) in a window, dims
  (branch, point), with stability (R'(m) < 1) and the free energy (eq. 1.5) along each branch.

``eps = 0`` denotes the homogenized problem (eq. 2.25; psi of eq. 2.21 with ``psi_sign``).
Cases are named ``case1``-``case4`` (Table 1) or ``<V0>+<V1>`` with registry names of the potentials
registry, e.g. ``bistable+none`` (no fluctuations).
"""

import functools
import logging

import numpy as np
import xarray as xr

from mfsweep import storage
from mfsweep.cluster import dask_client
from mfsweep.provenance import provenance
from mfsweep.meanfield.continuation import ContinuationOptions, padded_arrays, trace_branches
from mfsweep.meanfield.potentials import TABLE1_CASES, TwoScalePotential, available_v0, available_v1
from mfsweep.meanfield.selfconsistency import GridSpec, MeanFieldProblem, QuadratureResolutionError

log = logging.getLogger(__name__)

HOMOGENIZED = 0.0
EPS_ATTRS = {"long_name": "scale separation epsilon (0 = homogenized limit)", "units": "1"}
BETA_ATTRS = {"long_name": "inverse temperature beta", "units": "1"}
M_ATTRS = {"long_name": "first moment m", "units": "1"}


def potential(name, eps, config, where="meanfield.case"):
    """The two-scale potential called ``name`` (``caseN`` or ``V0+V1``) with the config's delta, a.

    ``where`` is the config key of the name, for the error message.
    """
    params = {"delta": config["meanfield"]["delta"], "a": config["meanfield"]["a"], "eps": eps or 1.0}
    if name.startswith("case") and name[4:].isdigit() and int(name[4:]) in TABLE1_CASES:
        return TwoScalePotential.case(int(name[4:]), **params)
    v0, _, v1 = name.partition("+")
    if v0 in available_v0() and v1 in available_v1():
        return TwoScalePotential(v0=v0, v1=v1, **params)
    allowed = [f"case{n}" for n in TABLE1_CASES] + [f"{a}+{b}" for a in available_v0() for b in available_v1()]
    raise ValueError(f"{where}: unknown case {name!r}; allowed: {', '.join(allowed)}")


def problem(name, eps, theta, config, psi_sign="printed", where="meanfield.case"):
    """The stationary problem of potential ``name`` at ``eps`` (0 = homogenized)."""
    grid = GridSpec(**config["meanfield"]["grid"])
    return MeanFieldProblem(potential(name, eps, config, where), float(theta), homogenized=eps == HOMOGENIZED,
                            psi_sign=psi_sign, grid=grid)


def stationary_problem(name, eps, theta, config, homogenized, psi_sign):
    """The stationary problem matching a dynamics: eps-system, or homogenized (eps = 0) with ``psi_sign``."""
    if homogenized:
        return problem(name, HOMOGENIZED, theta, config, psi_sign)
    return problem(name, eps, theta, config)


def plan_bytes(config, kind, name=None):
    """Build every problem of the ``meanfield.<kind>[.name]`` job and check that its lattice resolves it
    (bad names or an unresolved beta fail before any work); the job's bytes."""
    section = config["meanfield"]
    if kind == "rmaps":
        spec, where = section["rmaps"][name], f"meanfield.rmaps.{name}"
        _increasing(spec["m_range"], f"{where}.m_range")
        for case in spec["cases"]:
            for eps in spec["eps"]:
                prob = problem(case, eps, spec["theta"], config, spec["psi_sign"], f"{where}.cases")
                _resolved(prob, max(spec["betas"]), max(map(abs, spec["m_range"])), where)
        points = len(spec["cases"]) * len(spec["eps"]) * len(spec["betas"]) * spec["n_m"]
        return 8 * (3 * 2 * points + 8 * _ROWS_BYTES)
    if kind == "critical":
        spec = section["critical"]
        _increasing(spec["beta_range"], "meanfield.critical.beta_range")
        for case in spec["cases"]:
            for eps in spec["eps"]:
                prob = problem(case, eps, spec["theta"], config, where="meanfield.critical.cases")
                _resolved(prob, spec["beta_range"][1], 0.0, "meanfield.critical")
        return 8 * 16 * _ROWS_BYTES
    spec, where = section["diagrams"][name], f"meanfield.diagrams.{name}"
    _increasing(spec["m_range"], f"{where}.m_range")
    _increasing(spec["beta_range"], f"{where}.beta_range")
    prob = problem(spec["case"], spec["eps"], spec["theta"], config, spec["psi_sign"], f"{where}.case")
    _resolved(prob, spec["beta_range"][1], max(map(abs, spec["m_range"])), where)
    options(spec)
    return 8 * (8 * spec["n_m"] * spec["n_beta"] + 8 * _ROWS_BYTES)


def _resolved(prob, beta, m_abs, where):
    """QuadratureResolutionError of the stationary solver as a ValueError naming the config key."""
    try:
        prob.check_resolution(beta, m_abs, what=where)
    except QuadratureResolutionError as error:
        raise ValueError(str(error)) from None


_ROWS_BYTES = 1 << 18  # elements of one chunk of the quadrature's (m x node) broadcast


def _increasing(pair, where):
    if not pair[0] < pair[1]:
        raise ValueError(f"{where}: need lo < hi, got {list(pair)}")


def rmap_dataset(config, name):
    """R(m) and R'(m) on the (case, eps, beta, m) grid of the R-map spec ``name``."""
    spec = config["meanfield"]["rmaps"][name]
    m = np.linspace(*spec["m_range"], spec["n_m"])
    shape = (len(spec["cases"]), len(spec["eps"]), len(spec["betas"]), m.size)
    R, dR = np.empty(shape), np.empty(shape)
    for i, pot in enumerate(spec["cases"]):
        for j, eps in enumerate(spec["eps"]):
            prob = problem(pot, eps, spec["theta"], config, spec["psi_sign"])
            prob.check_resolution(max(spec["betas"]), float(np.max(np.abs(m))), what=f"meanfield.rmaps.{name}")
            for k, beta in enumerate(spec["betas"]):
                R[i, j, k] = prob.R(m, beta)
                dR[i, j, k] = prob.dR_dm(m, beta)
    _check_finite(name, R, dR)
    dims = ("case", "eps", "beta", "m")
    ds = xr.Dataset(
        {"R": (dims, R, {"long_name": "self-consistency map R(m; theta, beta) (eqs. 2.25, 3.4)", "units": "1"}),
         "dR_dm": (dims, dR, {"long_name": "R'(m) = beta theta Var (stable if < 1)", "units": "1"})},
        coords=_coords(case=spec["cases"], eps=spec["eps"], beta=spec["betas"], m=m),
    )
    ds.attrs = provenance(spec, figure=name, theta=spec["theta"], **_potential_params(config))
    return ds


def critical_task(config, theta, beta_range, name, eps):
    """All critical betas of one (case, eps) point: a dask task."""
    return problem(name, eps, theta, config).critical_betas(beta_range)


def critical_dataset(config, client):
    """Critical betas over the (case, eps) grid, plus homogenized and no-fluctuation values."""
    spec = config["meanfield"]["critical"]
    theta, beta_range = spec["theta"], spec["beta_range"]
    task = functools.partial(critical_task, config, theta, beta_range)
    points = [(name, eps) for name in spec["cases"] for eps in spec["eps"]]
    futures = client.map(task, *zip(*points))
    roots = dict(zip(points, client.gather(futures)))
    homogenized = {(name, sign): problem(name, HOMOGENIZED, theta, config, sign).critical_betas(beta_range)
                   for name in spec["cases"] for sign in spec["psi_signs"]}
    without = {name: problem(f"{potential(name, 1.0, config).v0}+none", 1.0, theta, config).critical_betas(beta_range)
               for name in spec["cases"]}
    width = max(1, *(len(r) for r in [*roots.values(), *homogenized.values(), *without.values()]))
    ds = xr.Dataset(
        {
            "beta_c": (("case", "eps", "root"), _pad(roots, spec["cases"], spec["eps"], width),
                       {"long_name": "critical inverse temperature (roots of beta theta Var = 1, eq. 4.4)"}),
            "beta_c_homogenized": (("case", "psi_sign", "root"),
                                   _pad(homogenized, spec["cases"], spec["psi_signs"], width),
                                   {"long_name": "critical beta of the homogenized problem (eq. 2.27)"}),
            "beta_c_no_fluctuation": (("case", "root"),
                                      np.stack([_row(without[name], width) for name in spec["cases"]]),
                                      {"long_name": "critical beta without fluctuations (eq. 1.10)"}),
        },
        coords=_coords(case=spec["cases"], eps=spec["eps"], psi_sign=spec["psi_signs"],
                       root=np.arange(width)),
    )
    for var in ds.data_vars.values():
        var.attrs["units"] = "1"
    ds.attrs = provenance(spec, **_potential_params(config))
    return ds


def options(spec):
    """Continuation options of a diagram spec."""
    return ContinuationOptions(n_m=spec["n_m"], n_beta=spec["n_beta"])


def diagram_dataset(config, name):
    """Every branch of m = R(m) in the spec's window, with stability and free energy along it."""
    spec = config["meanfield"]["diagrams"][name]
    prob = problem(spec["case"], spec["eps"], spec["theta"], config, spec["psi_sign"])
    prob.check_resolution(spec["beta_range"][1], max(map(abs, spec["m_range"])), what=f"meanfield.diagrams.{name}")
    diagram = trace_branches(prob.residual, tuple(spec["m_range"]), tuple(spec["beta_range"]),
                             dH=prob.jacobian, symmetric=prob.potential.symmetric, options=options(spec))
    arrays = padded_arrays(diagram.branches)
    valid = np.isfinite(arrays["m"])
    free_energy = np.full(arrays["m"].shape, np.nan)
    for b, branch in enumerate(diagram.branches):
        free_energy[b, : len(branch)] = prob.free_energy(branch.m, branch.beta)
    residual = max((np.max(np.abs(prob.residual(br.m, br.beta))) for br in diagram.branches), default=0.0)
    _check_finite(name, free_energy[valid])
    special = diagram.special_points
    ds = xr.Dataset(
        {
            "m": (("branch", "point"), arrays["m"], M_ATTRS),
            "beta": (("branch", "point"), arrays["beta"], BETA_ATTRS),
            "stable": (("branch", "point"), arrays["stable"],
                       {"long_name": "linearly stable: R'(m) < 1 (1 = stable, 0 = unstable, NaN = padding)",
                        "units": "1"}),
            "free_energy": (("branch", "point"), free_energy,
                            {"long_name": "free energy of the stationary state (eq. 1.5)", "units": "1"}),
            "n_points": ("branch", arrays["n_points"], {"long_name": "points on the branch", "units": "1"}),
            "special_m": ("special", np.array([p.m for p in special]), M_ATTRS),
            "special_beta": ("special", np.array([p.beta for p in special]), BETA_ATTRS),
            "special_kind": ("special", np.array([p.kind for p in special], dtype=object),
                             {"long_name": "fold (saddle-node) or branch_point (pitchfork)"}),
        },
        coords=_coords(branch=np.arange(len(diagram.branches)), point=np.arange(arrays["m"].shape[1]),
                       special=np.arange(len(special))),
    )
    ds = ds.assign_coords(case=((), spec["case"], COORD_ATTRS["case"]), eps=((), spec["eps"], EPS_ATTRS),
                          theta=((), spec["theta"], {"long_name": "interaction strength theta", "units": "1"}))
    ds.attrs = provenance(spec, figure=name, max_abs_residual=float(residual), **_potential_params(config))
    log.info("diagram %s: %d branches, %d special points, max |m - R(m)| = %.1e",
             name, len(diagram.branches), len(special), residual)
    return ds


def states_at_beta(ds, beta):
    """Stationary states with m >= 0 at ``beta`` on a stored diagram: m, stability, free energy.

    Each crossing of a branch with the line beta = const is refined by Newton on m = R(m) (with the
    potential and quadrature grid recorded in the store), so the states are exact to the solver's
    tolerance; sorted by m, largest first (Table 2).
    """
    spec = ds.attrs["parameters"]
    config = {"meanfield": {key: ds.attrs[key] for key in ("delta", "a", "grid")}}
    prob = problem(spec["case"], spec["eps"], spec["theta"], config, spec["psi_sign"])
    found = []
    for b in ds.branch.values:
        m, betas = ds.m.values[b], ds.beta.values[b]
        keep = np.isfinite(m)
        m, betas = m[keep], betas[keep]
        for k in np.flatnonzero(np.diff(np.sign(betas - beta)) != 0):
            weight = (beta - betas[k]) / (betas[k + 1] - betas[k])
            found.append(_newton(prob, m[k] + weight * (m[k + 1] - m[k]), beta))
    states = np.unique(np.round([s for s in found if s >= -1e-9], 9))[::-1]
    return [{"m": float(s) + 0.0, "stable": bool(prob.dR_dm(s, beta) < 1.0),
             "free_energy": float(prob.free_energy(s, beta))} for s in states]


def run_rmap(config, name, output):
    storage.write_zarr_atomic(rmap_dataset(config, name), output)


def run_critical(config, output, threads):
    with dask_client(config["dask"], threads) as client:
        storage.write_zarr_atomic(critical_dataset(config, client), output)


def run_diagram(config, name, output):
    storage.write_zarr_atomic(diagram_dataset(config, name), output)


def _newton(prob, m, beta, tol=1e-12, maxiter=50):
    for _ in range(maxiter):
        step = float(prob.residual(m, beta)) / (float(prob.dR_dm(m, beta)) - 1.0)
        m -= step
        if abs(step) < tol:
            return m
    raise ArithmeticError(f"Newton for m = R(m) at beta = {beta} did not converge from m = {m}")


COORD_ATTRS = {
    "eps": EPS_ATTRS, "beta": BETA_ATTRS, "m": M_ATTRS,
    "case": {"long_name": "two-scale potential: Table-1 case or V0+V1"},
    "psi_sign": {"long_name": "sign convention of psi (eq. 2.21): printed or flipped"},
    "root": {"long_name": "index of the critical beta, ascending", "units": "1"},
    "branch": {"long_name": "branch index", "units": "1"},
    "point": {"long_name": "point index along the branch", "units": "1"},
    "special": {"long_name": "special point index", "units": "1"},
}


def _coords(**coords):
    """Dimension coordinates with CF attrs; labels as variable-length strings."""
    out = {}
    for key, values in coords.items():
        values = list(values)
        text = bool(values) and isinstance(values[0], str)
        out[key] = (key, np.asarray(values, dtype=object if text else float if key in ("eps", "beta", "m") else None),
                    COORD_ATTRS[key])
    return out


def _row(values, width):
    row = np.full(width, np.nan)
    row[: len(values)] = values
    return row


def _pad(results, rows, cols, width):
    return np.stack([np.stack([_row(results[(r, c)], width) for c in cols]) for r in rows])


def _potential_params(config):
    return {"delta": config["meanfield"]["delta"], "a": config["meanfield"]["a"],
            "grid": config["meanfield"]["grid"]}


def _check_finite(name, *arrays):
    for array in arrays:
        if not np.all(np.isfinite(array)):
            raise FloatingPointError(f"meanfield {name}: non-finite values in the result")
