"""`server.py --transport streamable-http` on loopback: the SDK client lists the tools and plans."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import anyio
import pytest
from mcp import Client
from mcp_contract import TOOLS

from skill import api

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "notes" / "apparel_bullets.md"

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"server exited: {proc.stderr.read()[-3000:]}"
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"server did not listen on {port} within {timeout_s}s")


def test_streamable_http_serves_the_tools(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "server.py"), "--transport", "streamable-http", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_port(port, proc)
        notes = FIXTURE.read_text(encoding="utf-8")

        async def go():
            async with Client(f"http://127.0.0.1:{port}/mcp", read_timeout_seconds=60) as client:
                return await client.list_tools(), await client.call_tool("build_ltv_plan", {"notes": notes})

        tools, result = anyio.run(go)
    finally:
        proc.terminate()
        stdout, _ = proc.communicate(timeout=30)
    assert {tool.name for tool in tools.tools} == TOOLS
    assert not result.is_error
    assert result.content[0].text == api.plan_from_notes(notes).markdown
    assert stdout == ""
