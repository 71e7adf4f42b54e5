"""The workload of the chaos run: generated councils (some people with an e-mail address
and a webhook), each driven through a whole year by several concurrent clients. Every
command carries its own update id and is sent again under that id after a timeout or a
failure; some are sent twice at once from two clients, and some are meant to be refused.
The ``Ledger`` keeps what each client was told, for the checks at the end."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.service import RPCError

import store
from application.commands import CommandRefused
from application.cycles import CycleError, send, start_cycle, wait_for_state
from bench.cycle_plan import cycle_commands
from bench.population import member_id, municipality_files
from config import Settings
from domain.commands import CastVoteInput, CloseCycleInput, Command, SubmitPlanInput

#: People who get e-mail and webhooks besides the inbox (the others: inbox only).
CONTACT_SEATS = ("chair", "coord")


def contact_people(councils: int) -> set[str]:
    """The ids of everybody with an e-mail address and a webhook."""
    return {member_id(i, s) for i in range(councils) for s in CONTACT_SEATS}


def load_councils(engine: Engine, councils: int, webhook_url: str) -> None:
    """The generated councils, with e-mail and webhook for ``CONTACT_SEATS``."""
    contacts = contact_people(councils)
    for data in municipality_files(councils):
        people = tuple(
            p.model_copy(
                update={"email": f"{p.id}@example.jp", "webhook_url": f"{webhook_url}/{p.id}"}
            )
            if p.id in contacts
            else p
            for p in data.people
        )
        with store.session_scope(engine) as session:
            store.load_municipality(session, data.model_copy(update={"people": people}))


@dataclass
class Sent:
    """One command as the clients saw it."""

    council: int
    update_id: str
    command: Command
    expect_accept: bool
    #: ``accepted``, ``refused``, ``failed`` (an error that is not a refusal) or ``lost``
    #: (no answer before the deadline).
    outcome: str = "pending"
    seq: int | None = None
    refusal: str | None = None
    attempts: int = 0
    #: Sequence numbers answered to each concurrent sender of the same update id.
    seqs_seen: list[int] = field(default_factory=list)
    #: What each sender was told in the end (``accepted``, ``refused:<code>``, ...): two
    #: senders of one update id must be told the same.
    answers: list[str] = field(default_factory=list)
    error: str | None = None

    def settle(self) -> None:
        """The outcome from every sender's answer: accepted when any was told so."""
        for outcome in ("accepted", "refused", "failed", "lost"):
            if any(a.split(":")[0] == outcome for a in self.answers):
                self.outcome = outcome
                return


@dataclass
class Ledger:
    """Every command sent, and the time of every accepted one (to measure recovery)."""

    sent: list[Sent] = field(default_factory=list)
    accepted_at: list[float] = field(default_factory=list)
    retries: int = 0
    start_failures: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        """Commands accepted so far."""
        return len(self.accepted_at)


@dataclass(frozen=True)
class LoadSettings:
    """How the clients behave."""

    fiscal_year: int
    attempt_timeout: float
    command_deadline: float
    duplicate_rate: float
    noise_rate: float


class Driver:
    """Drives councils through their year with ``clients`` (one connection each)."""

    def __init__(
        self,
        clients: list[Client],
        settings: Settings,
        load: LoadSettings,
        ledger: Ledger,
        seed: int,
        on_accepted: Callable[[], None],
    ) -> None:
        self.clients = clients
        self.settings = settings
        self.load = load
        self.ledger = ledger
        self.seed = seed
        self.on_accepted = on_accepted

    async def council(self, index: int) -> None:
        """Open the council's cycle and send its whole year."""
        rng = random.Random(f"{self.seed}-council-{index}")
        year = self.load.fiscal_year
        await self._open(index)
        commands = cycle_commands(index, year)
        position = 0
        while position < len(commands):
            if rng.random() < self.load.noise_rate:
                await self._one(rng, index, _noise(rng, index, year), expect_accept=False)
            command = commands[position]
            if isinstance(command, CastVoteInput):
                votes = [c for c in commands[position:] if isinstance(c, CastVoteInput)]
                await asyncio.gather(*(self._one(rng, index, v, True) for v in votes))
                position += len(votes)
                continue
            await self._one(rng, index, command, expect_accept=True)
            position += 1

    async def _open(self, index: int) -> None:
        council = f"bench-{index:05d}"
        deadline = time.monotonic() + self.load.command_deadline
        while True:
            client = self.clients[index % len(self.clients)]
            try:
                await start_cycle(client, self.settings, council, self.load.fiscal_year)
                await wait_for_state(
                    client, council, self.load.fiscal_year, self.load.attempt_timeout
                )
                return
            except Exception as exc:  # an outage: try again until the deadline
                if time.monotonic() > deadline:
                    self.ledger.start_failures.append(f"{council}: {type(exc).__name__}")
                    raise
                self.ledger.retries += 1
                await asyncio.sleep(2.0)

    async def _one(
        self, rng: random.Random, index: int, command: Command, expect_accept: bool
    ) -> None:
        update_id = f"chaos-{self.seed}-{index}-{len(self.ledger.sent)}-{rng.getrandbits(32):08x}"
        sent = Sent(index, update_id, command, expect_accept)
        self.ledger.sent.append(sent)
        senders = 2 if rng.random() < self.load.duplicate_rate else 1
        first = rng.randrange(len(self.clients))
        clients = [self.clients[(first + k) % len(self.clients)] for k in range(senders)]
        await asyncio.gather(*(self._until_answered(c, sent) for c in clients))
        sent.settle()
        if sent.outcome == "accepted":
            self.ledger.accepted_at.append(time.monotonic())
            self.on_accepted()

    async def _until_answered(self, client: Client, sent: Sent) -> None:
        council = f"bench-{sent.council:05d}"
        deadline = time.monotonic() + self.load.command_deadline
        while True:
            sent.attempts += 1
            try:
                receipt = await send(
                    client,
                    council,
                    self.load.fiscal_year,
                    sent.command,
                    answer_within=self.load.attempt_timeout,
                    command_id=sent.update_id,
                )
            except CommandRefused as exc:
                sent.refusal = exc.code
                sent.answers.append(f"refused:{exc.code}")
                return
            except (CycleError, RPCError, RuntimeError, OSError) as exc:
                # Timeouts, a busy cycle, the server away: the same id again, later.
                sent.error = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
                if time.monotonic() > deadline:
                    sent.answers.append("lost")
                    return
                self.ledger.retries += 1
                await asyncio.sleep(1.0 + random.random())
                continue
            except Exception as exc:  # not a refusal, not an outage: a failure to report
                sent.answers.append("failed")
                sent.error = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
                return
            sent.seqs_seen.append(receipt.seq)
            sent.seq = receipt.seq
            sent.answers.append("accepted")
            return


def _noise(rng: random.Random, index: int, year: int) -> Command:
    """A command the rules always refuse: the wrong person for it, whatever the step."""
    if rng.random() < 0.5:
        return CloseCycleInput(actor=member_id(index, "m1"))
    plan = next(c for c in cycle_commands(index, year) if isinstance(c, SubmitPlanInput))
    return plan.model_copy(update={"actor": member_id(index, "m2")})
