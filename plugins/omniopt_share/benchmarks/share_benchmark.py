"""Benchmark of the Share server with a large run (default 10,000 trials).

Measures, on loopback:
- packing and uploading the run folder (``omniopt share upload``, end to end),
- the first render: the server's first answer for the results table and the plots
  (cold cache: the run is read and every figure is built),
- the run page in headless Chromium, cold and warm: time until the summary and
  table are shown, until the plots in view are drawn, and until every plot is drawn.

Usage: python plugins/omniopt_share/benchmarks/share_benchmark.py [--trials 10000] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from share_runfolders import make_run  # noqa: E402

from omniopt_share.server.store import ShareStore  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def _timed(action):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = action()
    return value, time.perf_counter() - start


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=600) as response:
        return response.read()


def _start_server(data_dir: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([sys.executable, "-m", "omniopt_share", "serve", "--port", "0", "--data-dir", str(data_dir)],
                               stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    line = process.stderr.readline()
    return process, line.split(" at ")[-1].strip()


def _browser_times(link: str) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    times = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for label in ("cold", "warm"):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(600_000)
            start = time.perf_counter()
            page.goto(link)
            page.wait_for_selector("body[data-table-version]", timeout=600_000)
            times[f"table_shown_{label}_s"] = time.perf_counter() - start
            page.wait_for_selector("body[data-ready='1']", timeout=600_000)
            page.wait_for_selector(".plot[data-rendered='1']", timeout=600_000)
            times[f"page_ready_{label}_s"] = time.perf_counter() - start
            for plot in page.locator(".plot").all():
                plot.scroll_into_view_if_needed()
                name = plot.get_attribute("data-plot")
                page.wait_for_selector(f".plot[data-plot='{name}'][data-rendered]", timeout=600_000)
            times[f"all_plots_drawn_{label}_s"] = time.perf_counter() - start
            page.close()
        browser.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measurements")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        folder, made = _timed(lambda: make_run(root / "runs" / "bench" / "0", trials=args.trials, experiment="bench"))
        files = sum(1 for p in folder.rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        store = ShareStore(root / "data")
        store.create_user("bench")
        token = store.create_token("bench")
        process, url = _start_server(root / "data")
        try:
            env = {**os.environ, "OMNIOPT_SHARE_SERVER": url, "OMNIOPT_SHARE_TOKEN": token,
                   "OMNIOPT_SHARE_CONFIG": str(root / "none.toml")}
            upload, upload_s = _timed(lambda: subprocess.run(
                [sys.executable, "-m", "omniopt_share", "upload", str(folder)], env=env, capture_output=True, text=True,
                check=True))
            link = upload.stdout.strip()
            api = link.replace("/r/", "/api/v1/runs/")
            table, table_s = _timed(lambda: _get(api + "/table"))
            plots, plots_s = _timed(lambda: _get(api + "/plots"))
            _, plots_cached_s = _timed(lambda: _get(api + "/plots"))
            _, page_html_s = _timed(lambda: _get(link))
            results = {
                "trials": args.trials,
                "files": files,
                "run_folder_mb": round(size / 1e6, 2),
                "upload_command_s": round(upload_s, 2),
                "first_table_s": round(table_s, 2),
                "table_mb": round(len(table) / 1e6, 2),
                "first_plots_s": round(plots_s, 2),
                "plots_mb": round(len(plots) / 1e6, 2),
                "plots_cached_s": round(plots_cached_s, 3),
                "page_html_s": round(page_html_s, 3),
                "make_fixture_s": round(made, 2),
                # Other work on the machine inflates every figure: report it with them.
                "load_average_1min": os.getloadavg()[0],
                "cpus": os.cpu_count(),
            }
            print(json.dumps(results), flush=True)
            if not args.no_browser:
                results.update({k: round(v, 2) for k, v in _browser_times(link).items()})
        finally:
            process.terminate()
            process.wait(30)
    for key, value in results.items():
        print(f"{key:>26}: {value}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
