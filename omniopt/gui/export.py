"""The page as files: for the local server, the static export and the Share server.

The page is the fixed assets in ``static/`` plus ``schema.js``, generated from
the installed plugins. All links are relative and the schema is a script (not
fetched JSON), so the same files work from any URL prefix and from ``file://``.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

from omniopt.gui.schema import build_schema, schema_script

#: Content types of the page's files, by suffix.
MEDIA_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}

INDEX = "index.html"


def media_type(name: str) -> str:
    """The Content-Type to serve a page file with."""
    return MEDIA_TYPES.get(os.path.splitext(name)[1], "application/octet-stream")


def page_files(pm: Any | None = None) -> dict[str, bytes]:
    """Every file of the page by relative name; ``index.html`` is the entry.

    ``pm`` is a ``PluginManager``; without one the installed plugins are used.
    """
    files = {}
    for item in resources.files("omniopt.gui").joinpath("static").iterdir():
        if item.is_file():
            files[item.name] = item.read_bytes()
    files["schema.js"] = schema_script(build_schema(pm)).encode("utf-8")
    return files


def write_static(directory: str | os.PathLike[str], pm: Any | None = None) -> list[Path]:
    """Write the page into ``directory`` (created if missing); return the written paths."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in page_files(pm).items():
        path = target / name
        path.write_bytes(content)
        written.append(path)
    return written
