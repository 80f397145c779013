"""Stationary McKean-Vlasov states (Gomes & Pavliotis 2017, Sections 1-4.3).

:mod:`.selfconsistency` is the solver (R(m), R', dR/dbeta, free energy, critical betas, the
quadrature and its resolution guard), :mod:`.continuation` traces solution branches of any
H(m, beta) = 0. The methods, each with ``Params`` and ``run(problem, params)``:

* :mod:`.states`: every state m = R(m) at one (theta, beta), with stability, free energy, density;
* :mod:`.rmap`: R(m) and R'(m) on a grid of m (Figs 1a, 3, 4, 5a-b, 6a-9a);
* :mod:`.critical`: every critical beta of the m = 0 state (eqs. 1.10, 2.27, 4.4; Fig 10);
* :mod:`.diagram`: every branch of the bifurcation diagram with stability and free energy
  (Figs 1b, 5c, 6b-9b) and the states at one beta (Table 2).
"""
