"""Load on loopback: 20 uploaders and 50 readers at once for a bounded time.

Each uploader keeps its own run growing; at the end every run must hold
exactly what its uploader sent (nothing lost, nothing from another run), and
no request may have failed. The duration is ``OMNIOPT_SHARE_LOAD_SECONDS``
(default 30).
"""

from __future__ import annotations

import io
import json
import os
import random
import tarfile
import threading
import time
from pathlib import Path

import pytest
from share_testkit import Server, start_server, stop_server

UPLOADERS = 20
READERS = 50
SECONDS = float(os.environ.get("OMNIOPT_SHARE_LOAD_SECONDS", "30"))
HEADER = "trial_index,submit_time,queue_time,worker_generator_uuid,start_time,end_time,run_time,program_string," \
         "exit_code,signal,hostname,arm_name,trial_status,generation_node,RESULT,x\n"


def _archive(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


class Uploader(threading.Thread):
    def __init__(self, server: Server, number: int, user: str, stop: threading.Event, errors: list[str]):
        super().__init__(daemon=True)
        self.server, self.number, self.user, self.stop, self.errors = server, number, user, stop, errors
        self.expected: dict[str, bytes] = {}
        self.run_id = ""
        self.uploads = 0

    def run(self) -> None:
        try:
            status, run = self.server.json("POST", "/api/v1/runs", {"experiment_name": f"load-{self.number}"},
                                           token=self.server.tokens[self.user])
            if status != 201:
                self.errors.append(f"uploader {self.number}: create answered {status}")
                return
            self.run_id = run["id"]
            rows = ""
            step = 0
            while not self.stop.is_set():
                rows += f"{step},0,0,u,0,1,1,echo,0,,h,{step}_0,COMPLETED,SOBOL,{self.number + step / 1000},{step}\n"
                files = {
                    "results.csv": (HEADER + rows).encode(),
                    f"single_runs/{step}/stdout.txt": f"uploader {self.number} step {step}\n".encode(),
                }
                status, body, _ = self.server.request("POST", f"/api/v1/runs/{self.run_id}/files", _archive(files),
                                                      token=self.server.tokens[self.user])
                if status != 200:
                    self.errors.append(f"uploader {self.number}: upload answered {status}: {body[:200]!r}")
                    return
                self.expected.update(files)
                self.uploads += 1
                step += 1
        except Exception as exc:  # any exception is a failure of the test, reported below
            self.errors.append(f"uploader {self.number}: {exc!r}")


class Reader(threading.Thread):
    def __init__(self, server: Server, uploaders: list[Uploader], stop: threading.Event, errors: list[str], seed: int):
        super().__init__(daemon=True)
        self.server, self.uploaders, self.stop, self.errors = server, uploaders, stop, errors
        self.random = random.Random(seed)
        self.reads = 0

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                uploader = self.random.choice(self.uploaders)
                if not uploader.run_id:
                    time.sleep(0.01)
                    continue
                path = self.random.choice(["", "/table", "/version", "page", "index", "", "/table"])
                if self.random.random() < 0.03:
                    path = "/plots"
                if path == "page":
                    url = f"/r/{uploader.run_id}"
                elif path == "index":
                    url = "/?q=load"
                else:
                    url = f"/api/v1/runs/{uploader.run_id}{path}"
                status, body, _ = self.server.request("GET", url)
                if status != 200:
                    self.errors.append(f"reader: GET {url} answered {status}")
                    return
                if path == "":
                    if json.loads(body)["experiment_name"] != f"load-{uploader.number}":
                        self.errors.append(f"reader: run {uploader.run_id} shows another run's data")
                elif path == "/table":
                    for row in json.loads(body)["rows"]:
                        if int(row[-2]) != uploader.number:
                            self.errors.append(f"reader: table of run {uploader.run_id} has a row of another run")
                            return
                self.reads += 1
        except Exception as exc:
            self.errors.append(f"reader: {exc!r}")


@pytest.fixture(scope="module")
def load_server(tmp_path_factory: pytest.TempPathFactory) -> Server:
    started = start_server(tmp_path_factory.mktemp("share-load"))
    yield started
    stop_server(started)


@pytest.mark.slow
def test_twenty_uploaders_and_fifty_readers(load_server: Server) -> None:
    stop = threading.Event()
    errors: list[str] = []
    uploaders = [Uploader(load_server, n, ("alice", "bob")[n % 2], stop, errors) for n in range(UPLOADERS)]
    readers = [Reader(load_server, uploaders, stop, errors, seed) for seed in range(READERS)]
    for thread in uploaders + readers:
        thread.start()
    time.sleep(SECONDS)
    stop.set()
    for thread in uploaders + readers:
        thread.join(120)
    assert errors == []
    assert all(u.uploads > 0 for u in uploaders) and all(r.reads > 0 for r in readers)
    for uploader in uploaders:
        stored = load_server.data_dir / "runs" / uploader.run_id / "files"
        found = {p.relative_to(stored).as_posix(): p.read_bytes() for p in stored.rglob("*") if p.is_file()}
        assert found == uploader.expected, f"run of uploader {uploader.number} differs from what it sent"
        status, info = load_server.json("GET", f"/api/v1/runs/{uploader.run_id}")
        assert info["version"] == uploader.uploads and info["summary"]["n_trials"] == uploader.uploads
    total_uploads = sum(u.uploads for u in uploaders)
    total_reads = sum(r.reads for r in readers)
    print(f"\nload: {total_uploads} uploads and {total_reads} reads in {SECONDS:g} s, no error")
    Path(os.environ.get("OMNIOPT_SHARE_LOAD_REPORT", os.devnull)).write_text(
        json.dumps({"seconds": SECONDS, "uploads": total_uploads, "reads": total_reads}))
