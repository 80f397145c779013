"""The parameters of the CBO methods, each symbol of Herty et al. (2024) documented once.

A method's ``Params`` (:class:`mfsweep.cbo.bilevel.Params`, ...) is declared with :func:`declare`,
which lists the names it takes and their defaults; what a name means, its type and which values
are valid come from :data:`SYMBOLS` and are the same in every method (the paper's symbols: ``alpha``
is alpha in every algorithm). The result is a frozen dataclass subclassing
:class:`mfsweep.params.Params` whose fields are :func:`mfsweep.params.parameter` s, so
``Params.describe()`` lists (name, default, units, meaning).
"""

from dataclasses import dataclass
from typing import NamedTuple

from mfsweep.params import Params as _Params, parameter, whole_steps

PAIRINGS = ("printed", "own")
X_UPDATES = ("gauss_seidel", "jacobi")
LOOP_BOUNDS = ("inclusive", "exclusive")
NOISES = ("anisotropic", "isotropic")
#: The options of Algorithm 1 its pseudo-code leaves open (:class:`mfsweep.cbo.bilevel.Params`).
VARIANTS = ("pairing", "x_update", "loop_bound")

#: Validity rules, each the name of the :class:`mfsweep.params.Params` attribute that lists its fields.
POSITIVE, NONNEGATIVE, UNIT_INTERVAL, CHOICE = "_POSITIVE", "_NONNEGATIVE", "_UNIT_INTERVAL", "_CHOICES"


class Symbol(NamedTuple):
    type: type
    rule: str
    doc: str
    choices: tuple = ()


#: Every parameter name of the CBO methods: its type, validity rule and meaning.
SYMBOLS = {
    "N": Symbol(int, POSITIVE, "N: number of X-particles (CBO, SP-CBO: of particles per population)"),
    "M": Symbol(int, POSITIVE, "M: number of Y-particles of each X-particle"),
    "P": Symbol(int, POSITIVE, "P: number of R-particles of each X-particle (Algorithm 2)"),
    "dim": Symbol(int, POSITIVE, "d: dimension of every variable (the paper's tests take n = m = d)"),
    "T_x": Symbol(float, POSITIVE, "T_x: horizon of the X-particles; T_x/dt outer iterations"),
    "T_y": Symbol(float, POSITIVE, "T_y: horizon of the Y-particles per outer iteration; T_y/dtau "
                                   "(Algorithm 1) or T_y/dt (Algorithm 2) inner iterations"),
    "T_r": Symbol(float, POSITIVE, "T_r: horizon of the R-particles per Y-iteration; T_r/dt iterations"),
    "T": Symbol(float, POSITIVE, "T: horizon; T/dt steps (CBOSP.m: for k = 1:T/dt)"),
    "dt": Symbol(float, POSITIVE, "Delta t: time step of the X-particles (Algorithm 2: of every level)"),
    "dtau": Symbol(float, POSITIVE, "Delta tau: time step of the Y-particles (Algorithm 1)"),
    "alpha": Symbol(float, POSITIVE, "alpha: exponent of the upper-level weights omega_alpha = exp(-alpha F) "
                                     "(eqs. 2.5, 2.7); SP-CBO: of the minimising population"),
    "beta": Symbol(float, POSITIVE, "beta: exponent of the lower-level weights exp(-beta G) (eq. 2.9); "
                                    "SP-CBO: of the maximising population, exp(+beta F)"),
    "alpha1": Symbol(float, POSITIVE, "alpha_1: exponent of omega_1 = exp(-alpha_1 F) (upper level)"),
    "alpha2": Symbol(float, POSITIVE, "alpha_2: exponent of omega_2 = exp(-alpha_2 G) (middle level)"),
    "alpha3": Symbol(float, POSITIVE, "alpha_3: exponent of omega_3 = exp(-alpha_3 E) (lower level)"),
    "lambda1": Symbol(float, NONNEGATIVE, "lambda_1: drift rate of the X-particles (eq. 3.1)"),
    "lambda2": Symbol(float, NONNEGATIVE, "lambda_2: drift rate of the Y-particles (eq. 3.1)"),
    "lam": Symbol(float, NONNEGATIVE, "lambda: drift rate of every particle"),
    "sigma1": Symbol(float, NONNEGATIVE, "sigma_1: noise strength of the X-particles (eq. 3.1)"),
    "sigma2": Symbol(float, NONNEGATIVE, "sigma_2: noise strength of the Y-particles (eq. 3.1)"),
    "sigma": Symbol(float, NONNEGATIVE, "sigma: noise strength of every particle"),
    "gamma": Symbol(float, UNIT_INTERVAL, "gamma: weight of the forward-looking average z <- (1 - gamma) z "
                                          "+ gamma z' (Section 3.3)"),
    "delta1": Symbol(float, NONNEGATIVE, "delta_1: offset of the X-noise D_R^delta = diag(delta + min(|u_k|, R)) "
                                         "(Section 3.1)"),
    "delta2": Symbol(float, NONNEGATIVE, "delta_2: offset of the Y-noise D_R^delta (Section 3.1)"),
    "delta": Symbol(float, NONNEGATIVE, "delta: offset of the noise D_Q^delta of every level (Section 3.1)"),
    "R1": Symbol(float, NONNEGATIVE, "R_1: radius of the truncations psi_R, D_R^delta of the X-particles "
                                     "(Section 3.1)"),
    "R2": Symbol(float, NONNEGATIVE, "R_2: radius of the truncations of the Y-particles (Section 3.1)"),
    "Q": Symbol(float, NONNEGATIVE, "Q: radius of the truncations psi_Q, D_Q^delta of every level"),
    "c": Symbol(float, POSITIVE, "c: lower-level scale (Section 3.1.1): Y drifts toward c v, the z' and X* "
                                 "weights use v/c, Y* = (1/c) consensus of the v^k"),
    "init_low": Symbol(float, None, "lower end of the initial law U[init_low, init_high]^d of every particle "
                                    "(rho_0 = mu_0, Section 5.1)"),
    "init_high": Symbol(float, None, "upper end of the initial law U[init_low, init_high]^d"),
    "pairing": Symbol(str, CHOICE, "z' weights: 'printed' omega_alpha(X^k, v^i/c), particle i's lower-level "
                                   "consensus for every X^k (as printed); 'own' omega_alpha(X^k, v^k/c)", PAIRINGS),
    "x_update": Symbol(str, CHOICE, "'gauss_seidel': X^i moves inside the i-loop (as printed); 'jacobi': every "
                                    "X^i moves after it", X_UPDATES),
    "loop_bound": Symbol(str, CHOICE, "'inclusive': the printed while t <= T/dt (T/dt + 1 iterations of every "
                                      "loop); 'exclusive': T/dt iterations", LOOP_BOUNDS),
    "noise": Symbol(str, CHOICE, "noise scale S: 'anisotropic' |X_i - x_alpha| componentwise; 'isotropic' "
                                 "||X_i - x_alpha||_2", NOISES),
}


def declare(**defaults):
    """Class decorator: the frozen :class:`mfsweep.params.Params` dataclass of the names in ``defaults``.

    ``defaults`` maps each parameter name of the method, in order, to its default; type, meaning
    and validity come from :data:`SYMBOLS`. The class body adds the docstring and the method's own
    step checks (``_check_steps``) and derived counts.
    """
    def make(cls):
        cls.__annotations__ = {name: SYMBOLS[name].type for name in defaults}
        for name, default in defaults.items():
            setattr(cls, name, parameter(default, SYMBOLS[name].doc))
        for rule in (POSITIVE, NONNEGATIVE, UNIT_INTERVAL):
            setattr(cls, rule, tuple(name for name in defaults if SYMBOLS[name].rule == rule))
        setattr(cls, CHOICE, {name: SYMBOLS[name].choices for name in defaults if SYMBOLS[name].rule == CHOICE})
        return dataclass(frozen=True)(cls)
    return make


class StepParams(_Params):
    """Base of the one-population methods (CBO, SP-CBO): T/dt steps (CBOSP.m's ``for k = 1:T/dt``)."""

    def _check_steps(self):
        self.n_steps()

    def n_steps(self):
        """Number of time steps, T/dt."""
        return whole_steps(self.T, self.dt, "T", "dt")
