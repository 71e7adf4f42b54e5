"""One command for a laptop: a local Temporal server plus the worker (``python -m embedded``)."""
