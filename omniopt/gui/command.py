"""``omniopt gui`` (serve the page locally) and ``omniopt gui export DIR``."""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from omniopt.errors import ExitCode, UsageError

#: Tried first so that a bookmarked address keeps working; a free port otherwise.
DEFAULT_PORT = 8585

DESCRIPTION = (
    "Serve the command builder on 127.0.0.1 and open it in a browser (when a display exists). "
    "'omniopt gui export DIR' writes the same page as static files that also work from file://."
)


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument as one line through the CLI's error path."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, f"see '{self.prog} --help'")


def _serve_parser() -> _Parser:
    parser = _Parser(prog="omniopt gui", description=DESCRIPTION)
    parser.add_argument("--port", type=int, default=None,
                        help=f"port on 127.0.0.1 (default: {DEFAULT_PORT}, or a free one if it is taken)")
    parser.add_argument("--no_browser", "--no-browser", action="store_true", help="only print the address")
    parser.add_argument("--plugin", action="append", default=[], metavar="MODULE",
                        help="also show the fields of a plugin module (import path or .py file); repeatable")
    return parser


def _export_parser() -> _Parser:
    parser = _Parser(prog="omniopt gui export", description="Write the page as static files into DIR.")
    parser.add_argument("directory", metavar="DIR", help="target folder (created if missing)")
    parser.add_argument("--plugin", action="append", default=[], metavar="MODULE",
                        help="also show the fields of a plugin module (import path or .py file); repeatable")
    return parser


def _plugin_manager(extra: Sequence[str]):  # noqa: ANN202 (imported lazily)
    from omniopt.plugins import PluginManager

    return PluginManager(extra=extra)


def has_display() -> bool:
    """Whether a browser window can be shown (a desktop session, not an ssh shell)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def export(argv: Sequence[str]) -> int:
    from omniopt.gui.export import INDEX, write_static

    args = _export_parser().parse_args(list(argv))
    try:
        write_static(args.directory, _plugin_manager(args.plugin))
    except OSError as exc:
        raise UsageError(f"cannot write the page into {args.directory!r}: {exc.strerror}",
                         "give a folder you can write to") from None
    print(f"wrote the page to {os.path.join(os.path.abspath(args.directory), INDEX)}")
    return ExitCode.OK


def _start_server(port: int | None, pm: object):  # noqa: ANN202
    from omniopt.gui.server import GuiServer

    if port is not None:
        try:
            return GuiServer(port, pm)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            raise UsageError(f"port {port} on 127.0.0.1 is in use", "choose another with --port") from None
    try:
        return GuiServer(DEFAULT_PORT, pm)
    except OSError:
        return GuiServer(0, pm)


def serve(argv: Sequence[str]) -> int:
    args = _serve_parser().parse_args(list(argv))
    server = _start_server(args.port, _plugin_manager(args.plugin))
    print(f"omniopt gui: {server.url}  (Ctrl-C stops)", flush=True)
    if not args.no_browser and has_display():
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return ExitCode.OK


def main(argv: Sequence[str]) -> int:
    """Entry of the ``gui`` sub-command; ``argv`` are the arguments after ``gui``."""
    argv = list(argv)
    if argv and argv[0] == "export":
        return export(argv[1:])
    return serve(argv)
