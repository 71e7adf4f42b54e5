"""Signed reply links: a volunteer answers a request from the e-mail without signing in.

A link names a request (its store row id) and a volunteer, and carries an HMAC-SHA256 of
both under a key derived from the payload master key (config/payload_keys.py) for this
purpose only. Anyone who holds the link can answer for that volunteer on that request,
and for nothing else; rotating the payload keys keeps old links valid for as long as the
old key is kept. The link's text names no person: ``<key id>.<request>.<volunteer id>.<mac>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

from config.payload_keys import PayloadKeys

_INFO = b"volunteer-reply-link\x00"
_TOKEN = re.compile(r"([A-Za-z0-9._-]{1,64})~(\d{1,12})~([A-Za-z0-9_.-]{1,64})~([A-Za-z0-9_-]{43})")
#: The longest token a page accepts.
TOKEN_MAX = 200


@dataclass(frozen=True)
class ReplyTarget:
    """Whom a valid link answers for, on which request."""

    request_id: int
    volunteer_id: str


def _mac(key: bytes, request_id: int, volunteer_id: str) -> str:
    derived = hmac.new(key, _INFO, hashlib.sha256).digest()
    digest = hmac.new(derived, f"{request_id}\x00{volunteer_id}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def sign(keys: PayloadKeys, request_id: int, volunteer_id: str) -> str:
    """The link token for ``volunteer_id`` on request ``request_id``."""
    key_id = keys.encrypting
    mac = _mac(keys.keys[key_id], request_id, volunteer_id)
    return f"{key_id}~{request_id}~{volunteer_id}~{mac}"


def verify(keys: PayloadKeys, token: str) -> ReplyTarget | None:
    """The target of a genuine token; ``None`` for anything else."""
    found = _TOKEN.fullmatch(token[:TOKEN_MAX])
    if found is None:
        return None
    key_id, request, volunteer_id, mac = found.groups()
    key = keys.keys.get(key_id)
    if key is None:
        return None
    if not hmac.compare_digest(_mac(key, int(request), volunteer_id), mac):
        return None
    return ReplyTarget(int(request), volunteer_id)
