"""A council's cycle as a signed-in person may see it: what the cycle page, the vote
page, the plan form, the calls and the minutes pages share (``routers/cycle.py`` and
its neighbours render it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from application import cycles, outcomes, volunteer_requests, wording
from application.cycle_reads import cycle_is_theirs, read_cycle
from application.my_page import TASK_HOLDERS
from application.permissions import CONSOLE_COMMANDS
from application.surveys import SurveyView, survey_view
from application.vocabulary import ACTIVITY_KINDS as RULE_KINDS
from application.vocabulary import (
    STEP_ORDER,
    Command,
    CycleState,
    PolicyStatus,
    Role,
    Step,
    VolunteerRow,
)
from console.context import ConsoleContext
from console.forms import form_field
from console.messages import text
from console.params import MAX_ROW_ID, bounded_int
from console.web import PageNotFound, SignedIn, lang_of, render, today

#: The six steps shown on the timeline.
TIMELINE = STEP_ORDER[:6]
#: Activity kinds offered by the plan form: every kind the rules know (each has a
#: default checklist and a label ``kind_<kind>`` in the catalogue).
ACTIVITY_KINDS = RULE_KINDS
MAX_PLAN_ROWS = 10


@dataclass
class CycleView:
    """Everything the cycle page, the vote page and the plan form show."""

    council_id: str
    council_name: str
    year: int
    state: CycleState
    roles: frozenset[Role]
    allowed: frozenset[str]
    names: dict[str, str]
    closed_minutes: bool
    contacts: bool
    volunteers: list[VolunteerRow] = field(default_factory=list)
    task_actions: dict[str, frozenset[str]] = field(default_factory=dict)
    #: Each role's name in the page's language (「委員」), for ``named``.
    role_names: dict[Role, str] = field(default_factory=dict)
    #: Accepted commands the page does not show yet (still being recorded in the store).
    recording: int = 0
    #: The year's school-evaluation survey and its results (shown beside each aim).
    survey: SurveyView | None = None

    @property
    def url(self) -> str:
        """The cycle page's path."""
        return f"/councils/{self.council_id}/{self.year}"

    def name(self, person_id: str | None) -> str:
        """A person's name (a neutral word when the store has none: never the id)."""
        if person_id is None:
            return ""
        return wording.Labels(people=self.names).person(person_id)

    def labels(self) -> wording.Labels:
        """The names this cycle's ids stand for (refusals and sentences use them)."""
        volunteers = {v.id: v.name for v in self.volunteers}
        return wording.labels_of_state(self.state, self.names, volunteers)

    def named(self, person_id: str | None) -> str:
        """A person's name with their roles on this council: 「山田 太郎（委員）」, so two
        people of one name are told apart in lists and pickers."""
        if person_id is None:
            return ""
        held = self.state.roster.roles_of(person_id)
        roles = "・".join(self.role_names.get(r, r.value) for r in Role if r in held)
        return f"{self.name(person_id)}（{roles}）" if roles else self.name(person_id)

    def coordinators(self) -> tuple[str, ...]:
        """Who may own a task here: only those the rules let hold one (coordinators and
        the chief coordinator; never the board of education)."""
        return self.state.roster.holders_of(*TASK_HOLDERS)


def days_left(due: date | None) -> int | None:
    """Days from today (Japan) to ``due``; negative once overdue."""
    return None if due is None else (due - today()).days


async def load_cycle(
    request: Request, ctx: ConsoleContext, council_id: str, year: int
) -> CycleView:
    """The cycle of ``council_id`` in ``year`` as the signed-in person may see it;
    ``PageNotFound`` when the council is not theirs (the same answer as for an unknown one)."""
    # The receipt of the command just sent (``Applied.done``): the page says when the
    # store does not show it yet.
    seen = bounded_int(request.query_params.get("seq", ""), 1, MAX_ROW_ID) or 0
    read = await read_cycle(ctx, council_id, year, request.url.path, seen)
    if read is None:
        raise PageNotFound()
    survey = None
    if read.state.step in (Step.EVALUATE, Step.CLOSED):
        survey = await ctx.run(survey_view, council_id, year)
    return CycleView(
        council_id=council_id,
        council_name=read.council_name,
        year=year,
        state=read.state,
        roles=read.roles,
        allowed=read.allowed,
        names=read.names,
        closed_minutes=read.closed_minutes,
        contacts=read.contacts,
        volunteers=read.volunteers,
        task_actions=read.task_actions,
        role_names={role: text(f"role_{role.value}", lang_of(request)) for role in Role},
        recording=read.recording,
        survey=survey,
    )


def cycle_context(view: CycleView, who: SignedIn) -> dict[str, Any]:
    """What the cycle templates need besides the view."""
    state = view.state
    policy = state.current_policy
    voters = state.roster.voters()
    return {
        "view": view,
        "state": state,
        "timeline": TIMELINE,
        "step_index": STEP_ORDER.index(state.step),
        "due": state.due_dates.get(state.step),
        "days": days_left(state.due_dates.get(state.step)),
        "policy": policy,
        "voting": policy is not None and policy.status is PolicyStatus.VOTING,
        "voters": voters,
        "my_ballot": None if policy is None else policy.ballots.get(who.person_id),
        "aims": state.aims(),
        "kinds": ACTIVITY_KINDS,
        "max_rows": MAX_PLAN_ROWS,
        "focus_row": None,
        "draft_saved": None,
        "offered_volunteers": [v for v in view.volunteers if v.active_on(today())],
        "lapsed_volunteers": [v for v in view.volunteers if not v.active_on(today())],
    }


#: The section of the cycle page each command's form is in (the anchor to return to,
#: where the notice of what it did is shown).
SECTION = {
    "record_meeting": "meetings",
    "close_discussion": "meetings",
    "submit_policy": "policy",
    "close_vote": "policy",
    "cast_vote": "cast_vote",
    "submit_plan": "plan",
    "record_activity": "records",
    "cancel_activity": "records",
    "evaluate_aim": "evaluations",
    "evaluate_aims": "evaluations",
    "close_cycle": "steps",
    "set_deadline": "oversight",
    "pause_cycle": "oversight",
    "resume_cycle": "oversight",
    "remind": "oversight",
}
#: The commands of the tasks' own forms (their section: ``tasks``).
TASK_COMMANDS = frozenset({"claim_task", "complete_task", "reassign_task", "waive_task"})


def section_of(kind: str) -> str | None:
    """The section of the cycle page the form of command ``kind`` is in."""
    return "tasks" if kind in TASK_COMMANDS else SECTION.get(kind)


async def render_cycle(
    request: Request,
    who: SignedIn,
    view: CycleView,
    template: str = "cycle.html",
    error: str | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
    posted: str | None = None,
    invalid: str | None = None,
    **extra: Any,
) -> HTMLResponse:
    """Render one of the cycle's pages, with a refusal or an input error if any: the form
    of the command ``posted`` keeps what was typed, and its field ``invalid`` is marked
    with the reason beside it. After an act (``?done=<kind>``) the outcome is worded from
    the state (``done_text``) and shown in the section of the act's form
    (``done_section``); ``extra`` goes to the template as it is."""
    context = cycle_context(view, who)
    context.update(
        {
            "error": error,
            "form": form or {},
            "rows": _plan_rows(request, form),
            "posted": posted,
            "invalid": {invalid: error} if invalid and error else {},
            "done_text": None,
            "done_section": None,
        }
    )
    done = request.query_params.get("done", "")
    if done in CONSOLE_COMMANDS and error is None:
        # What the act did, in words, read from the state after it.
        context["done_text"] = outcomes.outcome(done, view.state, who.person_id, lang_of(request))
        context["done_section"] = section_of(done)
    context.update(extra)
    return render(request, template, context, who=who, status_code=status_code)


#: The form field a refusal of the rules is about, by refusal code.
_FAULT_FIELDS = {
    "volunteer_unknown": "volunteer_ids",
    "volunteer_withdrawn": "volunteer_ids",
    "volunteer_expired": "volunteer_ids",
    "volunteer_not_yet_registered": "volunteer_ids",
    "no_vision": "vision_draft",
    "vision_outside_discuss": "vision_draft",
}


def fault_field(kind: str, code: str, params: dict[str, str]) -> str | None:
    """The form field of command ``kind`` that a refusal (``code``, ``params``) is
    about, when it names one."""
    if "field" in params:
        return form_field(kind, params["field"])
    return _FAULT_FIELDS.get(code)


def _plan_rows(request: Request, form: dict[str, Any] | None) -> int:
    raw = (form or {}).get("rows") or request.query_params.get("activities", "1")
    rows = bounded_int(str(raw), 1, MAX_ROW_ID)
    return min(rows, MAX_PLAN_ROWS) if rows is not None else 1


def field_of(form: dict[str, Any], name: str, limit: int) -> str:
    """A form field, trimmed, one character past ``limit`` (so the input model refuses it)."""
    value = form.get(name, "")
    return str(value[0] if isinstance(value, list) else value).strip()[: limit + 1]


def first_error(exc: Exception) -> str:
    """The one line naming the first field a form got wrong."""
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc']) or 'form'}: {first['msg']}"
    return "held_on / starts_at: YYYY-MM-DD / HH:MM"


@dataclass(frozen=True)
class NotApplied:
    """Why a command did not apply: the rules' one line (409) or the trouble's (503)."""

    message: str
    refused: bool
    #: The form field the refusal is about, when it names one.
    field: str | None = None


@dataclass(frozen=True)
class Applied:
    """A command the cycle accepted: its receipt's number, for the page it leads to."""

    seq: int
    kind: str

    @property
    def done(self) -> str:
        """The query of the page shown next: which command was done (the page words its
        outcome) and its receipt's number (the page says so if the store does not show it
        yet, instead of asking the workflow)."""
        return f"done={self.kind}&seq={self.seq}"


@dataclass(frozen=True)
class CycleRef:
    """A cycle the signed-in person may see, before its state is read (a form's target)."""

    council_id: str
    year: int

    @property
    def url(self) -> str:
        """The cycle page's path."""
        return f"/councils/{self.council_id}/{self.year}"


async def find_cycle(ctx: ConsoleContext, council_id: str, year: int) -> CycleRef:
    """The cycle a form posts to, without reading its state (the rules decide the
    command); ``PageNotFound`` when it is not theirs, as ``load_cycle`` says."""
    if not await cycle_is_theirs(ctx, council_id, year):
        raise PageNotFound()
    return CycleRef(council_id, year)


async def send_command(
    request: Request,
    ctx: ConsoleContext,
    view: CycleView | CycleRef,
    command: Command,
    form: dict[str, Any],
) -> NotApplied | Applied:
    """Send ``command`` to the cycle (every console form does it here); ``Applied`` with
    its receipt's number once applied. The form's own ``command_id``: the same form sent
    again is applied once."""
    lang = lang_of(request)
    try:
        receipt = await cycles.send(
            await ctx.temporal(), view.council_id, view.year, command,
            command_id=str(form.get("command_id", "")) or None,
        )  # fmt: skip
    except cycles.CommandRefused as refusal:
        field = fault_field(command.kind, refusal.code, refusal.params)
        # Named, not numbered: 「読み聞かせ」, 山田 太郎 — never act-1 or a person's id.
        # A form sent without reading the state reads it now, for the names.
        if isinstance(view, CycleRef):
            view = await load_cycle(request, ctx, view.council_id, view.year)
        said = wording.named_refusal(refusal.code, refusal.params, view.labels(), lang)
        return NotApplied(said, refused=True, field=field)
    except cycles.CycleError as exc:
        return NotApplied(text("unavailable", lang, detail=exc.message(lang)), refused=False)
    # A cancelled activity's volunteer requests are cancelled too (volunteers told).
    await volunteer_requests.activity_cancelled(ctx, view.council_id, view.year, command)
    return Applied(receipt.seq, command.kind)
