"""What the lower layers share: the names, ids, queues, inputs and results of the
workflows and activities, and the retry policies (the money-transfer template's
``shared.py``).

Pure pydantic and plain values, importable without Temporal's sandbox worries: it imports
only ``domain`` (and ``i18n``), so ``store``, ``activities``, ``workflows`` and
``application`` may all import it without importing each other (``make lint`` checks the
layers with import-linter; see ``[tool.importlinter]`` in pyproject.toml).
"""
