"""The engine's benchmark against a bare Temporal workflow: ``python -m bench.run``."""
