"""Import the volunteer registry from the CSV that municipalities keep in Excel.

Encoding: UTF-8 (with or without a BOM) or Shift_JIS (read as CP932, Excel's flavour);
UTF-8 is tried first. The first line is the header; columns may come in any order and
extra columns are ignored:

============  ======================================================  ========
header        value                                                    required
============  ======================================================  ========
登録番号      the volunteer's id (letters, digits, ``-``, ``_``, ``.``)  yes
氏名          name of the person or group (氏名・団体名 also accepted)   yes
区分          個人 or 団体 (blank: 個人)                                 no
活動分野      fields of help, separated by 、 ・ , ; or /               no
活動可能日    when they can help, free text (e.g. 平日午前)              no
登録日        2024-04-01, 2024/4/1 or 2024年4月1日                     yes
連絡可        はい/いいえ, 可/不可, ○/×, 1/0 (blank: いいえ)             no
連絡先        phone or e-mail                                          no
============  ======================================================  ========

A row that cannot be read is reported as ``行 N: <reason>`` (N is its line in the file)
and skipped; every good row is kept. Rows are upserted by 登録番号, so importing the same
file twice changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy.orm import Session

from domain.volunteers import VolunteerKind
from store.errors import StoreError
from store.volunteers import VolunteerEntry, require_municipality, upsert_volunteer


class InvalidVolunteerFile(StoreError):
    """A volunteer CSV that cannot be read at all (encoding, missing header columns)."""


class ImportReport(BaseModel):
    """What an import did: rows inserted, updated, unchanged, and each bad row's line."""

    model_config = ConfigDict(frozen=True)

    inserted: int
    updated: int
    unchanged: int
    errors: tuple[str, ...]


HEADERS: dict[str, str] = {
    "登録番号": "id",
    "ID": "id",
    "氏名": "name",
    "氏名・団体名": "name",
    "団体名": "name",
    "区分": "kind",
    "活動分野": "fields_of_help",
    "活動可能日": "availability",
    "登録日": "registered_on",
    "連絡可": "consent_to_contact",
    "連絡先": "contact",
}
REQUIRED = ("id", "name", "registered_on")

_KINDS = {"": VolunteerKind.PERSON, "個人": VolunteerKind.PERSON, "団体": VolunteerKind.GROUP}
_YES = {"はい", "可", "○", "〇", "1", "yes", "true", "有"}
_NO = {"", "いいえ", "不可", "×", "0", "no", "false", "無"}
_FIELD_SEPARATORS = re.compile(r"[、・,;／/]")
_DATE = re.compile(r"^(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?$")


def decode(raw: bytes, source: str) -> str:
    """The text of a CSV file: UTF-8 (BOM or not) first, then Shift_JIS (CP932)."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidVolunteerFile(
        f"{source}: 文字コードを判別できません（UTF-8 または Shift_JIS で保存してください）"
    )


class _BadRow(ValueError):
    pass


def _header_of(column: str) -> str:
    """The Japanese header of a column, for messages."""
    return next((h for h, c in HEADERS.items() if c == column), column)


def _date(text: str) -> date:
    match = _DATE.match(text)
    if match is None:
        raise _BadRow(f"登録日 '{text}' は日付ではありません（例: 2024-04-01）")
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise _BadRow(f"登録日 '{text}' は存在しない日付です") from None


def _entry(values: dict[str, str]) -> VolunteerEntry:
    for column in REQUIRED:
        if not values.get(column):
            raise _BadRow(f"{_header_of(column)} が空です")
    kind = _KINDS.get(values.get("kind", ""))
    if kind is None:
        raise _BadRow(f"区分 '{values['kind']}' は 個人 または 団体 にしてください")
    consent = values.get("consent_to_contact", "").lower()
    if consent not in _YES | _NO:
        raise _BadRow(
            f"連絡可 '{values['consent_to_contact']}' は はい または いいえ にしてください"
        )
    fields = tuple(f.strip() for f in _FIELD_SEPARATORS.split(values.get("fields_of_help", "")))
    try:
        return VolunteerEntry(
            id=values["id"],
            name=values["name"],
            kind=kind,
            fields_of_help=tuple(f for f in fields if f),
            availability=values.get("availability", ""),
            contact=values.get("contact") or None,
            registered_on=_date(values["registered_on"]),
            consent_to_contact=consent in _YES,
        )
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        raise _BadRow(f"{_header_of(str(error['loc'][0]))}: {error['msg']}") from None


def parse(text: str, source: str) -> tuple[list[tuple[int, VolunteerEntry]], list[str]]:
    """Good rows (with their line numbers) and one message per bad row."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise InvalidVolunteerFile(f"{source}: 空のファイルです")
    columns = [HEADERS.get(h.strip()) for h in header]
    missing = [_header_of(c) for c in REQUIRED if c not in columns]
    if missing:
        names = "、".join(missing)
        raise InvalidVolunteerFile(f"{source}: 見出し行に {names} の列がありません")
    good: list[tuple[int, VolunteerEntry]] = []
    errors: list[str] = []
    first_line: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        values = {c: v.strip() for c, v in zip(columns, cells, strict=False) if c is not None}
        try:
            entry = _entry(values)
            if entry.id in first_line:
                raise _BadRow(f"登録番号 {entry.id} は行 {first_line[entry.id]} と重複しています")
        except _BadRow as bad:
            errors.append(f"行 {line}: {bad}")
            continue
        first_line[entry.id] = line
        good.append((line, entry))
    return good, errors


def import_volunteers(session: Session, municipality_id: str, path: Path | str) -> ImportReport:
    """Upsert every good row of the CSV at ``path`` into the municipality's registry.
    ``InvalidVolunteerFile`` when the file cannot be read at all."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidVolunteerFile(f"{path}: 読み込めません: {exc.strerror}") from exc
    require_municipality(session, municipality_id)
    good, errors = parse(decode(raw, str(path)), str(path))
    counts = {"inserted": 0, "updated": 0, "unchanged": 0}
    for line, entry in good:
        try:
            counts[upsert_volunteer(session, municipality_id, entry)] += 1
        except StoreError as exc:
            errors.append(f"行 {line}: {exc}")
    errors.sort(key=lambda e: int(e.split()[1].rstrip(":")))
    return ImportReport(**counts, errors=tuple(errors))
