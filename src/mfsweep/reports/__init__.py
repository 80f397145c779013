"""Tables and figures built from stored datasets (they never compute results)."""
