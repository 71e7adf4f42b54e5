"""The embedded Temporal server starts on the asked port, answers, and leaves nothing behind."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

import pytest
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client

from embedded.server import (
    UI_PORT_OFFSET,
    EmbeddedServerError,
    ServerKind,
    choose_server_kind,
    embedded_temporal,
    free_port,
    port_is_free,
    running_temporal_server,
    server_command,
    wait_until_ready,
)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_test_server_answers_and_is_gone_after_the_block(tmp_path: Path) -> None:
    port = free_port()
    async with running_temporal_server(port, tmp_path, ServerKind.TEST_SERVER) as server:
        assert server.address == f"127.0.0.1:{port}"
        assert not server.persistent
        client = await Client.connect(server.address)
        described = await client.workflow_service.describe_namespace(
            DescribeNamespaceRequest(namespace="default")
        )
        assert described.namespace_info.name == "default"
        assert not port_is_free(port)
        pid = server.pid
        assert _process_exists(pid)
    assert not _process_exists(pid)
    assert port_is_free(port)


async def test_embedded_temporal_yields_a_connectable_address(tmp_path: Path) -> None:
    port = free_port()
    async with embedded_temporal(port, tmp_path, ServerKind.TEST_SERVER) as address:
        client = await Client.connect(address)
        assert await client.service_client.check_health()
    assert port_is_free(port)


async def test_server_is_stopped_when_the_block_raises(tmp_path: Path) -> None:
    port = free_port()
    with pytest.raises(ZeroDivisionError):
        async with running_temporal_server(port, tmp_path, ServerKind.TEST_SERVER) as server:
            pid = server.pid
            _ = 1 / 0
    assert not _process_exists(pid)
    assert port_is_free(port)


async def test_taken_port_fails_with_one_line_naming_the_port(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        with pytest.raises(EmbeddedServerError) as raised:
            async with embedded_temporal(port, tmp_path, ServerKind.TEST_SERVER):
                pytest.fail("the server must not start on a taken port")
    message = str(raised.value)
    assert str(port) in message
    assert "already in use" in message
    assert "\n" not in message
    assert not (tmp_path / "temporal-test-server.log").exists()


async def test_a_server_that_exits_during_start_up_is_reported(tmp_path: Path) -> None:
    crashing = await asyncio.create_subprocess_exec(sys.executable, "-c", "raise SystemExit(3)")
    with pytest.raises(EmbeddedServerError) as raised:
        await wait_until_ready(f"127.0.0.1:{free_port()}", crashing, within_seconds=10)
    assert "exited with code 3" in str(raised.value)


@pytest.fixture
def temporal_cli_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in ``temporal`` executable first on PATH (the real CLI is not installed here)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    cli = bin_dir / "temporal"
    cli.write_text("#!/bin/sh\nexit 1\n")
    cli.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return cli


def test_dev_server_is_chosen_and_persists_in_the_data_dir(
    temporal_cli_on_path: Path, tmp_path: Path
) -> None:
    assert choose_server_kind() is ServerKind.DEV_SERVER
    command = server_command(ServerKind.DEV_SERVER, 7300, tmp_path / "data")
    assert command.argv == (
        str(temporal_cli_on_path),
        "server",
        "start-dev",
        "--db-filename",
        str(tmp_path / "data" / "temporal.db"),
        "--port",
        "7300",
        "--ui-port",
        "8300",
        "--ip",
        "127.0.0.1",
    )
    assert command.persistent
    assert command.ports == (7300, 8300)


async def test_dev_server_refuses_a_taken_ui_port(
    temporal_cli_on_path: Path, tmp_path: Path
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        ui_port = squatter.getsockname()[1]
        port = ui_port - UI_PORT_OFFSET
        assert port_is_free(port), f"test set-up: port {port} happens to be busy"
        with pytest.raises(EmbeddedServerError, match=f"port {ui_port} is already in use"):
            async with embedded_temporal(port, tmp_path / "data"):
                pytest.fail("the dev server must not start when its UI port is taken")


def test_without_temporal_cli_the_in_memory_test_server_is_chosen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))
    assert choose_server_kind() is ServerKind.TEST_SERVER
    command = server_command(ServerKind.TEST_SERVER, 7300, Path("unused"))
    assert command.argv == (str(Path(sys.executable).parent / "temporal-test-server"), "7300")
    assert not command.persistent
