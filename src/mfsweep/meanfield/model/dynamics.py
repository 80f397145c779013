"""Which mean-field dynamics: the full eps-system or the homogenized one, as one value.

* :class:`Full` ``(eps)``: the particles move in V^eps = V0 + V1(x, x/eps) (eq. 2.1; McKean-Vlasov
  eq. 4.6; stationary states eq. 3.4 with W = V^eps).
* :class:`Homogenized` ``(psi_sign)``: the eps -> 0 limit, with mobility M (eq. 2.16) and
  W = V0 + psi (eqs. 2.17, 2.21, 2.25); ``psi_sign`` is ``"printed"`` (eq. 2.21 as printed: the
  thermodynamically consistent eps -> 0 limit) or ``"flipped"`` (psi replaced by -psi: the sign
  with which the paper's homogenized case-4 figures agree; see :mod:`.homogenization`).

Every solver takes a :data:`Dynamics`; the methods' parameters build it from their flat fields
``model``, ``eps`` and ``psi_sign`` (:func:`from_parameters`), and stores name it by its
:attr:`label` (``full``, ``homogenized-printed``, ``homogenized-flipped``; :func:`from_label`).
"""

import math
from dataclasses import dataclass
from typing import ClassVar

__all__ = ["MODELS", "PSI_SIGNS", "LABELS", "Full", "Homogenized", "Dynamics", "from_parameters", "from_label", "of_dataset"]

MODELS = ("full", "homogenized")
PSI_SIGNS = ("printed", "flipped")
LABELS = ("full", *(f"homogenized-{sign}" for sign in PSI_SIGNS))


@dataclass(frozen=True)
class Full:
    """The full eps-system: fluctuations of period 2 pi eps."""

    eps: float
    homogenized: ClassVar[bool] = False
    model: ClassVar[str] = "full"

    def __post_init__(self):
        eps = self.eps
        if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not math.isfinite(eps) or eps <= 0:
            raise ValueError(f"eps: the full dynamics needs a finite eps > 0, got {eps!r}")
        object.__setattr__(self, "eps", float(eps))

    @property
    def label(self):
        return "full"

    def coords(self):
        """Scalar dataset coordinates that say which dynamics: ``dynamics`` and ``eps``."""
        return {"dynamics": ((), self.label, {"long_name": "dynamics: full eps-system"}),
                "eps": ((), self.eps, {"long_name": "scale separation epsilon", "units": "1"})}

    def describe(self):
        return f"ε = {self.eps:g}"


@dataclass(frozen=True)
class Homogenized:
    """The homogenized system (eps -> 0) with psi of eq. (2.21) as printed or sign-flipped."""

    psi_sign: str = "printed"
    homogenized: ClassVar[bool] = True
    model: ClassVar[str] = "homogenized"

    def __post_init__(self):
        if self.psi_sign not in PSI_SIGNS:
            raise ValueError(f"psi_sign: {self.psi_sign!r} is not allowed; allowed: {', '.join(PSI_SIGNS)}")

    @property
    def sign(self):
        """The factor multiplying eq. (2.21): +1 printed, -1 flipped."""
        return 1.0 if self.psi_sign == "printed" else -1.0

    @property
    def label(self):
        return f"homogenized-{self.psi_sign}"

    def coords(self):
        """Scalar dataset coordinates that say which dynamics: ``dynamics`` and ``psi_sign``."""
        return {"dynamics": ((), self.label, {"long_name": "dynamics: homogenized (eps -> 0)"}),
                "psi_sign": ((), self.psi_sign, {"long_name": "sign convention of psi (eq. 2.21)"})}

    def describe(self):
        return "homogenized" + ("" if self.psi_sign == "printed" else ", ψ sign flipped")


Dynamics = Full | Homogenized


def from_parameters(model, eps, psi_sign="printed"):
    """The dynamics of the flat parameters ``model`` ("full"/"homogenized"), ``eps`` and ``psi_sign``
    (the one not used by the model is ignored)."""
    if model == "full":
        return Full(eps)
    if model == "homogenized":
        return Homogenized(psi_sign)
    raise ValueError(f"model: {model!r} is not allowed; allowed: {', '.join(MODELS)}")


def from_label(label, eps=None):
    """The dynamics named ``label`` (``full`` with ``eps``, ``homogenized-<psi_sign>``)."""
    if label == "full":
        return Full(eps)
    for sign in PSI_SIGNS:
        if label == f"homogenized-{sign}":
            return Homogenized(sign)
    raise ValueError(f"unknown dynamics {label!r}; allowed: {', '.join(LABELS)}")


def of_dataset(ds):
    """The dynamics a method's Dataset was computed with (its scalar coordinates ``dynamics`` and ``eps``)."""
    return from_label(str(ds["dynamics"].values), float(ds["eps"]) if "eps" in ds.coords else None)
