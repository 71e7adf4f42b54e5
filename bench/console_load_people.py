"""Signing people in through the console's real link flow, and bringing councils to the
step their load needs, through the same forms a browser posts."""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from bench.console_load_http import Answer, Browser, location_path
from bench.console_load_stack import SEATS, address, council_id, person_id

#: Link requests a client may make per window (``application.identity``: 30 per 15 min);
#: a few fewer, so a retry never hits the limit.
LINKS_PER_SOURCE = 25
TIMEOUT = 30.0
_LINK = re.compile(r"(/signin/link\?token=[A-Za-z0-9_\-]+)")
_TASK = re.compile(rb'name="task_id" value="([^"]+)"')
_CALL = re.compile(rb'/calls/(call-[0-9a-f]+)"')
VOTERS = ("chair", "m1", "m2", "m3", "m4")
#: Who replies to a meeting call under load.
REPLIERS = ("m1", "m2", "m3", "m4", "principal")


class FlowError(RuntimeError):
    """A step of the set-up did not give the answer a browser would get."""


def source_address(number: int) -> str:
    """The loopback address the ``number``-th sign-in comes from (127.0.0.2 …)."""
    return f"127.0.0.{2 + number // LINKS_PER_SOURCE}"


def _expect(answer: Answer, status: int, what: str) -> Answer:
    if answer.status != status:
        raise FlowError(f"{what}: {answer.status} (expected {status})")
    return answer


@dataclass
class Person:
    """A signed-in person: their browser and the session's CSRF token."""

    person_id: str
    browser: Browser
    csrf: str = ""


async def sign_in_all(
    people: list[str], port: int, mail_dir: Path, say: Callable[[str], None]
) -> dict[str, Person]:
    """Sign every person in: request a link on ``/signin``, read it from the ``.eml`` the
    console wrote, open it and confirm it. Requests come from a fresh loopback address per
    ``LINKS_PER_SOURCE`` people, so no client passes the console's rate limit."""
    signed: dict[str, Person] = {}
    seen: set[Path] = set()
    links: dict[str, str] = {}
    lanes = asyncio.Semaphore(8)

    async def one(number: int, who: str) -> None:
        async with lanes:
            browser = Browser("127.0.0.1", port, source_address(number))
            page = _expect(await browser.get("/signin", TIMEOUT), 200, "GET /signin")
            form = [("csrf", page.csrf()), ("email", address(who))]
            _expect(await browser.post("/signin", form, TIMEOUT), 200, "POST /signin")
            link = await _link_for(address(who), mail_dir, seen, links)
            page = _expect(await browser.get(link, TIMEOUT), 200, "GET link")
            token = link.split("token=", 1)[1]
            confirm = [("csrf", page.csrf()), ("token", token)]
            _expect(await browser.post("/signin/link", confirm, TIMEOUT), 303, "POST link")
            me = _expect(await browser.get("/me", TIMEOUT), 200, "GET /me")
            signed[who] = Person(who, browser, me.csrf())

    started = time.monotonic()
    await asyncio.gather(*(one(n, who) for n, who in enumerate(people)))
    say(f"signed in {len(signed)} people in {time.monotonic() - started:.1f} s")
    return signed


async def _link_for(to: str, mail_dir: Path, seen: set[Path], links: dict[str, str]) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if to in links:
            return links.pop(to)
        _read_mail(mail_dir, seen, links)
        await asyncio.sleep(0.1)
    raise FlowError("no sign-in mail arrived within 30 s")


def _read_mail(mail_dir: Path, seen: set[Path], links: dict[str, str]) -> None:
    """Add the sign-in link of each new ``.eml`` to ``links``, by recipient."""
    for path in sorted(mail_dir.glob("*.eml")) if mail_dir.is_dir() else []:
        if path in seen:
            continue
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = message.get_body(("plain",))
        found = _LINK.search(body.get_content() if body is not None else "")
        # A file still being written has no link yet: read it again next time.
        if found is not None:
            seen.add(path)
            links[str(message["To"])] = found.group(1)


def command_form(person: Person, fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``fields`` plus the CSRF token and a fresh command id, as the page's form has."""
    return [("csrf", person.csrf), ("command_id", str(uuid.uuid4())), *fields]


async def act(person: Person, path: str, fields: list[tuple[str, str]], what: str) -> Answer:
    """Post a form expecting the redirect, then open the page it leads to."""
    answer = await person.browser.post(path, command_form(person, fields), TIMEOUT)
    _expect(answer, 303, f"{what} ({answer.body[:300]!r})")
    return _expect(await person.browser.get(location_path(answer), TIMEOUT), 200, what)


@dataclass
class Council:
    """One council under load: what its people can do next."""

    index: int
    year: int
    kind: str  # "vote", "call" or "tasks"
    call_id: str = ""
    tasks: list[str] = field(default_factory=list)
    meetings: int = 0

    @property
    def url(self) -> str:
        """The council's cycle page."""
        return f"/councils/{council_id(self.index)}/{self.year}"


def meeting_fields(index: int, day: date, vision: bool) -> list[tuple[str, str]]:
    """A ``record_meeting`` form: every member present."""
    fields = [("held_on", day.isoformat())]
    fields += [("attendance", person_id(index, s)) for s, _ in SEATS]
    fields += [("minutes_public", "ベンチの議事録"), ("minutes_closed", "")]
    if vision:
        fields.append(("vision_draft", "ベンチのビジョン"))
    return fields


async def prepare(council: Council, people: dict[str, Person], today: date) -> None:
    """Bring the council to its load: a meeting call open (``call``), a vote open
    (``vote``), or the coordinate step with 30 open tasks (``tasks``)."""
    i = council.index
    chair = people[person_id(i, "chair")]
    if council.kind in ("vote", "tasks"):
        await act(chair, f"{council.url}/record_meeting", meeting_fields(i, today, True), "meet")
        council.meetings += 1
        await act(chair, f"{council.url}/close_discussion", [], "close discussion")
        principal = people[person_id(i, "principal")]
        await act(principal, f"{council.url}/submit_policy", [("text", "ベンチの方針")], "policy")
    if council.kind == "tasks":
        for seat in VOTERS:
            fields = [("ballot", "approve"), ("comment", "")]
            await act(people[person_id(i, seat)], f"{council.url}/cast_vote", fields, "vote")
        await act(chair, f"{council.url}/close_vote", [], "close vote")
        coordinator = people[person_id(i, "coord")]
        plan = plan_fields(i, today)
        page = await act(coordinator, f"{council.url}/submit_plan", plan, "plan")
        council.tasks = [t.decode() for t in dict.fromkeys(_TASK.findall(page.body))]
        if not council.tasks:
            raise FlowError("the plan made no tasks")
    # Every council has a meeting call open: members reply to it in any step.
    await _call(council, chair, today)


async def _call(council: Council, chair: Person, today: date) -> None:
    fields = [
        ("held_on", (today + timedelta(days=60)).isoformat()),
        ("starts_at", "18:30"),
        ("place", "ベンチ会議室"),
        ("agenda", "ベンチの議題"),
        ("closed_part", ""),
    ]
    answer = await chair.browser.post(
        f"{council.url}/calls/new", command_form(chair, fields), TIMEOUT
    )
    _expect(answer, 303, f"call ({answer.body[:300]!r})")
    target = location_path(answer)
    found = _CALL.search(f'{target}"'.encode())
    if found is None:
        page = await chair.browser.get(f"{council.url}/calls", TIMEOUT)
        found = _CALL.search(page.body)
    if found is None:
        raise FlowError("no meeting call to reply to")
    council.call_id = found.group(1).decode()


def plan_fields(index: int, today: date) -> list[tuple[str, str]]:
    """A plan of ten activities with an aim and three tasks each, owned by the
    council's coordinator."""
    fields = [("rows", "10")]
    for n in range(1, 11):
        p = f"a{n}_"
        fields += [
            (p + "title", f"活動{n}"),
            (p + "kind", "general"),
            (p + "planned_on", (today + timedelta(days=30 + n)).isoformat()),
            (p + "aim1", f"ねらい{n}"),
        ]
        for k in range(1, 4):
            fields += [
                (f"{p}task{k}", f"準備{n}-{k}"),
                (f"{p}task{k}_owner", person_id(index, "coord")),
                (f"{p}task{k}_due", (today + timedelta(days=20)).isoformat()),
            ]
    return fields


#: One council's set-up, to run.
SetupStep = Callable[[], Awaitable[None]]


async def in_turn(steps: Sequence[SetupStep], lanes: int) -> None:
    """Run ``steps`` with at most ``lanes`` at once; the first failure is raised."""
    gate = asyncio.Semaphore(lanes)

    async def one(step: SetupStep) -> None:
        async with gate:
            await step()

    await asyncio.gather(*(one(s) for s in steps))
