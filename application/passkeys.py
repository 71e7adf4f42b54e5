"""A person adds a passkey from the console, as a use case: the passkey, the count of the
person's passkeys and the audit row in one transaction (``identity.register_passkey``
decides whether the person may add one now)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from application import audit, identity
from application.context import Context


def add_passkey(
    ctx: Context,
    rp: identity.RelyingParty,
    cookie: str,
    challenge: str,
    credential: str,
    session_confirmed: bool,
) -> tuple[identity.NewPasskey, int]:
    """Keep the new passkey of the session ``cookie`` (the asker's); the passkey and how
    many the person now has. ``identity.SignInError`` when it does not verify or may not
    be added, and nothing is kept."""
    at = ctx.now()

    def register(session: Session) -> tuple[identity.NewPasskey, int]:
        made = identity.register_passkey(session, rp, cookie, challenge, credential, at)
        count = identity.passkey_count(session, made.person_id)
        detail = {
            "credential": made.credential_id[:64],
            "first": "yes" if made.first else "no",
            "session_confirmed": "yes" if session_confirmed else "no",
            "notice": "mail" if made.address else "no_address",
        }
        audit.record_in(session, ctx.principal.actor, audit.AuditAction.PASSKEY_REGISTERED,
                        f"people/{made.person_id}", detail, at=at)  # fmt: skip
        return made, count

    return ctx.unit_of_work(register)
