"""The console behind the real uvicorn server on loopback (``python -m console``): who the
client is (X-Forwarded-For believed only from ``CONSOLE_TRUSTED_PROXIES``), and bodies
over their limit refused with 413 before they are read (issue 24 items 4 and 5)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from application.audit import AuditAction
from application.identity import MAX_LINKS_PER_CLIENT
from console.routers.codec import MAX_BODY_BYTES
from console.web import ANON_CSRF_COOKIE, SESSION_COOKIE, ConsoleSettings
from tests.console_hardening.conftest import BOARD, HardeningEnv, uvicorn_console
from tests.console_hardening.http_raw import (
    ANON_CSRF,
    chunked_until_answered,
    declared_but_not_sent,
    request,
)

ANONYMOUS = {"Cookie": f"{ANON_CSRF_COOKIE}={ANON_CSRF}"}
MIB = 1024 * 1024
#: The start of ``curl -F email=@big.bin``'s body (boundary ``b``); the file follows.
FILE_PART = b'--b\r\nContent-Disposition: form-data; name="email"; filename="big.bin"\r\n\r\n'


def _ask_for_link(port: int, n: int, forwarded_for: str) -> int:
    fields = [("csrf", ANON_CSRF), ("email", f"nobody-{n}@unknown.example")]
    headers = {**ANONYMOUS, "X-Forwarded-For": forwarded_for}
    return request(port, "POST", "/signin", fields, headers).status


def _bad_link(port: int, forwarded_for: str) -> int:
    fields = [("csrf", ANON_CSRF), ("token", "not-a-token")]
    headers = {**ANONYMOUS, "X-Forwarded-For": forwarded_for}
    return request(port, "POST", "/signin/link", fields, headers).status


def test_forwarded_for_is_ignored_by_default(hardening_env: HardeningEnv) -> None:
    # uvicorn's own variable must not bring the old default back either.
    with uvicorn_console(hardening_env, {"FORWARDED_ALLOW_IPS": "*"}) as port:
        statuses = [
            _ask_for_link(port, n, f"203.0.113.{n}") for n in range(MAX_LINKS_PER_CLIENT + 5)
        ]
        assert statuses[:MAX_LINKS_PER_CLIENT] == [200] * MAX_LINKS_PER_CLIENT
        # A new forged address each time did not make a new client: the limit holds.
        assert set(statuses[MAX_LINKS_PER_CLIENT:]) == {429}, statuses
        assert _bad_link(port, "198.51.100.7") == 400
    clients = hardening_env.audit_clients(AuditAction.SIGN_IN_FAILED)
    assert clients[-1] == "console@127.0.0.1", clients
    assert not any("198.51.100.7" in client for client in clients)


def test_forwarded_for_is_believed_from_a_listed_proxy(hardening_env: HardeningEnv) -> None:
    trusted = {"CONSOLE_TRUSTED_PROXIES": '["127.0.0.1"]'}
    with uvicorn_console(hardening_env, trusted) as port:
        # Each forwarded address is its own client behind the proxy: no limit reached.
        statuses = [
            _ask_for_link(port, 100 + n, f"203.0.113.{100 + n}")
            for n in range(MAX_LINKS_PER_CLIENT + 5)
        ]
        assert set(statuses) == {200}, statuses
        assert _bad_link(port, "198.51.100.8") == 400
    assert hardening_env.audit_clients(AuditAction.SIGN_IN_FAILED)[-1] == "console@198.51.100.8"


def test_trusted_proxies_must_be_addresses() -> None:
    with pytest.raises(ValidationError, match="not an IP address or network"):
        ConsoleSettings(console_trusted_proxies=["proxy.example"])
    assert ConsoleSettings(console_trusted_proxies=["10.0.0.0/8", "::1"]).console_trusted_proxies


def _one_line(body: bytes) -> str:
    text = body.decode()
    assert text.count("\n") == 1 and text.endswith("\n"), text
    return text


def test_big_bodies_are_refused_unread(hardening_env: HardeningEnv) -> None:
    board = hardening_env.sign_in(BOARD, passkey=True)
    signed_in = {"Cookie": f"{SESSION_COOKIE}={board.cookie}"}
    multipart = {**ANONYMOUS, "Content-Type": "multipart/form-data; boundary=b"}
    with uvicorn_console(hardening_env) as port:
        # curl -F email=@300MB.bin /signin: refused on its Content-Length, 64 KiB sent.
        reply = declared_but_not_sent(port, "/signin", 300 * MIB, 64 * 1024, multipart)
        assert reply.status == 413
        assert "1048576" in _one_line(reply.body)
        assert "nosniff" in reply.head
        # No Content-Length (chunked): refused once past the limit, the rest never read.
        reply = chunked_until_answered(port, "/signin", 300 * MIB, multipart, FILE_PART)
        assert reply.status == 413
        assert reply.sent < 32 * MIB, reply.sent
        # The codec's limit (4 MiB), signed in or not.
        for headers in (ANONYMOUS, signed_in):
            json_headers = {**headers, "Content-Type": "application/json"}
            reply = declared_but_not_sent(port, "/codec/decode", 200 * MIB, 64 * 1024, json_headers)
            assert reply.status == 413
            assert str(MAX_BODY_BYTES) in _one_line(reply.body)
        reply = chunked_until_answered(
            port, "/codec/decode", 200 * MIB, {**signed_in, "Content-Type": "application/json"}
        )
        assert reply.status == 413
        assert reply.sent < 40 * MIB, reply.sent
        # Under the limits everything is as before: a form of 900 KB, a codec call.
        padded = [("csrf", ANON_CSRF), ("email", "nobody@unknown.example"), ("pad", "x" * 900_000)]
        # (The route answers: a link is sent, or this loopback client is past its limit.)
        assert request(port, "POST", "/signin", padded, ANONYMOUS).status in (200, 429)
        codec = request(
            port,
            "POST",
            "/codec/decode",
            headers={**signed_in, "Content-Type": "application/json"},
            body=b'{"payloads": []}',
        )
        assert codec.status == 200, codec.body


def test_the_form_limit_is_a_setting(hardening_env: HardeningEnv) -> None:
    with uvicorn_console(hardening_env, {"CONSOLE_MAX_FORM_BYTES": "65536"}) as port:
        padded = [("csrf", ANON_CSRF), ("email", "nobody@unknown.example"), ("pad", "x" * 70_000)]
        reply = request(port, "POST", "/signin", padded, ANONYMOUS)
        assert reply.status == 413
        assert "65536" in _one_line(reply.body)
