"""mfsweep: parameter sweeps of multiscale mean-field particle systems."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mfsweep")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"
