"""Turn cycle states, command results and histories into what people read."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from rich.markup import escape
from rich.table import Table
from rich.text import Text

from application.texts import action_name, step_name, text
from application.views import HistoryEntry
from application.vocabulary import (
    BIDI_CONTROLS,
    JAPAN,
    LINE_SEPARATORS,
    STEP_ORDER,
    SYSTEM_ACTOR,
    CycleState,
    Lang,
    PolicyStatus,
    PolicyVersion,
)
from i18n.catalogue import Texts

# C0 controls but newline and tab, DEL, C1 controls, bidi overrides and isolates, and
# the Unicode line separators: what a terminal would obey or reorder instead of show.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS | LINE_SEPARATORS)) + "]"
)


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _json_escape_char(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def visible(text: str) -> str:
    """``text`` safe for a terminal: every control character but newline and tab, and
    every bidi override, shown as an escape (``\\x1b``, ``\\u202e``) instead of obeyed.

    Every line the CLI prints of stored or user text goes through this (``say``, the
    error line, JSON, tables), so a name or a municipality file cannot move the cursor,
    recolour or clear the screen, or make a line read backwards."""
    return _UNSAFE.sub(_escape_char, text)


def visible_json(document: str) -> str:
    """A JSON document with the characters ``visible`` escapes written as ``\\uXXXX``:
    the same JSON value, but nothing a terminal obeys (JSON itself escapes only C0)."""
    return _UNSAFE.sub(_json_escape_char, document)


class SafeTable(Table):
    """A rich ``Table`` whose text cells are shown, not obeyed: control characters
    escaped by ``visible`` and rich markup (``[link=...]``) printed as typed."""

    def add_row(self, *renderables: Any, **options: Any) -> None:
        """``Table.add_row`` with every text cell made visible."""
        safe = [
            escape(visible(cell))
            if isinstance(cell, str)
            else Text(visible(cell.plain), style=cell.style)
            if isinstance(cell, Text)
            else cell
            for cell in renderables
        ]
        super().add_row(*safe, **options)


#: The tables' labels and ratings: the catalogue's ``"cli.render"`` context.
_LABELS = Texts("cli.render")
_POLICY_STATUS = Texts("policy_status")


def _label(key: str, lang: Lang, **params: object) -> str:
    return _LABELS.text(key, lang, **params)


def local_time(moment: datetime) -> str:
    """A timestamp as people in Japan read it: ``2026-05-12 19:30``."""
    return moment.astimezone(JAPAN).strftime("%Y-%m-%d %H:%M")


def accepted_line(kind: str, state: CycleState, lang: Lang) -> str:
    """The one line that confirms an accepted command, plus the vote result if any."""
    line = text(
        "accepted",
        lang,
        action=action_name(kind, lang),
        council=state.council_id,
        year=state.fiscal_year,
        step=step_name(state.step, lang),
    )
    policy = state.current_policy
    if kind == "close_vote" and policy is not None and policy.tally is not None:
        key = "vote_passed" if policy.status is PolicyStatus.APPROVED else "vote_rejected"
        tally = policy.tally
        result = text(
            key,
            lang,
            version=policy.version,
            approve=tally.approve,
            reject=tally.reject,
            eligible=tally.eligible,
        )
        return f"{line}\n{result}"
    return line


def _policy_summary(policy: PolicyVersion, voters: int, lang: Lang) -> str:
    status = _POLICY_STATUS.text(policy.status.value, lang)
    if policy.tally is not None:
        counts = f"{policy.tally.approve}-{policy.tally.reject}/{policy.tally.eligible}"
    else:
        counts = f"{len(policy.ballots)}/{voters}"
    version = _label("policy_version", lang, version=policy.version)
    return f"{version} {status} ({counts})"


def state_table(state: CycleState, lang: Lang) -> Table:
    """A two-column summary of a cycle's state."""
    none = _label("none", lang)
    table = SafeTable(show_header=True)
    table.add_column(_label("item", lang), no_wrap=True)
    table.add_column(_label("value", lang))
    table.add_row(_label("council", lang), state.council_id)
    table.add_row(_label("year", lang), str(state.fiscal_year))
    table.add_row(
        _label("step", lang),
        f"{step_name(state.step, lang)} ({_label('since', lang)} "
        f"{local_time(state.step_opened_at)})",
    )
    if state.paused is not None:
        table.add_row(
            _label("paused", lang),
            f"{state.paused.reason} ({state.paused.by}, {local_time(state.paused.since)})",
        )
    due = ", ".join(
        f"{step_name(step, lang)} {day}"
        for step, day in sorted(state.due_dates.items(), key=lambda item: STEP_ORDER.index(item[0]))
    )
    table.add_row(_label("due", lang), due or none)
    table.add_row(_label("meetings", lang), str(len(state.meetings)))
    table.add_row(_label("vision", lang), state.vision or none)
    voters = len(state.roster.voters())
    policies = ", ".join(_policy_summary(p, voters, lang) for p in state.policies)
    table.add_row(_label("policy", lang), policies or none)
    plan = "\n".join(
        f"{act.planned_on} {act.title} ({', '.join(a.aim_id for a in act.aims)})"
        for act in state.plan
    )
    table.add_row(_label("plan", lang), plan or none)
    evaluations = "\n".join(
        f"{ev.aim_id}: {_label(ev.rating.value, lang)}" + (f" — {ev.comment}" if ev.comment else "")
        for ev in state.evaluations.values()
    )
    table.add_row(_label("evaluations", lang), evaluations or none)
    carried = "\n".join(
        f"{f.from_year} {f.activity_title} / {f.aim_text}: "
        f"{_label(f.rating.value, lang)}" + (f" — {f.comment}" if f.comment else "")
        for f in state.carried_over
    )
    table.add_row(_label("carried", lang), carried or none)
    table.add_row(_label("accepted", lang), str(state.accepted_commands))
    return table


def history_table(entries: Sequence[HistoryEntry], names: Mapping[str, str], lang: Lang) -> Table:
    """Every accepted command, oldest first; the actor's name comes from the store."""
    table = SafeTable(show_header=True)
    for key in ("year", "seq", "at", "step", "action", "actor", "name", "changes"):
        table.add_column(_label(key, lang), no_wrap=key not in ("changes",))
    for entry in entries:
        if entry.step_before == entry.step_after:
            step = step_name(entry.step_before, lang)
        else:
            step = f"{step_name(entry.step_before, lang)} → {step_name(entry.step_after, lang)}"
        changes = ", ".join(
            f"{c.field}: {c.before if c.before is not None else '-'} → "
            f"{c.after if c.after is not None else '-'}"
            for c in entry.changes
            if c.field != "step"
        )
        table.add_row(
            str(entry.fiscal_year),
            str(entry.seq),
            local_time(entry.at),
            step,
            action_name(entry.action, lang),
            entry.actor,
            names.get(entry.actor)
            or (_label("system", lang) if entry.actor == SYSTEM_ACTOR else ""),
            changes,
        )
    return table
