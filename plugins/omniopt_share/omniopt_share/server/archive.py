"""Unpack an uploaded run archive (tar, gzip-compressed) without trusting it.

Every member is checked before a byte of it is written: only regular files and
folders, relative names without ``..``, no links or devices, and limits on the
number of files, each file's size and the total unpacked size. The unpacked
stream itself is counted too, so a gzip bomb stops at the limit. The whole
archive is checked before the first file is written, so a rejected upload
changes nothing.
"""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import tarfile
from collections.abc import Iterator
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


def safe_member_path(name: str, limits: UploadLimits) -> str:
    """The checked relative path (``a/b.txt``) of an archive member, or ArchiveError."""
    if not name or len(name) > limits.max_name_length:
        raise ArchiveError(f"file name too long or empty: {name[:80]!r}")
    if "\\" in name or any(ord(c) < 32 for c in name):
        raise ArchiveError(f"file name with a backslash or control character: {name[:80]!r}")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise ArchiveError(f"absolute file name: {name[:80]!r}")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise ArchiveError(f"file name leaving the run folder: {name[:80]!r}")
    if not parts or len(parts) > limits.max_depth:
        raise ArchiveError(f"file name nested too deep or empty: {name[:80]!r}")
    return "/".join(parts)


def _members(stream: IO[bytes], limits: UploadLimits) -> Iterator[tuple[tarfile.TarFile, tarfile.TarInfo, str]]:
    """Each checked file member of the archive, with its safe relative path."""
    import gzip

    stream.seek(0)
    counted = _CountingReader(gzip.GzipFile(fileobj=stream, mode="rb"), limits.max_unpacked_bytes)
    buffered = io.BufferedReader(counted, buffer_size=1024 * 1024)
    try:
        archive = tarfile.open(fileobj=buffered, mode="r|")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ArchiveError(f"not a gzip-compressed tar archive: {exc}") from None
    total = files = 0
    try:
        for member in archive:
            relative = safe_member_path(member.name, limits)
            if member.isdir():
                continue
            if not member.isreg():
                raise ArchiveError(f"{member.name[:80]!r} is a link, device or pipe; only files are accepted")
            files += 1
            if files > limits.max_files:
                raise ArchiveError(f"the archive has more than {limits.max_files} files")
            if member.size > limits.max_file_bytes:
                raise ArchiveError(f"{member.name[:80]!r} is larger than {limits.max_file_bytes} bytes")
            total += member.size
            if total > limits.max_unpacked_bytes:
                raise ArchiveError(f"the archive unpacks to more than {limits.max_unpacked_bytes} bytes")
            yield archive, member, relative
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise ArchiveError(f"broken archive: {exc}") from None


def unpack_into(stream: IO[bytes], target: Path, limits: UploadLimits) -> list[str]:
    """Check and unpack a seekable ``.tar.gz`` stream into ``target``; returns the files written.

    The first pass reads the whole archive and checks every member, writing
    nothing; only a fully accepted archive is unpacked in the second pass.
    Existing files not named in the archive stay (a live run sends only what
    changed). Each file appears whole: it is written beside its place and renamed.
    """
    names = [relative for _, _, relative in _members(stream, limits)]
    clashes = _clashes(names)
    if clashes:
        raise ArchiveError(f"{clashes[:80]!r} is both a file and a folder in the archive")
    target.mkdir(parents=True, exist_ok=True)
    root = str(target)
    ready: set[str] = {""}
    for archive, member, relative in _members(stream, limits):
        folder, _, filename = relative.rpartition("/")
        _make_parents(root, folder, ready)
        destination = os.path.join(root, relative)
        if os.path.isdir(destination) and not os.path.islink(destination):
            shutil.rmtree(destination)  # an earlier upload had a folder of this name
        partial = os.path.join(root, folder, f".{filename}.{os.getpid()}.partial")
        source = archive.extractfile(member)
        with open(partial, "wb") as out:
            if source is not None:
                shutil.copyfileobj(source, out, 1024 * 1024)
        os.replace(partial, destination)
    return names


def _clashes(names: list[str]) -> str:
    """A name used as a file and as a folder in the same archive ('' if none)."""
    files = set(names)
    for name in names:
        for parent in PurePosixPath(name).parents:
            if str(parent) in files:
                return str(parent)
    return ""


def _make_parents(root: str, folder: str, ready: set[str]) -> None:
    """Create ``root/folder``; a file or link of an earlier upload in the way is replaced."""
    if folder in ready:
        return
    current = ""
    for part in folder.split("/"):
        current = f"{current}/{part}" if current else part
        if current in ready:
            continue
        path = os.path.join(root, current)
        if os.path.islink(path) or (os.path.lexists(path) and not os.path.isdir(path)):
            os.unlink(path)
        os.makedirs(path, exist_ok=True)
        ready.add(current)
