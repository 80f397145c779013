"""The configuration layer: the only code that reads the workflow config and turns it into library calls."""
