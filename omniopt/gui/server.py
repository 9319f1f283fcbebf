"""A small HTTP server for the page, bound to the loopback interface only.

The files are built once at start (from the plugins installed then) and
served from memory; nothing is read from the request but the path.
"""

from __future__ import annotations

import http.server
import logging
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from omniopt.gui.export import INDEX, media_type, page_files

log = logging.getLogger(__name__)

HOST = "127.0.0.1"

#: Scripts and styles from the page's own address only; nothing from elsewhere.
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _handler_for(files: Mapping[str, bytes]) -> type[http.server.BaseHTTPRequestHandler]:
    class PageHandler(http.server.BaseHTTPRequestHandler):
        server_version = "omniopt-gui"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._respond(send_body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._respond(send_body=False)

        def _respond(self, send_body: bool) -> None:
            name = urlsplit(self.path).path.lstrip("/") or INDEX
            if name == "favicon.ico":
                name = "favicon.svg"
            content = files.get(name)
            status = 200 if content is not None else 404
            body = content if content is not None else b"not found\n"
            self.send_response(status)
            self.send_header("Content-Type", media_type(name) if content is not None else "text/plain")
            self.send_header("Content-Length", str(len(body)))
            for key, value in SECURITY_HEADERS.items():
                self.send_header(key, value)
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            log.debug("%s " + format, self.address_string(), *args)

    return PageHandler


class GuiServer:
    """The page on ``http://127.0.0.1:PORT/``; ``port=0`` picks a free port."""

    def __init__(self, port: int = 0, pm: Any | None = None):
        self._httpd = http.server.ThreadingHTTPServer((HOST, port), _handler_for(page_files(pm)))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self._httpd.server_address[1]}/"

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def start(self) -> "GuiServer":
        """Serve on a background thread (tests, embedding)."""
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="omniopt-gui", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
        self._httpd.server_close()
