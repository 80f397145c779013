"""Calling a kernel: objectives as kernel arguments, and the one compile-before-timing mechanism.

A kernel is one numba loop (:data:`mfsweep.numba_policy.fast`). Its objective arguments are term
arrays (an :class:`~mfsweep.cbo.objectives.Objective`) or user functions; a user function is passed
as a numba *first-class function* of a fixed signature, float64 of one to three C-contiguous float64
vectors. So the kernel is compiled once for term arrays and once for user functions, and both
compilations are cached on disk by numba: a new user function costs only its own compilation,
never the kernel's.

:meth:`Kernel.__call__` compiles the loop for the arguments (or loads it from numba's cache)
before it starts the clock, so a run's ``wall_time`` is the computation alone.
"""

import functools
import time
from dataclasses import dataclass

import numba
from numba import types
from numba.core.dispatcher import Dispatcher

from mfsweep.cbo.objectives import Objective

VECTOR = types.float64[::1]


@dataclass(frozen=True)
class UserFunction:
    """A user objective of ``nargs`` vectors (a numba dispatcher), as a kernel argument."""

    function: Dispatcher
    nargs: int

    @property
    def numba_type(self):
        """The first-class function type the kernels are compiled for."""
        return types.FunctionType(types.float64(*[VECTOR] * self.nargs))


def user_function(fn, nargs, what):
    """``fn`` (a numba-jitted function, or a plain one, jitted here) compiled for ``nargs`` float64 vectors."""
    if not isinstance(fn, Dispatcher):
        if not callable(fn):
            raise TypeError(f"{what}: expected an Objective or a numba-jittable function, got {fn!r}")
        fn = numba.njit(fn)
    try:
        fn.compile(types.float64(*[VECTOR] * nargs))
    except Exception as error:  # numba's typing errors name the line of the user's function
        raise TypeError(f"{what}: {getattr(fn, '__name__', fn)!r} does not compile as a function of {nargs} "
                        f"float64 vector(s) returning a float: {error}") from None
    return UserFunction(fn, nargs)


def two_variables(F, what):
    """(terms, xy) of an objective F(x, y) for the kernels: a (T, 5) term array and <x, y>'s coefficient."""
    if isinstance(F, Objective):
        return F.as_bilevel_array(), F.xy
    return user_function(F, 2, what), 0.0


def three_variables(F, what):
    """An objective F(x, y, r) for the tri-level kernel: a (T, 7) term array or a user function."""
    if isinstance(F, Objective):
        return F.as_trilevel_array()
    return user_function(F, 3, what)


def one_variable(f, what):
    """(terms, xy) of an objective f(x) for single-level CBO; a term objective must not depend on y."""
    if isinstance(f, Objective):
        if f.variables() not in ((), ("x",)):
            raise ValueError(f"{what}: {f.describe()} depends on {', '.join(f.variables())}; "
                             "single-level CBO needs an objective of x alone")
        return f.as_bilevel_array(), 0.0
    return user_function(f, 1, what), 0.0


@functools.cache
def negated(fn):
    """-fn(x, y) as a jitted function (the lower level G = -F of a min-max problem), once per process."""
    fn = fn if isinstance(fn, Dispatcher) else numba.njit(fn)

    @numba.njit
    def minus(x, y):
        return -fn(x, y)

    return minus


class Kernel:
    """One numba loop, compiled for its arguments' types before it is timed."""

    def __init__(self, loop):
        self.loop = loop

    def prepare(self, args):
        """The compiled function for ``args`` (compiled now or loaded from numba's cache) and the values to call it with."""
        signature = tuple(a.numba_type if isinstance(a, UserFunction) else numba.typeof(a) for a in args)
        values = tuple(a.function if isinstance(a, UserFunction) else a for a in args)
        return self.loop.compile(signature), values

    def __call__(self, *args):
        """(the loop's result, seconds of the call alone)."""
        compiled, values = self.prepare(args)
        start = time.perf_counter()
        result = compiled(*values)
        return result, time.perf_counter() - start
