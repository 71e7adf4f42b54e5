"""The real worker in a process of its own, so that a test can kill it (SIGKILL).

``python -m tests.workflows.worker_process TARGET QUEUE DATABASE_URL``; prints ``ready``
once it polls, then serves until killed.
"""

from __future__ import annotations

import asyncio
import sys

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from activities.channels import Senders
from store.db import make_engine
from worker.main import serving


async def main(target: str, queue: str, database_url: str) -> None:
    """Run the worker until killed."""
    client = await Client.connect(target, data_converter=pydantic_data_converter)
    async with serving(client, queue, make_engine(database_url), Senders(), threads=4):
        print("ready", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    target, queue, url = sys.argv[1:4]
    asyncio.run(main(target, queue, url))
