"""Pack a run folder, or only the files that changed, as a ``.tar.gz`` for upload.

Secrets never leave the machine: the upload token is blanked out of every file
sent, and so are ``share_token``/``share_password`` values in the saved config.
"""

from __future__ import annotations

import io
import os
import re
import tarfile
import time
from pathlib import Path

#: Kept in the run folder, never uploaded (it holds the run's link).
LINK_FILE = Path("state_files") / "share.json"
#: Per-trial log folders live here (``single_runs/<trial_index>/``).
TRIALS_DIR = "single_runs"
REDACTED = b"***"
_SECRET_KEYS = re.compile(rb"(?m)^(\s*[\"']?(?:share_token|share_password)[\"']?\s*[:=]\s*).+$")

Snapshot = dict[str, tuple[int, int]]


def scan(folder: Path, *, skip: frozenset[str] = frozenset(), prefix: str = "") -> Snapshot:
    """(modification time, size) of every regular file below ``folder``, by relative path.

    Links are skipped (never followed out of the run folder); so are the
    top-level folders named in ``skip``. ``prefix`` is put before every name.
    """
    found: Snapshot = {}
    pending = [(str(folder), prefix)]
    while pending:
        path, base = pending.pop()
        try:
            entries = list(os.scandir(path))
        except OSError:
            continue  # removed while we looked
        for entry in entries:
            relative = base + entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if relative not in skip:
                        pending.append((entry.path, relative + "/"))
                elif entry.is_file(follow_symlinks=False) and relative != LINK_FILE.as_posix():
                    info = entry.stat(follow_symlinks=False)
                    found[relative] = (info.st_mtime_ns, info.st_size)
            except OSError:
                continue
    return found


def scan_run(folder: Path, trial_dirs: set[str] | None = None) -> Snapshot:
    """A run folder's files; with ``trial_dirs`` only those of ``single_runs/`` are looked at.

    A live run has thousands of trial folders but only a few change between
    two uploads, so the sink names them instead of walking them all again.
    """
    if trial_dirs is None:
        return scan(folder)
    found = scan(folder, skip=frozenset({TRIALS_DIR}))
    for name in trial_dirs:
        found.update(scan(folder / TRIALS_DIR / name, prefix=f"{TRIALS_DIR}/{name}/"))
    return found


def changed(now: Snapshot, before: Snapshot) -> list[str]:
    """Files that are new or differ from the last upload."""
    return sorted(name for name, stamp in now.items() if before.get(name) != stamp)


def redact(data: bytes, secrets: tuple[str, ...]) -> bytes:
    for secret in secrets:
        if secret:
            data = data.replace(secret.encode(), REDACTED)
    return _SECRET_KEYS.sub(lambda m: m.group(1) + REDACTED, data)


def pack(folder: Path, names: list[str], secrets: tuple[str, ...] = ()) -> bytes:
    """A gzip-compressed tar of the named files; each file is read whole first, so a
    file that grows while we pack is sent as one consistent copy."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=5) as tar:
        for name in names:
            try:
                data = redact((folder / name).read_bytes(), secrets)
            except OSError:
                continue  # removed while we packed; the next upload catches up
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = int(time.time())
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()
