"""The console's mail: an ``.eml`` file under ``DATA_DIR/mail`` without SMTP settings,
the e-mail channel (a loopback SMTP server here) with them."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

from application.mail import mail_folder, send_mail
from config import Settings
from tests.notify.loopback import SmtpSink


def test_without_smtp_mail_is_an_eml_file_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    written = send_mail(settings, "chair@city.example.jp", "件名", "本文 https://x.example/l")
    assert written is not None and written.parent == mail_folder(settings)
    message = email.message_from_bytes(written.read_bytes(), policy=policy.default)
    assert message["To"] == "chair@city.example.jp" and message["Subject"] == "件名"
    body = message.get_body(("plain",))
    assert body is not None and "https://x.example/l" in body.get_content()


def test_with_smtp_mail_goes_out_through_the_email_channel(tmp_path: Path) -> None:
    sink = SmtpSink(mode="plain").start()
    try:
        settings = Settings(
            data_dir=tmp_path, smtp_host="127.0.0.1", smtp_port=sink.port, smtp_mode="plain"
        )
        assert send_mail(settings, "chair@city.example.jp", "件名", "本文") is None
    finally:
        sink.stop()
    [message] = sink.received()
    assert message["To"] == "chair@city.example.jp"
    assert message.get_content().strip() == "本文"
    assert not mail_folder(settings).exists()
