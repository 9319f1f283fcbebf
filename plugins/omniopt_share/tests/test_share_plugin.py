"""Registration through the ``omniopt`` entry points, the real ``omniopt share``
command, and unit tests of the name checks and the packing of uploads."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from omniopt_share import packing
from omniopt_share.server.archive import ArchiveError, UploadLimits, safe_member_path

OMNIOPT = shutil.which("omniopt", path=os.path.dirname(sys.executable)) or "omniopt"


def test_registered_through_the_entry_point() -> None:
    from omniopt.plugins import PluginManager

    pm = PluginManager(autoload=True)
    sink = pm.result_sinks()["live_share"]
    assert {o.name for o in sink.options} >= {"live_share", "share_server", "share_token", "share_public"}
    assert sink.enabled({"live_share": True}) and not sink.enabled({"live_share": False})
    assert "share" in pm.commands()


def test_startup_imports_nothing_heavy() -> None:
    code = ("import sys, omniopt_share.plugin; "
            "print(sorted(m for m in ('starlette', 'uvicorn', 'typer', 'jinja2', 'plotly') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.e2e
def test_real_omniopt_share_command(tmp_path: Path) -> None:
    help_text = subprocess.run([OMNIOPT, "share", "--help"], capture_output=True, text=True, timeout=120)
    assert help_text.returncode == 0
    for command in ("serve", "upload", "delete", "admin"):
        assert command in help_text.stdout
    bad = subprocess.run([OMNIOPT, "share", "upload", str(tmp_path / "missing")], capture_output=True, text=True,
                         timeout=120, env={**os.environ, "OMNIOPT_SHARE_TOKEN": "oos_x"})
    assert bad.returncode == 2 and "is not a folder" in bad.stderr and "Traceback" not in bad.stderr
    taken = subprocess.run([OMNIOPT, "share", "admin", "create-user", "", "--data-dir", str(tmp_path / "d")],
                           capture_output=True, text=True, timeout=120)
    assert taken.returncode == 2 and "invalid user name" in taken.stderr


@pytest.mark.parametrize("name", ["../x", "a/../../x", "/etc/passwd", "C:/x", "a\\..\\x", "a\x00b", "", ".", "a/" * 20 + "x"])
def test_unsafe_member_names(name: str) -> None:
    with pytest.raises(ArchiveError):
        safe_member_path(name, UploadLimits())


def test_safe_member_names_are_normalized() -> None:
    assert safe_member_path("./single_runs/3/stdout.txt", UploadLimits()) == "single_runs/3/stdout.txt"
    assert safe_member_path("a//b", UploadLimits()) == "a/b"


def test_scan_skips_links_and_the_link_file(tmp_path: Path) -> None:
    (tmp_path / "state_files").mkdir()
    (tmp_path / "state_files" / "share.json").write_text("{}")
    (tmp_path / "results.csv").write_text("a\n")
    (tmp_path / "outside").symlink_to("/etc")
    (tmp_path / "passwd").symlink_to("/etc/passwd")
    before = packing.scan(tmp_path)
    assert list(before) == ["results.csv"]
    (tmp_path / "results.csv").write_text("a\nb\n")
    (tmp_path / "new.txt").write_text("x")
    assert packing.changed(packing.scan(tmp_path), before) == ["new.txt", "results.csv"]


def test_redaction_of_secrets() -> None:
    text = b"share_token: oos_abc\nshare_password = 'pw'\n\"share_token\": \"t\"\nother: oos_abc in a log\nmax_eval: 3\n"
    out = packing.redact(text, ("oos_abc",))
    assert b"oos_abc" not in out and b"pw" not in out and b'"t"' not in out
    assert b"max_eval: 3" in out
