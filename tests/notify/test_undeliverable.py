"""A delivery that can never be sent fails once, for good, with its reason, and the board
sees it; a council name holding CR/LF (written before names were checked) no longer stops
its council's e-mail. Issue 24 item 9: such a name once kept 445 deliveries ``sending``
and logged thousands of tracebacks, retried for days."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import update

import store
from application.dashboard import failed_notices
from console.messages import CONSOLE
from store.deliveries import FAILED, SENT, FailureReason
from store.models import Council, Person
from tests.notify.harness import COUNCIL, PRINCIPAL_MAIL, YEAR, Harness

#: What a council name or an address could hold before the loader checked them.
INJECTED_NAME = "通知市立第一小学校\r\nBcc: spy@evil.example\r\n学校運営協議会"
INJECTED_ADDRESS = "chair@notify.example.jp\r\nBcc: spy@evil.example"
TEMPLATES = Path(__file__).resolve().parents[2] / "console" / "templates"


def _email_rows(harness: Harness, person: str) -> list[store.DeliveryRow]:
    with store.session_scope(harness.engine) as session:
        rows = store.deliveries(session, COUNCIL, YEAR)
    return [r for r in rows if r.channel == "email" and r.recipient_id == person]


def _board_section(failed: list[tuple[str, int]]) -> str:
    """The board page's section of failed notices, rendered from the console's template."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(),
        extensions=["jinja2.ext.i18n"],
    )
    section = env.get_template("_failed_notices.html")
    return section.render(
        gettext=CONSOLE.gettext("ja"),
        failed=failed,
        failed_total=sum(count for _, count in failed),
    )


async def test_an_impossible_delivery_fails_once_with_its_reason_and_the_board_sees_it(
    harness: Harness,
) -> None:
    with store.session_scope(harness.engine) as session:
        session.execute(update(Council).where(Council.id == COUNCIL).values(name=INJECTED_NAME))
        session.execute(update(Person).where(Person.id == "n-chair").values(email=INJECTED_ADDRESS))
    handle = await harness.open_at_approve()
    await harness.settle()

    # The chair's address can never be written as a header: failed at the first attempt.
    chair = _email_rows(harness, "n-chair")
    assert chair and all(r.status == FAILED for r in chair)
    assert all(r.attempts == 1 for r in chair)
    assert all(r.failure_reason is FailureReason.BAD_ADDRESS for r in chair)
    assert all("not valid" in (r.last_error or "") for r in chair)
    assert all("spy@" not in (r.last_error or "") for r in chair)

    # Not retried: an hour of the server's clock later, still one attempt each.
    await harness.env.sleep(3600)
    await harness.settle()
    assert [r.attempts for r in _email_rows(harness, "n-chair")] == [1] * len(chair)

    # The council's name did not stop the principal's mail: one-line subject, no Bcc.
    principal = _email_rows(harness, "n-principal")
    assert principal and all(r.status == SENT for r in principal)
    received = [m for m in harness.smtp.received() if m["To"] == PRINCIPAL_MAIL]
    assert received
    for message in received:
        subject = str(message["Subject"])
        assert "\r" not in subject and "\n" not in subject
        assert "通知市立第一小学校 Bcc: spy@evil.example 学校運営協議会" in subject
        assert message["Bcc"] is None
    assert all("spy@evil.example" not in m["To"] for m in harness.smtp.received())

    # The board: the count and the reason in words on its dashboard.
    with store.session_scope(harness.engine) as session:
        failed = failed_notices(session, "notifycity", YEAR)
    assert failed == [(FailureReason.BAD_ADDRESS.value, len(chair))]
    html = _board_section(failed)
    assert f"送信できなかった通知 {len(chair)} 件" in html
    assert "宛先が正しくない" in html
    await handle.terminate("test done")
