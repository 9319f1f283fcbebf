"""``--live_share``: a result sink that mirrors the run folder to a Share server.

The engine's thread only sets a flag; a background thread uploads what changed,
at most once per ``--share_interval`` seconds. A server that is down or slow
costs the run nothing: failures are retried with growing pauses, reported by
one warning, and the run never waits for the network, except for one bounded
final upload when it ends.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from omniopt.types import BaseResultSink

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 60.0


class LiveShareSink(BaseResultSink):
    """Uploads the run folder while the run goes on (see module docstring).

    It runs after the built-in run-folder writer (built-ins are registered
    first), so at ``run_finished`` the folder holds the run's final files.
    """

    def __init__(self, options: Mapping[str, Any]):
        self.options = dict(options)
        self.interval = max(0.2, float(options.get("share_interval") or 5.0))
        self.final_timeout = max(0.0, float(options.get("share_final_timeout") or 30.0))
        self.public = bool(options.get("share_public"))
        self._wake = threading.Condition()
        self._dirty = False
        self._trial_dirs: set[str] = set()
        self._finishing = False
        self._thread: threading.Thread | None = None
        self._uploader: Any = None
        self._warned = False
        self._gave_up = False
        self.failures = 0
        self.uploads = 0
        self.url = ""

    # -- ResultSink protocol (engine thread: must be quick) ----------------------------
    def run_started(self, run: Any, history: Sequence[Any]) -> None:
        from omniopt_share.client import ShareClient
        from omniopt_share.settings import SettingsError, resolve
        from omniopt_share.sharing import RunUploader

        try:
            settings = resolve(self.options.get("share_server"), self.options.get("share_token"))
        except SettingsError as exc:
            log.warning("--live_share is off for this run: %s", exc)
            return
        client = ShareClient(settings, timeout=float(self.options.get("share_timeout") or 30.0))
        self._uploader = RunUploader(client, run.run_dir, public=self.public, live=True)
        self._dirty = True
        self._thread = threading.Thread(target=self._loop, name="omniopt-live-share", daemon=True)
        self._thread.start()

    def trial_started(self, job: Any, handle: Mapping[str, Any]) -> None:
        self._mark_dirty(job)

    def trial_finished(self, trial: Any, job: Any) -> None:
        self._mark_dirty(job)

    def workers_changed(self, when: float, running: int, capacity: int) -> None:
        self._mark_dirty()

    def points_generated(self, when: float, got: int, requested: int) -> None:
        self._mark_dirty()

    def run_finished(self, summary: Mapping[str, Any]) -> None:
        if self._thread is None:
            return
        with self._wake:
            self._finishing = True
            self._wake.notify()
        self._thread.join(self.final_timeout)
        if self._thread.is_alive():
            log.warning("live share: the final upload did not finish within %gs; the shared copy may lag", self.final_timeout)
        elif self.url:
            log.warning("live share: the shared run is at %s", self.url)

    # -- background thread ----------------------------------------------------------------
    def _mark_dirty(self, job: Any = None) -> None:
        with self._wake:
            self._dirty = True
            if job is not None:
                self._trial_dirs.add(_trial_dir_name(job))

    def _loop(self) -> None:
        pause = self.interval
        last_upload = float("-inf")  # the first upload goes out at once
        while True:
            with self._wake:
                # Bounded rate: at most one upload per interval, earlier only for the final one.
                deadline = last_upload + pause
                while not self._finishing and time.monotonic() < deadline:
                    self._wake.wait(deadline - time.monotonic())
                finishing = self._finishing
                dirty, self._dirty = self._dirty, False
                trial_dirs, self._trial_dirs = self._trial_dirs, set()
            if dirty or finishing:
                last_upload = time.monotonic()
                ok = self._upload(final=finishing, trial_dirs=trial_dirs)
                pause = self.interval if ok else min(MAX_BACKOFF_S, self.interval * 2 ** min(self.failures, 8))
                if not ok:
                    with self._wake:
                        self._dirty = True
                        self._trial_dirs |= trial_dirs
            else:
                last_upload = time.monotonic()
            if finishing or self._gave_up:
                return

    def _upload(self, *, final: bool, trial_dirs: set[str]) -> bool:
        from omniopt_share.client import ShareError

        try:
            self._uploader.sync(final=final, trial_dirs=trial_dirs)
        except ShareError as exc:
            self.failures += 1
            if not self._warned:
                self._warned = True
                retry = "will retry in the background" if exc.transient else "giving up"
                log.warning("live share: %s (%s; the run goes on)", exc.message, retry)
            self._gave_up = not exc.transient
            return False
        except Exception as exc:  # the sink must never take the run down
            self.failures += 1
            if not self._warned:
                self._warned = True
                log.warning("live share: upload failed: %s (the run goes on)", exc)
            return False
        if self.failures and self._warned:
            log.warning("live share: the server is reachable again")
        self.failures = 0
        self.uploads += 1
        self.url = self._uploader.url
        if self.uploads == 1:
            log.warning("live share: follow this run at %s", self.url)
        return True


def _trial_dir_name(job: Any) -> str:
    """The ``single_runs/`` folder name of a trial (its index in omniopt's run folders)."""
    trial_dir = getattr(job, "trial_dir", "")
    return os.path.basename(os.path.normpath(trial_dir)) if trial_dir else str(getattr(job, "trial_index", ""))
