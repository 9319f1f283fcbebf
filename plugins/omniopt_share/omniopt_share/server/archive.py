"""Unpack an uploaded run archive (tar, gzip-compressed) without trusting it.

Every member is checked before a byte of it is written: only regular files and
folders, relative names without ``..``, no links or devices, and limits on the
number of files, each file's size and the total unpacked size. The unpacked
stream itself is counted too, so a gzip bomb stops at the limit. Files land in
a staging folder first and are moved into the run only when the whole archive
passed, so a rejected upload changes nothing.
"""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import tarfile
import tempfile
from pathlib import Path, PurePosixPath
from typing import IO


@dataclasses.dataclass(frozen=True, slots=True)
class UploadLimits:
    """What one upload may contain."""

    max_upload_bytes: int = 200 * 1024 * 1024
    max_unpacked_bytes: int = 1024 * 1024 * 1024
    max_files: int = 100_000
    max_file_bytes: int = 256 * 1024 * 1024
    max_name_length: int = 512
    max_depth: int = 8


class ArchiveError(Exception):
    """The archive is refused; the message says why."""


class _CountingReader(io.RawIOBase):
    """Counts the unpacked bytes and stops past the limit (the zip-bomb guard)."""

    def __init__(self, raw: IO[bytes], limit: int):
        self._raw = raw
        self._limit = limit
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        self.count += len(data)
        if self.count > self._limit:
            raise ArchiveError(f"the archive unpacks to more than {self._limit} bytes")
        buffer[: len(data)] = data
        return len(data)


def safe_member_path(name: str, limits: UploadLimits) -> PurePosixPath:
    """The checked relative path of an archive member, or ArchiveError."""
    if not name or len(name) > limits.max_name_length:
        raise ArchiveError(f"file name too long or empty: {name[:80]!r}")
    if "\\" in name or "\x00" in name or any(ord(c) < 32 for c in name):
        raise ArchiveError(f"file name with a backslash or control character: {name[:80]!r}")
    path = PurePosixPath(name)
    if path.is_absolute() or (len(name) > 1 and name[1] == ":"):
        raise ArchiveError(f"absolute file name: {name[:80]!r}")
    parts = [p for p in path.parts if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise ArchiveError(f"file name leaving the run folder: {name[:80]!r}")
    if not parts or len(parts) > limits.max_depth:
        raise ArchiveError(f"file name nested too deep or empty: {name[:80]!r}")
    return PurePosixPath(*parts)


def unpack_into(stream: IO[bytes], target: Path, limits: UploadLimits) -> list[str]:
    """Check and unpack a ``.tar.gz`` stream into ``target``; returns the files written.

    Existing files in ``target`` not named in the archive stay (uploads of a
    live run send only what changed).
    """
    import gzip

    counted = _CountingReader(gzip.GzipFile(fileobj=stream, mode="rb"), limits.max_unpacked_bytes)
    buffered = io.BufferedReader(counted, buffer_size=1024 * 1024)
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".upload-", dir=target.parent))
    written: list[str] = []
    try:
        try:
            archive = tarfile.open(fileobj=buffered, mode="r|")
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise ArchiveError(f"not a gzip-compressed tar archive: {exc}") from None
        total = 0
        try:
            for member in archive:
                if len(written) >= limits.max_files:
                    raise ArchiveError(f"the archive has more than {limits.max_files} files")
                relative = safe_member_path(member.name, limits)
                if member.isdir():
                    continue
                if not member.isreg():
                    raise ArchiveError(f"{member.name[:80]!r} is a link, device or pipe; only files are accepted")
                if member.size > limits.max_file_bytes:
                    raise ArchiveError(f"{member.name[:80]!r} is larger than {limits.max_file_bytes} bytes")
                total += member.size
                if total > limits.max_unpacked_bytes:
                    raise ArchiveError(f"the archive unpacks to more than {limits.max_unpacked_bytes} bytes")
                source = archive.extractfile(member)
                destination = staging / relative
                if destination.parent.exists() and not destination.parent.is_dir():
                    raise ArchiveError(f"{member.name[:80]!r} clashes with a file of the same name")
                destination.parent.mkdir(parents=True, exist_ok=True)
                with open(destination, "wb") as out:
                    if source is not None:
                        shutil.copyfileobj(source, out, 1024 * 1024)
                written.append(str(relative))
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise ArchiveError(f"broken archive: {exc}") from None
        _move_into(staging, target, written)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def _move_into(staging: Path, target: Path, written: list[str]) -> None:
    """Move checked files into the run; each file appears whole (atomic rename)."""
    for relative in written:
        destination = target / relative
        # A previous upload may have a file where this one needs a folder, or the reverse.
        _make_parents(target, destination)
        if destination.is_dir() and not destination.is_symlink():
            shutil.rmtree(destination)
        os.replace(staging / relative, destination)


def _make_parents(root: Path, destination: Path) -> None:
    current = root
    for part in destination.relative_to(root).parts[:-1]:
        current = current / part
        if current.is_symlink() or (current.exists() and not current.is_dir()):
            current.unlink()
        current.mkdir(exist_ok=True)
