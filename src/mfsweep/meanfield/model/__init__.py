"""The model of Gomes & Pavliotis (2017): two-scale potentials, their homogenized coefficients, and which dynamics.

* :mod:`.potentials`: V0, V1 (general or A(x) cos y), the pair :class:`Potential`, the Table-1 built-ins;
* :mod:`.homogenization`: psi (eq. 2.21) and the mobility M (eq. 2.16), closed form or by quadrature;
* :mod:`.dynamics`: :class:`Full` (eps) or :class:`Homogenized` (psi_sign), one value for every solver.
"""

from .dynamics import Dynamics, Full, Homogenized
from .potentials import CASES, NONE, AmplitudeV1, MissingDerivativeError, Potential, TwoScalePotential, V0, V1, potential

__all__ = ["Dynamics", "Full", "Homogenized", "CASES", "NONE", "AmplitudeV1", "MissingDerivativeError", "Potential",
           "TwoScalePotential", "V0", "V1", "potential"]
