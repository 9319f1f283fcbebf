"""Keep one run folder in sync with its copy on a Share server.

The first sync creates the run on the server (or finds the one this folder
was shared as before, from ``state_files/share.json``); every sync then sends
only the files that changed since the last successful one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from omniopt_share import packing
from omniopt_share.client import ShareClient, ShareError


def describe_run(folder: Path) -> tuple[str, str]:
    """(experiment name, run number) from run.json, else from ``runs/NAME/N``."""
    try:
        meta = json.loads((folder / "state_files" / "run.json").read_text())
        name = str(meta.get("experiment_name") or "")
    except (OSError, ValueError, AttributeError):
        name = ""
    resolved = folder.resolve()
    if not name:
        name = resolved.parent.name if resolved.name.isdigit() else resolved.name
    return name or "run", resolved.name if resolved.name.isdigit() else ""


class RunUploader:
    """Uploads a run folder, then only what changed."""

    def __init__(self, client: ShareClient, folder: str | Path, *, public: bool = False, live: bool = False):
        self.client = client
        self.folder = Path(folder)
        self.public = public
        self.live = live
        self.run: dict[str, Any] | None = None
        self._sent: packing.Snapshot = {}

    @property
    def url(self) -> str:
        return str(self.run["url"]) if self.run else ""

    def _link_path(self) -> Path:
        return self.folder / packing.LINK_FILE

    def _previous_run(self) -> dict[str, Any] | None:
        """The server's run this folder was shared as before, if it still exists there."""
        try:
            link = json.loads(self._link_path().read_text())
        except (OSError, ValueError):
            return None
        if not isinstance(link, dict) or link.get("server") != self.client.settings.server or not link.get("id"):
            return None
        try:
            return self.client.run_info(str(link["id"]))
        except ShareError as exc:
            if exc.status == 404:
                return None
            raise

    def _remember(self) -> None:
        assert self.run is not None
        link = {"server": self.client.settings.server, "id": self.run["id"], "url": self.run["url"]}
        try:
            self._link_path().parent.mkdir(parents=True, exist_ok=True)
            self._link_path().write_text(json.dumps(link, indent=1) + "\n")
        except OSError:
            pass  # a read-only run folder can still be shared; it just gets a new link next time

    def sync(self, *, final: bool = False, trial_dirs: set[str] | None = None) -> dict[str, Any]:
        """Send what changed; returns the server's answer (``url``, ``version``...).

        ``trial_dirs`` names the ``single_runs/`` folders that may have changed
        (all are looked at when it is None, and always on the first sync).
        """
        if self.run is None:
            experiment, number = describe_run(self.folder)
            self.run = self._previous_run() or self.client.create_run(
                experiment, number, public=self.public, live=self.live
            )
            self._remember()
        now = packing.scan_run(self.folder, trial_dirs if self._sent else None)
        names = packing.changed(now, self._sent)
        if not names and not final:
            return {"url": self.url, "files": 0}
        archive = packing.pack(self.folder, names, secrets=(self.client.settings.token,))
        answer = self.client.upload(str(self.run["id"]), archive, final=final)
        self._sent.update(now)
        return answer
