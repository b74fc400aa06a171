"""Benchmarks: `make bench`. Speed targets live here, never in the test suite."""
