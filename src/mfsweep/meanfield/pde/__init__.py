"""The time-dependent McKean-Vlasov equation, full and homogenized (Gomes & Pavliotis 2017, Section 4.5).

:mod:`.kernels` (numba), :mod:`.solver` (the Fokker-Planck solver), :mod:`.method` (``Params``, ``run``).
"""

from .method import SEED_LABEL, Params, resolve_problem, run

__all__ = ["SEED_LABEL", "Params", "resolve_problem", "run"]
