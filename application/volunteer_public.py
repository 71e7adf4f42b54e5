"""Volunteer requests without sign-in: a volunteer's signed reply link, and the
municipality's public page where residents apply (no personal data is shown there).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from application.commands import CommandRefused
from application.context import Context
from application.errors import AppError
from application.volunteer_requests import update_request
from config.payload_keys import PayloadKeyError, payload_keys_from
from config.reply_links import verify
from contracts.volunteer_requests import UPDATE_ANSWER, AnswerInput
from domain.text_rules import MultiLineStr, OneLineStr
from domain.volunteer_requests import Reply, RequestState
from store import volunteer_applications as applications
from store import volunteer_requests as requests
from store.errors import NotFound
from store.volunteer_requests import RequestView


class Application(BaseModel):
    """An application from the public page: name, contact, consent to be contacted."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: OneLineStr = Field(min_length=1, max_length=100)
    contact: OneLineStr = Field(min_length=3, max_length=320)
    message: MultiLineStr = Field(default="", max_length=500)
    consent: bool
    name_public: bool = False


class LinkPage(BaseModel):
    """What a volunteer's reply link shows: the request, never anyone's name."""

    model_config = ConfigDict(frozen=True)

    request: RequestView
    standing: str | None


def _target(ctx: Context, token: str) -> tuple[int, str]:
    try:
        keys = payload_keys_from(ctx.config)
    except PayloadKeyError as exc:
        raise AppError("request_link_invalid") from exc
    target = verify(keys, token)
    if target is None:
        raise AppError("request_link_invalid")
    return target.request_id, target.volunteer_id


def link_page(ctx: Context, token: str) -> LinkPage:
    """The request a reply link is for; ``AppError`` for a link that is not genuine."""
    request_id, volunteer_id = _target(ctx, token)

    def read(session: Session) -> LinkPage:
        view = requests.request_by_id(session, request_id)
        return LinkPage(request=view, standing=requests.standing(session, request_id, volunteer_id))

    return ctx.unit_of_work(read)


async def answer_by_link(
    ctx: Context, token: str, reply: Reply, name_public: bool, command_id: str
) -> RequestState:
    """The volunteer's one-tap reply; ``name_public`` records their consent to be named
    in the newsletter."""
    request_id, volunteer_id = _target(ctx, token)

    def read(session: Session) -> str:
        if name_public:
            applications.give_name_consent(session, volunteer_id, ctx.now())
        return requests.request_by_id(session, request_id).key

    key = ctx.unit_of_work(read)
    answer = AnswerInput(volunteer_id=volunteer_id, reply=reply)
    return await update_request(ctx, key, UPDATE_ANSWER, answer, command_id)


def public_requests(ctx: Context, municipality_id: str) -> list[RequestView]:
    """The municipality's requests open for applications (no personal data)."""
    return ctx.unit_of_work(lambda session: requests.public_requests(session, municipality_id[:64]))


def public_request(ctx: Context, request_id: int) -> RequestView:
    """One published, open request; ``NotFound`` otherwise."""

    def read(session: Session) -> RequestView:
        view = requests.request_by_id(session, request_id)
        if not view.public:
            raise NotFound("その依頼はありません")
        return view

    return ctx.unit_of_work(read)


def apply_public(ctx: Context, request_id: int, given: Application) -> None:
    """File an application from the public page (the coordinator accepts it); refused
    without consent to be contacted, or when the request no longer takes applications."""
    if not given.consent:
        raise AppError("request_consent_needed")

    def file(session: Session) -> None:
        view = requests.request_by_id(session, request_id)
        if not view.public or view.status.value != "open":
            raise CommandRefused("request_not_open", {})
        applications.add_application(session, request_id, given.name, given.contact, given.message,
                                 given.name_public, ctx.now())  # fmt: skip

    ctx.unit_of_work(file)
