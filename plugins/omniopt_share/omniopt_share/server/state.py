"""What every request handler shares: the store, the limits, locks and caches."""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from starlette.requests import Request

from omniopt_share.server.archive import UploadLimits
from omniopt_share.server.store import Run, ShareStore, User


@dataclasses.dataclass
class ServerState:
    store: ShareStore
    limits: UploadLimits
    _locks: dict[str, threading.Lock] = dataclasses.field(default_factory=dict)
    _locks_guard: threading.Lock = dataclasses.field(default_factory=threading.Lock)
    _cache: OrderedDict[tuple[str, str, int], Any] = dataclasses.field(default_factory=OrderedDict)
    _cache_guard: threading.Lock = dataclasses.field(default_factory=threading.Lock)
    _building: dict[tuple[str, str], threading.Lock] = dataclasses.field(default_factory=dict)
    cache_size: int = 64

    def run_lock(self, run_id: str) -> threading.Lock:
        """One lock per run: two uploads into the same run never interleave."""
        with self._locks_guard:
            return self._locks.setdefault(run_id, threading.Lock())

    def cached(self, run: Run, kind: str, build: Callable[[], Any], *, wait: bool = True) -> Any:
        """``build()`` once per run version (table and plots of big runs are costly).

        Readers asking for the same thing at once wait for one build instead of
        each starting their own. With ``wait=False`` nothing is done (None is
        returned) while another build of the same run is going on.
        """
        key = (run.id, kind, run.version)
        with self._cache_guard:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            building = self._building.setdefault((run.id, kind), threading.Lock())
        if not building.acquire(blocking=wait):
            return None
        try:
            with self._cache_guard:
                if key in self._cache:
                    return self._cache[key]
            value = build()
            with self._cache_guard:
                self._cache[key] = value
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        finally:
            building.release()
        return value


def server_state(request: Request) -> ServerState:
    return request.app.state.share


def can_change(run: Run, user: User | None) -> bool:
    return user is not None and user.id == run.owner_id
