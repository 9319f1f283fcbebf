"""Test kit: a real Share server started as a process on 127.0.0.1 with a free port, and HTTP helpers."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any


SHARE = [sys.executable, "-m", "omniopt_share"]


def share_command(*args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``omniopt share ARGS`` (as ``python -m omniopt_share``) and capture its output."""
    result = subprocess.run([*SHARE, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"omniopt share {' '.join(args)} failed ({result.returncode}): {result.stderr}")
    return result


@dataclasses.dataclass
class Server:
    url: str
    data_dir: Path
    tokens: dict[str, str]
    process: subprocess.Popen[str]

    def request(self, method: str, path: str, body: bytes | None = None, *, token: str | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
        """(status, body, headers) of one HTTP request; errors are answers, not exceptions."""
        request = urllib.request.Request(self.url.rstrip("/") + path, data=body, method=method)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), dict(exc.headers)

    def json(self, method: str, path: str, body: Any = None, *, token: str | None = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        status, raw, _ = self.request(method, path, data, token=token, headers={"Content-Type": "application/json"})
        return status, json.loads(raw or b"{}")


def start_server(data_dir: Path, *extra: str, users: tuple[str, ...] = ("alice", "bob")) -> Server:
    from omniopt_share.server.store import ShareStore

    # Users are made in-process (fast); the admin commands have tests of their own.
    store = ShareStore(data_dir)
    tokens = {}
    for user in users:
        store.create_user(user)
        tokens[user] = store.create_token(user)
    process = subprocess.Popen(
        [*SHARE, "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", str(data_dir), *extra],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    if "serving" not in line:
        process.kill()
        raise AssertionError(f"server did not start: {line}{process.stderr.read()}")
    url = line.split(" at ")[-1].strip()
    server = Server(url=url, data_dir=data_dir, tokens=tokens, process=process)
    for _ in range(100):
        try:
            if server.request("GET", "/healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.05)
    raise AssertionError("server did not answer /healthz")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()


def artifacts_dir() -> Path:
    """Where screenshots go (the repository's test-artifacts/, ignored by git)."""
    folder = Path(__file__).resolve().parents[3] / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder
