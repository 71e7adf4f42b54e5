"""The application layer: the one way in that the CLI and the web console both use.

It holds the Temporal client helpers (``cycles``), the store reads and writes that commands
need (``records``, ``task_records``), and, as the console arrives, identity and permission
checks. Neither face keeps a rule of its own: each parses its input, calls this layer and
renders what comes back.
"""
