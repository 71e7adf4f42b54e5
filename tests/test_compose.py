"""docker-compose.yml is wired as documented (there is no Docker engine to run it here)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import make_url

from config import WorkerRole

REPO_ROOT = Path(__file__).resolve().parents[1]
TEMPORAL_FRONTEND = "temporal:7233"


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    loaded: dict[str, dict[str, Any]] = compose["services"]
    return loaded


def _depends_on(service: dict[str, Any], dependency: str) -> str | None:
    """The condition ``service`` waits for on ``dependency`` (None if it does not)."""
    depends = service.get("depends_on", {})
    if isinstance(depends, list):
        return "service_started" if dependency in depends else None
    entry = depends.get(dependency)
    return None if entry is None else str(entry.get("condition", "service_started"))


def test_every_service_exists(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) == {
        "postgresql",
        "temporal-schema",
        "temporal",
        "temporal-namespace",
        "temporal-ui",
        "worker",
        "worker-activities",
        "console",
    }


def test_images_are_the_official_ones_and_never_auto_setup(
    services: dict[str, dict[str, Any]],
) -> None:
    assert services["postgresql"]["image"] == "postgres:16"
    assert services["temporal"]["image"].startswith("temporalio/server:")
    assert services["temporal-schema"]["image"].startswith("temporalio/admin-tools:")
    assert services["temporal-ui"]["image"].startswith("temporalio/ui:")
    for name, service in services.items():
        assert "auto-setup" not in str(service.get("image", "")), name


def test_postgres_keeps_its_data_in_a_named_volume(services: dict[str, dict[str, Any]]) -> None:
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    data_mounts = [
        mount.split(":")[0]
        for mount in services["postgresql"]["volumes"]
        if mount.split(":")[1] == "/var/lib/postgresql/data"
    ]
    assert data_mounts and data_mounts[0] in compose["volumes"]


def test_schema_job_sets_up_both_databases_before_the_server(
    services: dict[str, dict[str, Any]],
) -> None:
    assert _depends_on(services["temporal"], "temporal-schema") == "service_completed_successfully"
    assert _depends_on(services["temporal-schema"], "postgresql") == "service_healthy"
    script = (REPO_ROOT / "deploy/temporal/setup-schema.sh").read_text(encoding="utf-8")
    assert "temporal-sql-tool" in script
    for step in ("create", "setup-schema -v 0.0", "update-schema"):
        assert step in script
    assert "migrate temporal temporal" in script
    assert "migrate temporal_visibility visibility" in script


def test_server_runs_on_postgres_with_a_dynamic_config_file(
    services: dict[str, dict[str, Any]],
) -> None:
    environment = services["temporal"]["environment"]
    assert environment["DB"] == "postgres12"
    assert environment["POSTGRES_SEEDS"] == "postgresql"
    assert {"DB_PORT", "POSTGRES_USER", "POSTGRES_PWD"} <= set(environment)
    config_path = Path(environment["DYNAMIC_CONFIG_FILE_PATH"])
    mounted = {
        mount.split(":")[1]: mount.split(":")[0] for mount in services["temporal"]["volumes"]
    }
    host_dir = mounted["/etc/temporal/" + str(config_path.parent)]
    assert (REPO_ROOT / host_dir / config_path.name).is_file()


WORKERS = ("worker", "worker-activities")


def test_ui_and_workers_point_at_the_server(services: dict[str, dict[str, Any]]) -> None:
    assert services["temporal-ui"]["environment"]["TEMPORAL_ADDRESS"] == TEMPORAL_FRONTEND
    assert services["temporal-ui"]["ports"] == ["127.0.0.1:8080:8080"]
    assert services["temporal-namespace"]["environment"]["TEMPORAL_ADDRESS"] == TEMPORAL_FRONTEND
    for name in WORKERS:
        assert services[name]["environment"]["TEMPORAL_ADDRESS"] == TEMPORAL_FRONTEND
        assert _depends_on(services[name], "temporal-namespace") == (
            "service_completed_successfully"
        )


def test_the_workers_are_built_here_and_use_the_app_database(
    services: dict[str, dict[str, Any]],
) -> None:
    assert (REPO_ROOT / "Dockerfile").is_file()
    postgres_environment = services["postgresql"]["environment"]
    for name in WORKERS:
        worker = services[name]
        assert worker["build"] in (".", {"context": "."})
        url = make_url(worker["environment"]["DATABASE_URL"])
        assert url.drivername == "postgresql+psycopg"
        assert (url.host, url.port) == ("postgresql", 5432)
        assert url.database == postgres_environment["APP_DB_NAME"]
        assert url.username == postgres_environment["APP_DB_USER"]
        assert _depends_on(worker, "postgresql") == "service_healthy"


def test_the_two_workers_split_the_roles_on_one_queue(
    services: dict[str, dict[str, Any]],
) -> None:
    environments = [services[name]["environment"] for name in WORKERS]
    roles = [WorkerRole(environment["WORKER_ROLE"]) for environment in environments]
    assert roles == [WorkerRole.WORKFLOWS, WorkerRole.ACTIVITIES]
    # The same queue and namespace (both unset: the defaults), or the halves never meet.
    for key in ("TASK_QUEUE", "TEMPORAL_NAMESPACE"):
        assert len({environment.get(key) for environment in environments}) == 1, key


def test_every_mounted_file_exists_in_the_repo(services: dict[str, dict[str, Any]]) -> None:
    bind_sources = [
        mount.split(":")[0]
        for service in services.values()
        for mount in service.get("volumes", [])
        if mount.startswith(".")
    ]
    assert bind_sources, "expected the deploy/ files to be mounted"
    for source in bind_sources:
        assert (REPO_ROOT / source).exists(), source


def test_secrets_come_from_the_users_env_file_never_from_defaults(
    services: dict[str, dict[str, Any]],
) -> None:
    text = (REPO_ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    # ${NAME:?message}: compose refuses to start without the value; no ${NAME:-default}.
    required = set(re.findall(r"\$\{([A-Z_]+):\?", text))
    assert {"TEMPORAL_DB_PASSWORD", "APP_DB_PASSWORD", "PAYLOAD_KEYS"} <= required
    defaulted = set(re.findall(r"\$\{([A-Z_]+):-([^}]*)\}", text))
    assert not [(name, value) for name, value in defaulted if value and name in SECRET_NAMES]
    assert not [name for name, _ in defaulted if "PASSWORD" in name or name == "PAYLOAD_KEYS"]
    example = (REPO_ROOT / ".env.example").read_text(encoding="utf-8")
    example_names = set(re.findall(r"^#? ?([A-Z_]+)=", example, re.MULTILINE))
    assert required <= example_names
    # The example holds no value for any secret: the user writes them.
    assert re.findall(r"^(?:[A-Z_]*PASSWORD|PAYLOAD_KEYS)=(.*)$", example, re.MULTILINE) == [
        "",
        "",
        "",
    ]
    for ignore in (".gitignore", ".dockerignore"):
        lines = (REPO_ROOT / ignore).read_text(encoding="utf-8").splitlines()
        assert ".env" in lines, ignore


SECRET_NAMES = {"TEMPORAL_DB_PASSWORD", "APP_DB_PASSWORD", "PAYLOAD_KEYS", "WEBHOOK_SECRET"}


def test_the_workers_encrypt_and_read_the_env_file(services: dict[str, dict[str, Any]]) -> None:
    for name in WORKERS:
        environment = services[name]["environment"]
        assert environment["PAYLOAD_KEYS"].startswith("${PAYLOAD_KEYS:?")
        assert services[name]["env_file"] == ".env"


def test_published_ports_listen_on_loopback_only(services: dict[str, dict[str, Any]]) -> None:
    published = [port for service in services.values() for port in service.get("ports", [])]
    assert published and all(str(port).startswith("127.0.0.1:") for port in published)


def test_the_console_serves_on_8000_against_the_same_server_and_store(
    services: dict[str, dict[str, Any]],
) -> None:
    console = services["console"]
    assert console["command"] == ["python", "-m", "console"]
    assert console["ports"] == ["127.0.0.1:8000:8000"]
    environment = console["environment"]
    assert environment["TEMPORAL_ADDRESS"] == TEMPORAL_FRONTEND
    assert environment["CONSOLE_HOST"] == "0.0.0.0"
    assert environment["DATABASE_URL"] == services["worker"]["environment"]["DATABASE_URL"]
    assert _depends_on(console, "temporal-namespace") == "service_completed_successfully"


def test_metrics_ports_and_health_checks_are_wired(services: dict[str, dict[str, Any]]) -> None:
    # Each worker serves the SDK's metrics on the address it is given, published on
    # loopback (nothing scrapes them here); the console's /metrics rides on port 8000.
    published = {name: services[name]["ports"] for name in WORKERS}
    assert published == {
        "worker": ["127.0.0.1:9464:9464"],
        "worker-activities": ["127.0.0.1:9465:9464"],
    }
    for name in WORKERS:
        assert services[name]["environment"]["WORKER_METRICS_ADDRESS"] == "0.0.0.0:9464"
        assert services[name]["healthcheck"]["test"] == ["CMD", "python", "-m", "worker", "--check"]
    console_check = " ".join(services["console"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/readyz" in console_check
    assert (REPO_ROOT / "worker" / "health.py").is_file()
