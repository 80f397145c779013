"""Mean-field limits of interacting diffusions in a two-scale potential (Gomes & Pavliotis 2017).

* :mod:`.model`: potentials (your own V0 and V1 are plain objects), homogenization, the dynamics;
* :mod:`.stationary`: the self-consistency solver and its methods ``states``, ``rmap``,
  ``critical``, ``diagram``;
* :mod:`.particles`: the interacting-particle Monte Carlo (numba kernels, drift tables, the method);
* :mod:`.pde`: the time-dependent McKean-Vlasov equation (numba kernels, solver, the method).

Every method module has a ``Params`` class and ``run(problem, params=None, *, runs=1, seed=0)``
returning an ``xarray.Dataset``; ``problem`` is a potential: a name (``"case1"``,
``"bistable+nonseparable"``), a :class:`~.model.Potential` or ``"package.module:name"`` of one.
"""
