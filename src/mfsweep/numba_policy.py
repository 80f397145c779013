"""The one numba policy of the package: every kernel is compiled through these decorators.

* ``cache=True``: compiled once per machine (numba's on-disk cache); a cached kernel is not
  recompiled when a jitted callee in another module changes, so clear ``__pycache__`` after such
  edits.
* ``nogil=True`` and never ``parallel=True``: one level of parallelism. dask threads (or processes
  with one numba thread each) fan runs out over serial kernels; numba's threading layer under
  several dask threads hangs.
* ``error_model="numpy"``: division by zero gives inf/NaN (checked by the callers), no exception
  branch in hot loops.
* :data:`fast` allows re-association and fused multiply-add (``reassoc``, ``contract``: the loops
  over components vectorise) but keeps IEEE NaN/inf semantics (no ``nnan``/``ninf``); :data:`strict`
  has no fastmath flags, for kernels whose rounding matters more than their speed (the PDE solver).

A kernel's last bits depend on these flags: changing them changes stored results.
"""

from numba import njit

STRICT_OPTIONS = {"cache": True, "nogil": True, "error_model": "numpy"}
FAST_OPTIONS = {**STRICT_OPTIONS, "fastmath": {"reassoc", "contract"}}

strict = njit(**STRICT_OPTIONS)
fast = njit(**FAST_OPTIONS)
fast_inline = njit(**FAST_OPTIONS, inline="always")  # small helpers inside hot loops
