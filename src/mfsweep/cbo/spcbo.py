"""The saddle-point CBO (SP-CBO) of Huang, Qiu & Riedl (SIAM J. Control Optim. 2024), Table 3's baseline.

    min_x max_y F(x, y)                                                           (eq. 1.3)

As its public MATLAB code (KonstantinRiedl/CBOSaddlePoints: CBOSP.m) does it, ``for k = 1:T/dt``:
x_alpha = consensus of X with weights exp(-alpha F(X_i, mean Y)); X moves; y_beta = consensus of Y
with weights exp(+beta F(mean X, Y_i)) over the moved X; Y moves; the noise is scaled at the drifted
position (:mod:`mfsweep.cbo.kernels.cbo`). A run draws X, then Y ~ U[init_low, init_high]^{N x d}
from its own stream, then the kernel's normals::

    from mfsweep.cbo import spcbo
    ds = spcbo.run("d", spcbo.Params(N=50), runs=10)
"""

import functools

from mfsweep.cbo import problems, runner
from mfsweep.cbo.kernels.cbo import spcbo
from mfsweep.cbo.parameters import StepParams, declare

METHOD = "sp_cbo"
SEED_LABEL = "sp_cbo"
resolve_problem = functools.partial(problems.resolve, kind="minmax")  # checks a problem name before a sweep runs


@declare(N=100, dim=10, T=50.0, dt=0.1, alpha=1e15, beta=1e15, lam=1.0, sigma=2.0, init_low=-1.0,
         init_high=3.0, noise="anisotropic")
class Params(StepParams):
    """Parameters of SP-CBO (N particles per population); defaults are Table 3's (eq. 5.5 with T = T_x = 50)."""


def initial_positions(params, rng):
    """X_0, then Y_0 ~ U[init_low, init_high]^{N x d}."""
    shape = (params.N, params.dim)
    return rng.uniform(params.init_low, params.init_high, size=shape), \
        rng.uniform(params.init_low, params.init_high, size=shape)


def run(problem, params=None, *, runs=1, seed=0, success_threshold=0.25):
    """Runs of SP-CBO on min_x max_y F as a Dataset with dims ``run``, ``dim``.

    ``problem``: a min-max name of Table 3 ("a" ... "d") or Fig. 3, a
    :class:`~mfsweep.cbo.problems.MinMaxProblem` (F an Objective or a numba-jittable F(x, y)) or
    ``"module:name"`` of one; ``runs``, ``seed`` as in :func:`mfsweep.cbo.bilevel.run`. Variables:
    x_star, y_star, upper_objective F there, wall_time; with a known solution the errors (eq. 5.4),
    success and the solution. Raises FloatingPointError on non-finite output.
    """
    def one_run(problem, params, rng):
        X, Y = initial_positions(params, rng)
        (x_star, y_star), seconds = spcbo(X, Y, rng, problem.F, params)
        return {"x_star": x_star, "y_star": y_star, "wall_time": seconds}, (X, Y)

    return runner.run(METHOD, SEED_LABEL, problems.resolve(problem, "minmax"), params or Params(), runs, seed,
                      success_threshold, one_run)
