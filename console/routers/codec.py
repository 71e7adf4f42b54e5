"""The codec endpoint for the Temporal Web UI (Temporal's remote codec protocol):
``POST /codec/decode`` and ``/codec/encode`` with ``{"payloads": [...]}`` (protobuf JSON),
so IT staff can read an encrypted history in the Web UI.

Only a signed-in board admin whose session a passkey confirmed may use it: the Web UI
sends the console's session cookie along (its "include cross-origin credentials"
setting; the UI and the console are on the same host, so the SameSite=Lax cookie goes
with it). No session answers 401, anyone else 403, and nothing is decoded. CORS answers
only the configured Web UI origins (``CODEC_ALLOWED_ORIGINS``). Every decode is an
access-audit row: who, when, from where, which namespace, how many payloads, and whose
they are: the cycles (workflow ids) and municipalities their keys were derived for.

A board admin decodes only the payloads of their own municipality's cycles: each
workflow's payloads are encrypted with a key derived for that workflow
(config/converter.py), whose scope is in the payload's metadata, so a request holding any
other payload (another municipality's, or one encrypted with the master key itself, not
attributable to anyone) is refused whole with a one-line 403, and audited as refused.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from google.protobuf.json_format import MessageToDict, ParseDict, ParseError
from temporalio.api.common.v1 import Payloads

from application import payload_access
from application.vocabulary import Role
from config.converter import EncryptionCodec
from config.payload_keys import PayloadKeyError, payload_keys_from
from console.context import ConsoleContext, VisitorContext
from console.web import SignedIn, console_of

router = APIRouter()
#: A history page's payloads; more in one call is refused (413).
MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_NAMESPACE = 100
ALLOWED_HEADERS = "Content-Type, X-Namespace, Authorization, Authorization-Extras"


def _cors(request: Request, response: Response) -> Response:
    origin = request.headers.get("origin")
    if origin and origin in console_of(request).settings.codec_allowed_origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Vary"] = "Origin"
    return response


def _refuse(request: Request, status: int, reason: str) -> Response:
    return _cors(request, JSONResponse({"error": reason}, status_code=status))


@router.options("/codec/{operation}", response_model=None)
async def preflight(request: Request, ctx: VisitorContext, operation: str) -> Response:
    """The CORS preflight: allowed only for the configured Web UI origins."""
    response = Response(status_code=204)
    origin = request.headers.get("origin")
    if operation not in ("decode", "encode") or origin not in (
        console_of(request).settings.codec_allowed_origins
    ):
        return Response(status_code=403)
    response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
    response.headers["Access-Control-Max-Age"] = "600"
    return _cors(request, response)


def _board_admin(request: Request, ctx: ConsoleContext) -> SignedIn | Response:
    # A visitor's context: the refusals here are the codec's own (JSON, CORS), not redirects.
    who = ctx.session
    if who is None:
        return _refuse(request, 401, "not signed in")
    if who.viewer.needs_passkey and not who.passkey_confirmed:
        return _refuse(request, 403, "passkey needed")
    if not any(Role.BOARD_ADMIN in roles for roles in who.viewer.staff_roles.values()):
        return _refuse(request, 403, "board admins only")
    return who


async def _body_within_limit(request: Request) -> bytes | None:
    """The posted body, read as it streams in; past ``MAX_BODY_BYTES`` None, and the rest
    is never read (nor held in memory)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            return None
    return bytes(body)


@router.post("/codec/{operation}", response_model=None)
async def codec(request: Request, ctx: VisitorContext, operation: str) -> Response:
    """Decode (or encode) the posted payloads for a board admin with a passkey."""
    if operation not in ("decode", "encode"):
        return _refuse(request, 404, "unknown operation")
    origin = request.headers.get("origin")
    if origin is not None and origin not in console_of(request).settings.codec_allowed_origins:
        return Response(status_code=403)
    who = _board_admin(request, ctx)
    if isinstance(who, Response):
        return who
    body = await _body_within_limit(request)
    if body is None:
        return _refuse(request, 413, "too large")
    try:
        payloads = ParseDict(json.loads(body), Payloads())
    except (ValueError, ParseError):
        return _refuse(request, 400, 'expected {"payloads": [...]}')
    console = console_of(request)
    codec = EncryptionCodec(payload_keys_from(console.settings))
    namespace = request.headers.get("x-namespace", "")[:MAX_NAMESPACE]
    if operation == "encode":
        done = await codec.encode(list(payloads.payloads))
    else:
        listed = list(payloads.payloads)
        owners = await ctx.run(payload_access.authorize_decode, listed, namespace)
        if owners.refusal is not None:
            return _refuse(request, 403, owners.refusal)
        try:
            done = [codec.decrypt(payload) for payload in listed]
        except PayloadKeyError as exc:
            return _refuse(request, 422, str(exc))
    answer: dict[str, Any] = MessageToDict(Payloads(payloads=done))
    answer.setdefault("payloads", [])
    return _cors(request, JSONResponse(answer))
