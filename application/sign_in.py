"""Signing in to the console, as use cases that write their own audit rows: a mailed
link redeemed, a passkey sign-in, a session confirmed with a passkey, and every failed
attempt (a bad link, a passkey that does not verify, a malformed credential).

The console only parses the form, calls these and sets the cookie; the rows carry the
actor in the one format of ``application.actors`` (``person:<id>`` from
``console@<address>``, or ``anonymous`` before anyone is proven).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from application import identity
from application.audit import Actor, AuditAction, Detail, record_in
from application.context import Context
from application.identity import NewSession

#: The audit target of every console sign-in row.
TARGET = "console"
#: The actor of a failed sign-in: nobody is proven yet.
ANONYMOUS = "anonymous"


def _person(ctx: Context, person_id: str) -> Actor:
    """The person now proven, asking from the context's client (``console@<address>``)."""
    return Actor(id=f"person:{person_id}", client=ctx.principal.actor.client, person_id=person_id)


def record_failed_sign_in(
    ctx: Context, reason: str, detail: Detail | None = None, person_id: str | None = None
) -> None:
    """A failed sign-in row, in a transaction of its own (the attempt changed nothing
    else): ``reason`` is the refusal's code, never what was typed."""
    actor = (
        _person(ctx, person_id)
        if person_id is not None
        else Actor(id=ANONYMOUS, client=ctx.principal.actor.client)
    )
    ctx.unit_of_work(
        lambda s: record_in(
            s, actor, AuditAction.SIGN_IN_FAILED, TARGET, {"reason": reason, **(detail or {})}
        )
    )


def sign_in_with_link(
    ctx: Context, token: str, stay: identity.StayOptions | None = None
) -> NewSession:
    """Redeem a mailed sign-in link: a new session and its audit row in one transaction;
    ``identity.SignInError`` (a bad, expired or used link) after a failed-sign-in row.
    ``stay`` keeps the session 90 days on this device when the person asked for it."""

    def work(session: Session) -> NewSession:
        opened = identity.redeem_link(session, token, ctx.now(), stay)
        record_in(
            session, _person(ctx, opened.person_id), AuditAction.SIGN_IN, TARGET,
            {"method": "link", "stay": "yes" if opened.remembered else "no"},
        )  # fmt: skip
        return opened

    try:
        return ctx.unit_of_work(work)
    except identity.SignInError:
        # One reason for all three, as the page says (the token itself is not kept).
        record_failed_sign_in(ctx, "bad_link")
        raise


def sign_in_with_passkey(
    ctx: Context, person_id: str, stay: identity.StayOptions | None = None
) -> NewSession:
    """Open a session for the person whose passkey just verified, with its audit row."""

    def work(session: Session) -> NewSession:
        opened = identity.sign_in_with_passkey(session, person_id, ctx.now(), stay)
        record_in(
            session, _person(ctx, person_id), AuditAction.SIGN_IN, TARGET,
            {"method": "passkey", "stay": "yes" if opened.remembered else "no"},
        )  # fmt: skip
        return opened

    return ctx.unit_of_work(work)


def confirm_with_passkey(ctx: Context, person_id: str, cookie: str) -> None:
    """Mark the person's session as confirmed by one of their passkeys, with its row."""

    def work(session: Session) -> None:
        identity.confirm_with_passkey(session, cookie, ctx.now())
        record_in(
            session, _person(ctx, person_id), AuditAction.SIGN_IN, TARGET,
            {"method": "passkey_confirm"},
        )  # fmt: skip

    ctx.unit_of_work(work)


def signed_in_devices(ctx: Context, cookie: str) -> list[identity.SignedInDevice]:
    """The asker's live sessions (``cookie`` is theirs), the asking one first."""
    person = ctx.principal.person_id
    if person is None:
        return []
    return ctx.unit_of_work(lambda s: identity.signed_in_devices(s, person, cookie, ctx.now()))


def end_device(ctx: Context, handle: str) -> bool:
    """End one of the asker's sessions (another device of theirs, or this one), with its
    audit row; ``False``, writing nothing, when ``handle`` names none of theirs."""
    person = ctx.principal.person_id
    if person is None:
        return False

    def work(session: Session) -> bool:
        ended = identity.end_device(session, person, handle, ctx.now())
        if ended:
            record_in(session, ctx.principal.actor, AuditAction.SESSION_ENDED, TARGET,
                      {"method": "device_list"})  # fmt: skip
        return ended

    return ctx.unit_of_work(work)
