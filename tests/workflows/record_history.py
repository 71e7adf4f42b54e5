"""Kept for the command the README names: records every replay fixture, as
``python -m tests.histories.record`` does (see there)."""

from __future__ import annotations

from tests.histories.record import main

if __name__ == "__main__":
    main()
