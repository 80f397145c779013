"""Standard single-level CBO (Pinnau, Totzeck, Tse & Martin 2017) in the form of CBXPy's ``CBO`` dynamic.

    min_x f(x)

Per step, x_alpha = consensus of X with weights exp(-alpha f(X_i)) (Herty et al. eq. 2.5), then
X_i <- X_i - lam (X_i - x_alpha) dt + sigma S_i sqrt(dt) xi_i, S_i = |X_i - x_alpha| componentwise
("anisotropic") or ||X_i - x_alpha||_2 ("isotropic"); T/dt steps; output the final x_alpha
(:mod:`mfsweep.cbo.kernels.cbo`). A run draws X ~ U[init_low, init_high]^{N x d} from its own
stream first, then the kernel's normals::

    from mfsweep.cbo import standard
    ds = standard.run("shifted_ackley", standard.Params(N=50), runs=10)
"""

import functools

import numpy as np

from mfsweep.cbo import problems, runner
from mfsweep.cbo.kernels.cbo import cbo
from mfsweep.cbo.parameters import NOISES, StepParams, declare  # noqa: F401 (the noise models)

METHOD = "cbo"
SEED_LABEL = "cbo"
resolve_problem = functools.partial(problems.resolve, kind="single")  # checks a problem name before a sweep runs


@declare(N=100, dim=10, T=5.0, dt=0.01, alpha=1e15, lam=1.0, sigma=2.0, init_low=-1.0, init_high=3.0,
         noise="anisotropic")
class Params(StepParams):
    """Parameters of single-level CBO; dt = 0.01 and T = 5 (500 steps) as CBXPy's default dt, the rest as eq. (5.5)."""


def initial_positions(params, rng):
    """X_0 ~ U[init_low, init_high]^{N x d}."""
    return rng.uniform(params.init_low, params.init_high, size=(params.N, params.dim))


def run(problem, params=None, *, runs=1, seed=0, success_threshold=0.25):
    """Runs of CBO on ``problem`` as a Dataset with dims ``run``, ``dim``.

    ``problem``: a name ("sphere", "ackley", "rastrigin", "levy", "shifted_ackley"), a
    :class:`~mfsweep.cbo.problems.SingleLevelProblem` (f an x-only Objective or a numba-jittable
    f(x)) or ``"module:name"`` of one; ``runs``, ``seed`` as in :func:`mfsweep.cbo.bilevel.run`.
    Variables: x_star, objective f(x_star), wall_time; with a known solution also x_error, error,
    success and x_solution. Raises FloatingPointError on non-finite output.
    """
    def one_run(problem, params, rng):
        X = initial_positions(params, rng)
        x_star, seconds = cbo(X, rng, problem.f, params)
        return {"x_star": np.asarray(x_star), "wall_time": seconds}, (X,)

    return runner.run(METHOD, SEED_LABEL, problems.resolve(problem, "single"), params or Params(), runs, seed,
                      success_threshold, one_run)
