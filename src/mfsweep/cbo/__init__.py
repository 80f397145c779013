"""Consensus-based optimisation: multiscale CBO of Herty, Huang, Kalise & Kouhkouh (2024) and its baselines.

One module per method, each with a frozen ``Params`` and ``run(problem, params, *, runs, seed)`` ->
xarray Dataset (dims ``run``, ``dim``): :mod:`~mfsweep.cbo.bilevel` (Algorithm 1),
:mod:`~mfsweep.cbo.trilevel` (Algorithm 2), :mod:`~mfsweep.cbo.minmax` (Algorithm 1 with G = -F),
:mod:`~mfsweep.cbo.spcbo` (SP-CBO), :mod:`~mfsweep.cbo.standard` (single-level CBO). Problems:
:mod:`~mfsweep.cbo.problems` (named, term specs or user functions); the term language:
:mod:`~mfsweep.cbo.objectives`; numba kernels: :mod:`~mfsweep.cbo.kernels`; numpy references:
:mod:`~mfsweep.cbo.reference`.
"""
