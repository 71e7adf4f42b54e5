"""Settings that keep personal data private: payload keys (missing, malformed, rotated)
and SMTP that never sends in clear to another machine unless told to."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from config import Settings, settings_error
from config.payload_keys import (
    PayloadKeyError,
    ensure_local_key,
    new_key_text,
    parse_payload_keys,
    payload_keys_from,
)
from starter.cli import run
from tests.cli_token import sign_in_locally


def test_smtp_defaults_to_starttls_and_refuses_plain_to_another_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings(smtp_host="mail.city.example.jp").smtp_mode == "starttls"
    monkeypatch.setenv("SMTP_HOST", "mail.city.example.jp")
    monkeypatch.setenv("SMTP_MODE", "plain")
    with pytest.raises(ValidationError) as refused:
        Settings()
    message = settings_error(refused.value)
    assert "SMTP_MODE=plain" in message and "SMTP_ALLOW_PLAIN=true" in message
    assert len(message.splitlines()) == 1
    monkeypatch.setenv("SMTP_ALLOW_PLAIN", "true")
    assert Settings().smtp_mode == "plain"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_plain_smtp_to_a_loopback_server_is_allowed(host: str) -> None:
    assert Settings(smtp_host=host, smtp_mode="plain").smtp_mode == "plain"


def test_malformed_keys_are_named_without_echoing_key_material() -> None:
    good = new_key_text("a")
    secret_part = good.partition(":")[2]
    cases = [
        ("a:" + secret_part[:-8], "key 'a' must be 32 bytes"),
        ("no colon here", "entry 1 must be id:base64key"),
        (f"{good},{good}", "key id 'a' appears twice"),
        ("", "holds no key"),
    ]
    for text, expected in cases:
        with pytest.raises(PayloadKeyError, match=expected) as refused:
            parse_payload_keys(text, None)
        assert secret_part[:8] not in str(refused.value)
    two = f"{good},{new_key_text('b')}"
    with pytest.raises(PayloadKeyError, match="PAYLOAD_KEY_ID must name"):
        parse_payload_keys(two, None)
    with pytest.raises(PayloadKeyError, match="PAYLOAD_KEY_ID='c' is not one of"):
        parse_payload_keys(two, "c")
    assert parse_payload_keys(two, "b").encrypting == "b"
    assert secret_part not in repr(parse_payload_keys(two, "b"))


def test_the_local_key_is_made_once_private_and_used_without_settings(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    settings = Settings(data_dir=data_dir, payload_keys=None)
    with pytest.raises(PayloadKeyError, match="no payload encryption key: set PAYLOAD_KEYS"):
        payload_keys_from(settings)
    created = ensure_local_key(data_dir)
    assert created == data_dir / "payload-keys"
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(created.stat().st_mode) == 0o600
    first = created.read_text()
    assert ensure_local_key(data_dir) is None and created.read_text() == first
    keys = payload_keys_from(settings)
    assert keys.encrypting.startswith("local-") and len(keys.keys) == 1
    # An empty PAYLOAD_KEYS (a fresh .env) is unset; a set one wins over the file.
    empty = Settings(data_dir=data_dir, payload_keys=SecretStr(" "))
    assert payload_keys_from(empty).encrypting == keys.encrypting
    explicit = Settings(data_dir=data_dir, payload_keys=SecretStr(new_key_text("prod")))
    assert payload_keys_from(explicit).encrypting == "prod"


def test_the_cli_without_a_key_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PAYLOAD_KEYS")
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("TEMPORAL_ADDRESS", "127.0.0.1:1")
    (tmp_path / "empty").mkdir()
    sign_in_locally(monkeypatch, Settings().resolved_database_url())
    assert run(["cycle", "status", "--council", "testcity-c1", "--year", "2026"]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert "PAYLOAD_KEYS" in err and "python -m embedded" in err
