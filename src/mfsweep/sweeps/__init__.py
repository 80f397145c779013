"""Sweeps: any parameter of any method on an axis, one labelled, resumable store per sweep."""
