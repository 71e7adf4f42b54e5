"""The answers to what made the console fail with 500 (issue 24 item 6): path ids and
years out of range, odd digits in query and form numbers, a non-ASCII CSRF token. Each
is now a 4xx page; and a 500, if one ever happens, is one line with the same protective
headers as every other answer."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import FastAPI

from console.app import create_app
from tests.console.conftest import COUNCIL, YEAR
from tests.console_hardening.asgi import Answer, call
from tests.console_hardening.conftest import BOARD, CHAIR, HardeningEnv, Person

HUGE = "99999999999999999999"
ANON_CSRF = "errors-anonymous-csrf"


def _get(env: HardeningEnv, app: FastAPI, path: str, who: Person | None, query: str = "") -> Answer:
    cookie = f"cs_csrf={ANON_CSRF}" + (f"; cs_session={who.cookie}" if who else "")
    return env.loop.run(call(app, "GET", path, query, [("cookie", cookie)]))


def _post(
    env: HardeningEnv, app: FastAPI, path: str, who: Person | None, fields: list[tuple[str, str]]
) -> Answer:
    cookie = f"cs_csrf={ANON_CSRF}" + (f"; cs_session={who.cookie}" if who else "")
    csrf = who.csrf if who else ANON_CSRF
    body = urlencode([("csrf", csrf), *fields]).encode()
    headers = [("cookie", cookie), ("content-type", "application/x-www-form-urlencoded")]
    return env.loop.run(call(app, "POST", path, "", headers, body))


def test_out_of_range_ids_and_years_are_not_found(
    hardening_env: HardeningEnv, console_app: FastAPI
) -> None:
    board = hardening_env.sign_in(BOARD, passkey=True)
    chair = hardening_env.sign_in(CHAIR)
    env, app = hardening_env, console_app
    for path, who in [
        (f"/public/councils/{COUNCIL}/{HUGE}", None),
        ("/public/municipalities/kushiro/1999", None),
        (f"/board/kushiro/{HUGE}", board),
        ("/board/kushiro/2101/summary", board),
        ("/board/kushiro/1999/report.csv", board),
        (f"/councils/{COUNCIL}/{HUGE}", chair),
        ("/notices/%C2%B2", chair),
        (f"/notices/{HUGE}", chair),
        # A control character names no page (PostgreSQL would refuse a NUL in a query).
        (f"/councils/%00/{YEAR}/minutes/print", board),
        (f"/councils/{COUNCIL}%0A/{YEAR}/newsletter", chair),
    ]:
        answer = _get(env, app, path, who)
        assert answer.status == 404, (path, answer.status, answer.raised)
        assert "ページが見つかりません" in answer.body.decode()
    # The same pages with a year in range answer as before.
    assert _get(env, app, f"/board/kushiro/{YEAR}/councils/{COUNCIL}", board).status == 200
    assert _get(env, app, f"/public/councils/{COUNCIL}/{YEAR}", None).status == 200
    assert _get(env, app, f"/board/kushiro/{YEAR}", board, "page=%C2%B2").status == 404
    assert _get(env, app, f"/board/kushiro/{YEAR}", board, "page=2").status == 200
    assert _post(env, app, f"/tokens/{HUGE}/revoke", chair, []).status == 404
    assert (
        _post(env, app, f"/councils/{COUNCIL}/{YEAR}/minutes/{HUGE}/publish", chair, []).status
        == 404
    )


def test_odd_digits_in_forms_are_a_one_line_refusal(
    hardening_env: HardeningEnv, console_app: FastAPI
) -> None:
    chair = hardening_env.sign_in(CHAIR)
    plan = f"/councils/{COUNCIL}/{YEAR}/submit_plan"
    answer = _post(hardening_env, console_app, plan, chair, [("rows", "²")])
    assert answer.status == 422, (answer.status, answer.raised)
    assert "rows: 0-999" in answer.body.decode()
    activity = f"/councils/{COUNCIL}/{YEAR}/record_activity"
    answer = _post(hardening_env, console_app, activity, chair, [("children", "١٢")])
    assert answer.status == 422, (answer.status, answer.raised)
    assert "children: 0-100000" in answer.body.decode()
    plan_page = _get(
        hardening_env, console_app, f"/councils/{COUNCIL}/{YEAR}/plan", chair, "activities=%C2%B2"
    )
    assert plan_page.status < 500, plan_page.raised


def test_a_non_ascii_csrf_token_is_refused_not_a_crash(
    hardening_env: HardeningEnv, console_app: FastAPI
) -> None:
    headers = [
        ("cookie", f"cs_csrf={ANON_CSRF}"),
        ("content-type", "application/x-www-form-urlencoded"),
    ]
    body = urlencode([("csrf", "²"), ("email", "nobody@unknown.example")]).encode()
    answer = hardening_env.loop.run(call(console_app, "POST", "/signin", "", headers, body))
    assert answer.status == 403, answer.raised


def test_a_500_is_one_line_with_the_protective_headers(hardening_env: HardeningEnv) -> None:
    app = create_app(hardening_env.settings)

    async def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/broken", broken)
    answer = hardening_env.loop.run(call(app, "GET", "/broken"))
    assert answer.status == 500
    assert answer.raised == "RuntimeError: a bug"
    assert answer.body.decode().count("\n") == 0 and "内部エラー" in answer.body.decode()
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert "a bug" not in answer.body.decode()
