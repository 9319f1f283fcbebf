"""The program contract: fill placeholders into a command, read results from output.

Placeholders ``%(name)``, ``%name``, ``$(name)`` and ``$name`` are replaced only
on name boundaries, so ``%lr`` never touches ``%lr_decay``. Results are lines
``NAME: <number>``; the name must not be preceded by a letter, digit, ``_`` or
``-`` (``MY_RESULT:`` is not ``RESULT:``) and the last occurrence wins, so a
program printing a result per epoch reports its final one.
"""

from __future__ import annotations

import base64
import binascii
import re
import shlex
from collections.abc import Iterable, Mapping, Sequence

from omniopt.errors import UsageError
from omniopt.model import ParamValue

_SAFE_BARE = re.compile(r"^[A-Za-z0-9_.+\-/:=@%,]+$")
_NUMBER = r"[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|NaN|NAN|inf|Inf|INF|infinity|Infinity)"
_INFO_LINE = re.compile(rb"(?m)^\s*OO-Info:\s*([A-Za-z0-9_\-]+)\s*:\s*(.*?)\s*$")


def placeholder_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """A regex matching every placeholder form of the given names."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    if not alternatives:
        return re.compile(r"(?!x)x")
    return re.compile(
        rf"%\((?P<a>{alternatives})\)|\$\((?P<b>{alternatives})\)"
        rf"|%(?P<c>{alternatives})(?![A-Za-z0-9_])|\$(?P<d>{alternatives})(?![A-Za-z0-9_])"
    )


ANY_PLACEHOLDER = re.compile(r"%\(([A-Za-z_][A-Za-z0-9_]*)\)|\$\(([A-Za-z_][A-Za-z0-9_]*)\)|%([A-Za-z_][A-Za-z0-9_]*)")


def placeholders_in(template: str) -> set[str]:
    """Names written as ``%(name)``, ``$(name)`` or ``%name`` in a command.

    ``$name`` is left out here: it is also how shells write variables, so it
    only counts as a placeholder when a parameter of that name exists.
    """
    found = set()
    for match in ANY_PLACEHOLDER.finditer(template):
        found.add(next(g for g in match.groups() if g))
    return found


def format_value(value: ParamValue) -> str:
    """A value as text: floats in shortest round-trip form, ints without a dot."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def shell_safe(text: str) -> str:
    """``text`` as one shell word: bare when harmless, quoted otherwise."""
    return text if _SAFE_BARE.match(text) else shlex.quote(text)


def fill_command(template: str, params: Mapping[str, ParamValue]) -> str:
    """Replace the placeholders of ``params`` in ``template`` with shell-safe values."""
    pattern = placeholder_pattern(params.keys())

    def replace(match: re.Match[str]) -> str:
        name = next(g for g in match.groups() if g)
        return shell_safe(format_value(params[name]))

    return pattern.sub(replace, template)


def decode_program(tokens: Sequence[str] | str) -> str:
    """The command template from ``--run_program`` (base64 or plain; tokens joined).

    Unlike OmniOpt2, plain text is decoded only when it is base64 that decodes
    to printable UTF-8 text containing a space or a placeholder: a plain word
    like ``train`` (valid base64 by accident) stays as it is.
    """
    text = tokens if isinstance(tokens, str) else " ".join(str(t) for t in tokens)
    if "\0" in text:
        raise UsageError("--run_program contains a NUL character", "remove it from the command")
    decoded = try_base64(text)
    if decoded is not None:
        return decoded
    if _looks_like_broken_base64(text):
        raise UsageError(
            "--run_program looks like base64 but does not decode to a command",
            "encode it with: echo -n 'CMD' | base64 -w0, or give the command as plain text",
        )
    return text


def _looks_like_broken_base64(text: str) -> bool:
    """Padding, or a long word of base64 letters only: surely meant as base64."""
    stripped = text.strip()
    if not re.fullmatch(r"[A-Za-z0-9+/]{8,}=*", stripped):
        return False
    return stripped.endswith("=") or len(stripped) >= 24


def try_base64(text: str) -> str | None:
    """The decoded text if ``text`` is base64 of a plausible command, else ``None``."""
    stripped = text.strip()
    if not stripped or len(stripped) % 4 or not re.fullmatch(r"[A-Za-z0-9+/]+={0,2}", stripped):
        return None
    try:
        decoded = base64.b64decode(stripped, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if not decoded.isprintable() and not all(c.isprintable() or c in "\n\t" for c in decoded):
        return None
    if " " in decoded or "%" in decoded or "$" in decoded or "/" in decoded:
        return decoded
    return None


def result_pattern(names: Iterable[str]) -> re.Pattern[bytes]:
    """Regex over output bytes for ``NAME: number`` and ``SEM-NAME: number`` lines."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(
        rf"(?<![A-Za-z0-9_\-])(?P<sem>SEM-)?(?P<name>{alternatives}):[ \t]*(?P<value>{_NUMBER})(?![A-Za-z0-9_.])".encode()
    )


class OutputScanner:
    """Reads result lines from output of any size in bounded memory.

    Feed it chunks; only the last match of each name is kept. A line split
    across chunks is kept until its end arrives (at most ``max_line`` bytes).
    """

    def __init__(self, names: Sequence[str], max_line: int = 1 << 16):
        self._pattern = result_pattern(names)
        self._tail = b""
        self._max_line = max_line
        self.values: dict[str, str] = {}
        self.sems: dict[str, str] = {}
        self.info: dict[str, str] = {}

    def feed(self, chunk: bytes) -> None:
        data = self._tail + chunk
        cut = data.rfind(b"\n") + 1
        complete, self._tail = data[:cut], data[cut:]
        if len(self._tail) > self._max_line:
            # A line this long cannot be a result line worth keeping whole: scan and drop.
            complete, self._tail = data, b""
        self._scan(complete)

    def finish(self) -> None:
        self._scan(self._tail)
        self._tail = b""

    def _scan(self, block: bytes) -> None:
        if not block:
            return
        for match in self._pattern.finditer(block):
            target = self.sems if match.group("sem") else self.values
            target[match.group("name").decode()] = match.group("value").decode()
        if b"OO-Info" in block:
            for match in _INFO_LINE.finditer(block):
                self.info[match.group(1).decode()] = match.group(2).decode(errors="replace")


def scan_file(path: str, names: Sequence[str], chunk_size: int = 1 << 20) -> OutputScanner:
    """Scan a whole output file for results, reading it in chunks."""
    scanner = OutputScanner(names)
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            scanner.feed(chunk)
    scanner.finish()
    return scanner
