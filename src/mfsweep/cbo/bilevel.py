"""Multiscale CBO for bi-level problems (Herty et al. 2024, Algorithm 1): parameters and runs.

One run = one call of the numba kernel :func:`mfsweep.cbo.kernels.ms_cbo_bilevel` with
its own random stream. Initial positions are drawn from that stream first
(X ~ U[init_low, init_high]^{N x d}, then Y ~ U[...]^{N x M x d}), the kernel then
draws all noise from it.
"""

import functools
import time
from dataclasses import dataclass

import numpy as np

from mfsweep.cbo import kernels
from mfsweep.params import Params, whole_steps

PAIRINGS = ("printed", "own")
X_UPDATES = ("gauss_seidel", "jacobi")
LOOP_BOUNDS = ("inclusive", "exclusive")


@dataclass(frozen=True)
class MSCBOParams(Params):
    """Parameters of Algorithm 1; defaults are eq. (5.5) with d = 10.

    Variant options (choices the pseudo-code leaves open; defaults = as printed):
    ``pairing``: "printed" weights the z' consensus with omega(X^k, v^i/c), particle i's
    lower-level consensus for every X^k; "own" uses omega(X^k, v^k/c).
    ``x_update``: "gauss_seidel" moves X^i inside the i-loop (printed); "jacobi" after it.
    ``loop_bound``: "inclusive" runs the printed ``while t <= T/dt`` (T/dt + 1 outer and
    T_y/dtau + 1 inner iterations); "exclusive" runs T/dt and T_y/dtau iterations.
    """

    N: int = 100
    M: int = 25
    dim: int = 10
    T_x: float = 50.0
    T_y: float = 0.5
    dt: float = 0.1
    dtau: float = 0.1
    alpha: float = 1e15
    beta: float = 1e15
    lambda1: float = 1.0
    lambda2: float = 1.0
    sigma1: float = 2.0
    sigma2: float = 2.0
    gamma: float = 0.75
    delta1: float = 1e-5
    delta2: float = 1e-5
    R1: float = 10.0
    R2: float = 10.0
    c: float = 1.0
    init_low: float = -1.0
    init_high: float = 3.0
    pairing: str = "printed"
    x_update: str = "gauss_seidel"
    loop_bound: str = "inclusive"

    _POSITIVE = ("N", "M", "dim", "T_x", "T_y", "dt", "dtau", "alpha", "beta", "c")
    _NONNEGATIVE = ("lambda1", "lambda2", "sigma1", "sigma2", "delta1", "delta2", "R1", "R2")
    _UNIT_INTERVAL = ("gamma",)
    _CHOICES = {"pairing": PAIRINGS, "x_update": X_UPDATES, "loop_bound": LOOP_BOUNDS}

    def _check_steps(self):
        self.loop_counts()

    def loop_counts(self):
        """(outer, inner) iteration counts of Algorithm 1's two while-loops."""
        extra = 1 if self.loop_bound == "inclusive" else 0
        return (whole_steps(self.T_x, self.dt, "T_x", "dt") + extra,
                whole_steps(self.T_y, self.dtau, "T_y", "dtau") + extra)


def initial_positions(params, rng):
    """X_0 ~ U[low, high]^{N x d}, then Y_0 ~ U[low, high]^{N x M x d} (rho_0 = mu_0, Section 5.1)."""
    X0 = rng.uniform(params.init_low, params.init_high, size=(params.N, params.dim))
    Y0 = rng.uniform(params.init_low, params.init_high, size=(params.N, params.M, params.dim))
    return X0, Y0


@functools.cache
def _load_kernel():
    """Compile (or load from numba's cache) the kernel once per process, so run timings exclude it."""
    X, Y = np.zeros((2, 2)), np.zeros((2, 2, 2))
    terms = np.array([[0.0, 1.0, 1.0, 0.0, 0.0]])
    kernels.ms_cbo_bilevel(X, Y, np.random.default_rng(0), terms, 0.0, terms, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0,
                           1.0, 0.1, 0.1, 1, 1, 1.0, 1.0, 0.0, 0.0, 0.5, 1.0, False, False)


def run_bilevel(problem, params, seed, keep_particles=False):
    """One run of Algorithm 1 on ``problem`` with the stream of ``seed`` (a SeedSequence).

    Returns a dict with x_star, y_star (d,), the errors of eq. (5.4), the objective values
    at (X*, Y*) and the kernel's wall time; with ``keep_particles`` also the initial and final
    X^i and lower-level consensus v^i (eq. 2.9), shape (N, d). Raises FloatingPointError on
    non-finite output.
    """
    _load_kernel()
    rng = np.random.Generator(np.random.PCG64(seed))
    X, Y = initial_positions(params, rng)
    if keep_particles:
        kept = {"X0": X.copy(), "v0": np.stack([_lower_consensus(problem.G, x, Ys, params.beta) for x, Ys in zip(X, Y)])}
    n_outer, n_inner = params.loop_counts()
    start = time.perf_counter()
    x_star, y_star, v = kernels.ms_cbo_bilevel(
        X, Y, rng, problem.F.as_array(), problem.F.xy, problem.G.as_array(), problem.G.xy,
        params.alpha, params.beta, params.lambda1, params.lambda2, params.sigma1, params.sigma2,
        params.dt, params.dtau, n_outer, n_inner, params.R1, params.R2, params.delta1, params.delta2,
        params.gamma, params.c, params.pairing == "own", params.x_update == "jacobi",
    )
    wall_time = time.perf_counter() - start
    if not (np.all(np.isfinite(x_star)) and np.all(np.isfinite(y_star)) and np.all(np.isfinite(X))):
        raise FloatingPointError(
            f"MS-CBO produced non-finite values on problem {problem.name!r} "
            f"(seed spawn key {seed.spawn_key}); parameters: {params.as_dict()}"
        )
    return {**output_record(problem, params.dim, x_star, y_star, wall_time),
            **({**kept, "X": X, "v": v} if keep_particles else {})}


def output_record(problem, dim, x_star, y_star, wall_time):
    """The record of a bi-level or min-max run: outputs, errors of eq. (5.4), F and G there, wall time."""
    x_sol, y_sol = problem.solution(dim)
    x_error = float(np.linalg.norm(x_star - x_sol))
    y_error = float(np.linalg.norm(y_star - y_sol))
    return {
        "x_star": x_star,
        "y_star": y_star,
        "x_error": x_error,
        "y_error": y_error,
        "error": x_error + y_error,
        "upper_objective": float(problem.F(x_star, y_star)),
        "lower_objective": float(problem.G(x_star, y_star)),
        "wall_time": wall_time,
    }


def _lower_consensus(G, x, Ys, beta):
    """v = consensus of Ys with weights exp(-beta G(x, Y^j)) (eq. 2.9), in numpy with log-sum-exp."""
    energies = G(x, Ys)
    weights = np.exp(-beta * (energies - energies.min()))
    return weights @ Ys / weights.sum()
