"""Use cases of the council's opinions (意見申出): the chair drafts one (its own workflow
starts), the council votes on it, the addressee answers; the council's page, the board's
count and the public page read them.

Every command is checked first by the pure rules on what the store knows (a refusal is one
line and nothing is started), then sent to the opinion's workflow under a command id (the
same id again applies once), encrypted for that workflow by the client's converter.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from sqlalchemy.orm import Session
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from application.commands import CommandRefused, check_command_id, new_command_id
from application.context import Context
from application.cycles import refusal_from
from application.permissions import (
    require_actor_on_council,
    require_board,
    require_council_reader,
)
from contracts.opinions import OPINION_WORKFLOW, STATE_QUERY, OpinionInput
from domain.base import Role
from domain.opinions import (
    Addressee,
    AnswerOpinionInput,
    CloseOpinionVoteInput,
    DraftOpinionInput,
    OpinionBallotInput,
    OpinionCommand,
    OpinionState,
    OpinionSubject,
    new_opinion,
    opinion_workflow_id,
)
from domain.refusals import Refusal
from store import opinions as opinion_store
from store.console_auth import council_municipality
from store.directory import council_name

#: How long to wait for an opinion's workflow to answer.
ANSWER_WITHIN = 30.0


@dataclass(frozen=True)
class OpinionsPage:
    """A council's opinions of a year as the asker may see them."""

    council_id: str
    council_name: str
    fiscal_year: int
    opinions: tuple[opinion_store.Opinion, ...]
    roles: frozenset[Role]

    @property
    def is_chair(self) -> bool:
        """Whether the asker chairs the council (drafts and closes votes)."""
        return Role.CHAIR in self.roles


def _refused(refusal: Refusal) -> CommandRefused:
    return CommandRefused(refusal.code, dict(refusal.params))


def _actor(ctx: Context, actor: str | None) -> str:
    """Who the command is sent as: the face names them (the signed-in person, or the
    CLI's ``--as`` after its own check); else the principal's own person."""
    if actor:
        return actor
    if ctx.principal.person_id is None:
        raise CommandRefused("invalid_command", {"detail": "actor"})
    return ctx.principal.person_id


async def draft_opinion(
    ctx: Context,
    council_id: str,
    fiscal_year: int,
    draft: DraftOpinionInput,
    command_id: str | None = None,
) -> int:
    """The chair's draft becomes opinion number N of the year, under vote; its number.
    The same ``command_id`` again returns the same number and starts nothing new."""
    command_id = new_command_id() if command_id is None else check_command_id(command_id)
    draft = draft.model_copy(update={"actor": _actor(ctx, draft.actor)})
    draft = DraftOpinionInput.model_validate(draft.model_dump())

    def reserve(session: Session) -> int:
        require_actor_on_council(session, draft.actor, council_id)
        setup = opinion_store.opinion_setup(session, council_id)
        try:
            # The rules first: a refused draft reserves no number and starts nothing.
            new_opinion(council_id, fiscal_year, 1, draft, setup.roster, ctx.now())
            number, _ = opinion_store.reserve_opinion(
                session, council_id, fiscal_year, command_id, draft, ctx.now()
            )
        except Refusal as refusal:
            raise _refused(refusal) from None
        return number

    number = ctx.unit_of_work(reserve)
    client = await ctx.temporal()
    workflow_id = opinion_workflow_id(council_id, fiscal_year, number)
    # A repeat of the command that started it finds it started: the same opinion.
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await client.start_workflow(
            OPINION_WORKFLOW,
            OpinionInput(
                council_id=council_id, fiscal_year=fiscal_year, number=number, draft=draft
            ),
            id=workflow_id,
            task_queue=ctx.config.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        )
    await _wait_open(client.get_workflow_handle(workflow_id))
    return number


async def _wait_open(handle: WorkflowHandle[object, object]) -> OpinionState:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + ANSWER_WITHIN
    while True:
        found = await handle.query(STATE_QUERY, result_type=OpinionState | None)  # type: ignore[arg-type]
        if isinstance(found, OpinionState):
            return found
        if loop.time() > deadline:
            raise CommandRefused("cycle_opening", {})
        await asyncio.sleep(0.1)


async def send_opinion_command(
    ctx: Context,
    council_id: str,
    fiscal_year: int,
    number: int,
    command: OpinionCommand,
    command_id: str | None = None,
) -> OpinionState:
    """A ballot, the close of the vote or the answer, sent to opinion ``number`` under
    ``command_id``; the opinion after it. ``CommandRefused`` when the rules say no."""
    update_id = new_command_id() if command_id is None else check_command_id(command_id)
    command = type(command).model_validate(
        {**command.model_dump(), "actor": _actor(ctx, command.actor)}
    )
    ctx.unit_of_work(lambda session: require_actor_on_council(session, command.actor, council_id))
    client = await ctx.temporal()
    handle = _handle(client, council_id, fiscal_year, number)
    try:
        await asyncio.wait_for(
            handle.execute_update(command.kind, command, id=update_id, result_type=int),
            ANSWER_WITHIN,
        )
    except WorkflowUpdateFailedError as exc:
        refusal = refusal_from(exc.cause)
        if refusal is None:
            raise
        raise refusal from exc
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise
        # Ended (rejected or answered) or never drafted: either way nothing to act on.
        ended = "opinion_not_awaiting" if command.kind == "answer_opinion" else "opinion_not_voting"
        raise CommandRefused(ended, {}) from exc
    state: OpinionState = await handle.query(STATE_QUERY, result_type=OpinionState)
    return state


def _handle(
    client: Client, council_id: str, fiscal_year: int, number: int
) -> WorkflowHandle[object, object]:
    return client.get_workflow_handle(opinion_workflow_id(council_id, fiscal_year, number))


def opinions_page(ctx: Context, council_id: str, fiscal_year: int) -> OpinionsPage:
    """The council's opinions of the year (staff appointments included: the council and
    its board only; never on a public page)."""

    def read(session: Session) -> OpinionsPage:
        roles = require_council_reader(session, ctx.principal, council_id)
        return OpinionsPage(
            council_id=council_id,
            council_name=council_name(session, council_id),
            fiscal_year=fiscal_year,
            opinions=tuple(opinion_store.opinions(session, council_id, fiscal_year)),
            roles=roles,
        )

    return ctx.unit_of_work(read)


@dataclass(frozen=True)
class Awaiting:
    """The opinions awaiting an answer in a municipality: how many, and the first ones
    (council name, opinion), earliest due first."""

    count: int
    first: tuple[tuple[str, opinion_store.Opinion], ...]


def awaiting_answer(ctx: Context, municipality_id: str) -> Awaiting:
    """The opinions to the municipality's board or principals that await an answer."""

    def read(session: Session) -> Awaiting:
        require_board(session, ctx.principal, municipality_id)
        count, first = opinion_store.awaiting_answer(session, municipality_id)
        return Awaiting(count, tuple(first))

    return ctx.unit_of_work(read)


def council_municipality_of(ctx: Context, council_id: str) -> str | None:
    """The municipality a council belongs to (``None`` when unknown)."""
    return ctx.unit_of_work(lambda session: council_municipality(session, council_id))


__all__ = [
    "Addressee",
    "AnswerOpinionInput",
    "Awaiting",
    "CloseOpinionVoteInput",
    "DraftOpinionInput",
    "OpinionBallotInput",
    "OpinionCommand",
    "OpinionSubject",
    "OpinionsPage",
    "awaiting_answer",
    "draft_opinion",
    "opinions_page",
    "send_opinion_command",
]
