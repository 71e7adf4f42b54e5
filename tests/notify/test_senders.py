"""The senders against real receivers on loopback: SMTP in its three modes, webhooks."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from activities.channels import SendFailed
from activities.channels.email import SmtpMode, SmtpSender
from activities.channels.webhook import (
    WebhookSender,
    person_key,
    signature,
    verify_signature,
)
from contracts.activities import Channel
from store.deliveries import DeliveryJob, delivery_id
from tests.notify.loopback import SmtpSink, WebhookSink, free_port, self_signed_cert

SECRET = SecretStr("test-master-secret")


def job(
    address: str, channel: Channel = Channel.EMAIL, key: str = "c/2027/3/reminder/p"
) -> DeliveryJob:
    return DeliveryJob(
        delivery_key=f"{key}/{channel}",
        delivery_id=delivery_id(f"{key}/{channel}"),
        channel=channel,
        council_id="c",
        council_name="中央小学校学校運営協議会",
        fiscal_year=2027,
        step="approve",
        template="reminder",
        recipient_id="p",
        address=address,
        subject="【中央小学校学校運営協議会】「承認等」の期限まであと7日です（2027-05-31）",
        body="次にすること: 校長は学校運営の基本方針を提出し、委員は投票してください。",
        attempt=1,
        after_unfinished_attempt=False,
    )


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_cert(tmp_path_factory.mktemp("tls"))


def smtp_sender(port: int, mode: SmtpMode, ca: Path | None = None, **kw: object) -> SmtpSender:
    return SmtpSender(
        host="127.0.0.1", port=port, mode=mode, from_address="cycle@city.example.jp",
        ca_file=ca, timeout=5, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


@pytest.mark.parametrize("mode", ["plain", "starttls", "ssl"])
def test_smtp_delivers_in_each_mode_with_a_stable_message_id(
    mode: SmtpMode, cert: tuple[Path, Path]
) -> None:
    login = ("cycle", "s3cret")
    sink = SmtpSink(mode=mode, cert=cert, login=login).start()
    try:
        sender = smtp_sender(
            sink.port, mode, ca=cert[0], username=login[0], password=SecretStr(login[1])
        )
        sender.send(job("chair@city.example.jp"))
    finally:
        sink.stop()
    [message] = sink.received()
    sent = job("chair@city.example.jp")
    assert message["To"] == "chair@city.example.jp"
    assert message["Subject"] == sent.subject
    assert message["Message-ID"] == f"<{sent.delivery_id}@city.example.jp>"
    assert message["X-CS-Delivery"] == sent.delivery_id
    assert message.get_content().strip() == sent.body


def test_smtp_wrong_password_is_a_permanent_failure(cert: tuple[Path, Path]) -> None:
    sink = SmtpSink(mode="starttls", cert=cert, login=("cycle", "right")).start()
    try:
        sender = smtp_sender(
            sink.port, "starttls", ca=cert[0], username="cycle", password=SecretStr("wrong")
        )
        with pytest.raises(SendFailed) as failed:
            sender.send(job("chair@city.example.jp"))
    finally:
        sink.stop()
    assert failed.value.permanent and "535" in str(failed.value)
    assert sink.received() == []


def test_starttls_with_an_untrusted_certificate_is_refused(cert: tuple[Path, Path]) -> None:
    sink = SmtpSink(mode="starttls", cert=cert).start()
    try:
        with pytest.raises(SendFailed, match="CERTIFICATE_VERIFY_FAILED") as failed:
            smtp_sender(sink.port, "starttls", ca=None).send(job("chair@city.example.jp"))
    finally:
        sink.stop()
    assert not failed.value.permanent
    assert sink.received() == []


def test_smtp_down_is_a_temporary_failure() -> None:
    with pytest.raises(SendFailed) as failed:
        smtp_sender(free_port(), "plain").send(job("chair@city.example.jp"))
    assert not failed.value.permanent


def test_a_refused_recipient_is_a_permanent_failure() -> None:
    sink = SmtpSink().start()
    try:
        with pytest.raises(SendFailed, match="550") as failed:
            smtp_sender(sink.port, "plain").send(job("nobody@city.example.jp"))
    finally:
        sink.stop()
    assert failed.value.permanent


@pytest.fixture
def hook() -> Iterator[WebhookSink]:
    sink = WebhookSink(SECRET).start()
    yield sink
    sink.stop()


def test_webhook_posts_signed_json_the_receiver_verifies(hook: WebhookSink) -> None:
    sent = job(f"{hook.url}/p", Channel.WEBHOOK)
    WebhookSender(SECRET, timeout=5).send(sent)
    [call] = hook.received()
    assert call.verified
    assert call.delivery_id == sent.delivery_id
    assert call.payload["event"] == "reminder"
    assert call.payload["council_name"] == "中央小学校学校運営協議会"
    assert (call.payload["step"], call.payload["recipient_id"]) == ("approve", "p")
    assert call.payload["subject"] == sent.subject and call.payload["body"] == sent.body


@pytest.mark.parametrize(
    ("status", "permanent"),
    [(500, False), (503, False), (429, False), (400, True), (404, True), (410, True)],
)
def test_webhook_answers_decide_between_retry_and_giving_up(
    hook: WebhookSink, status: int, permanent: bool
) -> None:
    hook.status = status
    with pytest.raises(SendFailed, match=f"HTTP {status}") as failed:
        WebhookSender(SECRET, timeout=5).send(job(f"{hook.url}/p", Channel.WEBHOOK))
    assert failed.value.permanent is permanent


def test_a_signature_fails_for_another_body_key_or_an_old_timestamp() -> None:
    key = person_key(SECRET, "p")
    now = time.time()
    stamp = str(int(now))
    body = json.dumps({"a": 1}).encode()
    header = signature(key, stamp, body)
    assert verify_signature(key, stamp, body, header, now=now)
    assert not verify_signature(key, stamp, body + b" ", header, now=now)
    assert not verify_signature(person_key(SECRET, "q"), stamp, body, header, now=now)
    assert not verify_signature(key, stamp, body, header, now=now + 301)
    assert not verify_signature(key, "not-a-number", body, header, now=now)


def test_mail_and_webhook_link_to_the_console_page_where_one_acts(hook: WebhookSink) -> None:
    sink = SmtpSink(mode="plain").start()
    try:
        smtp_sender(sink.port, "plain", console_base_url="https://console.example.jp/").send(
            job("chair@city.example.jp")
        )
    finally:
        sink.stop()
    [message] = sink.received()
    assert message.get_content().strip().endswith("https://console.example.jp/councils/c/2027")
    vote = job(f"{hook.url}/p", Channel.WEBHOOK).model_copy(update={"template": "vote_needed"})
    WebhookSender(SECRET, timeout=5, console_base_url="https://console.example.jp").send(vote)
    [call] = hook.received()
    assert call.verified
    assert call.payload["link"] == "https://console.example.jp/councils/c/2027/vote"
