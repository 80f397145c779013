"""Interacting-particle Monte Carlo of the full and homogenized systems (Gomes & Pavliotis 2017, Section 4.4).

:mod:`.kernels` (numba), :mod:`.tables` (coefficient tables), :mod:`.method` (``Params``, ``run``).
"""

from .method import SEED_LABEL, Params, StepStabilityError, StepStabilityWarning, resolve_problem, run

__all__ = ["SEED_LABEL", "Params", "StepStabilityError", "StepStabilityWarning", "resolve_problem", "run"]
