"""The data directory is its owner's alone: 0700 directories, 0600 files.

``DATA_DIR`` holds sign-in links (``mail/*.eml``), the CLI's token, the payload key, the
SQLite store and Temporal's own database and log. Whoever else can read one of them can
sign in as someone, or read the councils' records. Files the project creates are created
private; a directory that already existed (made by hand, by an older version, or copied
with ``cp -r`` under a lax umask) is brought back to private at each start, and the start
says so in one line, naming what was wider (names only, never contents).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
#: Where sign-in mail goes without SMTP (``application.mail``).
MAIL_FOLDER = "mail"
#: What the project writes at the top of ``DATA_DIR``: the store (and SQLite's side
#: files), Temporal's database and logs, the CLI token and the payload key.
DATA_FILE_PATTERNS: tuple[str, ...] = (
    "cycle.db*",
    "temporal.db*",
    "temporal-*.log",
    "cli-token",
    "payload-keys",
)
#: What the project writes in ``DATA_DIR/mail``.
MAIL_FILE_PATTERNS: tuple[str, ...] = ("*.eml",)
_SHOWN_NAMES = 5


def _tighten(path: Path, mode: int) -> bool:
    """Set ``path``'s permission bits to ``mode`` when group or others have any; whether
    it had to. Symlinks are left alone: they could point anywhere."""
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        return False
    if stat.S_IMODE(info.st_mode) & 0o077 == 0:
        return False
    path.chmod(mode)
    return True


def private_dir(path: Path) -> bool:
    """Make ``path`` (and missing parents) a 0700 directory; ``True`` when it existed
    with wider permissions and was tightened."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    return _tighten(path, PRIVATE_DIR_MODE)


def write_private_file(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file ``path``, 0600 from the moment it exists."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def tighten_data_dir(data_dir: Path) -> list[str]:
    """Bring ``data_dir``, its ``mail`` folder and every file the project writes there
    to 0700/0600; the names (relative to ``data_dir``) that were wider. Creates
    ``data_dir`` (0700) when it is missing; touches nothing else in it."""
    tightened: list[str] = []
    if private_dir(data_dir):
        tightened.append(".")
    places: list[tuple[Path, tuple[str, ...]]] = [(data_dir, DATA_FILE_PATTERNS)]
    mail = data_dir / MAIL_FOLDER
    if mail.is_dir() and not mail.is_symlink():
        if _tighten(mail, PRIVATE_DIR_MODE):
            tightened.append(f"{MAIL_FOLDER}/")
        places.append((mail, MAIL_FILE_PATTERNS))
    for folder, patterns in places:
        for pattern in patterns:
            for path in sorted(folder.glob(pattern)):
                if path.is_file() and _tighten(path, PRIVATE_FILE_MODE):
                    tightened.append(str(path.relative_to(data_dir)))
    return tightened


def tightened_warning(data_dir: Path, tightened: list[str]) -> str | None:
    """The one line that says what ``tighten_data_dir`` changed; ``None`` when nothing."""
    if not tightened:
        return None
    shown = ", ".join(tightened[:_SHOWN_NAMES])
    more = f" (+{len(tightened) - _SHOWN_NAMES})" if len(tightened) > _SHOWN_NAMES else ""
    return (
        f"警告: {data_dir} の {len(tightened)} 件が他の利用者にも読める権限でした。"
        f"0700/0600 に変更しました / warning: {len(tightened)} entries of {data_dir} were"
        f" readable by other users; now 0700/0600: {shown}{more}"
    )
