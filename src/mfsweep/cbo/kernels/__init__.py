"""Numba kernels of the CBO methods, each behind a small function that takes objectives and parameters.

* :mod:`~mfsweep.cbo.kernels.common`: consensus, truncations, cos(2 pi x);
* :mod:`~mfsweep.cbo.kernels.terms`: the term language (objectives as term arrays);
* :mod:`~mfsweep.cbo.kernels.energies`: what a kernel asks of an objective, for term arrays and user functions;
* :mod:`~mfsweep.cbo.kernels.compiled`: objectives as kernel arguments; compiling before timing;
* :mod:`~mfsweep.cbo.kernels.bilevel` (Algorithm 1), :mod:`~mfsweep.cbo.kernels.trilevel` (Algorithm 2),
  :mod:`~mfsweep.cbo.kernels.cbo` (standard CBO, SP-CBO).

Serial, ``nogil`` and cached (:mod:`mfsweep.numba_policy`): dask threads fan runs out over them (one
level of parallelism). The method modules (:mod:`mfsweep.cbo.bilevel`, ...) are the public API.
"""
