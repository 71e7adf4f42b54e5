"""The settings page (``/settings``): the devices I am signed in on (each can be ended
here), and the three things a member meets only here, each in one sentence: signing in
by fingerprint or face (a passkey), the access tokens of the command-line tool, and the
console itself."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from application import identity, sign_in
from console.context import UnconfirmedContext
from console.web import SESSION_COOKIE, console_of, form_of, render, see_other

router = APIRouter()


@router.get("/settings", response_class=HTMLResponse)
async def settings_page(request: Request, ctx: UnconfirmedContext) -> HTMLResponse:
    """My signed-in devices, my passkeys, and where the access tokens are."""
    who = ctx.who
    devices = await ctx.run(sign_in.signed_in_devices, who.cookie)
    count = await console_of(request).db(lambda s: identity.passkey_count(s, who.person_id))
    context = {
        "devices": devices,
        "passkeys": count,
        "ended": request.query_params.get("ended") == "1",
    }
    return render(request, "settings.html", context, who=who)


@router.post("/settings/devices/end", response_model=None)
async def end_device(request: Request, ctx: UnconfirmedContext) -> Response:
    """End one of my sessions; ending this device's signs me out here."""
    who = ctx.who
    form = await form_of(request, who)
    handle = str(form.get("device", ""))[: identity.HANDLE_LENGTH + 1]
    current = handle == identity.digest(who.cookie)[: identity.HANDLE_LENGTH]
    await ctx.run(sign_in.end_device, handle)
    if current:
        response = see_other("/signin")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response
    return see_other("/settings?ended=1")
