"""Min-max problems min_x max_y F(x, y) solved with MS-CBO: Algorithm 1 with G = -F (eq. 1.3; Table 3).

The parameters are Algorithm 1's (:class:`mfsweep.cbo.bilevel.Params`); Table 3 compares c = 1 with
c = 1/sqrt(M) - 0.01 = 0.19. A user F(x, y) is negated by a jitted wrapper, so min-max problems take
the same objectives as bi-level ones::

    from mfsweep.cbo import minmax
    ds = minmax.run("d", minmax.Params(c=0.19), runs=10)
"""

import functools

from mfsweep.cbo import bilevel, problems
from mfsweep.cbo.bilevel import Params  # noqa: F401 (Algorithm 1's parameters are the method's)

METHOD = "ms_cbo_minmax"
SEED_LABEL = "cbo_minmax"
resolve_problem = functools.partial(problems.resolve, kind="minmax")  # checks a problem name before a sweep runs


def run(problem, params=None, *, runs=1, seed=0, success_threshold=0.25, keep_particles=False):
    """Runs of MS-CBO on min_x max_y F as a Dataset; as :func:`mfsweep.cbo.bilevel.run`, with G = -F.

    ``problem``: a name of Table 3 ("a" ... "d") or Fig. 3 ("quadratic", "rastrigin"), a
    :class:`~mfsweep.cbo.problems.MinMaxProblem` or ``"module:name"`` of one.
    """
    problem = problems.resolve(problem, "minmax").as_bilevel()
    return bilevel.run_problem(METHOD, SEED_LABEL, problem, params, runs, seed, success_threshold, keep_particles)
