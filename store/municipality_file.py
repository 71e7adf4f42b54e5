"""The municipality file: one YAML file describing a municipality, its places, people,
staff and councils, loaded into the store with ``load_municipality``.

Format (every id is a string of letters, digits, ``-``, ``_`` or ``.``, at most 64 long)::

    municipality: {id: kushiro, name: 釧路市, prefecture: 北海道}
    # Optional; defaults to "more than half" for both quorum and majority.
    vote_rule:
      quorum: {numerator: 1, denominator: 2, inclusive: false}
      majority: {numerator: 1, denominator: 2, inclusive: false}
    districts:          # 中学校区; model_district is optional
      - {id: asahikawa-d1, name: 第一中学校区,
         model_district: {from_year: 2025, to_year: 2026, budget_yen: 20000}}
    schools:            # district: a district id, or null / left out
      - {id: kushiro-chuo-es, name: 中央小学校, district: null}
    # Optional: when each step is due and how it is chased; the engine's defaults
    # (approve by 05-31, evaluate by 03-31, reminders 7 and 1 days before, escalation to
    # the chief coordinator 3 days late and to the board 10 days late) fill what is left out.
    deadlines:
      due: {approve: 05-31, evaluate: 03-31}     # MM-DD; January-March fall in the next year
      remind_days_before: [7, 1]
      escalate_to_chief_after_days: 3
      escalate_to_board_after_days: 10
    opinions: {answer_days: 30}   # optional: days to answer a council's opinion (意見申出)
    people:             # kana, email, webhook_url and the notify_* switches are optional
      - {id: kushiro-chuo-chair, name: 山田 太郎, kana: やまだ たろう,
         email: chair@example.jp, webhook_url: null,
         notify_email: true, notify_webhook: true}   # the inbox is always on
    staff:              # on the roster of every council of the municipality
      - {person: kushiro-chief, role: chief_coordinator}   # or board_admin
    councils:           # schools: one or more (several = 合同, a joint council)
      - id: kushiro-chuo
        name: 中央小学校学校運営協議会
        schools: [kushiro-chuo-es]
        designated_on: 2015-03-31      # optional
        deadlines: {due: {approve: 06-15}}   # optional; overrides the municipality's
        members:
          - {person: kushiro-chuo-chair, roles: [chair]}   # chair|member|principal|coordinator
    resources:          # optional: the community resource list (地域人材・資源リスト)
      - {id: asahikawa-r1, name: 旭川木工組合, kind: 企業・団体, contact: 0166-00-0000,
         notes: 木工教室の講師}

Every cross-reference (a school's district, a council's schools, a member or staff
person) must name an id defined in the same file, and ids must be unique within their
list; no two people may share an e-mail address (ignoring case and look-alike
characters: the address is how a person signs in). Any problem raises
``InvalidMunicipalityFile`` with one line naming the file, the field and the bad value.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal, get_args

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from domain.deadlines import DeadlineRules, MonthDay
from domain.email_keys import MAX_EMAIL_KEY_LENGTH, email_key
from domain.model import Role, Step, VoteRule
from domain.opinions import OpinionRules
from domain.text_rules import ONE_LINE
from domain.webhook_targets import refusal_of as webhook_refusal
from store.errors import InvalidMunicipalityFile
from store.volunteers import ResourceEntry

Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
Text = Annotated[str, Field(min_length=1, max_length=200), ONE_LINE]

#: Roles a person may hold on one council; the municipality-wide ones go under ``staff``.
CouncilRole = Literal["chair", "member", "principal", "coordinator"]
StaffRole = Literal["chief_coordinator", "board_admin"]

# The literals above must stay a partition of ``Role``.
assert {*get_args(CouncilRole), *get_args(StaffRole)} == {r.value for r in Role}


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MunicipalityEntry(_Strict):
    """The municipality itself."""

    id: Identifier
    name: Text
    prefecture: Text


class ModelDistrictTerm(_Strict):
    """A model-district designation: fiscal years (inclusive) and its budget in yen."""

    from_year: int = Field(ge=2000, le=2200)
    to_year: int = Field(ge=2000, le=2200)
    budget_yen: int = Field(ge=0)

    @model_validator(mode="after")
    def _years_in_order(self) -> ModelDistrictTerm:
        if self.to_year < self.from_year:
            raise ValueError(f"to_year {self.to_year} is before from_year {self.from_year}")
        return self


class DistrictEntry(_Strict):
    """A junior-high-school district (中学校区)."""

    id: Identifier
    name: Text
    model_district: ModelDistrictTerm | None = None


class SchoolEntry(_Strict):
    """A school, optionally in a district."""

    id: Identifier
    name: Text
    district: Identifier | None = None


def _month_day(value: object) -> object:
    """``"05-31"`` → ``MonthDay``; 29 February is refused (it does not come every year)."""
    if not isinstance(value, str):
        return value
    month, sep, day = value.partition("-")
    if not (sep and month.isdigit() and day.isdigit()):
        raise ValueError("expected MM-DD, for example 05-31")
    parsed = MonthDay(month=int(month), day=int(day))
    try:
        parsed.in_fiscal_year(2001)  # a year without 29 February
    except ValueError as exc:
        raise ValueError("not a day of every year (use 02-28 for the end of February)") from exc
    return parsed


DueDay = Annotated[MonthDay, BeforeValidator(_month_day)]


class DeadlineEntry(_Strict):
    """Deadline settings; every field optional. At municipality level the missing ones
    take the engine's defaults; on a council they take the municipality's."""

    due: dict[Step, DueDay] = Field(default_factory=dict)
    remind_days_before: tuple[Annotated[int, Field(ge=1, le=90)], ...] | None = None
    escalate_to_chief_after_days: int | None = Field(default=None, ge=0, le=365)
    escalate_to_board_after_days: int | None = Field(default=None, ge=0, le=365)

    @model_validator(mode="after")
    def _no_closed_step(self) -> DeadlineEntry:
        if Step.CLOSED in self.due:
            raise ValueError("due: 'closed' has no due date")
        return self

    def overrides(self) -> dict[str, object]:
        """Only the fields given, as JSON-ready values (what the store keeps)."""
        data = self.model_dump(mode="json", exclude_none=True)
        if not data.get("due"):
            data.pop("due", None)
        return data


def apply_deadlines(rules: DeadlineRules, overrides: dict[str, object] | None) -> DeadlineRules:
    """``rules`` with the stored ``overrides`` laid over them (due dates step by step)."""
    if not overrides:
        return rules
    entry = DeadlineEntry.model_validate(overrides)
    changed: dict[str, object] = {"due": {**rules.due, **entry.due}}
    for name in (
        "remind_days_before",
        "escalate_to_chief_after_days",
        "escalate_to_board_after_days",
    ):
        value = getattr(entry, name)
        if value is not None:
            changed[name] = value
    return DeadlineRules.model_validate({**rules.model_dump(), **changed})


class PersonEntry(_Strict):
    """A person, their optional contacts and which channels they want (the inbox is
    always on; a channel without an address stays off)."""

    id: Identifier
    name: Text
    kana: Text | None = None
    email: Annotated[str, Field(max_length=320, pattern=r"^[^@\s]+@[^@\s]+$"), ONE_LINE] | None = (
        None
    )
    webhook_url: (
        Annotated[str, Field(max_length=2000, pattern=r"^https?://\S+$"), ONE_LINE] | None
    ) = None
    notify_email: bool = True
    notify_webhook: bool = True

    @field_validator("webhook_url")
    @classmethod
    def _webhook_target_allowed(cls, url: str | None) -> str | None:
        # The URL itself stays out of the message: it is often a bridge's secret.
        reason = None if url is None else webhook_refusal(url)
        if reason is not None:
            raise ValueError(f"webhook target refused: {reason}")
        return url


class StaffEntry(_Strict):
    """A municipality-wide role: chief coordinator or board of education."""

    person: Identifier
    role: StaffRole


class MemberEntry(_Strict):
    """One person's roles on one council."""

    person: Identifier
    roles: tuple[CouncilRole, ...] = Field(min_length=1)


class CouncilEntry(_Strict):
    """A council, the schools it serves and its members."""

    id: Identifier
    name: Text
    schools: tuple[Identifier, ...] = Field(min_length=1)
    designated_on: date | None = None
    members: tuple[MemberEntry, ...] = Field(min_length=1)
    deadlines: DeadlineEntry | None = None


class MunicipalityFile(_Strict):
    """The whole file, with every cross-reference checked."""

    municipality: MunicipalityEntry
    vote_rule: VoteRule = VoteRule()
    deadlines: DeadlineEntry | None = None
    # Optional: the answer period of the council's opinions (default 30 days) and its chase.
    opinions: OpinionRules | None = None
    districts: tuple[DistrictEntry, ...] = ()
    schools: tuple[SchoolEntry, ...] = ()
    people: tuple[PersonEntry, ...] = ()
    staff: tuple[StaffEntry, ...] = ()
    councils: tuple[CouncilEntry, ...] = ()
    # The community resource list (地域人材・資源リスト); optional.
    resources: tuple[ResourceEntry, ...] = ()

    @model_validator(mode="after")
    def _references_resolve(self) -> MunicipalityFile:
        district_ids = _unique_ids("districts", [d.id for d in self.districts])
        school_ids = _unique_ids("schools", [s.id for s in self.schools])
        person_ids = _unique_ids("people", [p.id for p in self.people])
        _unique_ids("councils", [c.id for c in self.councils])
        _unique_ids("resources", [r.id for r in self.resources])
        for i, school in enumerate(self.schools):
            if school.district is not None and school.district not in district_ids:
                raise ValueError(f"schools[{i}].district: unknown district '{school.district}'")
        for i, staff in enumerate(self.staff):
            if staff.person not in person_ids:
                raise ValueError(f"staff[{i}].person: unknown person '{staff.person}'")
        for i, council in enumerate(self.councils):
            for j, school_id in enumerate(council.schools):
                if school_id not in school_ids:
                    raise ValueError(f"councils[{i}].schools[{j}]: unknown school '{school_id}'")
            for j, member in enumerate(council.members):
                if member.person not in person_ids:
                    raise ValueError(
                        f"councils[{i}].members[{j}].person: unknown person '{member.person}'"
                    )
        return self

    @model_validator(mode="after")
    def _one_person_per_address(self) -> MunicipalityFile:
        # The address is the sign-in: two people with one mailbox would lock both out.
        # Compared as ``email_key`` does, so ``K`` (the Kelvin sign) equals ``k``; the
        # message names positions only, never the address.
        seen: dict[str, int] = {}
        for i, person in enumerate(self.people):
            if person.email is None:
                continue
            key = email_key(person.email)
            if len(key) > MAX_EMAIL_KEY_LENGTH:
                raise ValueError(f"people[{i}].email: too long once normalised")
            if key in seen:
                raise ValueError(
                    f"people[{i}].email: the same address as people[{seen[key]}] "
                    "(compared ignoring case and look-alike characters)"
                )
            seen[key] = i
        return self


def _unique_ids(where: str, ids: list[str]) -> set[str]:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            raise ValueError(f"{where}[{i}].id: duplicate id '{ident}'")
        seen.add(ident)
    return seen


def read_municipality_file(path: Path | str) -> MunicipalityFile:
    """Read and check a municipality file; raise ``InvalidMunicipalityFile`` (one line
    naming the file and the problem) when it cannot be read or is wrong."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidMunicipalityFile(f"{path}: cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InvalidMunicipalityFile(f"{path}: not valid YAML{where}: {problem}") from exc
    if not isinstance(raw, dict):
        raise InvalidMunicipalityFile(f"{path}: expected a mapping at the top level")
    try:
        return MunicipalityFile.model_validate(raw)
    except ValidationError as exc:
        raise InvalidMunicipalityFile(f"{path}: {_first_error(exc)}") from exc


def _first_error(exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    location = _format_location(error["loc"])
    message = error["msg"].removeprefix("Value error, ").replace("\n", " ")
    if error["type"] == "missing":
        return f"{location}: required field is missing"
    if not location:
        return message
    if error["type"] == "extra_forbidden":
        return f"{location}: unknown field"
    shown = error.get("input")
    # A webhook URL is often a secret: never echo it.
    secret = location.endswith("webhook_url")
    value = (
        f" (got {shown!r})" if isinstance(shown, str | int | float | bool) and not secret else ""
    )
    return f"{location}: {message}{value}"


def _format_location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.startswith(("function-", "constrained-")) or part in {"str", "none"}:
            continue
        else:
            text += f".{part}" if text else part
    return text
