"""Vigie's benchmarks: each prints absolute figures and a ratio against a baseline measured in
the same run, on the same machine. Not part of the test suite (no timed assertions there)."""
