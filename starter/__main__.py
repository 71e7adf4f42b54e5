"""``python -m starter``: the council cycle CLI (see ``starter.cli``)."""

from __future__ import annotations

import os
import sys

from starter.cli import run

if __name__ == "__main__":
    code = run(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    # The Temporal SDK can crash at interpreter exit after all work is done
    # (TEMPORAL-NOTES gotcha 6); the output is flushed, so leave without the teardown.
    os._exit(code)
