"""Attacks on a running Share server: hostile archives, markup in names, wrong
tokens, another user's run, cross-site requests, secrets in uploads."""

from __future__ import annotations

import gzip
import html
import http.cookiejar
import io
import json
import os
import re
import tarfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from share_testkit import Server, share_command
from share_runfolders import make_run

SCRIPT = "<script>alert(1)</script>"


def _tar(members: list[tuple[tarfile.TarInfo, bytes | None]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.GNU_FORMAT) as tar:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()


def _file(name: str, data: bytes = b"x") -> tuple[tarfile.TarInfo, bytes]:
    return tarfile.TarInfo(name), data


def _special(name: str, kind: bytes, linkname: str = "") -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info, None


def _run(server: Server, user: str = "alice", name: str = "target") -> str:
    status, run = server.json("POST", "/api/v1/runs", {"experiment_name": name}, token=server.tokens[user])
    assert status == 201
    return run["id"]


def _upload(server: Server, run_id: str, archive: bytes, user: str = "alice") -> tuple[int, str]:
    status, body, _ = server.request("POST", f"/api/v1/runs/{run_id}/files", archive, token=server.tokens[user])
    return status, body.decode()


HOSTILE_ARCHIVES = {
    "traversal": [_file("ok.txt"), _file("../../escaped.txt")],
    "nested traversal": [_file("a/../../escaped.txt")],
    "absolute": [_file("/tmp/escaped-absolute.txt")],
    "windows absolute": [_file("C:/escaped.txt")],
    "backslash": [_file("..\\escaped.txt")],
    "symlink": [_special("link", tarfile.SYMTYPE, "/etc/passwd")],
    "hardlink": [_file("ok.txt"), _special("hard", tarfile.LNKTYPE, "ok.txt")],
    "device": [_special("dev", tarfile.CHRTYPE)],
    "fifo": [_special("fifo", tarfile.FIFOTYPE)],
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_ARCHIVES))
def test_hostile_archive_is_refused_and_changes_nothing(server: Server, kind: str) -> None:
    run_id = _run(server)
    status, body = _upload(server, run_id, _tar(HOSTILE_ARCHIVES[kind]))
    assert status == 400, body
    assert "upload refused" in body
    files = server.data_dir / "runs" / run_id / "files"
    assert list(files.iterdir()) == []  # not even the harmless first member landed
    assert not (server.data_dir / "escaped.txt").exists() and not (server.data_dir / "runs" / "escaped.txt").exists()
    assert not Path("/tmp/escaped-absolute.txt").exists()


def test_not_an_archive_is_refused(server: Server) -> None:
    run_id = _run(server)
    assert _upload(server, run_id, b"plain text, not gzip")[0] == 400
    assert _upload(server, run_id, gzip.compress(b"gzip but not tar" * 100))[0] == 400


def test_oversized_upload_is_refused(small_server: Server) -> None:
    run_id = _run(small_server, "carol")
    big = _tar([_file("noise.bin", os.urandom(700 * 1024))])
    try:
        status, body = _upload(small_server, run_id, big, "carol")
    except urllib.error.URLError as exc:  # the server may answer 413 and close while we still send
        assert isinstance(exc.reason, (BrokenPipeError, ConnectionResetError)), exc
    else:
        assert status == 413, body
    assert list((small_server.data_dir / "runs" / run_id / "files").iterdir()) == []


def test_zip_bomb_is_stopped_at_the_unpacked_limit(small_server: Server) -> None:
    run_id = _run(small_server, "carol")
    bomb = _tar([_file("zeros.bin", bytes(50 * 1024 * 1024))])
    assert len(bomb) < 512 * 1024  # small on the wire, 50 MB unpacked
    status, body = _upload(small_server, run_id, bomb, "carol")
    assert status == 400 and "more than" in body
    # A bomb of many small files is stopped by the file count limit.
    many = _tar([_file(f"f{i}.txt") for i in range(60)])
    status, body = _upload(small_server, run_id, many, "carol")
    assert status == 400 and "more than 50 files" in body
    assert list((small_server.data_dir / "runs" / run_id / "files").iterdir()) == []


def test_wrong_or_missing_token_cannot_write(server: Server) -> None:
    run_id = _run(server)
    archive = _tar([_file("a.txt")])
    for token in (None, "oos_wrong", server.tokens["alice"] + "x"):
        assert server.request("POST", f"/api/v1/runs/{run_id}/files", archive, token=token)[0] == 401
        assert server.request("DELETE", f"/api/v1/runs/{run_id}", token=token)[0] == 401
        assert server.json("POST", "/api/v1/runs", {"experiment_name": "x"}, token=token)[0] == 401
    # The token in a URL is not accepted: secrets travel only in the header.
    query = urllib.parse.urlencode({"token": server.tokens["alice"]})
    assert server.request("POST", f"/api/v1/runs/{run_id}/files?{query}", archive)[0] == 401


def test_another_users_run_cannot_be_changed(server: Server) -> None:
    run_id = _run(server, "alice")
    assert _upload(server, run_id, _tar([_file("a.txt", b"alice")]))[0] == 200
    assert _upload(server, run_id, _tar([_file("a.txt", b"bob")]), user="bob")[0] == 403
    assert server.request("DELETE", f"/api/v1/runs/{run_id}", token=server.tokens["bob"])[0] == 403
    assert (server.data_dir / "runs" / run_id / "files" / "a.txt").read_bytes() == b"alice"


def test_markup_in_every_name_is_escaped(server: Server, tmp_path: Path) -> None:
    share_command("admin", "create-user", SCRIPT, "--data-dir", str(server.data_dir))
    token = share_command("admin", "create-token", SCRIPT, "--data-dir", str(server.data_dir)).stdout.strip()
    folder = make_run(tmp_path / "run", trials=6, experiment=f"exp{SCRIPT}", parameters=(f"p{SCRIPT}", "y"),
                      objectives=((f"R{SCRIPT}", True),), log_text=SCRIPT)
    link = share_command("upload", str(folder), "--public", env={
        "OMNIOPT_SHARE_SERVER": server.url, "OMNIOPT_SHARE_TOKEN": token,
        "OMNIOPT_SHARE_CONFIG": str(tmp_path / "none.toml")}).stdout.strip()
    for path in (urllib.parse.urlsplit(link).path, "/", "/?q=" + urllib.parse.quote(SCRIPT)):
        status, page, headers = server.request("GET", path)
        assert status == 200
        text = page.decode()
        assert SCRIPT not in text
        assert html.escape(SCRIPT) in text or SCRIPT.replace("<", "&lt;").replace(">", "&gt;") in text
        assert "'unsafe-inline'" not in headers["content-security-policy"].split("script-src")[1].split(";")[0]
    # JSON answers carry the text as data; the page puts it in with textContent (see browser tests).
    run_id = link.rsplit("/", 1)[-1]
    assert server.json("GET", f"/api/v1/runs/{run_id}")[1]["experiment_name"] == f"exp{SCRIPT}"


def test_uploaded_files_never_carry_the_token(server: Server, tmp_path: Path) -> None:
    folder = make_run(tmp_path / "runs" / "secret" / "0", trials=3)
    token = server.tokens["alice"]
    (folder / "state_files" / "config.yaml").write_text(f"share_token: {token}\nshare_password: hunter2\nmax_eval: 3\n")
    (folder / "single_runs" / "0" / "stdout.txt").write_text(f"the token {token} leaked into a log\n")
    link = share_command("upload", str(folder), env={"OMNIOPT_SHARE_SERVER": server.url, "OMNIOPT_SHARE_TOKEN": token,
                                                     "OMNIOPT_SHARE_CONFIG": str(tmp_path / "none.toml")}).stdout.strip()
    stored = server.data_dir / "runs" / link.rsplit("/", 1)[-1] / "files"
    for path in stored.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes()
            assert b"hunter2" not in path.read_bytes()
    assert "max_eval: 3" in (stored / "state_files" / "config.yaml").read_text()


class _Browser:
    """Cookies and forms like a browser would send them, over real HTTP."""

    def __init__(self, server: Server):
        self.server = server
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.server.url.rstrip("/") + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, form: dict[str, str], origin: str | None = None) -> int:
        request = urllib.request.Request(self.server.url.rstrip("/") + path, data=urllib.parse.urlencode(form).encode())
        request.add_header("Origin", origin or self.server.url.rstrip("/"))
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def login(self, token: str) -> None:
        csrf = re.search(r'name="csrf" value="([^"]+)"', self.get("/login")).group(1)
        assert self.post("/login", {"csrf": csrf, "token": token}) == 303

    def csrf(self, path: str) -> str:
        return re.search(r'name="csrf" value="([^"]+)"', self.get(path)).group(1)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def test_forms_are_protected_against_cross_site_requests(server: Server) -> None:
    run_id = _run(server, "alice", name="csrf-target")
    alice = _Browser(server)
    # Login itself needs the login form's token.
    assert alice.post("/login", {"token": server.tokens["alice"]}) == 403
    alice.login(server.tokens["alice"])
    page = f"/r/{run_id}"
    assert alice.post(f"{page}/delete", {}) == 403
    assert alice.post(f"{page}/delete", {"csrf": "guessed"}) == 403
    assert alice.post(f"{page}/delete", {"csrf": alice.csrf(page)}, origin="http://evil.example") == 403
    assert alice.post(f"{page}/visibility", {"csrf": alice.csrf(page), "public": "1"}, origin="http://evil.example") == 403
    bob = _Browser(server)
    bob.login(server.tokens["bob"])
    assert bob.post(f"{page}/delete", {"csrf": bob.csrf(page)}) == 403
    assert server.json("GET", f"/api/v1/runs/{run_id}")[0] == 200
    assert alice.post(f"{page}/visibility", {"csrf": alice.csrf(page), "public": "1"}) == 303
    assert server.json("GET", f"/api/v1/runs/{run_id}")[1]["public"] is True
    assert alice.post(f"{page}/delete", {"csrf": alice.csrf(page)}) == 303
    assert server.json("GET", f"/api/v1/runs/{run_id}")[0] == 404


def test_private_runs_are_listed_only_for_their_owner(server: Server) -> None:
    run_id = _run(server, "alice", name="only-alice")
    anonymous = server.request("GET", "/?q=only-alice")[1].decode()
    assert run_id not in anonymous
    bob = _Browser(server)
    bob.login(server.tokens["bob"])
    assert run_id not in bob.get("/?q=only-alice")
    alice = _Browser(server)
    alice.login(server.tokens["alice"])
    assert run_id in alice.get("/?q=only-alice")
    assert len(run_id) >= 22  # 128 random bits: the private link cannot be guessed


def test_big_form_and_json_bodies_are_refused(server: Server) -> None:
    big = b"token=" + b"a" * (100 * 1024)
    status, _, _ = server.request("POST", "/login", big, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 413
    status, _, _ = server.request("POST", "/api/v1/runs", b"{" + b" " * (100 * 1024) + b"}", token=server.tokens["alice"])
    assert status == 413


def test_security_headers(server: Server) -> None:
    _, _, headers = server.request("GET", "/")
    lowered = {k.lower(): v for k, v in headers.items()}
    assert "default-src 'self'" in lowered["content-security-policy"]
    assert lowered["x-content-type-options"] == "nosniff"
    assert lowered["referrer-policy"] == "same-origin"
    assert lowered["x-frame-options"] == "DENY"
    assert json.loads(server.request("GET", "/api/v1/runs/nope")[1]) == {"error": "no such run"}
