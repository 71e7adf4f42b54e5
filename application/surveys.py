"""Use cases of the school-evaluation survey (学校関係者評価アンケート): the chair opens it
in the evaluate step from the year's aims, closes it early and screens the comments (each
a command to the survey's workflow, checked by the pure rules first); anyone with the link
answers once per device, without signing in; the council reads the results beside each aim.

Why answers bypass the workflow: they come from nobody in particular (no principal, no
actor a rule could check), a school gets hundreds, and each would be one more update in a
history that must stay small. The store takes them (one per device, none after
``closes_at``), and the workflow owns the survey's lifecycle: its closing timer, the
chair's commands, and the row every page reads.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date

import segno
from sqlalchemy.orm import Session
from temporalio.client import WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from application import cycles
from application.commands import CommandRefused, check_command_id, new_command_id
from application.context import Context
from application.cycles import refusal_from
from application.permissions import require_actor_on_council, require_council_reader
from contracts.opinions import SURVEY_WORKFLOW
from domain.base import Role
from domain.refusals import Refusal
from domain.surveys import (
    CloseSurveyInput,
    OpenSurveyInput,
    ScreenCommentInput,
    SurveyAnswer,
    check_answer,
    check_open,
    check_opener,
    questions_from_aims,
    survey_workflow_id,
)
from store import surveys as survey_store
from store.directory import council_name

#: How long ``open_survey`` waits for the workflow to write the survey's row.
OPEN_WITHIN = 30.0
#: The longest device cookie taken (it is hashed before it is kept).
DEVICE_MAX = 64


def _refused(refusal: Refusal) -> CommandRefused:
    return CommandRefused(refusal.code, dict(refusal.params))


@dataclass(frozen=True)
class SurveyView:
    """The survey and its results as the council sees them."""

    survey: survey_store.Survey
    results: survey_store.SurveyResults
    council_name: str
    is_chair: bool

    @property
    def closed(self) -> bool:
        """Whether answers are no longer taken (closed by the chair or by its date)."""
        return self.survey.closed_at is not None


def _actor(ctx: Context, actor: str | None) -> str:
    """Who the command is sent as: the face names them (the signed-in person, or the
    CLI's ``--as`` after its own check); else the principal's own person."""
    if actor:
        return actor
    if ctx.principal.person_id is None:
        raise CommandRefused("invalid_command", {"detail": "actor"})
    return ctx.principal.person_id


async def open_survey(
    ctx: Context,
    council_id: str,
    fiscal_year: int,
    closes_on: date,
    own_questions: tuple[str, ...] = (),
    actor: str | None = None,
) -> survey_store.Survey:
    """Open the year's survey from its aims (and the council's own questions); the
    survey with its link token. Opening twice is refused (``survey_exists``)."""
    who = _actor(ctx, actor)
    ctx.unit_of_work(lambda session: require_actor_on_council(session, who, council_id))
    client = await ctx.temporal()
    state = await cycles.state(client, council_id, fiscal_year)
    aims = [(aim_id, aim.text) for aim_id, (_, aim) in state.aims().items()]
    try:
        check_opener(who, state.roster, state.step)
        data = OpenSurveyInput(
            actor=who, council_id=council_id, fiscal_year=fiscal_year, closes_on=closes_on,
            questions=questions_from_aims(aims, own_questions),
            link_token=secrets.token_urlsafe(16),
        )  # fmt: skip
        check_open(data, state.roster, state.step, ctx.today())
    except Refusal as refusal:
        raise _refused(refusal) from None
    try:
        await client.start_workflow(
            SURVEY_WORKFLOW,
            data,
            id=survey_workflow_id(council_id, fiscal_year),
            task_queue=ctx.config.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        )
    except WorkflowAlreadyStartedError:
        raise CommandRefused("survey_exists", {}) from None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + OPEN_WITHIN
    while True:
        found = ctx.unit_of_work(
            lambda session: survey_store.survey_of(session, council_id, fiscal_year)
        )
        if found is not None:
            return found
        if loop.time() > deadline:
            raise CommandRefused("cycle_opening", {})
        await asyncio.sleep(0.1)


async def survey_command(
    ctx: Context,
    council_id: str,
    fiscal_year: int,
    command: CloseSurveyInput | ScreenCommentInput,
    command_id: str | None = None,
) -> None:
    """Close the survey early, or show or hide one comment, under ``command_id``."""
    update_id = new_command_id() if command_id is None else check_command_id(command_id)
    command = type(command).model_validate(
        {**command.model_dump(), "actor": _actor(ctx, command.actor)}
    )
    ctx.unit_of_work(lambda session: require_actor_on_council(session, command.actor, council_id))
    client = await ctx.temporal()
    handle = client.get_workflow_handle(survey_workflow_id(council_id, fiscal_year))
    try:
        await handle.execute_update(command.kind, command, id=update_id, result_type=bool)
    except WorkflowUpdateFailedError as exc:
        refusal = refusal_from(exc.cause)
        if refusal is None:
            raise
        raise refusal from exc
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise
        raise CommandRefused("survey_not_open", {}) from exc


def survey_view(ctx: Context, council_id: str, fiscal_year: int) -> SurveyView | None:
    """The council's survey of the year with its results (``None`` before it opens).
    The chair sees every comment to screen it; everyone else the ones the chair let
    through."""

    def read(session: Session) -> SurveyView | None:
        roles = require_council_reader(session, ctx.principal, council_id)
        survey = survey_store.survey_of(session, council_id, fiscal_year)
        if survey is None:
            return None
        results = survey_store.results(session, survey)
        chair = Role.CHAIR in roles
        if not chair:
            results = survey_store.SurveyResults(
                results.answers, results.questions, results.shown()
            )
        return SurveyView(survey, results, council_name(session, council_id), chair)

    return ctx.unit_of_work(read)


@dataclass(frozen=True)
class SurveyForm:
    """What the anonymous answer page shows: the questions, never who the council is by
    id (its name only), and whether it still takes answers."""

    link_token: str
    council_name: str
    fiscal_year: int
    questions: tuple[tuple[str, str], ...]
    open: bool


def survey_form(ctx: Context, link_token: str) -> SurveyForm | None:
    """The survey the link opens (``None`` for an unknown link)."""

    def read(session: Session) -> SurveyForm | None:
        survey = survey_store.survey_by_token(session, link_token[:64])
        if survey is None:
            return None
        return SurveyForm(
            link_token=survey.link_token,
            council_name=council_name(session, survey.council_id),
            fiscal_year=survey.fiscal_year,
            questions=tuple((q.key, q.text) for q in survey.questions),
            open=survey.closed_at is None and ctx.now() < survey.closes_at,
        )

    return ctx.unit_of_work(read)


def device_key(cookie: str) -> str:
    """What the store keeps of a device's cookie: its hash, never the cookie."""
    return hashlib.sha256(cookie[:DEVICE_MAX].encode()).hexdigest()


def answer_survey(ctx: Context, link_token: str, device: str, answer: SurveyAnswer) -> None:
    """Keep one anonymous answer from ``device`` (its cookie); ``CommandRefused`` when the
    survey is closed, the answer is empty or this device answered already."""

    def keep(session: Session) -> None:
        survey = survey_store.survey_by_token(session, link_token[:64])
        if survey is None:
            raise CommandRefused("survey_not_open", {})
        try:
            check_answer(
                answer, survey.questions, survey.closes_at, survey.closed_at is not None,
                ctx.now(),
            )  # fmt: skip
        except Refusal as refusal:
            raise _refused(refusal) from None
        ratings = {key: int(point) for key, point in answer.ratings.items()}
        if not survey_store.add_answer(
            session, survey.id, device_key(device), ratings, answer.comment, ctx.now()
        ):
            raise CommandRefused("survey_already_answered", {})

    ctx.unit_of_work(keep)


def qr_svg(url: str) -> str:
    """The link as a QR code, drawn as an SVG element (printable; no script, no network)."""
    return str(segno.make(url, error="m").svg_inline(scale=6, title="QR"))


__all__ = [
    "CloseSurveyInput",
    "ScreenCommentInput",
    "SurveyAnswer",
    "SurveyForm",
    "SurveyView",
    "answer_survey",
    "is_chair",
    "open_survey",
    "qr_svg",
    "survey_command",
    "survey_form",
    "survey_view",
]


def is_chair(ctx: Context, council_id: str) -> bool:
    """Whether the asker chairs the council (before the survey exists: who may open it);
    refused in one line when the council is not theirs to see."""
    return ctx.unit_of_work(
        lambda session: Role.CHAIR in require_council_reader(session, ctx.principal, council_id)
    )
