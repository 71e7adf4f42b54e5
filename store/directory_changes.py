"""What a directory load changes, one line per field: the diff ``load`` shows before it
asks, and what the directory audit keeps after.

Values that identify or reach a person (names, e-mail addresses, phone numbers, webhook
URLs) are kept only masked, here and in the audit: enough to see that a contact was
redirected (and where to, by domain), never enough to use it. The audit is append-only,
so holding no full personal data in it is what lets an erasure be complete.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

Op = Literal["+", "-", "~"]


def mask_email(value: str) -> str:
    """``chair@example.jp`` → ``c***@example.jp``: the domain shows where mail goes."""
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_url(value: str) -> str:
    """Only the scheme and host: the path and query are often a bridge's secret."""
    try:
        parts = urlsplit(value)
        host = parts.hostname or "?"
    except ValueError:
        return "(invalid URL)"
    return f"{parts.scheme}://{host}/…"


def mask_phone(value: str) -> str:
    """Every digit but the last two hidden: ``0166-00-1234`` → ``****-**-**34``."""
    digits = sum(ch.isdigit() for ch in value)
    if digits < 3:
        return "***"
    seen = 0
    out = []
    for ch in value:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > digits - 2 else "*")
        else:
            out.append(ch)
    return "".join(out)


def mask_contact(value: str) -> str:
    """A free-form contact: an e-mail address, a URL, or else treated as a phone number."""
    if "@" in value:
        return mask_email(value)
    if re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE):
        return mask_url(value)
    return mask_phone(value)


def mask_name(value: str) -> str:
    """The first character only: ``山田 太郎`` → ``山…``."""
    return f"{value[:1]}…"


# Fields of people, volunteers and resources whose values are masked wherever shown.
_MASKS: dict[str, Callable[[str], str]] = {
    "name": mask_name,
    "kana": mask_name,
    "email": mask_email,
    "webhook_url": mask_url,
    "contact": mask_contact,
}
# Tables whose ``name`` is a person's (or an organisation's contact person's) name.
_PERSONAL_TABLES = frozenset({"people", "volunteers", "resources"})


def shown(table: str, field: str, value: object) -> str | None:
    """``value`` as the diff and the audit may show it (masked when personal)."""
    if value is None:
        return None
    text = value if isinstance(value, str) else _plain(value)
    mask = _MASKS.get(field)
    if mask is not None and (field != "name" or table in _PERSONAL_TABLES):
        return mask(text)
    return text[:200]


def _plain(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return str(value)


class DirectoryChange(BaseModel):
    """One field of one directory row inserted (``+``), removed (``-``) or changed
    (``~``). ``target`` names the row by ids only, such as ``people/kushiro-chuo-chair``
    or ``councils/kushiro-chuo/members/kushiro-chuo-chair``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    op: Op
    target: str
    field: str
    before: str | None = None
    after: str | None = None

    def line(self) -> str:
        """The change on one line, for the diff."""
        if self.op == "~":
            before, after = self.before or "—", self.after or "—"
            return f"~ {self.target} {self.field}: {before} → {after}"
        value = self.after if self.op == "+" else self.before
        return f"{self.op} {self.target} {self.field}: {value}"


@dataclass
class LoadCounter:
    """Rows a load inserted, updated and deleted, and each field it changed."""

    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    changes: list[DirectoryChange] = field(default_factory=list)

    def note(self, op: str, target: str, name: str, before: object, after: object) -> None:
        """Record one changed field of the row ``target`` (its table is the first part)."""
        table = target.split("/", 1)[0]
        self.changes.append(
            DirectoryChange.model_validate(
                {
                    "op": op,
                    "target": target,
                    "field": name,
                    "before": shown(table, name, before),
                    "after": shown(table, name, after),
                }
            )
        )
