"""The load of ``bench.console_load``: commands posted through the console's forms at an
offered rate, open loop, and the probe chair who opens her cycle page and votes every
second on a council with no other load."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from itertools import cycle

from bench.console_load_http import HttpError, location_path
from bench.console_load_people import (
    REPLIERS,
    TIMEOUT,
    VOTERS,
    Council,
    Person,
    command_form,
    meeting_fields,
)
from bench.console_load_stack import person_id

#: Meetings a council may record in a year is 24 (``domain.limits``); the load keeps
#: below it, so a meeting is never refused for that.
MEETINGS_UNDER_LOAD = 20
#: One command in this many is a meeting record (the rest: votes, replies, tasks).
MEETING_EVERY = 10


@dataclass
class Tally:
    """What one rate's load got back."""

    sent: int = 0
    ok: int = 0
    shed: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    first_sent: float = 0.0
    last_done: float = 0.0


@dataclass
class Command:
    """One command to post: who, where, which fields."""

    person: Person
    path: str
    fields: list[tuple[str, str]]
    kind: str


class Workload:
    """Picks the next command for the loaded councils: whatever each council's step
    allows (votes, call replies, meetings, task completions)."""

    def __init__(self, councils: list[Council], people: dict[str, Person], today: date) -> None:
        self.people = people
        self.today = today
        self.turns = cycle(councils)
        self.rng = random.Random(7)
        self.count = 0

    def next(self) -> Command:
        """The next command, councils in turn."""
        council = next(self.turns)
        self.count += 1
        i, url = council.index, council.url
        if self.count % MEETING_EVERY == 0 and council.meetings < MEETINGS_UNDER_LOAD:
            council.meetings += 1
            fields = meeting_fields(i, self.today, False)
            chair = self.people[person_id(i, "chair")]
            return Command(chair, f"{url}/record_meeting", fields, "record_meeting")
        if council.kind == "tasks" and council.tasks:
            task = council.tasks.pop()
            fields = [("task_id", task), ("outcome", "済み")]
            coordinator = self.people[person_id(i, "coord")]
            return Command(coordinator, f"{url}/complete_task", fields, "complete_task")
        if council.kind == "vote":
            voter = self.people[person_id(i, self.rng.choice(VOTERS))]
            ballot = self.rng.choice(("approve", "reject"))
            return Command(voter, f"{url}/cast_vote", [("ballot", ballot), ("comment", "")], "vote")
        replier = self.people[person_id(i, self.rng.choice(REPLIERS))]
        answer = self.rng.choice(("attend", "absent", "undecided"))
        fields = [("answer", answer), ("comment", "")]
        return Command(replier, f"{url}/calls/{council.call_id}/reply", fields, "call_reply")


async def post_and_follow(command: Command, limit: float) -> str:
    """Post the form and open the page the redirect names, as a browser does; ``"ok"`` or
    the kind of error (the status code, ``timeout``, ``connection``)."""
    browser = command.person.browser
    try:
        form = command_form(command.person, command.fields)
        answer = await browser.post(command.path, form, limit)
        if answer.status != 303:
            return str(answer.status)
        page = await browser.get(location_path(answer), limit)
        return "ok" if page.status == 200 else f"{page.status} (page)"
    except TimeoutError:
        return "timeout"
    except (OSError, HttpError, asyncio.IncompleteReadError):
        return "connection"


async def offered_load(
    workload: Workload, rate: float, seconds: float, pool: int, drain: float
) -> Tally:
    """Send ``rate`` commands a second for ``seconds``, each on schedule whatever the
    answers (open loop). At most ``pool`` in flight: a command due while the pool is full
    is not sent and counts as shed. Waits up to ``drain`` s for the last answers."""
    tally = Tally()
    in_flight: set[asyncio.Task[None]] = set()
    start = time.monotonic()
    tally.first_sent = start

    async def one(command: Command) -> None:
        outcome = await post_and_follow(command, TIMEOUT)
        tally.last_done = time.monotonic()
        if outcome == "ok":
            tally.ok += 1
            tally.kinds[command.kind] += 1
        else:
            tally.errors[outcome] += 1

    number = 0
    while (due := start + number / rate) < start + seconds:
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        number += 1
        if len(in_flight) >= pool:
            tally.shed += 1
            continue
        tally.sent += 1
        task = asyncio.create_task(one(workload.next()))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    if in_flight:
        _, late = await asyncio.wait(set(in_flight), timeout=drain)
        for task in late:
            task.cancel()
            tally.errors["unanswered"] += 1
    return tally


@dataclass
class Probe:
    """The probe chair's timings (seconds) and failures."""

    page: list[float] = field(default_factory=list)
    command: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)


async def probe(chair: Person, url: str, stop: asyncio.Event) -> Probe:
    """Every second until ``stop``: open the cycle page (timed), then vote (timed from the
    POST until the page the redirect names is served)."""
    found = Probe()
    ballots = cycle(("approve", "reject"))
    while not stop.is_set():
        tick = time.monotonic()
        try:
            page = await chair.browser.get(url, TIMEOUT)
            if page.status == 200:
                found.page.append(time.monotonic() - tick)
            else:
                found.errors[f"page {page.status}"] += 1
        except TimeoutError:
            found.errors["page timeout"] += 1
        except (OSError, HttpError, asyncio.IncompleteReadError):
            found.errors["page connection"] += 1
        posted = time.monotonic()
        fields = [("ballot", next(ballots)), ("comment", "")]
        outcome = await post_and_follow(Command(chair, f"{url}/cast_vote", fields, "vote"), TIMEOUT)
        if outcome == "ok":
            found.command.append(time.monotonic() - posted)
        else:
            found.errors[f"command {outcome}"] += 1
        # Once a second; a slow answer delays the next open rather than piling up.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), max(0.0, tick + 1.0 - time.monotonic()))
    return found
