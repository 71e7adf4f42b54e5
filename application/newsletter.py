"""The coordinator's newsletter (コーディネーター通信): preview, publish, read.

The coordinator (or the chief, or the board) previews a council's page for the year,
built from its activity records, with a message of their own; publishing keeps exactly
that page for the public page and its A4 print layout. Volunteers are named only with
their consent (``store.volunteer_applications.give_name_consent``).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from application.context import Context
from application.errors import AppError
from application.permissions import VOLUNTEER_STAFF, roles_on
from domain.newsletter import MESSAGE_MAX, Newsletter, build
from domain.text_rules import forbidden_character
from store import newsletters
from store.directory import council_name
from store.errors import NotFound
from store.volunteer_applications import named_volunteers
from store.volunteer_requests import municipality_of_council


def _require_staff(ctx: Context, session: Session, council_id: str) -> None:
    viewer = ctx.principal.viewer
    if viewer is None:
        if ctx.principal.is_local_operator:
            return
    elif roles_on(session, viewer, council_id) & VOLUNTEER_STAFF:
        return
    raise AppError("role_needed", roles="coordinator", target=council_id)


def _checked(message: str) -> str:
    if len(message) > MESSAGE_MAX or forbidden_character(message, multiline=True) is not None:
        raise AppError("newsletter_message_invalid", limit=MESSAGE_MAX)
    return message


def _page(session: Session, council_id: str, fiscal_year: int, message: str) -> Newsletter:
    held = newsletters.held_activities(session, council_id, fiscal_year)
    ids = sorted({v for a in held for v in a.volunteer_ids})
    return build(
        council_name(session, council_id), fiscal_year, held, named_volunteers(session, ids),
        message, newsletters.next_open_request(session, council_id),
        municipality_of_council(session, council_id),
    )  # fmt: skip


def preview(ctx: Context, council_id: str, fiscal_year: int, message: str = "") -> Newsletter:
    """The page as it would be published now."""
    text = _checked(message)

    def read(session: Session) -> Newsletter:
        _require_staff(ctx, session, council_id)
        return _page(session, council_id, fiscal_year, text)

    return ctx.unit_of_work(read)


def publish(ctx: Context, council_id: str, fiscal_year: int, message: str = "") -> Newsletter:
    """Publish the page (the preview's content) for the public page and its print."""
    text = _checked(message)

    def write(session: Session) -> Newsletter:
        _require_staff(ctx, session, council_id)
        page = _page(session, council_id, fiscal_year, text)
        newsletters.publish(session, council_id, fiscal_year, page, ctx.principal.actor.id[:64],
                            ctx.now())  # fmt: skip
        return page

    return ctx.unit_of_work(write)


def public_newsletter(ctx: Context, council_id: str, fiscal_year: int) -> Newsletter:
    """The published page; ``NotFound`` before it is published."""

    def read(session: Session) -> Newsletter:
        page = newsletters.published(session, council_id[:64], fiscal_year)
        if page is None:
            raise NotFound("コーディネーター通信はまだ公開されていません")
        return page

    return ctx.unit_of_work(read)
