"""Assemble the Share server: routes, static files, security headers, retention."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from omniopt_share.server import api, pages
from omniopt_share.server.archive import UploadLimits
from omniopt_share.server.plots import plotly_js_path
from omniopt_share.server.security import SecurityHeaders, SmallBodies
from omniopt_share.server.state import ServerState
from omniopt_share.server.store import ShareStore

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
RETENTION_CHECK_S = 3600


def create_app(
    data_dir: str | Path, *, limits: UploadLimits | None = None, retention_days: float | None = None
) -> Starlette:
    """The ASGI application serving one data directory."""
    state = ServerState(store=ShareStore(data_dir), limits=limits or UploadLimits())
    plotly_js = plotly_js_path()

    async def plotly(request: Request) -> Response:
        return FileResponse(plotly_js, media_type="text/javascript", headers={"cache-control": "public, max-age=86400"})

    async def favicon(request: Request) -> Response:
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True})

    gui_files: dict[str, bytes] = {}

    async def gui(request: Request) -> Response:
        """The command builder, the same pages as ``omniopt gui`` (built on first use)."""
        from omniopt.gui.export import media_type, page_files

        if not gui_files:
            gui_files.update(await run_in_threadpool(page_files))
        name = request.path_params.get("name") or "index.html"
        if name not in gui_files:
            return Response("not found", status_code=404, media_type="text/plain")
        return Response(gui_files[name], media_type=media_type(name))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(_retention_loop(state, retention_days)) if retention_days else None
        yield
        if task:
            task.cancel()

    routes = [
        *pages.ROUTES,
        *api.ROUTES,
        Route("/static/plotly.min.js", plotly, methods=["GET"]),
        Route("/favicon.ico", favicon, methods=["GET"]),
        Route("/healthz", health, methods=["GET"]),
        Route("/gui/", gui, methods=["GET"]),
        Route("/gui/{name}", gui, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders), Middleware(SmallBodies), Middleware(GZipMiddleware, minimum_size=2048, compresslevel=1)], lifespan=lifespan)
    app.state.share = state
    return app


async def _retention_loop(state: ServerState, days: float) -> None:
    """Delete runs not updated for ``days`` days, now and every hour."""
    while True:
        removed = await run_in_threadpool(state.store.purge_older_than, days)
        if removed:
            log.info("retention: deleted %d run(s) older than %g days", len(removed), days)
        await asyncio.sleep(RETENTION_CHECK_S)
