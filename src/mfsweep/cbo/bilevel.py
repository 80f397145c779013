"""Multiscale CBO for bi-level problems, Algorithm 1 of Herty et al. (2024) (MS-CBO).

    min_x F(x, y)  s.t.  y in argmin_y G(x, y)                                    (eq. 1.1)

N X-particles, each with M Y-particles. Per outer step, for each particle i: the Y-particles of
X^i move toward c v^i (v^i their consensus with weights exp(-beta G(X^i, .)), eq. 2.9) for T_y/dtau
inner steps; after each, z' = consensus of all X^k with weights omega_alpha(X^k, v^i/c) enters the
forward-looking average z^i (Section 3.3); then X^i moves toward z^i. Outputs: X* = consensus of X at
mean(v)/c, Y* = (1/c) consensus of the v^k at mean(X). Truncations psi_R, D_R^delta (Section 3.1),
Euler-Maruyama steps (Section 5.1).

A run draws from its own stream: X ~ U[init_low, init_high]^{N x d}, then Y ~ U[...]^{N x M x d},
then the kernel's noise (:mod:`mfsweep.cbo.kernels.bilevel`)::

    from mfsweep.cbo import bilevel
    ds = bilevel.run("v", runs=100, seed=20240501)            # Table 1, problem (v)
    ds.success.mean()
"""

import functools

import numpy as np

from mfsweep.cbo import problems, runner
from mfsweep.cbo.kernels.bilevel import algorithm1
from mfsweep.cbo.objectives import Objective
from mfsweep.cbo.parameters import LOOP_BOUNDS, PAIRINGS, X_UPDATES, declare  # noqa: F401 (the variants' values)
from mfsweep.params import Params as _Params, whole_steps

METHOD = "ms_cbo_bilevel"
SEED_LABEL = "cbo_bilevel"  # run k of problem p draws from seed_sequence(seed, SEED_LABEL, p, k): the Table-1 streams
resolve_problem = functools.partial(problems.resolve, kind="bilevel")  # checks a problem name before a sweep runs


@declare(N=100, M=25, dim=10, T_x=50.0, T_y=0.5, dt=0.1, dtau=0.1, alpha=1e15, beta=1e15, lambda1=1.0,
         lambda2=1.0, sigma1=2.0, sigma2=2.0, gamma=0.75, delta1=1e-5, delta2=1e-5, R1=10.0, R2=10.0, c=1.0,
         init_low=-1.0, init_high=3.0, pairing="printed", x_update="gauss_seidel", loop_bound="inclusive")
class Params(_Params):
    """Parameters of Algorithm 1; defaults are eq. (5.5) with d = 10 (meanings: :data:`mfsweep.cbo.parameters.SYMBOLS`).

    Variant options, choices the pseudo-code leaves open (defaults = as printed): ``pairing``,
    ``x_update``, ``loop_bound``.
    """

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


def run(problem, params=None, *, runs=1, seed=0, success_threshold=0.25, keep_particles=False):
    """Runs of Algorithm 1 on ``problem`` as a Dataset with dims ``run``, ``dim``.

    ``problem``: a Table-1 name ("i" ... "vi"), a :class:`~mfsweep.cbo.problems.BilevelProblem` (or
    a :class:`~mfsweep.cbo.problems.MinMaxProblem`, as G = -F) or ``"module:name"`` of one.
    ``runs``: a count n (runs 0..n-1) or run indices (a chunk of a larger sweep: the same streams);
    ``seed``: an int root or a SeedSequence (:mod:`mfsweep.cbo.runner`). Variables: x_star, y_star,
    upper_objective F and lower_objective G there, wall_time; with a known solution also x_error,
    y_error, error (eq. 5.4), success (error <= ``success_threshold``), x_solution, y_solution; with
    ``keep_particles`` the initial and final X^i and v^i, dims (run, particle, dim). Raises
    FloatingPointError on non-finite output.
    """
    return run_problem(METHOD, SEED_LABEL, problems.resolve(problem, "bilevel"), params, runs, seed, success_threshold,
                       keep_particles)


def run_problem(method, label, problem, params, runs, seed, success_threshold, keep_particles):
    """:func:`run` on a resolved :class:`~mfsweep.cbo.problems.BilevelProblem` (also the min-max method's)."""
    params = params or Params()

    def one_run(problem, params, rng):
        X, Y = initial_positions(params, rng)
        kept = {"X0": X.copy(), "v0": _lower_consensus(problem.G, X, Y, params.beta)} if keep_particles else {}
        (x_star, y_star, v), seconds = algorithm1(X, Y, rng, problem.F, problem.G, params)
        kept.update({"X": X, "v": v} if keep_particles else {})
        return {"x_star": x_star, "y_star": y_star, "wall_time": seconds, **kept}, (X,)

    return runner.run(method, label, problem, params, runs, seed, success_threshold, one_run)


def _lower_consensus(G, X, Y, beta):
    """v^i = consensus of Y_i with weights exp(-beta G(X^i, Y_i^j)) (eq. 2.9) for every i, in numpy (log-sum-exp)."""
    v = np.empty_like(X)
    for i, (x, Ys) in enumerate(zip(X, Y)):
        energies = G(x, Ys) if isinstance(G, Objective) else np.array([problems.evaluate(G, x, y) for y in Ys])
        weights = np.exp(-beta * (energies - energies.min()))
        v[i] = weights @ Ys / weights.sum()
    return v
