"""The board's history links to the Temporal Web UI where ``make run`` really serves it:
the embedded server's UI port, unless ``TEMPORAL_UI_URL`` says otherwise."""

from __future__ import annotations

from application.board_acts import temporal_ui_link
from config import Settings
from embedded.launcher import ui_port_from_environment, ui_url_for


def test_the_link_follows_the_configured_ui_port() -> None:
    environ = {"EMBEDDED_TEMPORAL_PORT": "7400", "EMBEDDED_TEMPORAL_UI_PORT": "9555"}
    url = ui_url_for(environ, ui_port_from_environment(environ, 7400))
    assert url == "http://localhost:9555"
    # The console reads it as its TEMPORAL_UI_URL setting; the history's link follows.
    settings = Settings(_env_file=None, temporal_ui_url=url)
    link = temporal_ui_link(settings.temporal_ui_url, "council-cycle/c1/2026", "run-1")
    assert link.startswith("http://localhost:9555/namespaces/default/workflows/")


def test_the_default_ui_port_follows_the_server_port() -> None:
    environ = {"EMBEDDED_TEMPORAL_PORT": "7400"}
    assert ui_url_for(environ, ui_port_from_environment(environ, 7400)) == "http://localhost:8400"


def test_an_explicit_temporal_ui_url_wins() -> None:
    environ = {"TEMPORAL_UI_URL": "https://temporal.example.jp"}
    assert ui_url_for(environ, 8233) is None
