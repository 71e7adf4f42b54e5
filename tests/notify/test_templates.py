"""Every notification template renders in Japanese and English, names the council and the
step, and says what to do next."""

from __future__ import annotations

import pytest

from activities.templates import TEMPLATES, render_notice

PARAMS = {
    "step": "approve", "due": "2027-05-31", "days": "7", "version": "2", "result": "approved",
    "approve": "4", "reject": "1", "eligible": "6", "reason": "台風による休校", "year": "2027",
    "task_id": "t-1", "title": "会場の予約", "count": "1", "number": "3",
    "held_on": "2027-06-10", "starts_at": "18:30", "reply_path": "/councils/c1/2027/calls/k1",
    "place": "体育館", "was_held_on": "2027-06-03", "was_starts_at": "18:00",
}  # fmt: skip
COUNCIL = "中央小学校学校運営協議会"

#: Templates about one step must name it; the others are about the whole cycle.
#: Task templates name their step in words (連絡調整), whatever ``step`` says.
STEP_TEMPLATES = {
    t for t in TEMPLATES if not t.startswith(("task_", "meeting_call", "opinion_"))
} - {
    "vote_needed",
    "vote_result",
    "paused",
    "cycle_closed",
}


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_each_template_names_the_council_and_what_to_do_next(template: str) -> None:
    ja = render_notice(template, PARAMS, COUNCIL)
    en = render_notice(template, PARAMS, COUNCIL, lang="en")
    assert COUNCIL in ja.subject and COUNCIL in en.subject
    assert "次にすること" in ja.body
    assert "Next" in en.body
    if template in STEP_TEMPLATES:
        assert "「承認」" in ja.subject + ja.body


def test_task_assigned_names_the_task_and_its_due_date() -> None:
    message = render_notice("task_assigned", PARAMS, COUNCIL)
    assert "連絡調整" in message.subject
    assert "会場の予約" in message.body and "2027年5月31日（月）" in message.body
    # Words, not codes: no task id, no CLI command in what a coordinator reads.
    assert "t-1" not in message.body and "task claim" not in message.body


def test_a_meeting_call_links_to_the_reply_page_below_the_console() -> None:
    message = render_notice("meeting_call", PARAMS, COUNCIL, base_url="https://cs.example.jp/")
    assert "https://cs.example.jp/councils/c1/2027/calls/k1" in message.body
    assert "2027-06-10 18:30" in message.subject


def test_a_missing_value_or_unknown_template_fails_loudly() -> None:
    with pytest.raises(KeyError, match="days"):
        render_notice("reminder", {"step": "approve", "due": "2027-05-31"}, COUNCIL)
    with pytest.raises(KeyError, match="unknown notification template 'remindr'"):
        render_notice("remindr", PARAMS, COUNCIL)


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_a_notice_names_its_council_once(template: str) -> None:
    # The subject names it; the body does not repeat it (short notices, issue 21).
    for lang in ("ja", "en"):
        message = render_notice(template, PARAMS, COUNCIL, lang=lang)
        assert (message.subject + message.body).count(COUNCIL) == 1, (template, lang)
