"""The CLI's commands, one module per command or command group, named after it
(``cycle.py`` holds ``cycle start|status|pause|resume|restore``, ``vote.py`` holds
``vote cast|close`` ...). Each module parses its options, calls one use case of
``application/`` with the run's ``Context`` (``starter.cli_auth.context()``) and renders
the result; each has ``register(root)``, which ``starter.cli`` calls in the order of
``--help``. The helpers they share are ``starter/cli_*.py``."""
