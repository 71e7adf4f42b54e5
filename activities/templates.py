"""Notification texts: Japanese first, English as a fallback, from the message
catalogue's ``"notice"`` context. Pure functions.

Every message names the council (and so the school), the step, and what to do next.
Templates are format strings over the notice's params plus a few derived values
(``council``, ``step_ja``, ``next_ja`` / ``next_en``, ``result_ja``, ``follow_ja``).
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from domain.japan_time import day_text
from domain.refusals import STEP_NAMES
from i18n.catalogue import Lang, Texts


class Message(NamedTuple):
    """A rendered notification."""

    subject: str
    body: str


#: The notices' part of the message catalogue: ``<template>.subject`` and
#: ``<template>.body`` per template; ``notice.next`` holds each step's next action.
NOTICES = Texts("notice")
_NEXT_ACTION = Texts("notice.next")

#: Every notification template.
TEMPLATES = frozenset(key.removesuffix(".subject") for key in NOTICES if key.endswith(".subject"))

#: The console page where the person acts on each kind of notice, below the cycle page.
_PAGE_OF: dict[str, str] = {
    "vote_needed": "/vote",
    **{
        f"opinion_{kind}": "/opinions"
        for kind in ("vote_needed", "rejected", "sent", "answered", "reminder", "overdue")
    },
    "opinion_escalation_board": "/opinions",
}


def console_link(base_url: str, council_id: str, fiscal_year: int, template: str) -> str:
    """The web console page where the recipient of ``template`` acts: the vote for a
    call to vote, else the council's cycle page for that year."""
    page = _PAGE_OF.get(template, "")
    return f"{base_url.rstrip('/')}/councils/{council_id}/{fiscal_year}{page}"


def _due_in_words(params: dict[str, str], lang: Lang) -> dict[str, str]:
    """A due date as people write it (「5月31日（月）」), not as the rules keep it
    (``2027-05-31``); anything that is not an ISO date stays as it is."""
    due = params.get("due", "")
    try:
        day = date.fromisoformat(due)
    except ValueError:
        return {}
    return {"due": day_text(day, with_year=True, lang=lang)}


def render_notice(
    template: str, params: dict[str, str], council: str, lang: Lang = "ja", base_url: str = ""
) -> Message:
    """Render ``template`` for the council named ``council``.

    Raises ``KeyError`` naming the template or the missing value, so a typo fails loudly
    instead of sending a half-empty message.
    """
    if template not in TEMPLATES:
        raise KeyError(f"unknown notification template {template!r}")
    step = params.get("step", "")
    has_next = step in _NEXT_ACTION
    result = "approved" if params.get("result") == "approved" else "rejected"
    values = {
        **params,
        **_due_in_words(params, lang),
        "council": council,
        # Links to the console page where one answers (``reply_path`` below it).
        "base_url": base_url.rstrip("/"),
        "step_ja": STEP_NAMES.name(step, "ja"),
        "next_ja": _NEXT_ACTION.text(step, "ja") if has_next else "",
        "next_en": _NEXT_ACTION.text(step, "en") if has_next else "",
        "result_ja": NOTICES.text(f"result.{result}", "ja"),
        "follow_ja": NOTICES.text(f"follow.{result}", "ja"),
        "follow_en": NOTICES.text(f"follow.{result}", "en"),
    }
    subject = NOTICES.text(f"{template}.subject", lang).format(**values)
    return Message(subject, NOTICES.text(f"{template}.body", lang).format(**values))
