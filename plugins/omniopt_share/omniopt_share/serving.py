"""Start the Share server with uvicorn on a socket bound here.

Binding first gives one clear line when the port is taken, and lets
``--port 0`` pick a free port whose URL is then printed (tests use that).
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

from omniopt_share.server.archive import UploadLimits


class ServeError(Exception):
    """The server cannot start; the message says why and what to do."""


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port or --host") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def serve_forever(host: str, port: int, data_dir: Path, *, limits: UploadLimits, retention_days: float | None) -> None:
    import uvicorn

    from omniopt_share.server.app import create_app

    sock = bind(host, port)
    app = create_app(data_dir, limits=limits, retention_days=retention_days)
    actual_port = sock.getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    print(f"omniopt share: serving {data_dir.resolve()} at http://{shown_host}:{actual_port}/", file=sys.stderr, flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_keep_alive=30, backlog=2048)
    uvicorn.Server(config).run(sockets=[sock])
