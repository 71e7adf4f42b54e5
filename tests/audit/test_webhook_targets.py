"""Webhook URLs: https to a public host, or loopback; internal targets refused, and the
URL never repeated in the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from activities.channels import SendFailed
from activities.channels.webhook import check_target
from domain.webhook_targets import refusal_of
from store import InvalidMunicipalityFile, read_municipality_file

ALLOWED = [
    "https://hooks.example.jp/T0/secret",
    "https://93.184.216.34/hook",  # a public address literal
    "http://127.0.0.1:8765/hook",
    "http://localhost:9000/x",
    "https://[::1]:8443/x",
]
REFUSED = {
    "http://hooks.example.jp/secret": "must use https",
    "https://10.0.0.5/x": "private-range",
    "https://172.20.1.1/x": "private-range",
    "https://192.168.1.10/x": "private-range",
    "https://169.254.169.254/latest/meta-data": "link-local",
    "https://[fe80::1]/x": "link-local",
    "https://[::ffff:10.1.2.3]/x": "private-range",
    "https://100.64.0.1/x": "private-range",
    "https://0.0.0.0/x": "private-range",
    "https://intranet/x": "internal host name",
    "https://nas.local/x": "internal host name",
    "https://svc.corp.internal/x": "internal host name",
    "https://user:pw@hooks.example.jp/x": "credentials",
    "ftp://hooks.example.jp/x": "not an http(s) URL",
}


@pytest.mark.parametrize("url", ALLOWED)
def test_public_https_and_loopback_are_allowed(url: str) -> None:
    assert refusal_of(url) is None


@pytest.mark.parametrize(("url", "reason"), REFUSED.items())
def test_internal_or_plain_http_targets_are_refused(url: str, reason: str) -> None:
    refused = refusal_of(url)
    assert refused is not None and reason in refused


def test_delivery_refuses_an_internal_target_permanently_without_the_url() -> None:
    with pytest.raises(SendFailed) as caught:
        check_target("https://192.168.0.7/secret-token")
    assert caught.value.permanent
    assert "secret-token" not in str(caught.value) and "192.168" not in str(caught.value)
    check_target("http://127.0.0.1:1/ok")  # loopback passes


def test_a_municipality_file_with_an_internal_webhook_is_refused_in_one_line(
    tmp_path: Path,
) -> None:
    source = Path(__file__).resolve().parents[2] / "examples" / "okayama.yaml"
    edited = tmp_path / "okayama.yaml"
    edited.write_text(
        source.read_text(encoding="utf-8").replace(
            "https://hooks.okayama.example.jp/higashiyama", "https://10.1.2.3/secret-token"
        ),
        encoding="utf-8",
    )
    with pytest.raises(InvalidMunicipalityFile) as caught:
        read_municipality_file(edited)
    message = str(caught.value)
    assert "\n" not in message and "webhook target refused: a private-range address" in message
    assert "people[" in message and "webhook_url" in message
    assert "secret-token" not in message and "10.1.2.3" not in message
