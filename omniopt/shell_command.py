"""How a trial's command line is handed to ``/bin/sh``.

A simple command (``python3 train.py --lr 0.1``, optionally after variable
assignments) is prefixed with ``exec``, so the program replaces the shell and
is itself omniopt's child. Two things follow: util-linux's ``setpriv`` can give
it a parent-death signal (if omniopt is SIGKILLed, the kernel sends the
program SIGTERM instead of leaving it running), and its exit status is its
own. Anything else (lists, pipes, subshells, shell built-ins) runs as written;
the shell gets the parent-death signal then, and its children are stopped only
by omniopt itself (Ctrl-C, SIGTERM, timeouts kill the whole process group).
"""

from __future__ import annotations

import re
import shlex
import shutil

_SETPRIV = shutil.which("setpriv")
#: One extra exec (about 1 ms); without setpriv trials start as before.
_PARENT_DEATH_SIGNAL = [_SETPRIV, "--pdeathsig", "TERM"] if _SETPRIV else []
_NOT_SIMPLE = re.compile(r"[;&|()`{}\n]")
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
#: Words that are not programs ``exec`` could start.
_SHELL_ONLY = frozenset(
    "! . : alias break case cd command continue do done elif else esac eval exec exit export fi for getopts"
    " hash if local read readonly return set shift source then times trap type ulimit umask unalias unset"
    " until wait while".split()
)


def exec_form(command: str) -> str:
    """``command`` with ``exec`` (or ``exec env`` before assignments) when it is one simple command."""
    if _NOT_SIMPLE.search(command):
        return command
    try:
        words = shlex.split(command)
    except ValueError:
        return command
    program = next((w for w in words if not _ASSIGNMENT.match(w)), None)
    if program is None or program in _SHELL_ONLY:
        return command
    # dash does not pass `X=1 exec prog`'s assignment to prog; env does.
    return f"exec env {command}" if _ASSIGNMENT.match(words[0]) else f"exec {command}"


def shell_argv(command: str) -> list[str]:
    """The argv that runs a trial's command line."""
    return [*_PARENT_DEATH_SIGNAL, "/bin/sh", "-c", exec_form(command)]
