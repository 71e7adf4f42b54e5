"""Who is signed in: e-mail sign-in links, sessions and passkeys (WebAuthn).

Shared by the console and, later, the CLI. Everything secret is random, shown once, and
stored only as a SHA-256 digest. Every function takes a store session and the time;
committing is the caller's (``store.session_scope``).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authentication_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from domain.email_keys import email_key
from store import console_auth as auth
from store import passkey_admin

#: A sign-in link holds for 15 minutes and works once.
LINK_LIFETIME = timedelta(minutes=15)
#: A session lasts a working day; then the person signs in again.
SESSION_LIFETIME = timedelta(hours=12)
#: "Stay signed in on this device": a session that lasts 90 days (it can be ended from
#: the settings page, and a board admin or chief still confirms it with a passkey).
REMEMBERED_SESSION_LIFETIME = timedelta(days=90)
#: How long a passkey's confirmation of a session counts: a board admin or chief
#: coordinator who stays signed in is asked for their passkey again after this.
PASSKEY_CONFIRMATION_LIFETIME = SESSION_LIFETIME
#: Link requests allowed per address and per client within ``RATE_WINDOW``.
MAX_LINKS_PER_ADDRESS = 5
MAX_LINKS_PER_CLIENT = 30
RATE_WINDOW = timedelta(minutes=15)
#: A WebAuthn ceremony must finish within five minutes.
CHALLENGE_LIFETIME = timedelta(minutes=5)
MAX_EMAIL_LENGTH = 320
#: A credential id as browsers send it: base64url, and no longer than the store keeps.
CREDENTIAL_ID = re.compile(r"[A-Za-z0-9_-]{1,512}")
#: What a malformed credential makes the WebAuthn library (or its decoders) raise: each is
#: a refused passkey, never a crash.
MALFORMED = (WebAuthnException, ValueError, TypeError, KeyError, IndexError, AttributeError)


class SignInError(Exception):
    """A sign-in step failed; ``code`` names the message to show (the catalogue's key)."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


def digest(secret: str) -> str:
    """The SHA-256 hex digest under which a secret is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class LinkToSend:
    """A sign-in link to mail: to whom, at which address (the stored one), with which
    token."""

    person_id: str
    address: str
    token: str


def request_link(session: Session, email: str, client: str, now: datetime) -> LinkToSend | None:
    """Count the request against the address and the client, then make a link for the
    person with that address. ``None`` when nobody has it: the caller answers the same
    either way, so the answer never tells whether an address is known.

    Raises ``SignInError("rate_limited")`` past the limits (counted for unknown
    addresses too, so the limit itself reveals nothing), ``SignInError("bad_email")``
    for something that is not an address.
    """
    address = email.strip()
    if not address or len(address) > MAX_EMAIL_LENGTH or "@" not in address:
        raise SignInError("bad_email")
    since = now - RATE_WINDOW
    # Counted per mailbox: every spelling of one address shares its limit.
    by_address = auth.count_and_record(session, "addr:" + digest(email_key(address)), now, since)
    by_client = auth.count_and_record(session, "client:" + digest(client), now, since)
    if by_address > MAX_LINKS_PER_ADDRESS or by_client > MAX_LINKS_PER_CLIENT:
        raise SignInError("rate_limited")
    # Each request tidies up: nothing expired is worth keeping, not even hashed.
    auth.purge_expired(session, now)
    found = auth.person_by_email(session, address)
    if found is None:
        return None
    person_id, stored_address = found
    token = secrets.token_urlsafe(32)
    auth.add_sign_in_token(session, digest(token), person_id, now, now + LINK_LIFETIME)
    # To the address on file, never the one typed: a look-alike spelling may name another
    # mailbox on a server that does not fold it as we do.
    return LinkToSend(person_id=person_id, address=stored_address, token=token)


@dataclass(frozen=True)
class NewSession:
    """A session just opened: the cookie value (shown once), its expiry, and whether it
    stays for 90 days on this device."""

    cookie: str
    person_id: str
    expires_at: datetime
    remembered: bool = False

    @property
    def max_age(self) -> int:
        """The cookie's lifetime in seconds: the session's own."""
        return int(self.lifetime.total_seconds())

    @property
    def lifetime(self) -> timedelta:
        """How long the session lasts from now (to within the second it was opened)."""
        return REMEMBERED_SESSION_LIFETIME if self.remembered else SESSION_LIFETIME


@dataclass(frozen=True)
class StayOptions:
    """How a new session is opened: kept for 90 days on this device or not, and the few
    words naming the device (``device_label``)."""

    remember: bool = False
    device: str | None = None


def _open_session(
    session: Session,
    person_id: str,
    now: datetime,
    passkey_confirmed: bool,
    stay: StayOptions | None = None,
) -> NewSession:
    stay = stay or StayOptions()
    cookie = secrets.token_urlsafe(32)
    expires_at = now + (REMEMBERED_SESSION_LIFETIME if stay.remember else SESSION_LIFETIME)
    auth.create_session(
        session,
        digest(cookie),
        person_id,
        secrets.token_urlsafe(32),
        now,
        expires_at,
        passkey_confirmed,
        stay.device,
    )
    return NewSession(
        cookie=cookie, person_id=person_id, expires_at=expires_at, remembered=stay.remember
    )


def redeem_link(
    session: Session, token: str, now: datetime, stay: StayOptions | None = None
) -> NewSession:
    """Spend a sign-in link and open a session; ``SignInError("bad_link")`` when the link
    is unknown, expired or already used."""
    person_id = auth.use_sign_in_token(session, digest(token), now) if token else None
    if person_id is None:
        raise SignInError("bad_link")
    return _open_session(session, person_id, now, passkey_confirmed=False, stay=stay)


#: Browser and system names a User-Agent may carry, in the order they are looked for
#: (Edge and Chrome say "Safari" too; Android says "Linux").
_BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"))  # fmt: skip
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
            ("Windows", "Windows"), ("Mac OS", "Mac"), ("Linux", "Linux"))  # fmt: skip


def device_label(user_agent: str | None) -> str | None:
    """A few words naming the device from its User-Agent ("Android / Chrome"); nothing
    else of the header is kept. ``None`` when it names nothing known."""
    agent = (user_agent or "")[:512]
    system = next((name for mark, name in _SYSTEMS if mark in agent), None)
    browser = next((name for mark, name in _BROWSERS if mark in agent), None)
    words = [w for w in (system, browser) if w]
    return " / ".join(words) or None


@dataclass(frozen=True)
class SignedInDevice:
    """One of my live sessions as the settings page lists it: a handle to end it by (a
    prefix of the stored hash, never the cookie), when it began and ends, the device,
    and whether it is the one asking."""

    handle: str
    created_at: datetime
    expires_at: datetime
    device: str | None
    current: bool
    remembered: bool


#: How many characters of a session's stored hash name it on the settings page.
HANDLE_LENGTH = 16


def signed_in_devices(
    session: Session, person_id: str, cookie: str, now: datetime
) -> list[SignedInDevice]:
    """Every live session of ``person_id``, the asking one (``cookie``) first."""
    mine = digest(cookie)
    devices = [
        SignedInDevice(
            handle=row.id_hash[:HANDLE_LENGTH],
            created_at=row.created_at,
            expires_at=row.expires_at,
            device=row.device,
            current=row.id_hash == mine,
            remembered=row.expires_at - row.created_at > SESSION_LIFETIME,
        )
        for row in auth.live_sessions_of(session, person_id, now)
    ]
    return sorted(devices, key=lambda d: not d.current)


def end_device(session: Session, person_id: str, handle: str, now: datetime) -> bool:
    """End the live session of ``person_id`` that ``handle`` names; ``False`` when none
    of theirs does (someone else's handle ends nothing)."""
    if len(handle) != HANDLE_LENGTH:
        return False
    for row in auth.live_sessions_of(session, person_id, now):
        if row.id_hash[:HANDLE_LENGTH] == handle:
            return auth.end_session_of(session, person_id, row.id_hash, now)
    return False


def current_session(
    session: Session, cookie: str | None, now: datetime
) -> auth.SessionRecord | None:
    """The live session the cookie names, if any."""
    if not cookie:
        return None
    return auth.live_session(session, digest(cookie), now, PASSKEY_CONFIRMATION_LIFETIME)


def sign_out(session: Session, cookie: str, now: datetime) -> None:
    """End the session on the server."""
    auth.end_session(session, digest(cookie), now)


# --- passkeys -------------------------------------------------------------------------


@dataclass(frozen=True)
class RelyingParty:
    """The site passkeys are bound to: its id (host name), name and origin."""

    rp_id: str
    name: str
    origin: str


@dataclass(frozen=True)
class Ceremony:
    """Options to hand to the browser, and the id of the stored challenge (a cookie)."""

    challenge_id: str
    options_json: str


def _store_challenge(
    session: Session, purpose: str, person_id: str | None, challenge: bytes, now: datetime
) -> str:
    challenge_id = secrets.token_urlsafe(24)
    auth.add_challenge(
        session, digest(challenge_id), purpose, person_id, challenge, now + CHALLENGE_LIFETIME
    )
    return challenge_id


def may_add_passkey(session: Session, person_id: str, confirmed: bool) -> None:
    """A person's first passkey may come from any session of theirs (enrolment starts from
    an e-mail link); another one only from a session an existing passkey confirmed, so a
    mail link alone never adds a passkey. ``SignInError("passkey_confirm_first")``."""
    if auth.passkey_ids(session, person_id) and not confirmed:
        raise SignInError("passkey_confirm_first")


def registration_options(
    session: Session, rp: RelyingParty, cookie: str, display_name: str, now: datetime
) -> Ceremony:
    """Start registering a passkey for the person of the session ``cookie``;
    ``SignInError`` when the session is gone or may not add one (``may_add_passkey``)."""
    live = current_session(session, cookie, now)
    if live is None:
        raise SignInError("bad_passkey")
    person_id = live.person_id
    may_add_passkey(session, person_id, live.passkey_confirmed)
    options = generate_registration_options(
        rp_id=rp.rp_id,
        rp_name=rp.name,
        user_name=person_id,
        user_id=person_id.encode(),
        user_display_name=display_name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=_b64(c)) for c in auth.passkey_ids(session, person_id)
        ],
    )
    challenge_id = _store_challenge(session, "register", person_id, options.challenge, now)
    return Ceremony(challenge_id=challenge_id, options_json=options_to_json(options))


@dataclass(frozen=True)
class NewPasskey:
    """A passkey just registered: whose, its credential id, whether it is their first,
    and the address to tell them at (``None`` when the directory has none)."""

    person_id: str
    credential_id: str
    first: bool
    address: str | None


def register_passkey(
    session: Session,
    rp: RelyingParty,
    cookie: str,
    challenge_id: str,
    credential_json: str,
    now: datetime,
) -> NewPasskey:
    """Check the browser's answer and keep the new credential for the person of the
    session ``cookie``, checking again (in this transaction) that the session may add
    one. ``SignInError``: "passkey_confirm_first" (``may_add_passkey``), "bad_passkey"
    when it does not verify."""
    live = current_session(session, cookie, now)
    if live is None:
        raise SignInError("bad_passkey")
    person_id = live.person_id
    passkey_admin.lock_person(session, person_id)
    existing = auth.passkey_ids(session, person_id)
    may_add_passkey(session, person_id, live.passkey_confirmed)
    taken = auth.take_challenge(session, digest(challenge_id), "register", now)
    if taken is None or taken[0] != person_id:
        raise SignInError("bad_passkey")
    try:
        verified = verify_registration_response(
            credential=credential_json,
            expected_challenge=taken[1],
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origin,
        )
    except MALFORMED as exc:
        raise SignInError("bad_passkey") from exc
    credential_id = bytes_to_base64url(verified.credential_id)
    if not CREDENTIAL_ID.fullmatch(credential_id) or auth.passkey(session, credential_id):
        # Too long to keep, or someone's already: never a second row for one credential.
        raise SignInError("bad_passkey")
    auth.add_passkey(
        session,
        credential_id,
        person_id,
        verified.credential_public_key,
        verified.sign_count,
        now,
    )
    return NewPasskey(
        person_id=person_id,
        credential_id=credential_id,
        first=not existing,
        address=auth.person_email(session, person_id),
    )


def authentication_options(
    session: Session, rp: RelyingParty, person_id: str | None, now: datetime
) -> Ceremony:
    """Start a passkey sign-in: for ``person_id`` (the second factor) or for whoever's
    passkey answers (a discoverable credential) when ``None``."""
    allow = (
        None
        if person_id is None
        else [
            PublicKeyCredentialDescriptor(id=_b64(c)) for c in auth.passkey_ids(session, person_id)
        ]
    )
    options = generate_authentication_options(
        rp_id=rp.rp_id,
        allow_credentials=allow,
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    challenge_id = _store_challenge(session, "authenticate", person_id, options.challenge, now)
    return Ceremony(challenge_id=challenge_id, options_json=options_to_json(options))


def verify_passkey(
    session: Session, rp: RelyingParty, challenge_id: str, credential_json: str, now: datetime
) -> str:
    """Check a passkey sign-in; the person it proves. ``SignInError("bad_passkey")``."""
    taken = auth.take_challenge(session, digest(challenge_id), "authenticate", now)
    if taken is None:
        raise SignInError("bad_passkey")
    expected_person, challenge = taken
    try:
        credential = parse_authentication_credential_json(credential_json)
        if not isinstance(credential.id, str) or not CREDENTIAL_ID.fullmatch(credential.id):
            raise SignInError("bad_passkey")
        known = auth.passkey(session, credential.id)
        if known is None or (expected_person is not None and known[0] != expected_person):
            raise SignInError("bad_passkey")
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origin,
            credential_public_key=known[1],
            credential_current_sign_count=known[2],
        )
    except MALFORMED as exc:
        raise SignInError("bad_passkey") from exc
    auth.set_sign_count(session, credential.id, verified.new_sign_count)
    return known[0]


def confirm_with_passkey(session: Session, cookie: str, now: datetime) -> None:
    """Mark the session as confirmed by a passkey (its second factor)."""
    auth.confirm_passkey(session, digest(cookie), now)


def sign_in_with_passkey(
    session: Session, person_id: str, now: datetime, stay: StayOptions | None = None
) -> NewSession:
    """Open a session for a person whose passkey answered (already two factors)."""
    return _open_session(session, person_id, now, passkey_confirmed=True, stay=stay)


def passkey_count(session: Session, person_id: str) -> int:
    """How many passkeys ``person_id`` has registered."""
    return len(auth.passkey_ids(session, person_id))


def _b64(credential_id: str) -> bytes:
    return base64url_to_bytes(credential_id)
