"""The pages in a real browser: Debian's Chromium, headless, driven by Playwright."""

from __future__ import annotations

import shutil
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from share_testkit import Server, artifacts_dir, share_command
from share_runfolders import make_run

from omniopt_share import packing

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
SCRIPT = "<img src=x onerror=alert(2)><script>alert(1)</script>"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser() -> Any:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Watched:
    """A page whose console errors, page errors, dialogs and off-machine requests are recorded."""

    def __init__(self, browser: Any):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.problems: list[str] = []
        self.page.on("console", lambda m: self.problems.append(f"console: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.confirm_next = False  # accept the next confirm() (the delete button asks one)
        self.page.on("dialog", self._dialog)
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed request: {r.url}"))
        self.page.on("request", self._check_host)

    def _dialog(self, dialog: Any) -> None:
        if self.confirm_next and dialog.type == "confirm":
            self.confirm_next = False
            dialog.accept()
            return
        self.problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def _check_host(self, request: Any) -> None:
        host = urllib.parse.urlsplit(request.url).hostname
        if request.url.startswith("http") and host != "127.0.0.1":
            self.problems.append(f"request off this machine: {request.url}")

    def open_run(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_selector("body[data-ready='1']", timeout=60_000)


def _upload(server: Server, folder: Path, tmp_path: Path, *extra: str, user: str = "alice") -> str:
    return share_command("upload", str(folder), *extra, env={
        "OMNIOPT_SHARE_SERVER": server.url, "OMNIOPT_SHARE_TOKEN": server.tokens[user],
        "OMNIOPT_SHARE_CONFIG": str(tmp_path / "none.toml")}).stdout.strip()


def test_index_and_run_page_render_table_and_every_plot(server: Server, browser: Any, tmp_path: Path) -> None:
    folder = make_run(tmp_path / "runs" / "browser_demo" / "0", trials=25, experiment="browser_demo",
                      objectives=(("loss", True), ("accuracy", False)))
    link = _upload(server, folder, tmp_path, "--public")
    run_id = link.rsplit("/", 1)[-1]
    expected_plots = [p["name"] for p in server.json("GET", f"/api/v1/runs/{run_id}/plots")[1]["plots"]]
    assert {"pareto_front", "parallel_coordinates", "scatter", "best_over_trials", "time_and_exit_code", "worker"} <= set(expected_plots)

    watched = Watched(browser)
    page = watched.page
    page.goto(server.url + "?q=browser_demo")
    page.wait_for_selector("a.run-link")
    assert page.locator("a.run-link").first.text_content() == "browser_demo"
    page.locator("a.run-link").first.click()
    page.wait_for_selector("body[data-ready='1']", timeout=60_000)

    assert page.locator("#results tbody tr").count() == 25
    for name in expected_plots:  # plots are drawn as they scroll into view
        plot = page.locator(f".plot[data-plot='{name}']")
        plot.scroll_into_view_if_needed()
        page.wait_for_selector(f".plot[data-plot='{name}'][data-rendered='1']", timeout=60_000)
        assert plot.locator(".main-svg").count() >= 1, name
    assert page.locator("#status").text_content() == "finished"
    assert "25 / 25" in page.locator("#progress").text_content()
    assert page.locator("#best").text_content().startswith("loss = ")
    page.screenshot(path=str(artifacts_dir() / "share_run_page.png"), full_page=True)
    assert watched.problems == []


def test_table_sorts_filters_shows_logs_and_keeps_markup_as_text(server: Server, browser: Any, tmp_path: Path) -> None:
    folder = make_run(tmp_path / "runs" / "x" / "0", trials=20, experiment=f"exp{SCRIPT}",
                      parameters=(f"p{SCRIPT}", "y"), log_text=f"log-of-trial {SCRIPT}")
    link = _upload(server, folder, tmp_path, "--public")
    watched = Watched(browser)
    page = watched.page
    watched.open_run(link)
    assert page.locator("#experiment-name").text_content() == f"exp{SCRIPT}"
    assert page.locator("#results thead th", has_text=f"p{SCRIPT}").count() == 1

    page.locator("#results thead th", has_text="RESULT").click()
    values = [float(v) for v in page.locator("#results tbody tr td:nth-child(15)").all_text_contents() if v]
    assert values == sorted(values)
    page.locator("#results thead th", has_text="RESULT").click()
    values = [float(v) for v in page.locator("#results tbody tr td:nth-child(15)").all_text_contents() if v]
    assert values == sorted(values, reverse=True)
    page.fill("#table-filter", "FAILED")
    assert page.locator("#results tbody tr").count() == 4
    page.fill("#table-filter", "trial_index<3")
    assert page.locator("#results tbody tr").count() == 3
    page.fill("#table-filter", "")

    page.locator("#results tbody tr[data-trial='7']").click()
    page.wait_for_selector("#trial-log pre.log")
    assert f"trial 7 log-of-trial {SCRIPT}" in page.locator("#trial-log").text_content()

    page.goto(server.url + "?q=" + urllib.parse.quote("exp<img"))
    assert page.locator("a.run-link").first.text_content() == f"exp{SCRIPT}"
    assert page.locator("img[src=x]").count() == 0
    assert watched.problems == []  # no dialog: no markup ran


def test_live_shared_run_page_updates_by_itself(server: Server, browser: Any, tmp_path: Path) -> None:
    full = make_run(tmp_path / "full", trials=12, experiment="live_demo", status="running", max_eval=12)
    partial = tmp_path / "runs" / "live_demo" / "0"
    shutil.copytree(full, partial)
    lines = (full / "results.csv").read_text().splitlines(keepends=True)
    (partial / "results.csv").write_text("".join(lines[:5]))  # header and 4 trials so far

    token = server.tokens["alice"]
    status, run = server.json("POST", "/api/v1/runs", {"experiment_name": "live_demo", "live": True}, token=token)
    assert status == 201
    upload = f"/api/v1/runs/{run['id']}/files"
    assert server.request("POST", upload, packing.pack(partial, sorted(packing.scan(partial))), token=token)[0] == 200

    watched = Watched(browser)
    page = watched.page
    watched.open_run(run["url"])
    assert "4 / 12" in page.locator("#progress").text_content()
    assert page.locator("#live").is_visible()

    (partial / "results.csv").write_text("".join(lines))
    assert server.request("POST", upload, packing.pack(partial, ["results.csv"]), token=token)[0] == 200
    page.wait_for_function("document.getElementById('progress').textContent.startsWith('12 / 12')", timeout=30_000)
    assert page.locator("#results tbody tr").count() == 12
    assert watched.problems == []


def test_owner_logs_in_makes_public_and_deletes(server: Server, browser: Any, tmp_path: Path) -> None:
    folder = make_run(tmp_path / "runs" / "owned" / "0", trials=3, experiment="owned_by_bob", logs=False)
    link = _upload(server, folder, tmp_path, user="bob")
    watched = Watched(browser)
    page = watched.page
    page.goto(server.url + "login")
    page.fill("input[name=token]", server.tokens["bob"])
    page.click("form.login button")
    page.wait_for_selector("b.user-name")
    assert page.locator("b.user-name").text_content() == "bob"
    assert page.locator("a.run-link", has_text="owned_by_bob").count() == 1  # private, listed for its owner

    watched.open_run(link)
    page.click("text=make public")
    page.wait_for_selector("text=make private")
    page.wait_for_selector("body[data-ready='1']", timeout=60_000)
    assert server.json("GET", "/api/v1/runs/" + link.rsplit("/", 1)[-1])[1]["public"] is True

    watched.confirm_next = True
    page.click("#delete-form button")
    page.wait_for_url(server.url)
    assert server.json("GET", "/api/v1/runs/" + link.rsplit("/", 1)[-1])[0] == 404
    assert watched.problems == []
