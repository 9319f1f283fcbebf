"""The JSON API: uploads from ``omniopt share upload`` and the live-share sink,
and the data the run page fetches.

Writing needs an upload token in the ``Authorization: Bearer`` header and
ownership of the run. Reading a run needs only its unguessable id.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from omniopt_share.server import runfiles
from omniopt_share.server.archive import ArchiveError, unpack_into
from omniopt_share.server.plots import run_figures
from omniopt_share.server.security import bearer_user
from omniopt_share.server.state import ServerState, can_change, server_state
from omniopt_share.server.store import Run, StoreError, User

API_VERSION = 1
NO_STORE = {"cache-control": "no-store"}


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=NO_STORE)


def run_link(request: Request, run: Run) -> str:
    return str(request.url_for("run_page", run_id=run.id))


def run_json(request: Request, run: Run) -> dict[str, Any]:
    return {
        "id": run.id,
        "url": run_link(request, run),
        "experiment_name": run.experiment_name,
        "run_number": run.run_number,
        "owner": run.owner_name,
        "public": run.public,
        "live": run.live,
        "status": run.status,
        "version": run.version,
        "updated_at": run.updated_at,
        "summary": run.summary,
    }


def _writer(request: Request, state: ServerState) -> User | JSONResponse:
    user = bearer_user(request, state.store)
    if user is None:
        return error(401, "missing or invalid upload token (send it as 'Authorization: Bearer TOKEN')")
    return user


def _owned_run(request: Request, state: ServerState) -> tuple[User, Run] | JSONResponse:
    user = _writer(request, state)
    if isinstance(user, JSONResponse):
        return user
    run = state.store.get_run(request.path_params["run_id"])
    if run is None:
        return error(404, "no such run")
    if not can_change(run, user):
        return error(403, "this run belongs to another user")
    return user, run


async def whoami(request: Request) -> Response:
    state = server_state(request)
    user = _writer(request, state)
    if isinstance(user, JSONResponse):
        return user
    return JSONResponse({"user": user.name, "api_version": API_VERSION}, headers=NO_STORE)


async def create_run(request: Request) -> Response:
    state = server_state(request)
    user = _writer(request, state)
    if isinstance(user, JSONResponse):
        return user
    try:
        body = await request.json()
    except ValueError:
        return error(400, "the request body must be JSON")
    if not isinstance(body, dict) or not isinstance(body.get("experiment_name"), str):
        return error(400, "send {'experiment_name': NAME, 'run_number': N, 'public': bool, 'live': bool}")
    try:
        run = await run_in_threadpool(
            state.store.create_run,
            user,
            body["experiment_name"],
            str(body.get("run_number") or ""),
            public=bool(body.get("public")),
            live=bool(body.get("live")),
        )
    except StoreError as exc:
        return error(400, str(exc))
    return JSONResponse(run_json(request, run), status_code=201, headers=NO_STORE)


async def upload_files(request: Request) -> Response:
    """Merge a ``.tar.gz`` of (changed) run files into a run."""
    state = server_state(request)
    owned = _owned_run(request, state)
    if isinstance(owned, JSONResponse):
        return owned
    _, run = owned
    limit = state.limits.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return error(413, f"upload larger than {limit} bytes")
    final = request.query_params.get("final") in ("1", "true")
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as body:
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                return error(413, f"upload larger than {limit} bytes")
            body.write(chunk)
        body.seek(0)
        try:
            version, count = await run_in_threadpool(_store_upload, state, run, body, final)
        except ArchiveError as exc:
            return error(400, f"upload refused: {exc}")
    return JSONResponse(
        {"id": run.id, "version": version, "files": count, "url": run_link(request, run)},
        headers=NO_STORE,
        # Only after a final upload: a live run changes too often to build each version ahead.
        background=BackgroundTask(run_in_threadpool, _prepare_page_data, state, run.id) if final else None,
    )


def _prepare_page_data(state: ServerState, run_id: str) -> None:
    """Build the table and plots of a run's new version right after its upload, so
    the first visitor does not wait; skipped while a build of that run is running."""
    run = state.store.get_run(run_id)
    if run is None:
        return
    folder = state.store.run_files(run.id)
    for kind, build in (("table", _table_body), ("plots", _plots_body)):
        state.cached(run, kind, lambda build=build: build(folder), wait=False)


def _store_upload(state: ServerState, run: Run, body: Any, final: bool) -> tuple[int, int]:
    folder = state.store.run_files(run.id)
    with state.run_lock(run.id):
        written = unpack_into(body, folder, state.limits)
        summary = runfiles.summarize(folder)
        status = summary["status"] or ("finished" if final else "running")
        if final and status == "running":
            status = "finished"
        version = state.store.update_run(run.id, status=status, summary=summary)
    return version, len(written)


async def delete_run(request: Request) -> Response:
    state = server_state(request)
    owned = _owned_run(request, state)
    if isinstance(owned, JSONResponse):
        return owned
    await run_in_threadpool(state.store.delete_run, owned[1].id)
    return JSONResponse({"deleted": owned[1].id}, headers=NO_STORE)


def _readable_run(request: Request) -> Run | None:
    return server_state(request).store.get_run(request.path_params["run_id"])


async def run_info(request: Request) -> Response:
    run = await run_in_threadpool(_readable_run, request)
    if run is None:
        return error(404, "no such run")
    return JSONResponse(run_json(request, run), headers=NO_STORE)


async def run_version(request: Request) -> Response:
    """Cheap poll for live pages: has the run changed?"""
    state = server_state(request)
    version = await run_in_threadpool(state.store.run_version, request.path_params["run_id"])
    if version is None:
        return error(404, "no such run")
    return JSONResponse({"version": version}, headers=NO_STORE)


async def _cached_run_data(request: Request, kind: str, build: Callable[[Path], bytes]) -> Response:
    """A run's JSON built from its files once per run version."""
    state = server_state(request)
    run = await run_in_threadpool(_readable_run, request)
    if run is None:
        return error(404, "no such run")
    folder = state.store.run_files(run.id)
    body = await run_in_threadpool(state.cached, run, kind, lambda: build(folder))
    return Response(body, media_type="application/json", headers=NO_STORE)


async def run_table(request: Request) -> Response:
    return await _cached_run_data(request, "table", _table_body)


async def run_plots(request: Request) -> Response:
    return await _cached_run_data(request, "plots", _plots_body)


def _table_body(folder: Path) -> bytes:
    return json.dumps(runfiles.table(folder), allow_nan=False, default=str).encode()


def _plots_body(folder: Path) -> bytes:
    """``{"plots": [...]}`` with each figure's JSON embedded as it is (not re-encoded)."""
    parts = []
    for plot in run_figures(folder):
        figure = plot.pop("figure", None)
        head = json.dumps(plot)
        parts.append(head if figure is None else head[:-1] + ', "figure": ' + figure + "}")
    return ('{"plots": [' + ", ".join(parts) + "]}").encode()


async def trial_log(request: Request) -> Response:
    state = server_state(request)
    run = await run_in_threadpool(_readable_run, request)
    if run is None:
        return error(404, "no such run")
    logs = await run_in_threadpool(
        runfiles.trial_log, state.store.run_files(run.id), request.path_params["trial_index"]
    )
    if logs is None:
        return error(404, "no log for this trial")
    return JSONResponse({"trial_index": request.path_params["trial_index"], "logs": logs}, headers=NO_STORE)


ROUTES = [
    Route("/api/v1/whoami", whoami, methods=["GET"]),
    Route("/api/v1/runs", create_run, methods=["POST"]),
    Route("/api/v1/runs/{run_id}", run_info, methods=["GET"], name="api_run"),
    Route("/api/v1/runs/{run_id}", delete_run, methods=["DELETE"]),
    Route("/api/v1/runs/{run_id}/files", upload_files, methods=["POST"]),
    Route("/api/v1/runs/{run_id}/version", run_version, methods=["GET"]),
    Route("/api/v1/runs/{run_id}/table", run_table, methods=["GET"]),
    Route("/api/v1/runs/{run_id}/plots", run_plots, methods=["GET"]),
    Route("/api/v1/runs/{run_id}/trials/{trial_index}/log", trial_log, methods=["GET"]),
]
