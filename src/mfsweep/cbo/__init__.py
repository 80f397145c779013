"""Consensus-based optimisation: multiscale CBO of Herty, Huang, Kalise & Kouhkouh (2024)."""
