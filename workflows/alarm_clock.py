"""A durable alarm clock for the cycle workflow's deadline loop."""

from __future__ import annotations

import asyncio
from datetime import datetime

from temporalio import workflow


class AlarmClock:
    """One durable timer that rings at a given time; setting a new time replaces it."""

    def __init__(self) -> None:
        self._at: datetime | None = None
        self._sleep: asyncio.Task[None] | None = None

    @property
    def rang(self) -> bool:
        """Whether the timer set last has fired."""
        return self._sleep is not None and self._sleep.done()

    def set(self, at: datetime | None) -> None:
        """Ring at ``at`` (``None``: not at all); a timer already set for ``at`` that has
        not rung is kept as it is."""
        if at == self._at and not self.rang:
            return
        if self._sleep is not None and not self._sleep.done():
            self._sleep.cancel()
        self._at = at
        self._sleep = None
        if at is not None:
            seconds = max((at - workflow.now()).total_seconds(), 0.0)
            self._sleep = asyncio.create_task(asyncio.sleep(seconds))
