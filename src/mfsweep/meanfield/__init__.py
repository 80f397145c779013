"""Stationary McKean-Vlasov states in two-scale potentials (Gomes & Pavliotis 2017)."""
