"""Tests of :mod:`suzhou_sim.engine` (one test module per engine module)."""
