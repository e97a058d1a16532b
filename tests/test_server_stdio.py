"""`python server.py` over real stdio: the SDK client end to end, and a hand-driven wire check.

The raw test is the one that catches a stray print: every byte the server writes to
stdout must be a JSON-RPC 2.0 message, one per line.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path

import anyio
import pytest
from mcp import Client, StdioServerParameters
from mcp_contract import TOOLS

from skill import api
from skill.schema import PlanResult

ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / "server.py"
FIXTURE = ROOT / "fixtures" / "notes" / "apparel_bullets.md"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def notes() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def test_sdk_client_over_stdio_lists_tools_and_builds_a_plan(notes, tmp_path):
    params = StdioServerParameters(command=sys.executable, args=[str(SERVER)], cwd=str(tmp_path))

    async def go():
        async with Client(params, read_timeout_seconds=60) as client:
            tools = await client.list_tools()
            result = await client.call_tool("build_ltv_plan", {"notes": notes})
            failure = await client.call_tool("build_ltv_plan", {"notes": ""})
            return tools, result, failure

    tools, result, failure = anyio.run(go)
    assert {tool.name for tool in tools.tools} == TOOLS
    assert not result.is_error
    expected = api.plan_from_notes(notes)
    assert result.content[0].text == expected.markdown
    assert PlanResult.model_validate(result.structured_content) == expected
    assert failure.is_error and "notes are empty" in failure.content[0].text


class RawSession:
    """Drives `python server.py` by hand, one request at a time, keeping every stdout line.

    Requests go one by one (reply awaited before the next) because closing stdin ends the
    session, cancelling anything still running; a reader thread lets waits time out.
    """

    def __init__(self, cwd: Path):
        self.proc = subprocess.Popen(
            [sys.executable, str(SERVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
        )
        self.lines: list[str] = []
        self._incoming: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self._incoming.put(line)
        self._incoming.put(None)

    def send(self, message: dict) -> None:
        self.proc.stdin.write(json.dumps({"jsonrpc": "2.0", **message}) + "\n")
        self.proc.stdin.flush()

    def request(self, request_id: int, method: str, params: dict) -> dict:
        self.send({"id": request_id, "method": method, "params": params})
        while True:
            line = self._incoming.get(timeout=60)
            assert line is not None, f"server closed stdout; stderr:\n{self.proc.stderr.read()[-3000:]}"
            self.lines.append(line)
            message = json.loads(line)
            if message.get("id") == request_id and "method" not in message:
                return message

    def close(self) -> tuple[int, list[str]]:
        """Close stdin and return the exit code and whatever else reached stdout."""
        self.proc.stdin.close()
        returncode = self.proc.wait(timeout=30)
        while (line := self._incoming.get(timeout=10)) is not None:
            self.lines.append(line)
        self.proc.stderr.close()
        return returncode, self.lines


def test_every_stdout_line_is_json_rpc_over_a_raw_session(notes, tmp_path):
    session = RawSession(tmp_path)
    initialize = {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "raw-test", "version": "0"},
    }
    init = session.request(1, "initialize", initialize)
    session.send({"method": "notifications/initialized"})
    listed = session.request(2, "tools/list", {})
    plan_call = session.request(3, "tools/call", {"name": "build_ltv_plan", "arguments": {"notes": notes}})
    lever_call = session.request(4, "tools/call", {"name": "explain_lever", "arguments": {"lever_id": "nope"}})
    method = session.request(5, "resources/read", {"uri": "ltv://methodology"})
    returncode, lines = session.close()

    assert returncode == 0
    for line in lines:
        message = json.loads(line)  # a line that is not JSON fails here
        assert message.get("jsonrpc") == "2.0", line[:200]
        assert "method" in message or ("result" in message) != ("error" in message), line[:200]
    for response in (init, listed, plan_call, lever_call, method):
        assert "result" in response, response

    assert init["result"]["serverInfo"]["name"] == "ltv-optimizer"
    assert init["result"]["protocolVersion"] == "2025-06-18"
    assert {tool["name"] for tool in listed["result"]["tools"]} == TOOLS
    plan = plan_call["result"]
    assert plan["isError"] is False
    assert plan["content"][0]["text"] == plan["structuredContent"]["markdown"]
    assert plan["structuredContent"]["markdown"] == api.plan_from_notes(notes).markdown
    lever = lever_call["result"]
    assert lever["isError"] is True and "Valid lever ids" in lever["content"][0]["text"]
    assert method["result"]["contents"][0]["text"].startswith("#")
