"""The volunteers' notices by e-mail, through a real SMTP server on loopback: an
invitation carries the volunteer's own signed reply link, a volunteer who did not agree to
be contacted gets no mail, and a retried activity sends nothing twice."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine
from temporalio.testing import ActivityEnvironment

import store
from activities.channels import Senders
from activities.channels.email import SmtpSender
from activities.volunteer_request_activities import RequestActivities
from config import Settings
from config.payload_keys import payload_keys_from
from config.reply_links import verify
from contracts.volunteer_requests import NotifyVolunteersInput
from domain.volunteer_requests import NoticeKind, RequestSpec, invite, open_request
from store import volunteer_requests as rows
from store.volunteers import VolunteerEntry
from tests.notify.loopback import SmtpSink
from tests.requests.support import register_volunteers
from tests.workflows.conftest import FIXTURES

NOW = datetime(2032, 5, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


def test_an_invitation_mails_each_volunteer_their_own_link_once(
    engine: Engine, smtp: SmtpSink
) -> None:
    with store.session_scope(engine) as session:
        store.load_municipality(session, store.read_municipality_file(FIXTURES / "testcity.yaml"))
    v1, v2 = register_volunteers(engine, "testcity", "mail", 2, date(2032, 4, 1))
    with store.session_scope(engine) as session:
        quiet = VolunteerEntry(
            id="mail-quiet", name="連絡不可 次郎", contact="quiet@example.invalid",
            registered_on=date(2032, 4, 1), consent_to_contact=False,
        )  # fmt: skip
        store.upsert_volunteer(session, "testcity", quiet, today=date(2032, 4, 1))
    spec = RequestSpec(
        council_id="testcity-c1", fiscal_year=2032, number=1, activity_id="reading",
        title="読み聞かせ", needed=2, held_on=date(2032, 6, 20), reply_by=date(2032, 6, 10),
    )  # fmt: skip
    state = invite(open_request(spec, NOW), [v1, v2, "mail-quiet"], NOW).state
    with store.session_scope(engine) as session:
        request_id = rows.insert_request(session, spec, "local:test", NOW)
        rows.record_state(session, state, NOW)
    keys = payload_keys_from(Settings())
    sender = SmtpSender(host="127.0.0.1", port=smtp.port, mode="plain",
                        from_address="cycle@test.example", timeout=5)  # fmt: skip
    acts = RequestActivities(engine, Senders(email=sender, console_base_url="https://c.example"),
                             keys)  # fmt: skip
    given = NotifyVolunteersInput(request_key=spec.key, version=state.version,
                                  kind=NoticeKind.INVITED, volunteer_ids=(v1, v2, "mail-quiet"),
                                  at=NOW)  # fmt: skip
    assert ActivityEnvironment().run(acts.notify_volunteers, given) == 2
    assert ActivityEnvironment().run(acts.notify_volunteers, given) == 0  # a retry: nothing
    assert sorted(str(m["To"]) for m in smtp.messages) == sorted(
        [f"{v1}@example.invalid", f"{v2}@example.invalid"]
    )
    for message in smtp.messages:
        body = message.get_body(("plain",))
        assert body is not None
        [token] = re.findall(r"https://c\.example/r/(\S+)", body.get_content())
        target = verify(keys, token)
        assert target is not None and target.request_id == request_id
        assert f"{target.volunteer_id}@example.invalid" == str(message["To"])
    with store.session_scope(engine) as session:
        status = {n.volunteer_id: n.status for n in rows.notices(session, spec.key)}
    assert status == {v1: rows.SENT, v2: rows.SENT, "mail-quiet": rows.NO_CHANNEL}
