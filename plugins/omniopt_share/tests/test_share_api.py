"""The upload and read API of a running Share server, over real HTTP."""

from __future__ import annotations

import io
import json
import sqlite3
import tarfile
from pathlib import Path

from share_testkit import Server, share_command
from share_runfolders import make_run

from omniopt_share import packing


def _archive(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _new_run(server: Server, user: str = "alice", name: str = "api") -> dict:
    status, run = server.json("POST", "/api/v1/runs", {"experiment_name": name, "run_number": "0"}, token=server.tokens[user])
    assert status == 201, run
    return run


def test_whoami_needs_a_valid_token(server: Server) -> None:
    assert server.json("GET", "/api/v1/whoami", token=server.tokens["alice"]) == (200, {"user": "alice", "api_version": 1})
    assert server.json("GET", "/api/v1/whoami")[0] == 401
    assert server.json("GET", "/api/v1/whoami", token="oos_wrong")[0] == 401


def test_upload_command_prints_the_link_and_never_the_token(server: Server, tmp_path: Path, client_env: dict) -> None:
    folder = make_run(tmp_path / "runs" / "branin" / "0", trials=15, experiment="branin")
    result = share_command("upload", str(folder), env=client_env)
    link = result.stdout.strip()
    assert link.startswith(server.url + "r/")
    assert server.tokens["alice"] not in result.stdout + result.stderr
    run_id = link.rsplit("/", 1)[-1]
    status, info = server.json("GET", f"/api/v1/runs/{run_id}")
    assert status == 200
    assert info["experiment_name"] == "branin" and info["owner"] == "alice" and info["status"] == "finished"
    summary = info["summary"]
    assert summary["n_trials"] == 15 and summary["max_eval"] == 15
    assert summary["counts"] == {"COMPLETED": 12, "FAILED": 3}
    assert summary["best"]["objective"] == "RESULT"
    assert info["public"] is False
    # Uploading again updates the same link.
    again = share_command("upload", str(folder), env=client_env).stdout.strip()
    assert again == link


def test_run_data_table_plots_logs_and_download(server: Server, tmp_path: Path) -> None:
    folder = make_run(tmp_path / "run", trials=10, log_text="hello from the trial")
    run = _new_run(server)
    names = sorted(packing.scan(folder))
    status, raw, _ = server.request("POST", f"/api/v1/runs/{run['id']}/files?final=1", packing.pack(folder, names),
                                    token=server.tokens["alice"])
    assert status == 200, raw
    assert json.loads(raw)["files"] == len(names)

    status, table = server.json("GET", f"/api/v1/runs/{run['id']}/table")
    assert status == 200
    assert table["columns"][:3] == ["trial_index", "submit_time", "queue_time"]
    assert len(table["rows"]) == 10

    status, plots = server.json("GET", f"/api/v1/runs/{run['id']}/plots")
    assert status == 200
    drawn = {p["name"] for p in plots["plots"] if "figure" in p}
    assert {"best_over_trials", "parallel_coordinates", "scatter", "time_and_exit_code", "worker"} <= drawn
    assert not [p for p in plots["plots"] if "error" in p]

    status, log = server.json("GET", f"/api/v1/runs/{run['id']}/trials/3/log")
    assert status == 200 and "hello from the trial" in log["logs"]["stdout.txt"]
    assert server.json("GET", f"/api/v1/runs/{run['id']}/trials/999/log")[0] == 404
    assert server.request("GET", f"/api/v1/runs/{run['id']}/trials/..%2F..%2Fetc/log")[0] == 404

    status, body, headers = server.request("GET", f"/r/{run['id']}/download")
    assert status == 200 and headers["content-type"] == "application/gzip"
    with tarfile.open(fileobj=io.BytesIO(body), mode="r:gz") as tar:
        members = {m.name.split("/", 1)[1]: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    assert set(members) == set(names)
    assert members["results.csv"] == (folder / "results.csv").read_bytes()


def test_incremental_upload_merges_and_bumps_the_version(server: Server) -> None:
    run = _new_run(server)
    token = server.tokens["alice"]
    first = json.loads(server.request("POST", f"/api/v1/runs/{run['id']}/files", _archive({"a.txt": b"1"}), token=token)[1])
    second = json.loads(server.request("POST", f"/api/v1/runs/{run['id']}/files", _archive({"b/c.txt": b"2"}), token=token)[1])
    assert second["version"] == first["version"] + 1
    assert server.json("GET", f"/api/v1/runs/{run['id']}/version")[1] == {"version": second["version"]}
    files = server.data_dir / "runs" / run["id"] / "files"
    assert (files / "a.txt").read_text() == "1" and (files / "b" / "c.txt").read_text() == "2"


def test_omniopt2_run_folder_displays(server: Server, tmp_path: Path, client_env: dict) -> None:
    folder = make_run(tmp_path / "runs" / "legacy" / "3", trials=8, layout="omniopt2")
    link = share_command("upload", str(folder), "--public", env=client_env).stdout.strip()
    run_id = link.rsplit("/", 1)[-1]
    info = server.json("GET", f"/api/v1/runs/{run_id}")[1]
    assert info["experiment_name"] == "legacy" and info["run_number"] == "3" and info["public"] is True
    assert info["summary"]["layout"] == "omniopt2"
    assert info["summary"]["best"]["objective"] == "result"
    plots = server.json("GET", f"/api/v1/runs/{run_id}/plots")[1]["plots"]
    assert any(p["name"] == "scatter" and "figure" in p for p in plots)
    status, page, _ = server.request("GET", "/?q=legacy")
    assert status == 200 and link.encode() in page


def test_owner_deletes_a_run_and_the_index_lists_public_runs_only(server: Server) -> None:
    private = _new_run(server, name="private-run")
    status, page, _ = server.request("GET", "/?q=private-run")
    assert private["id"].encode() not in page
    status, _ = server.json("DELETE", f"/api/v1/runs/{private['id']}", token=server.tokens["alice"])
    assert status == 200
    assert server.json("GET", f"/api/v1/runs/{private['id']}")[0] == 404
    assert not (server.data_dir / "runs" / private["id"]).exists()


def test_tokens_are_stored_hashed(server: Server) -> None:
    with sqlite3.connect(server.data_dir / "share.sqlite3") as db:
        stored = [row[0] for row in db.execute("SELECT token_hash FROM tokens")]
    assert stored and all(len(h) == 64 for h in stored)
    dump = (server.data_dir / "share.sqlite3").read_bytes()
    assert all(token.encode() not in dump for token in server.tokens.values())


def test_upload_errors_are_one_line_with_documented_exit_codes(server: Server, tmp_path: Path, client_env: dict) -> None:
    folder = make_run(tmp_path / "runs" / "x" / "0", trials=3)
    no_token = share_command("upload", str(folder), check=False, env={**client_env, "OMNIOPT_SHARE_TOKEN": ""})
    assert no_token.returncode == 2 and "no upload token" in no_token.stderr and "Traceback" not in no_token.stderr
    wrong = share_command("upload", str(folder), check=False, env={**client_env, "OMNIOPT_SHARE_TOKEN": "oos_nope"})
    assert wrong.returncode == 40 and "401" in wrong.stderr and "Traceback" not in wrong.stderr
    down = share_command("upload", str(folder), "--server", "http://127.0.0.1:9", check=False, env=client_env)
    assert down.returncode == 40 and "cannot reach" in down.stderr and "Traceback" not in down.stderr
    missing = share_command("upload", str(tmp_path / "nothing"), check=False, env=client_env)
    assert missing.returncode == 2 and "is not a folder" in missing.stderr
    assert share_command("admin", "create-user", "alice", "--data-dir", str(server.data_dir), check=False).returncode == 2


def test_token_from_the_config_file(server: Server, tmp_path: Path) -> None:
    config = tmp_path / "share.toml"
    config.write_text(f'server = "{server.url}"\ntoken = "{server.tokens["bob"]}"\n')
    folder = make_run(tmp_path / "runs" / "cfg" / "0", trials=4)
    link = share_command("upload", str(folder), env={"OMNIOPT_SHARE_CONFIG": str(config), "OMNIOPT_SHARE_TOKEN": "",
                                                     "OMNIOPT_SHARE_SERVER": ""}).stdout.strip()
    assert server.json("GET", "/api/v1/runs/" + link.rsplit("/", 1)[-1])[1]["owner"] == "bob"


def test_admin_retention_and_delete(server: Server) -> None:
    run = _new_run(server, name="old-run")
    listed = share_command("admin", "list-runs", "--data-dir", str(server.data_dir)).stdout
    assert run["id"] in listed
    with sqlite3.connect(server.data_dir / "share.sqlite3") as db:
        db.execute("UPDATE runs SET updated_at = 0 WHERE id = ?", (run["id"],))
    out = share_command("admin", "retention", "--days", "30", "--data-dir", str(server.data_dir)).stdout
    assert "deleted 1 run" in out
    assert server.json("GET", f"/api/v1/runs/{run['id']}")[0] == 404
    gone = share_command("admin", "delete-run", run["id"], "--data-dir", str(server.data_dir), check=False)
    assert gone.returncode == 2 and "no run" in gone.stderr


def test_server_serves_the_command_builder(server: Server) -> None:
    from omniopt.gui.export import page_files

    status, body, headers = server.request("GET", "/gui/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    expected = page_files()
    assert body == expected["index.html"]
    status, schema, _ = server.request("GET", "/gui/schema.js")
    assert status == 200 and b"experiment_name" in schema
    assert server.request("GET", "/gui/../app.py")[0] == 404
