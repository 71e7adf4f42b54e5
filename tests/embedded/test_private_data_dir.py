"""Sign-in links and the rest of ``DATA_DIR`` are the owner's alone, also when the
directory existed before with wider permissions (issue 24 item 7): the launcher brings it
back to 0700/0600 and says so in one line; the console's mail writer does the same."""

from __future__ import annotations

import asyncio
import logging
import stat
from pathlib import Path

import pytest

from application.mail import mail_folder, send_mail
from config import Settings
from tests.embedded.launcher_process import (
    Ports,
    launcher_environment,
    read_until_ready,
    start_launcher,
    stop_with_sigint,
)

SECRET_LINK = "https://console.example/signin/very-secret-link-token"


def mode(path: Path) -> int:
    """The permission bits of ``path``."""
    return stat.S_IMODE(path.stat().st_mode)


def lax_data_dir(data_dir: Path) -> dict[str, Path]:
    """A data directory as a lax umask or ``cp -r`` leaves it: everything world-readable."""
    mail = data_dir / "mail"
    mail.mkdir(parents=True)
    files = {
        "eml": mail / "20261201T000000-console-old.eml",
        "token": data_dir / "cli-token",
        "log": data_dir / "temporal-dev-server.log",
        "other": data_dir / "notes.txt",  # not the project's: left alone
    }
    files["eml"].write_text(f"To: a@example.jp\n\n{SECRET_LINK}\n", encoding="utf-8")
    files["token"].write_text("cst_old-token-secret\n", encoding="utf-8")
    files["log"].write_text("", encoding="utf-8")
    files["other"].write_text("mine", encoding="utf-8")
    for path in files.values():
        path.chmod(0o644)
    mail.chmod(0o755)
    data_dir.chmod(0o755)
    return {"dir": data_dir, "mail": mail, **files}


async def test_the_launcher_makes_an_existing_lax_data_dir_private_and_warns_once(
    tmp_path: Path, launcher_cleanup: list[asyncio.subprocess.Process]
) -> None:
    paths = lax_data_dir(tmp_path / "data")
    launcher = await start_launcher(launcher_environment(paths["dir"], Ports.free()), tmp_path)
    launcher_cleanup.append(launcher)
    await read_until_ready(launcher)

    assert mode(paths["dir"]) == 0o700
    assert mode(paths["mail"]) == 0o700
    for name in ("eml", "token", "log"):
        assert mode(paths[name]) == 0o600, name
    # What the start created since is private too: the store, Temporal's database.
    assert mode(paths["dir"] / "cycle.db") == 0o600
    assert mode(paths["dir"] / "temporal.db") == 0o600
    assert mode(paths["other"]) == 0o644

    assert await stop_with_sigint(launcher) == 0
    assert launcher.stderr is not None
    errors = (await launcher.stderr.read()).decode()
    warnings = [line for line in errors.splitlines() if "warning:" in line]
    assert len(warnings) == 1, errors
    [warning] = warnings
    assert "mail/" in warning and "20261201T000000-console-old.eml" in warning
    assert "cli-token" in warning and "0700/0600" in warning
    # Names only: never what the files hold.
    assert "very-secret-link-token" not in errors and "cst_old-token-secret" not in errors


def test_the_mail_writer_keeps_links_private_in_a_lax_folder(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    folder = mail_folder(settings)
    folder.mkdir(parents=True)
    folder.chmod(0o755)
    settings.data_dir.chmod(0o755)
    with caplog.at_level(logging.WARNING, logger="application.mail"):
        written = send_mail(settings, "chair@city.example.jp", "サインイン", SECRET_LINK)
    assert written is not None
    assert mode(settings.data_dir) == 0o700 and mode(folder) == 0o700
    assert mode(written) == 0o600
    assert [r.getMessage() for r in caplog.records] == [
        f"{directory} was readable by other users; now 0700"
        for directory in (settings.data_dir, folder)
    ]
    # A second link in the now private folder: private, and nothing more to say.
    caplog.clear()
    again = send_mail(settings, "chair@city.example.jp", "サインイン", SECRET_LINK)
    assert again is not None and mode(again) == 0o600 and caplog.records == []
