"""The report opens offline in headless Chromium: every plot draws, no console error, no network request."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from plotting_testkit import omniopt_command

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.mark.parametrize("run_name", ["three", "single"])
def test_report_opens_offline_with_every_plot(
    browser, real_runs: dict[str, Path], tmp_path: Path, run_name: str
) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "report.html"
    result = subprocess.run(
        omniopt_command() + ["report", str(real_runs[run_name]), "-o", str(target)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    problems: list[str] = []
    outside: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(("file:", "data:"))
            else None
        ),
    )
    page.goto(target.as_uri())
    sections = page.eval_on_selector_all(
        "section h2", "nodes => nodes.map(n => n.textContent)"
    )
    assert sections == ["Summary", "Best trials", "Plots", "Results", "Failures"]
    plot_ids = page.eval_on_selector_all(
        "div.lazy-plot", "nodes => nodes.map(n => n.id)"
    )
    assert len(plot_ids) >= 10
    # Plots draw when they scroll into view; drawing every one is checked once (the richest run).
    for plot_id in plot_ids if run_name == "three" else plot_ids[:1]:
        page.locator(f"#{plot_id}").scroll_into_view_if_needed()
        page.wait_for_selector(f"#{plot_id}.js-plotly-plot", timeout=60_000)
    if run_name == "three":
        drawn = page.eval_on_selector_all(
            "div.lazy-plot .main-svg", "nodes => nodes.length"
        )
        assert drawn >= len(plot_ids)
    table_rows = page.eval_on_selector_all("#results tbody tr", "rows => rows.length")
    completed_or_failed = (
        len((real_runs[run_name] / "results.csv").read_text().strip().splitlines()) - 1
    )
    assert table_rows == completed_or_failed
    if run_name == "single":
        failures = page.inner_text("#failures")
        assert "exit_code" in failures or "no_result" in failures
    page.close()
    assert problems == []
    assert outside == []
