"""Talk to a Share server over HTTP (standard library only, so the sink stays light).

The token travels only in the ``Authorization`` header, never in a URL.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from omniopt_share import __version__
from omniopt_share.settings import ClientSettings


class ShareError(Exception):
    """A request failed. ``transient`` errors (server down, 5xx, timeout) are worth retrying."""

    def __init__(self, message: str, *, transient: bool, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.transient = transient
        self.status = status


class ShareClient:
    """The upload API of one server, with one token."""

    def __init__(self, settings: ClientSettings, timeout: float = 60.0):
        self.settings = settings
        self.timeout = timeout

    def _request(self, method: str, path: str, body: bytes | None = None, content_type: str = "") -> Any:
        request = urllib.request.Request(self.settings.server + path, data=body, method=method)
        request.add_header("Authorization", f"Bearer {self.settings.token}")
        request.add_header("User-Agent", f"omniopt-share/{__version__}")
        request.add_header("Accept", "application/json")
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raise ShareError(
                f"the share server answered {exc.code}: {_error_text(exc)}",
                transient=exc.code >= 500 or exc.code == 429,
                status=exc.code,
            ) from None
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ShareError(f"cannot reach the share server {self.settings.server}: {reason}", transient=True) from None
        except ValueError:
            raise ShareError(f"{self.settings.server} is not a Share server (no JSON answer)", transient=False) from None

    def whoami(self) -> str:
        return str(self._request("GET", "/api/v1/whoami")["user"])

    def create_run(self, experiment_name: str, run_number: str, *, public: bool, live: bool) -> dict[str, Any]:
        body = json.dumps(
            {"experiment_name": experiment_name, "run_number": run_number, "public": public, "live": live}
        ).encode()
        return self._request("POST", "/api/v1/runs", body, "application/json")

    def run_info(self, run_id: str) -> dict[str, Any]:
        return self._request("GET", f"/api/v1/runs/{run_id}")

    def upload(self, run_id: str, archive: bytes, *, final: bool) -> dict[str, Any]:
        query = "?final=1" if final else ""
        return self._request("POST", f"/api/v1/runs/{run_id}/files{query}", archive, "application/gzip")

    def delete_run(self, run_id: str) -> None:
        self._request("DELETE", f"/api/v1/runs/{run_id}")


def _error_text(exc: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(exc.read()).get("error", exc.reason))
    except (ValueError, AttributeError, OSError):
        return str(exc.reason)
