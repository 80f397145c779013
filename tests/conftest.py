"""Test-suite set-up shared by all modules."""


def pytest_collection_modifyitems(items):
    """Run the SLURM integration tests last.

    Once tests/slurm/start.sh has installed SLURM and stop.sh has stopped it again, `scontrol`
    exists but waits ~10 s for a controller; the Snakemake SLURM executor plugin calls it when
    Snakemake starts, so every later `snakemake` subprocess would pay those 10 s.
    """
    items.sort(key=lambda item: item.get_closest_marker("slurm") is not None)
