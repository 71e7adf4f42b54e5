"""How much a command may carry: the maximum of every free-text field and every list.

The maxima are far above what a real council writes (a meeting's minutes are a few
thousand characters; a year's plan has a handful of activities) and low enough that no
command, and no year's state, grows past what Temporal carries comfortably (a payload
over 2 MB fails the workflow task, for good). ``docs/bounded-commands.md`` lists them
with the reasons.

They are declared once, as pydantic field types, so that a command over a limit cannot
even be built: the CLI and the console refuse it before anything reaches Temporal, and
the workflow rejects it while decoding the update (before its validator accepts it).
``refusal_of`` turns pydantic's complaint into the rules' own one-line refusal.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, ValidationError
from pydantic_core import PydanticCustomError

from domain.refusals import Refusal
from domain.text_rules import ERROR_TYPE, MULTI_LINE, ONE_LINE

# --- free text, in characters --------------------------------------------------------
MINUTES_MAX = 20_000  # public minutes of one meeting
CLOSED_MINUTES_MAX = 10_000  # the closed (非公開) part of one meeting's minutes
VISION_MAX = 2_000  # 目指す子ども像
POLICY_TEXT_MAX = 20_000  # 学校運営の基本方針
COMMENT_MAX = 2_000  # a vote's or an evaluation's comment
REASON_MAX = 500  # a pause reason (shown in every refusal while paused), a reassignment's
OUTCOME_MAX = 2_000  # a task's outcome, a waiver's reason
NOTES_MAX = 4_000  # an activity record's notes
TITLE_MAX = 200  # an activity's or a task's title
AIM_TEXT_MAX = 500
PARTY_MAX = 200
DUTY_MAX = 500
KIND_MAX = 40

# --- lists -----------------------------------------------------------------------------
ATTENDANCE_MAX = 100  # people at one meeting (a council has up to ~20 members)
PLAN_ACTIVITIES_MAX = 50
AIMS_PER_ACTIVITY_MAX = 10
ROLES_PER_ACTIVITY_MAX = 20
TASKS_PER_ACTIVITY_MAX = 20
VOLUNTEERS_PER_RECORD_MAX = 300

# --- per year, checked by the rules (the state carries every one of them) --------------
MEETINGS_PER_YEAR_MAX = 24
POLICY_VERSIONS_PER_YEAR_MAX = 10


def not_blank(value: str) -> str:
    """Text of only spaces (ASCII or full-width) says nothing: refuse it (the
    ``AfterValidator`` of every free text the rules accept)."""
    if value and not value.strip():
        raise PydanticCustomError("blank_text", "text of only spaces")
    return value


MinutesText = Annotated[
    str, Field(min_length=1, max_length=MINUTES_MAX), AfterValidator(not_blank), MULTI_LINE
]
ClosedMinutesText = Annotated[
    str, Field(max_length=CLOSED_MINUTES_MAX), AfterValidator(not_blank), MULTI_LINE
]
VisionText = Annotated[
    str, Field(min_length=1, max_length=VISION_MAX), AfterValidator(not_blank), MULTI_LINE
]
PolicyText = Annotated[
    str, Field(min_length=1, max_length=POLICY_TEXT_MAX), AfterValidator(not_blank), MULTI_LINE
]
CommentText = Annotated[str, Field(max_length=COMMENT_MAX), AfterValidator(not_blank), MULTI_LINE]
ReasonText = Annotated[
    str, Field(min_length=1, max_length=REASON_MAX), AfterValidator(not_blank), MULTI_LINE
]
OptionalReasonText = Annotated[
    str, Field(max_length=REASON_MAX), AfterValidator(not_blank), MULTI_LINE
]
OutcomeText = Annotated[
    str, Field(min_length=1, max_length=OUTCOME_MAX), AfterValidator(not_blank), MULTI_LINE
]
NotesText = Annotated[str, Field(max_length=NOTES_MAX), AfterValidator(not_blank), MULTI_LINE]
TitleText = Annotated[
    str, Field(min_length=1, max_length=TITLE_MAX), AfterValidator(not_blank), ONE_LINE
]
AimText = Annotated[
    str, Field(min_length=1, max_length=AIM_TEXT_MAX), AfterValidator(not_blank), ONE_LINE
]
PartyText = Annotated[
    str, Field(min_length=1, max_length=PARTY_MAX), AfterValidator(not_blank), ONE_LINE
]
DutyText = Annotated[
    str, Field(min_length=1, max_length=DUTY_MAX), AfterValidator(not_blank), ONE_LINE
]
KindText = Annotated[
    str, Field(min_length=1, max_length=KIND_MAX), AfterValidator(not_blank), ONE_LINE
]


def refusal_of(exc: ValidationError) -> Refusal | None:
    """The first problem of ``exc`` as the rules' refusal, when it is one of the bounds
    above; ``None`` for any other invalid value. Never quotes the value itself: it may be
    minutes or a name."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "-"
    kind = first["type"]
    ctx = first.get("ctx") or {}
    if kind == "string_too_long":
        length = len(first["input"]) if isinstance(first["input"], str) else 0
        return Refusal(
            "text_too_long", field=where, limit=str(ctx["max_length"]), length=str(length)
        )
    if kind == "too_long":
        return Refusal("too_many_items", field=where, limit=str(ctx["max_length"]))
    if kind in ("blank_text", "string_too_short"):
        return Refusal("blank_text", field=where)
    if kind == ERROR_TYPE:
        return Refusal("control_character", field=where, char=str(ctx["char"]))
    return None
