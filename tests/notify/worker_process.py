"""A worker in a process of its own, so that a test can kill it (SIGKILL) mid-send.

``python -m tests.notify.worker_process TARGET QUEUE DATABASE_URL SMTP_PORT SECRET``;
prints ``ready`` once it polls.
"""

from __future__ import annotations

import asyncio
import sys

from pydantic import SecretStr
from temporalio.client import Client

from activities.channels import Senders
from activities.channels.email import SmtpSender
from activities.channels.webhook import WebhookSender
from store.db import make_engine
from tests.encryption import encrypting_converter
from worker.main import serving


async def main(target: str, queue: str, database_url: str, smtp_port: int, secret: str) -> None:
    """Run the worker until killed."""
    client = await Client.connect(target, data_converter=encrypting_converter())
    senders = Senders(
        email=SmtpSender("127.0.0.1", smtp_port, "plain", "cycle@notify.example.jp", timeout=3),
        webhook=WebhookSender(SecretStr(secret), timeout=3),
    )
    async with serving(client, queue, make_engine(database_url), senders, threads=4):
        print("ready", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    target, queue, url, port, secret = sys.argv[1:6]
    asyncio.run(main(target, queue, url, int(port), secret))
