"""Everything a person reads, in words: dates with the weekday in Japan time (和暦 on
official documents), refusals that name people, activities and aims instead of their
ids, and a council's history as sentences. One module for every page and the CLI; the
formulas are ``domain.japan_time``'s.

``Labels`` holds the names a cycle's ids stand for; ``labels_of_state`` builds it from a
cycle's state and the directory's names, ``labels_of_year`` from the store (the history
of a closed year, read by the board).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

import store
from domain.base import SYSTEM_ACTOR
from domain.events import Change
from domain.japan_time import day_text, in_japan, moment_text, wareki, wareki_fiscal_year
from domain.meeting_calls import ANSWER_NAMES
from domain.model import CycleState
from domain.refusals import ACTION_NAMES, STEP_NAMES, Lang, render
from i18n.catalogue import Texts
from store.closed_minutes import cycle_labels

#: The history's sentences: the ``"history"`` context of the message catalogue.
HISTORY = Texts("history")

__all__ = [
    "HISTORY",
    "Labels",
    "day",
    "history_sentence",
    "labels_of_state",
    "labels_of_year",
    "moment",
    "named_refusal",
    "official_day",
    "official_year",
]


def day(value: date | datetime | str | None, lang: Lang = "ja", with_year: bool = False) -> str:
    """A date as a person reads it: ``12月20日（日）``; a timestamp's Japanese day; an
    ISO date (a form's field) likewise, or as given when it is not one."""
    if value is None:
        return "—"
    if isinstance(value, str):
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            return value
        return day_text(parsed, with_year=with_year, lang=lang)
    if isinstance(value, datetime):
        value = in_japan(value).date()
    return day_text(value, with_year=with_year, lang=lang)


def moment(value: datetime | None, lang: Lang = "ja", with_year: bool = False) -> str:
    """A timestamp in Japan time with the weekday: ``12月20日（日）18:30``."""
    return "—" if value is None else moment_text(value, with_year=with_year, lang=lang)


def official_day(value: date | datetime | None) -> str:
    """A date as official documents write it: ``令和8年12月20日（日）``."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = in_japan(value).date()
    return wareki(value, weekday=True)


def official_year(fiscal_year: int) -> str:
    """The fiscal year as official documents head it: ``令和8年度``."""
    return wareki_fiscal_year(fiscal_year)


@dataclass(frozen=True)
class Labels:
    """The names a cycle's ids stand for. An id with no name shows as a neutral word,
    never as itself."""

    people: Mapping[str, str] = field(default_factory=dict)
    activities: Mapping[str, str] = field(default_factory=dict)
    aims: Mapping[str, str] = field(default_factory=dict)
    tasks: Mapping[str, str] = field(default_factory=dict)
    volunteers: Mapping[str, str] = field(default_factory=dict)
    calls: Mapping[str, date] = field(default_factory=dict)

    def person(self, person_id: str | None, lang: Lang = "ja") -> str:
        """A person's name; the system's own acts, and someone no longer named."""
        if person_id == SYSTEM_ACTOR:
            return HISTORY.text("system", lang)
        name = self.people.get(person_id or "")
        return name if name else HISTORY.text("someone", lang)

    def who(self, person_id: str, lang: Lang = "ja") -> str:
        """The subject of a sentence: ``山田 太郎さん`` (the system without さん)."""
        name = self.person(person_id, lang)
        known = person_id != SYSTEM_ACTOR and person_id in self.people
        return HISTORY.text("honorific", lang, name=name) if known else name

    def named(self, table: Mapping[str, str], key: str, lang: Lang) -> str:
        """``「読み聞かせ」``, or a neutral word when the id has no name."""
        found = table.get(key)
        return f"「{found}」" if found else HISTORY.text("unnamed", lang)


def labels_of_state(
    state: CycleState, people: Mapping[str, str], volunteers: Mapping[str, str]
) -> Labels:
    """The labels of a cycle as its state knows them."""
    return Labels(
        people=people,
        activities={a.activity_id: a.title for a in state.plan},
        aims={aim_id: aim.text for aim_id, (_, aim) in state.aims().items()},
        tasks={t.task_id: t.title for t in state.tasks},
        volunteers=volunteers,
        calls={c.call_id: c.held_on for c in state.calls},
    )


def labels_of_year(
    session: Session, council_id: str, fiscal_year: int, people: Sequence[str]
) -> Labels:
    """The labels of a council's year as the store holds them, with ``people``'s names."""
    found = cycle_labels(session, council_id, fiscal_year)
    return Labels(
        people=store.person_names(session, list(people)),
        activities=found.activities,
        aims=found.aims,
        tasks=found.tasks,
        volunteers=found.volunteers,
        calls=found.calls,
    )


#: Refusal parameters that hold a person's id, a thing's id, or a date.
_PERSON_PARAMS = ("actor", "owner", "who", "new_owner")
_THING_PARAMS = {
    "aim_id": "aims",
    "activity_id": "activities",
    "task_id": "tasks",
    "volunteer_id": "volunteers",
}
_DATE_PARAMS = (
    "held_on", "today", "day", "on", "registered_on", "withdrawn_on", "expires_on",
    "earliest", "latest",
)  # fmt: skip


def named_refusal(code: str, params: Mapping[str, str], labels: Labels, lang: Lang) -> str:
    """A refusal's one line with every id replaced by the name it stands for and every
    date written with its weekday (``domain.refusals.render`` knows only ids: the rules
    run where names are not known)."""
    shown = dict(params)
    for key in _PERSON_PARAMS:
        if key in shown:
            shown[key] = ",".join(labels.person(p, lang) for p in shown[key].split(","))
    for key, table in _THING_PARAMS.items():
        if key in shown:
            shown[key] = labels.named(getattr(labels, table), shown[key], lang)
    if "call_id" in shown:
        held = labels.calls.get(shown["call_id"])
        shown["call_id"] = day(held, lang) if held else HISTORY.text("unnamed", lang)
    for key in _DATE_PARAMS:
        if key in shown:
            with contextlib.suppress(ValueError):
                shown[key] = day(date.fromisoformat(shown[key]), lang)
    if "aims" in shown:
        shown["aims"] = "、".join(
            labels.named(labels.aims, a.strip(), lang) for a in shown["aims"].split(",")
        )
    return render(code, shown, lang)


# --- the history as sentences -------------------------------------------------------


def _version(text: str | None) -> str:
    """``v2`` or ``v2:approved`` → ``2``."""
    return (text or "v0").split(":")[0].lstrip("v") or "0"


def _field_id(change: Change) -> str:
    return change.field.split(":", 1)[1] if ":" in change.field else ""


def history_sentence(
    action: str,
    actor: str,
    changes: Sequence[Change],
    labels: Labels,
    lang: Lang = "ja",
    after_close: bool = False,
) -> str:
    """One event of a council's history as a sentence a person reads:
    「山田 太郎さんが基本方針 第2版に賛成しました」; a step it moved ends it."""
    who = labels.who(actor, lang)
    main = next((c for c in changes if c.field != "step"), None)
    sentence = _sentence(action, who, main, changes, labels, lang)
    if after_close:
        sentence += HISTORY.text("after_close", lang)
    step = next((c for c in changes if c.field == "step"), None)
    if step is not None and step.after is not None:
        sentence += HISTORY.text("step_moved", lang, step=STEP_NAMES.name(step.after, lang))
    return sentence


def _sentence(
    action: str,
    who: str,
    main: Change | None,
    changes: Sequence[Change],
    labels: Labels,
    lang: Lang,
) -> str:
    say = HISTORY.text
    after = main.after if main is not None else None
    thing = _field_id(main) if main is not None else ""
    if action == "record_meeting":
        return say("record_meeting", lang, who=who, number=after or "")
    if action == "submit_policy":
        return say("submit_policy", lang, who=who, version=_version(after))
    if action == "cast_vote" and main is not None:
        version = thing.lstrip("v")
        if main.before is not None and main.before != after:
            return say(
                "cast_vote_changed", lang, who=who, version=version,
                before=say("ballot_" + main.before, lang), after=say(f"ballot_{after}", lang),
            )  # fmt: skip
        return say(f"cast_vote_{after}", lang, who=who, version=version)
    if action == "close_vote" and after is not None:
        status = after.split(":")[-1]
        return say(f"close_vote_{status}", lang, who=who, version=_version(after))
    if action == "submit_plan":
        count = (after or "0").split(" ")[0]
        return say("submit_plan", lang, who=who, count=count)
    if action in ("claim_task", "complete_task", "waive_task", "reassign_task"):
        task = labels.named(labels.tasks, thing, lang)
        owner = labels.person(after, lang) if action == "reassign_task" else ""
        return say(action, lang, who=who, task=task, owner=owner)
    if action in ("record_activity", "cancel_activity"):
        return say(action, lang, who=who, activity=labels.named(labels.activities, thing, lang))
    if action == "evaluate_aim":
        aim = labels.named(labels.aims, thing, lang)
        return say(action, lang, who=who, aim=aim, rating=say(f"rating_{after}", lang))
    if action == "set_deadline" and main is not None:
        due = day(date.fromisoformat(after), lang) if after else "—"
        return say(action, lang, who=who, step=STEP_NAMES.name(thing, lang), due=due)
    if action == "pause_cycle":
        return say(action, lang, who=who, reason=after or "")
    if action in ("alert", "remind") and after is not None:
        # Alert keys begin with the step (``discuss:escalation_board:…``), a reminder's
        # with ``manual:<step>``.
        parts = after.split(":")
        step = parts[1] if parts[0] == "manual" and len(parts) > 1 else parts[0]
        return say(action, lang, who=who, step=STEP_NAMES.name(step, lang))
    if action == "task_alert" and after is not None:
        task = labels.named(labels.tasks, after.split(":")[1] if ":" in after else "", lang)
        return say(action, lang, who=who, task=task)
    if action in ("call_meeting", "call_reminder", "reply_to_call"):
        call = thing.split(":")[0]
        held = labels.calls.get(call)
        when = day(held, lang) if held else say("unnamed", lang)
        answer = ANSWER_NAMES.text(after, lang) if action == "reply_to_call" and after else ""
        return say(action, lang, who=who, date=when, answer=answer)
    if action == "publish_minutes":
        return say(action, lang, who=who, number=thing)
    if action == "correct_minutes":
        return say(action, lang, who=who, number=thing, version=_version(after))
    if action in ("close_discussion", "close_cycle", "resume_cycle"):
        return say(action, lang, who=who)
    return say("other", lang, who=who, action=_action_name(action, lang))


def _action_name(action: str, lang: Lang) -> str:
    return ACTION_NAMES.name(action, "ja") if lang == "ja" else action.replace("_", " ")
