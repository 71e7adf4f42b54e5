"""The opinion and survey workflows on the time-skipping test server, recording into the
real store: an opinion approved, sent, chased and escalated, then answered; an opinion
rejected by the vote; a survey closing at its date."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from temporalio.api.common.v1 import Payload
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.converter import DataConverter, SerializationContext
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

import store
from activities.channels import Senders
from config.command_payloads import REFUSAL_TYPE
from config.converter import EncryptionCodec, encrypted_converter
from contracts.opinions import STATE_QUERY, OpinionInput
from domain.japan_time import japan_date
from domain.model import Ballot
from domain.opinions import (
    Addressee,
    AnswerOpinionInput,
    CloseOpinionVoteInput,
    DraftOpinionInput,
    OpinionBallotInput,
    OpinionState,
    OpinionStatus,
    OpinionSubject,
    opinion_workflow_id,
)
from domain.surveys import OpenSurveyInput, SurveyQuestion, SurveyState, survey_workflow_id
from store.opinions import opinions
from store.surveys import survey_of
from tests.encryption import TEST_KEYS
from tests.workflows.driver import COUNCIL
from worker.main import serving
from workflows.council_opinion import CouncilOpinionWorkflow
from workflows.council_survey import CouncilSurveyWorkflow


@pytest.fixture(scope="module")
def temporal_env(module_temporal_env: WorkflowEnvironment) -> WorkflowEnvironment:
    """This module's workflows sleep weeks: they run on a server of the module's own
    (``module_temporal_env``), and so does the worker ``task_queue`` starts."""
    return module_temporal_env


DRAFT = DraftOpinionInput(
    actor="t-chair",
    addressee=Addressee.BOARD,
    subject=OpinionSubject.SCHOOL_OPERATION,
    title="放課後学習支援の拡充について",
    body="放課後の学習支援に使える教室を増やすよう求めます。",
)


async def _state(handle: WorkflowHandle[Any, Any], model: type[Any]) -> Any:
    for _ in range(100):
        found = await handle.query(STATE_QUERY, result_type=model | None)  # type: ignore[arg-type]
        if found is not None:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError("the workflow never opened")


async def _open_opinion(
    env: WorkflowEnvironment, queue: str, year: int
) -> WorkflowHandle[CouncilOpinionWorkflow, OpinionState]:
    handle = await env.client.start_workflow(
        CouncilOpinionWorkflow.run,
        OpinionInput(council_id=COUNCIL, fiscal_year=year, number=1, draft=DRAFT),
        id=opinion_workflow_id(COUNCIL, year, 1),
        task_queue=queue,
    )
    await _state(handle, OpinionState)
    return handle


async def _vote(handle: WorkflowHandle[Any, Any], ballots: dict[str, Ballot]) -> None:
    for who, ballot in ballots.items():
        await handle.execute_update(
            "opinion_ballot", OpinionBallotInput(actor=who, ballot=ballot), id=str(uuid.uuid4())
        )


def _inbox_templates(engine: Engine, person: str, year: int) -> list[str]:
    with store.session_scope(engine) as session:
        rows = store.inbox(session, person)
    return [r.template for r in rows if r.fiscal_year == year and r.template.startswith("opinion")]


async def test_an_opinion_approved_is_sent_reminded_overdue_escalated_then_answered(
    temporal_env: WorkflowEnvironment, task_queue: str, engine: Engine
) -> None:
    year = 2040
    handle = await _open_opinion(temporal_env, task_queue, year)
    with temporal_env.auto_time_skipping_disabled():
        await _vote(
            handle, {"t-chair": Ballot.APPROVE, "t-m1": Ballot.APPROVE, "t-m2": Ballot.REJECT}
        )
        close_id = str(uuid.uuid4())
        seq = await handle.execute_update(
            "close_opinion_vote",
            CloseOpinionVoteInput(actor="t-chair"),
            id=close_id,
            result_type=int,
        )
        # The same command again (a retry): applied once, answered with the first number.
        again = await handle.execute_update(
            "close_opinion_vote",
            CloseOpinionVoteInput(actor="t-chair"),
            id=close_id,
            result_type=int,
        )
        assert again == seq
        sent: OpinionState = await handle.query(STATE_QUERY, result_type=OpinionState)
    assert sent.status is OpinionStatus.SENT
    assert sent.answer_due is not None and sent.sent_at is not None
    assert sent.answer_due == japan_date(sent.sent_at) + timedelta(days=30)

    # Thirty days and more pass without an answer: two reminders, overdue, escalation.
    await temporal_env.sleep(timedelta(days=40))
    with temporal_env.auto_time_skipping_disabled():
        for _ in range(100):  # the last timer fired; its task may still be under way
            late: OpinionState = await handle.query(STATE_QUERY, result_type=OpinionState)
            if len(late.alerts_sent) == 4:
                break
            await asyncio.sleep(0.05)
    assert late.alerts_sent == ["reminder:7", "reminder:1", "overdue:1", "escalation_board:8"]
    assert late.status is OpinionStatus.SENT
    await asyncio.sleep(0.5)  # the notifications run beside the workflow
    board_got = _inbox_templates(engine, "t-board", year)
    assert {
        "opinion_sent",
        "opinion_reminder",
        "opinion_overdue",
        "opinion_escalation_board",
    } <= set(board_got)
    assert "opinion_overdue" in _inbox_templates(engine, "t-chair", year)
    with store.session_scope(engine) as session:
        [row] = opinions(session, COUNCIL, year)
        assert (row.status, row.approve, row.reject, row.eligible) == ("sent", 2, 1, 4)

    with temporal_env.auto_time_skipping_disabled():
        await handle.execute_update(
            "answer_opinion",
            AnswerOpinionInput(actor="t-board", answer="来年度から空き教室を2室開放します。"),
            id=str(uuid.uuid4()),
        )
    final = await handle.result()
    assert final.status is OpinionStatus.ANSWERED and final.answered_by == "t-board"
    with store.session_scope(engine) as session:
        [row] = opinions(session, COUNCIL, year)
    assert row.status == "answered" and row.answer == "来年度から空き教室を2室開放します。"
    await asyncio.sleep(0.5)
    assert "opinion_answered" in _inbox_templates(engine, "t-m3", year)


async def test_an_opinion_rejected_by_the_vote_ends_and_is_never_sent(
    temporal_env: WorkflowEnvironment, task_queue: str, engine: Engine
) -> None:
    year = 2041
    handle = await _open_opinion(temporal_env, task_queue, year)
    with temporal_env.auto_time_skipping_disabled():
        await _vote(
            handle, {"t-chair": Ballot.APPROVE, "t-m1": Ballot.REJECT, "t-m2": Ballot.REJECT}
        )
        await handle.execute_update(
            "close_opinion_vote", CloseOpinionVoteInput(actor="t-chair"), id=str(uuid.uuid4())
        )
    final = await handle.result()
    assert final.status is OpinionStatus.REJECTED and final.sent_at is None
    with store.session_scope(engine) as session:
        [row] = opinions(session, COUNCIL, year)
    assert (row.status, row.approve, row.reject, row.public) == ("rejected", 1, 2, False)
    assert "opinion_sent" not in _inbox_templates(engine, "t-board", year)


async def test_a_survey_closes_at_its_date(
    temporal_env: WorkflowEnvironment, task_queue: str, engine: Engine
) -> None:
    year = 2042
    closes_on = japan_date(await temporal_env.get_current_time()) + timedelta(days=10)
    handle = await temporal_env.client.start_workflow(
        CouncilSurveyWorkflow.run,
        OpenSurveyInput(
            actor="t-chair",
            council_id=COUNCIL,
            fiscal_year=year,
            closes_on=closes_on,
            questions=(SurveyQuestion(key="aim:reading-1", text="本に親しむ"),),
            link_token=uuid.uuid4().hex,
        ),
        id=survey_workflow_id(COUNCIL, year),
        task_queue=task_queue,
    )
    opened: SurveyState = await _state(handle, SurveyState)
    with store.session_scope(engine) as session:
        survey = survey_of(session, COUNCIL, year)
    assert survey is not None and survey.closed_at is None
    assert survey.closes_at == opened.closes_at

    await temporal_env.sleep(timedelta(days=5))
    still: SurveyState = await handle.query(STATE_QUERY, result_type=SurveyState)
    assert still.closed_at is None
    await temporal_env.sleep(timedelta(days=6))
    with temporal_env.auto_time_skipping_disabled():
        # The timer has fired; the worker may still be on the task that handles it.
        for _ in range(100):
            closed: SurveyState = await handle.query(STATE_QUERY, result_type=SurveyState)
            if closed.closed_at is not None:
                break
            await asyncio.sleep(0.05)
    assert closed.closed_at is not None and closed.closed_at >= opened.closes_at
    for _ in range(100):  # the row follows once the recording activity has run
        with store.session_scope(engine) as session:
            survey = survey_of(session, COUNCIL, year)
        if survey is not None and survey.closed_at is not None:
            break
        await asyncio.sleep(0.05)
    assert survey is not None and survey.closed_at == closed.closed_at


class _PlainOut(EncryptionCodec):
    """Decrypts what it reads, encrypts nothing it writes."""

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return list(payloads)

    def with_context(self, context: SerializationContext) -> _PlainOut:
        return self


async def test_a_ballot_not_encrypted_for_the_opinion_is_refused_and_changes_nothing(
    temporal_env: WorkflowEnvironment, engine: Engine, testcity: None
) -> None:
    def client(converter: DataConverter) -> Client:
        service = temporal_env.client.service_client
        return Client(service, namespace=temporal_env.client.namespace, data_converter=converter)

    # The worker's own converter (strict: it refuses what is not encrypted for the workflow).
    strict = client(encrypted_converter(TEST_KEYS, strict=True))
    # Sends its command in plaintext (as ``temporal workflow update`` would), reads the
    # encrypted refusal.
    plain = client(
        dataclasses.replace(encrypted_converter(TEST_KEYS), payload_codec=_PlainOut(TEST_KEYS))
    )
    queue = f"strict-{uuid.uuid4().hex[:8]}"
    async with serving(strict, queue, engine, Senders(), threads=2):
        handle = await _open_opinion(temporal_env, queue, 2043)
        forged = plain.get_workflow_handle(handle.id)
        with temporal_env.auto_time_skipping_disabled():
            with pytest.raises(WorkflowUpdateFailedError) as caught:
                await forged.execute_update(
                    "opinion_ballot", OpinionBallotInput(actor="t-m1", ballot=Ballot.APPROVE)
                )
            assert isinstance(caught.value.cause, ApplicationError)
            assert caught.value.cause.type == REFUSAL_TYPE
            # The genuine ballot goes through at once.
            await _vote(handle, {"t-m2": Ballot.APPROVE})
            state: OpinionState = await handle.query(STATE_QUERY, result_type=OpinionState)
        assert state.ballots == {"t-m2": Ballot.APPROVE}
        await handle.terminate("test over")
