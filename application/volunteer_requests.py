"""Volunteer requests (ボランティア依頼・募集): the use cases the console and the CLI call.

The coordinator (or the chief coordinator, or the board) of a council makes a request
for an activity of the plan, sends it to chosen registered volunteers and/or publishes it
on the municipality's public page, accepts applications from that page, and sees how far
it is filled. (Volunteers answer from a signed link without signing in, and residents
apply on the public page: ``application.volunteer_public``.) Each request runs
as its own workflow (``workflows.volunteer_request``); its updates carry a command id, so
a re-sent command is applied once.
"""

from __future__ import annotations

import logging
from datetime import date, time
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session
from temporalio.client import WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from application import audit
from application.commands import CommandRefused, check_command_id, new_command_id
from application.context import Context
from application.errors import AppError
from application.permissions import VOLUNTEER_STAFF, roles_on, visible_councils
from contracts.volunteer_requests import (
    UPDATE_ANSWER,
    UPDATE_CANCEL,
    UPDATE_INVITE,
    WORKFLOW_NAME,
    AnswerInput,
    CancelInput,
    InviteInput,
    RequestInput,
)
from domain.commands import CancelActivityInput, Command
from domain.japan_time import current_fiscal_year
from domain.refusals import Refusal
from domain.text_rules import MultiLineStr, OneLineStr
from domain.volunteer_requests import (
    NOTES_MAX,
    PLACE_MAX,
    SKILL_MAX,
    SKILLS_MAX,
    TITLE_MAX,
    RequestSpec,
    RequestState,
    choose,
    council_of_request_key,
    open_request,
    request_key,
)
from domain.volunteer_requests import Place as Place
from domain.volunteer_requests import Reply as Reply
from domain.volunteer_requests import Status as Status
from store import volunteer_applications as applications
from store import volunteer_requests as requests
from store.errors import NotFound
from store.volunteer_applications import ApplicationLine
from store.volunteer_requests import AnswerLine
from store.volunteer_requests import RequestView as RequestView


class NewRequest(BaseModel):
    """What the coordinator fills in for a new request (every text bounded)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    council_id: str = Field(min_length=1, max_length=64)
    fiscal_year: int = Field(ge=2000, le=2200)
    activity_id: str = Field(min_length=1, max_length=64)
    title: OneLineStr = Field(min_length=1, max_length=TITLE_MAX)
    needed: int = Field(ge=1, le=200)
    held_on: date
    starts_at: time | None = None
    place: OneLineStr = Field(default="", max_length=PLACE_MAX)
    skills: tuple[Annotated[OneLineStr, Field(min_length=1, max_length=SKILL_MAX)], ...] = Field(
        default=(), max_length=SKILLS_MAX
    )
    reply_by: date
    notes: MultiLineStr = Field(default="", max_length=NOTES_MAX)
    public: bool = False


class CandidateLine(BaseModel):
    """A registered volunteer the coordinator may ask (names are for staff only)."""

    model_config = ConfigDict(frozen=True)

    volunteer_id: str
    name: str
    fields_of_help: tuple[str, ...]
    past_activities: int


class RequestPage(BaseModel):
    """The coordinator's page of one request."""

    model_config = ConfigDict(frozen=True)

    request: RequestView
    municipality_id: str
    answers: tuple[AnswerLine, ...]
    applications: tuple[ApplicationLine, ...]
    unsent_notices: int


log = logging.getLogger(__name__)


def current_year(ctx: Context) -> int:
    """The fiscal year of the context's clock (Japan time)."""
    return current_fiscal_year(ctx.now())


def key_of(council_id: str, fiscal_year: int, number: int) -> str:
    """The business key of a council's ``number``-th request of ``fiscal_year``."""
    return request_key(council_id[:64], fiscal_year, number)


def _staff_roles(ctx: Context, session: Session, council_id: str) -> None:
    """Refuse unless the asker is a coordinator, the chief or the board of the council."""
    viewer = ctx.principal.viewer
    if viewer is None:
        if ctx.principal.is_local_operator:
            return
        raise AppError("role_needed", roles="coordinator", target=council_id)
    if not roles_on(session, viewer, council_id) & VOLUNTEER_STAFF:
        raise AppError("role_needed", roles="coordinator", target=council_id)


def _refused(exc: WorkflowUpdateFailedError) -> CommandRefused:
    cause = exc.cause
    if isinstance(cause, ApplicationError) and cause.type == "Refusal" and cause.details:
        detail = cause.details[0]
        if isinstance(detail, dict) and isinstance(detail.get("code"), str):
            params = {str(k): str(v) for k, v in (detail.get("params") or {}).items()}
            return CommandRefused(detail["code"], params)
    raise exc


async def update_request(
    ctx: Context, key: str, name: str, argument: Any, command_id: str | None
) -> RequestState:
    """Send one update to the request's workflow under its command id (exactly once);
    ``application.volunteer_public`` sends the volunteers' answers through it too."""
    update_id = new_command_id() if command_id is None else check_command_id(command_id)
    client = await ctx.temporal()
    try:
        state: RequestState = await client.get_workflow_handle(key).execute_update(
            name, argument, id=update_id, result_type=RequestState
        )
    except WorkflowUpdateFailedError as exc:
        raise _refused(exc) from exc
    return state


async def create_request(ctx: Context, given: NewRequest) -> RequestView:
    """Make a request (numbered per council and year) and start its workflow."""

    def reserve(session: Session) -> RequestSpec:
        _staff_roles(ctx, session, given.council_id)
        number = requests.next_number(session, given.council_id, given.fiscal_year)
        spec = RequestSpec(number=number, **given.model_dump())
        try:
            open_request(spec, ctx.now())
        except Refusal as refusal:
            raise CommandRefused(refusal.code, refusal.params) from refusal
        requests.insert_request(session, spec, ctx.principal.actor.id, ctx.now())
        return spec

    spec = ctx.unit_of_work(reserve)
    client = await ctx.temporal()
    await client.start_workflow(
        WORKFLOW_NAME,
        RequestInput(spec=spec, created_by=ctx.principal.actor.id[:64]),
        id=spec.key,
        task_queue=ctx.config.task_queue,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    return ctx.unit_of_work(lambda session: requests.request_view(session, spec.key))


def candidates(
    ctx: Context, key: str, skill: str = "", area: str = "", min_past: int = 0
) -> list[CandidateLine]:
    """The registered volunteers to ask, chosen by skill, area and past participation
    (their names: a read of personal data, audited)."""

    def read(session: Session) -> list[CandidateLine]:
        view = _staff_view(ctx, session, key)
        audit.record_in(session, ctx.principal.actor, audit.AuditAction.READ_PERSONAL_DATA,
                        key, {"what": "volunteer_candidates"})  # fmt: skip
        municipality = requests.municipality_of_council(session, view.council_id)
        found = requests.candidates(session, municipality, view.held_on)
        chosen = choose(found, skill[:SKILL_MAX], area[:100], max(0, min(min_past, 1000)))
        by_id = {c.volunteer_id: c for c in found}
        names = requests.volunteer_names(session, list(chosen))
        return [
            CandidateLine(volunteer_id=v, name=names.get(v, v),
                          fields_of_help=by_id[v].fields_of_help,
                          past_activities=by_id[v].past_activities)
            for v in chosen
        ]  # fmt: skip

    return ctx.unit_of_work(read)


async def send_request(
    ctx: Context, key: str, volunteer_ids: list[str], command_id: str | None = None
) -> RequestState:
    """Send the request to these registered volunteers (each is told once)."""
    ctx.unit_of_work(lambda session: _staff_view(ctx, session, key))
    try:
        given = InviteInput(volunteer_ids=tuple(volunteer_ids))
    except ValidationError as exc:
        raise AppError("request_invalid", detail=_first_problem(exc)) from exc
    return await update_request(ctx, key, UPDATE_INVITE, given, command_id)


async def record_answer(
    ctx: Context, key: str, volunteer_id: str, reply: Reply, command_id: str | None = None
) -> RequestState:
    """The coordinator records a volunteer's answer given by telephone or in person."""
    ctx.unit_of_work(lambda session: _staff_view(ctx, session, key))
    try:
        given = AnswerInput(volunteer_id=volunteer_id, reply=reply)
    except ValidationError as exc:
        raise AppError("request_invalid", detail=_first_problem(exc)) from exc
    return await update_request(ctx, key, UPDATE_ANSWER, given, command_id)


def _staff_view(ctx: Context, session: Session, key: str) -> RequestView:
    """The request, for its council's staff (checked before anything is read)."""
    council_id = council_of_request_key(key)
    if council_id is None:
        raise NotFound("その依頼はありません")
    _staff_roles(ctx, session, council_id)
    return requests.request_view(session, key)


def _first_problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return f"{'.'.join(str(p) for p in first['loc']) or '-'}: {first['type']}"


def list_requests(
    ctx: Context, fiscal_year: int, council_id: str | None = None
) -> list[RequestView]:
    """The requests of one council, or of every council the asker sees (the chief: every
    school they support)."""

    def read(session: Session) -> list[RequestView]:
        if council_id is not None:
            _staff_roles(ctx, session, council_id)
            return requests.requests_of(session, [council_id], fiscal_year)
        viewer = ctx.principal.viewer
        if viewer is None:
            if not ctx.principal.is_local_operator:
                raise AppError("role_needed", roles="coordinator", target="requests")
            return requests.all_requests(session, fiscal_year)
        mine = [c for c in visible_councils(session, viewer)
                if roles_on(session, viewer, c) & VOLUNTEER_STAFF]  # fmt: skip
        return requests.requests_of(session, mine, fiscal_year)

    return ctx.unit_of_work(read)


def request_page(ctx: Context, key: str) -> RequestPage:
    """The request with its fill, who stands where, and the applications to decide."""

    def read(session: Session) -> RequestPage:
        view = _staff_view(ctx, session, key)
        audit.record_in(session, ctx.principal.actor, audit.AuditAction.READ_PERSONAL_DATA,
                        key, {"what": "volunteer_request"})  # fmt: skip
        return RequestPage(
            request=view,
            municipality_id=requests.municipality_of_council(session, view.council_id),
            answers=tuple(requests.answers(session, key)),
            applications=tuple(applications.pending_applications(session, key)),
            unsent_notices=sum(1 for n in requests.notices(session, key) if n.status != "sent"),
        )

    return ctx.unit_of_work(read)


async def decide_application(
    ctx: Context, key: str, application_id: int, accept: bool, command_id: str | None = None
) -> RequestState | None:
    """Accept an application (the applicant is registered and answers 参加できる) or
    decline it (their name and contact are blanked)."""

    def decide(session: Session) -> str | None:
        _staff_view(ctx, session, key)
        return applications.decide_application(
            session, key, application_id, accept, ctx.today(), ctx.now()
        )

    volunteer_id = ctx.unit_of_work(decide)
    if volunteer_id is None:
        return None
    answer = AnswerInput(volunteer_id=volunteer_id, reply=Reply.CAN)
    return await update_request(
        ctx, key, UPDATE_ANSWER, answer, command_id or f"accept-{application_id}"
    )


async def cancel_for_activity(
    ctx: Context, council_id: str, fiscal_year: int, activity_id: str
) -> int:
    """Cancel the activity's open requests (their confirmed and waiting volunteers are
    told); how many. For the coordinator; ``activity_cancelled`` does it by itself."""
    ctx.unit_of_work(lambda session: _staff_roles(ctx, session, council_id))
    return await _cancel_requests(ctx, council_id, fiscal_year, activity_id)


async def activity_cancelled(
    ctx: Context, council_id: str, fiscal_year: int, command: Command
) -> int:
    """After the cycle accepted ``command``: when it cancelled an activity, cancel the
    activity's open requests (the cycle's acceptance is the authority); how many."""
    if not isinstance(command, CancelActivityInput):
        return 0
    return await _cancel_requests(ctx, council_id, fiscal_year, command.activity_id)


async def _cancel_requests(
    ctx: Context, council_id: str, fiscal_year: int, activity_id: str
) -> int:
    keys = ctx.unit_of_work(
        lambda session: requests.open_requests_for_activity(
            session, council_id, fiscal_year, activity_id
        )
    )
    cancelled = 0
    for key in keys:
        try:
            await update_request(ctx, key, UPDATE_CANCEL, CancelInput(), f"cancel-{activity_id}")
        except (RPCError, CommandRefused) as exc:
            # The activity's cancellation stands; the request is left for the coordinator.
            log.warning("request %s not cancelled: %s", key, type(exc).__name__)
            continue
        cancelled += 1
    return cancelled


def record_prefill(
    ctx: Context, council_id: str, fiscal_year: int, activity_id: str
) -> tuple[date | None, tuple[str, ...]]:
    """The activity record form's first values: the day and the confirmed volunteers."""

    def read(session: Session) -> tuple[date | None, tuple[str, ...]]:
        _staff_roles(ctx, session, council_id)
        return requests.confirmed_for_activity(session, council_id, fiscal_year, activity_id[:64])

    return ctx.unit_of_work(read)
