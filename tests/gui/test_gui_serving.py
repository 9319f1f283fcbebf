"""Static export, the local server, ``omniopt gui`` and ``omniopt gui export``."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

import gui_testkit as kit
from omniopt.errors import UsageError
from omniopt.gui import command
from omniopt.gui.export import page_files, write_static
from omniopt.gui.server import GuiServer
from omniopt.plugins import PluginManager

PAGE = {"index.html", "gui.css", "favicon.svg", "schema.js", "format.js", "validate.js",
        "configfile.js", "state.js", "form.js", "main.js"}


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_the_page_loads_nothing_from_the_internet():
    files = page_files(PluginManager(autoload=False))
    assert set(files) == PAGE
    for name, content in files.items():
        text = content.decode("utf-8")
        outside = [u for u in re.findall(r"(?:https?:)?//[A-Za-z0-9.-]+\.[a-z]{2,}[^\s\"')]*", text)
                   if not u.startswith("http://www.w3.org/2000/svg")]
        assert not outside, f"{name} refers to {outside}"


def test_write_static_writes_every_page_file(tmp_path):
    written = write_static(tmp_path / "new" / "dir", PluginManager(autoload=False))
    assert {p.name for p in written} == PAGE
    assert all(p.stat().st_size > 0 for p in written)


def test_server_serves_the_page_with_safe_headers_and_a_favicon():
    server = GuiServer(0, PluginManager(autoload=False)).start()
    try:
        assert server.url.startswith("http://127.0.0.1:")
        status, headers, body = _get(server.url)
        assert status == 200 and b"<title>omniopt command builder</title>" in body
        assert headers["Content-Type"].startswith("text/html")
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        status, headers, _ = _get(server.url + "favicon.ico")
        assert (status, headers["Content-Type"]) == (200, "image/svg+xml")
        status, _, _ = _get(server.url + "schema.js?x=1")
        assert status == 200
        assert _get(server.url + "../etc/passwd")[0] == 404
    finally:
        server.close()


def test_export_command_in_process(tmp_path, capsys):
    assert command.main(["export", str(tmp_path / "site")]) == 0
    assert "index.html" in capsys.readouterr().out
    assert (tmp_path / "site" / "schema.js").exists()


def test_bad_arguments_are_one_clear_line():
    with pytest.raises(UsageError, match="unrecognized arguments: --colour"):
        command.main(["--colour"])
    with pytest.raises(UsageError, match="the following arguments are required: DIR"):
        command.main(["export"])


def test_a_busy_port_is_reported(monkeypatch):
    server = GuiServer(0, PluginManager(autoload=False))
    try:
        port = int(server.url.rsplit(":", 1)[1].strip("/"))
        with pytest.raises(UsageError, match=f"port {port} on 127.0.0.1 is in use"):
            command.main(["--port", str(port), "--no_browser"])
    finally:
        server.close()


def test_the_browser_is_opened_only_with_a_display(monkeypatch, capsys):
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url))

    def stop_at_once(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(GuiServer, "serve_forever", stop_at_once)
    for display, expected in (("", 0), (":0", 1)):
        monkeypatch.setenv("DISPLAY", display)
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        opened.clear()
        assert command.main(["--port", "0"]) == 0
        assert len(opened) == expected
        assert "http://127.0.0.1:" in capsys.readouterr().out


@pytest.mark.e2e
def test_omniopt_gui_export_with_the_real_cli(tmp_path, third_party_site):
    done = subprocess.run([kit.omniopt_executable(), "gui", "export", str(tmp_path / "out")],
                          env=third_party_site.env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "docker_cpus" in (tmp_path / "out" / "schema.js").read_text()


@pytest.mark.e2e
def test_omniopt_gui_serves_until_stopped(third_party_site):
    env = {**third_party_site.env, "DISPLAY": ""}
    process = subprocess.Popen([kit.omniopt_executable(), "gui", "--port", "0"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert url, f"no address printed: {line!r} {process.stderr.read() if process.poll() is not None else ''}"
        status, _, body = _get(url.group(0) + "schema.js")
        assert status == 200 and b"docker_cpus" in body
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_module_is_light_at_import():
    code = "import sys, omniopt.builtin.gui; print(sorted(m for m in ('omniopt.gui.server', 'http.server') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]"
