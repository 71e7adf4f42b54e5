"""Benchmark scripts, run by hand and never as timed tests: ``python -m bench.run`` (the
engine against a bare Temporal workflow) and ``bench/overview_bench.py`` (the board's
overview query)."""
