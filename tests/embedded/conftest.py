"""Fixtures for the tests that run ``python -m embedded`` as a child process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest


@pytest.fixture
async def launcher_cleanup() -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """Kills any launcher a failing test left running (its server dies with it)."""
    started: list[asyncio.subprocess.Process] = []
    yield started
    for launcher in started:
        if launcher.returncode is None:
            launcher.kill()
            await launcher.wait()
