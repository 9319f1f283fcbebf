"""``--live_share``: the real ``omniopt`` command with a real server, and the
sink's behaviour when the server is down or hangs."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from share_testkit import Server
from share_runfolders import make_run

from omniopt_share.sink import LiveShareSink

OMNIOPT = shutil.which("omniopt", path=os.path.dirname(sys.executable)) or "omniopt"


def _omniopt(tmp_path: Path, *extra: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [
        OMNIOPT, "--experiment_name", "shared", "--run_program", "echo RESULT: %(x)",
        "--parameter", "x", "range", "0", "1", "float", "--max_eval", "5", "--num_random_steps", "5",
        "--model", "SOBOL", "--force_local_execution", "--live_share", "--share_interval", "0.5", *extra,
    ]
    return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "OMNIOPT_SHARE_CONFIG": str(tmp_path / "none.toml"), **env})


@pytest.mark.e2e
def test_real_run_is_live_shared_to_the_end(server: Server, tmp_path: Path) -> None:
    token = server.tokens["alice"]
    result = _omniopt(tmp_path, "--share_server", server.url, "--share_token", token, env={})
    assert result.returncode == 0, result.stderr
    assert token not in result.stdout + result.stderr
    folder = tmp_path / "runs" / "shared" / "0"
    link = (folder / "state_files" / "share.json").read_text()
    run_id = link.split('"id": "')[1].split('"')[0]
    info = server.json("GET", f"/api/v1/runs/{run_id}")[1]
    assert info["live"] is True and info["status"] == "finished"
    assert info["summary"]["n_trials"] == 5 and info["summary"]["counts"] == {"COMPLETED": 5}
    assert run_id in result.stderr  # the link is shown to the user
    stored = server.data_dir / "runs" / run_id / "files"
    assert (stored / "results.csv").read_bytes() == (folder / "results.csv").read_bytes()
    # The token given on the command line is in the local config copy, never in the shared one.
    for path in stored.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path


@pytest.mark.e2e
def test_server_down_never_fails_the_run(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    result = _omniopt(tmp_path, "--share_server", dead, env={"OMNIOPT_SHARE_TOKEN": "oos_whatever"})
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("cannot reach the share server") == 1
    assert (tmp_path / "runs" / "shared" / "0" / "results.csv").read_text().count("COMPLETED") == 5


class _HangingServer:
    """Accepts connections and answers nothing until released: a stuck Share server."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.release = threading.Event()
        self.connected = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        held = []
        while not self.release.is_set():
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            held.append(connection)
            self.connected.set()
        for connection in held:
            connection.close()


def _run_info(folder: Path) -> Any:
    return SimpleNamespace(run_dir=str(folder))


def _wait_for(condition: Any, what: str) -> None:
    for _ in range(600):
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def test_a_hanging_server_does_not_block_the_engine(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    hanging = _HangingServer()
    folder = make_run(tmp_path / "run", trials=3)
    sink = LiveShareSink({"live_share": True, "share_server": hanging.url, "share_token": "oos_x",
                          "share_final_timeout": 0.5, "share_timeout": 60})
    sink.run_started(_run_info(folder), [])
    assert hanging.connected.wait(30)  # the upload thread is now stuck in the network
    for _ in range(100):  # every event returns although the upload hangs
        sink.trial_finished(None, None)
        sink.workers_changed(0.0, 1, 2)
    with caplog.at_level(logging.WARNING):
        sink.run_finished({})  # bounded by share_final_timeout
    assert "did not finish" in caplog.text
    hanging.release.set()
    hanging.sock.close()


def test_uploads_are_rate_bounded_and_incremental(server: Server, tmp_path: Path) -> None:
    folder = make_run(tmp_path / "run", trials=4)
    sink = LiveShareSink({"live_share": True, "share_server": server.url, "share_token": server.tokens["alice"],
                          "share_interval": 3600})
    sink.run_started(_run_info(folder), [])
    _wait_for(lambda: sink.uploads == 1, "the first upload")
    for _ in range(200):
        sink.trial_finished(None, None)
    (folder / "oo_errors.txt").write_text("one new file\n")
    new_trial = folder / "single_runs" / "99"
    new_trial.mkdir()
    (new_trial / "stdout.txt").write_text("RESULT: 1\n")
    sink.trial_finished(None, SimpleNamespace(trial_dir=str(new_trial), trial_index=99))
    sink.run_finished({})
    assert sink.uploads == 2  # the first one, then only the final one despite 200 events
    run_id = sink.url.rsplit("/", 1)[-1]
    stored = server.data_dir / "runs" / run_id / "files"
    assert (stored / "oo_errors.txt").read_text() == "one new file\n"
    assert (stored / "single_runs" / "99" / "stdout.txt").read_text() == "RESULT: 1\n"
    assert server.json("GET", f"/api/v1/runs/{run_id}")[1]["status"] == "finished"


def test_one_warning_while_the_server_stays_down(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = make_run(tmp_path / "run", trials=2)
    sink = LiveShareSink({"live_share": True, "share_server": "http://127.0.0.1:9", "share_token": "oos_x",
                          "share_interval": 0.2})
    with caplog.at_level(logging.WARNING):
        sink.run_started(_run_info(folder), [])
        for _ in range(3):
            _wait_for(lambda: sink.failures >= 1, "a failed upload")
            sink.trial_finished(None, None)
        _wait_for(lambda: sink.failures >= 3, "three failed uploads (with back-off)")
        sink.run_finished({})
    assert caplog.text.count("cannot reach the share server") == 1


def test_missing_token_turns_live_share_off_with_one_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OMNIOPT_SHARE_TOKEN", raising=False)
    monkeypatch.setenv("OMNIOPT_SHARE_CONFIG", str(tmp_path / "none.toml"))
    sink = LiveShareSink({"live_share": True})
    with caplog.at_level(logging.WARNING):
        sink.run_started(_run_info(tmp_path), [])
        sink.trial_finished(None, None)
        sink.run_finished({})
    assert "live_share is off" in caplog.text and "no upload token" in caplog.text
