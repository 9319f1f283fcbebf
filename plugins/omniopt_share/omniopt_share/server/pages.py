"""The HTML pages: index with search, run page, login, and the owner's forms.

Templates escape every value (Jinja2 autoescape); user text never reaches the
page as markup. Forms that change something need the session's CSRF token and
a same-site request.
"""

from __future__ import annotations

import re
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from omniopt_share.server.security import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    csrf_ok,
    new_csrf,
    same_origin,
    session_user,
)
from omniopt_share.server.state import can_change, server_state
from omniopt_share.server.store import SESSION_LIFETIME_S, Run

TEMPLATES = Path(__file__).parent / "templates"
_environment: Any = None


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    global _environment
    if _environment is None:
        import jinja2

        _environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, auto_reload=False
        )
        _environment.filters["when"] = lambda t: time.strftime("%Y-%m-%d %H:%M", time.gmtime(t)) + " UTC"
        _environment.filters["number"] = _format_number
    html = _environment.get_template(name).render(request=request, url_for=request.url_for, **context)
    return HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})


def _format_number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return "" if value is None else str(value)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status=status, message=message, viewer=None)


def _viewer(request: Request) -> tuple[Any, str]:
    found = session_user(request, server_state(request).store)
    return found if found else (None, "")


async def index(request: Request) -> Response:
    query = request.query_params.get("q", "")[:200]
    viewer, csrf = await run_in_threadpool(_viewer, request)
    runs = await run_in_threadpool(server_state(request).store.list_runs, viewer, query)
    return render(request, "index.html", runs=runs, query=query, viewer=viewer, csrf=csrf)


async def run_page(request: Request) -> Response:
    state = server_state(request)
    run = await run_in_threadpool(state.store.get_run, request.path_params["run_id"])
    if run is None:
        return error_page(request, 404, "No such run. It may have been deleted, or the link is incomplete.")
    viewer, csrf = await run_in_threadpool(_viewer, request)
    return render(request, "run.html", run=run, viewer=viewer, csrf=csrf, owner=can_change(run, viewer))


async def login_form(request: Request) -> Response:
    token = new_csrf()
    response = render(request, "login.html", viewer=None, csrf=token, message="")
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_https(request))
    return response


async def login(request: Request) -> Response:
    form = await request.form()
    if not same_origin(request) or not csrf_ok(request.cookies.get(LOGIN_CSRF_COOKIE, ""), form.get("csrf")):
        return error_page(request, 403, "This form expired or came from another site. Open the login page again.")
    store = server_state(request).store
    token = form.get("token")
    user = await run_in_threadpool(store.user_for_token, token if isinstance(token, str) else "")
    if user is None:
        fresh = new_csrf()
        response = render(request, "login.html", status=401, viewer=None, csrf=fresh,
                          message="That token is not valid. Ask the server's admin for one.")
        response.set_cookie(LOGIN_CSRF_COOKIE, fresh, httponly=True, samesite="strict", secure=_https(request))
        return response
    session_id, _ = await run_in_threadpool(store.create_session, user)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, session_id, max_age=SESSION_LIFETIME_S, httponly=True,
                        samesite="strict", secure=_https(request))
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


async def _checked_form(request: Request) -> tuple[Any, Any] | Response:
    """The logged-in user and the form, if the form is a genuine same-site one."""
    viewer, csrf = await run_in_threadpool(_viewer, request)
    form = await request.form()
    if viewer is None:
        return error_page(request, 401, "Log in first.")
    if not same_origin(request) or not csrf_ok(csrf, form.get("csrf")):
        return error_page(request, 403, "This form expired or came from another site. Reload the page and try again.")
    return viewer, form


async def logout(request: Request) -> Response:
    checked = await _checked_form(request)
    if isinstance(checked, Response):
        return checked
    await run_in_threadpool(server_state(request).store.delete_session, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


async def _owned_run_form(request: Request) -> tuple[Run, Any] | Response:
    checked = await _checked_form(request)
    if isinstance(checked, Response):
        return checked
    viewer, form = checked
    run = await run_in_threadpool(server_state(request).store.get_run, request.path_params["run_id"])
    if run is None:
        return error_page(request, 404, "No such run.")
    if not can_change(run, viewer):
        return error_page(request, 403, "Only the owner of this run can change it.")
    return run, form


async def delete_run(request: Request) -> Response:
    checked = await _owned_run_form(request)
    if isinstance(checked, Response):
        return checked
    await run_in_threadpool(server_state(request).store.delete_run, checked[0].id)
    return RedirectResponse("/", status_code=303)


async def set_visibility(request: Request) -> Response:
    checked = await _owned_run_form(request)
    if isinstance(checked, Response):
        return checked
    run, form = checked
    await run_in_threadpool(server_state(request).store.set_public, run.id, form.get("public") == "1")
    return RedirectResponse(str(request.url_for("run_page", run_id=run.id)), status_code=303)


def download_name(run: Run) -> str:
    """A safe file name for the archive: letters, digits, ``._-`` only."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{run.experiment_name}_{run.run_number}").strip("._") or "run"
    return stem[:80]


async def download(request: Request) -> Response:
    state = server_state(request)
    run = await run_in_threadpool(state.store.get_run, request.path_params["run_id"])
    if run is None:
        return error_page(request, 404, "No such run.")
    name = download_name(run)
    archive = await run_in_threadpool(_pack_run, state.store.run_files(run.id), name, state.run_lock(run.id))

    def chunks():
        with archive:
            while block := archive.read(1024 * 1024):
                yield block

    return StreamingResponse(
        chunks(),
        media_type="application/gzip",
        # Already compressed: "identity" keeps the gzip middleware from compressing it again.
        headers={"content-disposition": f'attachment; filename="{name}.tar.gz"', "cache-control": "no-store",
                 "content-encoding": "identity"},
    )


def _pack_run(folder: Path, name: str, lock: Any) -> Any:
    """The run folder as a .tar.gz in a temporary file (taken under the run's lock: a consistent copy)."""
    archive = tempfile.TemporaryFile()
    with lock, tarfile.open(fileobj=archive, mode="w:gz", compresslevel=6) as tar:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                tar.add(path, arcname=f"{name}/{path.relative_to(folder).as_posix()}", recursive=False)
    archive.seek(0)
    return archive


def _https(request: Request) -> bool:
    return request.url.scheme == "https"


ROUTES = [
    Route("/", index, methods=["GET"], name="index"),
    Route("/login", login_form, methods=["GET"], name="login"),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"], name="logout"),
    Route("/r/{run_id}", run_page, methods=["GET"], name="run_page"),
    Route("/r/{run_id}/download", download, methods=["GET"], name="download"),
    Route("/r/{run_id}/delete", delete_run, methods=["POST"], name="delete_run"),
    Route("/r/{run_id}/visibility", set_visibility, methods=["POST"], name="set_visibility"),
]
