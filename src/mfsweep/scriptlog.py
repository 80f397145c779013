"""Logging set-up shared by the workflow's scripts and the command line."""

import logging
import sys


def log_to(path=None):
    """Send warnings and mfsweep's progress lines to ``path`` (a rule's log) or to stderr."""
    stream = open(path, "w", buffering=1) if path else sys.stderr
    sys.stderr = stream
    logging.basicConfig(stream=stream, level=logging.WARNING, force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("mfsweep").setLevel(logging.INFO)
