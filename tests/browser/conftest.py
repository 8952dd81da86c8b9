"""Browser-test fixtures: reports generated once per session, Debian's headless Chromium.

The browser tests skip with a clear message when Chromium is missing, except under
``CI=true`` (``.ci/run`` installs it), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from cxlib.reports import RunSummary, run

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
CHROMIUM = Path(os.environ.get("CXLAB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
XSS_TEXT = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


def _no_browser(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} — the browser tests must run under CI=true (.ci/run installs chromium)")
    pytest.skip(f"{reason}: browser tests skipped (install Debian's chromium: apt-get install chromium)")


def _shop_with_hostile_feedback(folder: Path, fallback: Path) -> Path:
    """The sample shop (or the tiny test shop) plus a feedback text that tries to run script."""
    shutil.copytree(SAMPLE if any(SAMPLE.glob("*.parquet")) else fallback, folder)
    path = folder / "feedback.parquet"
    feedback = pd.read_parquet(path)
    row = dict.fromkeys(feedback.columns)
    row.update(feedback_id="xss-probe-1", ts=feedback["ts"].max(), text=XSS_TEXT)
    if "rating" in feedback.columns:
        row["rating"] = 1
    hostile = pd.concat([feedback, pd.DataFrame([row]).astype(feedback.dtypes.to_dict())], ignore_index=True)
    hostile.to_parquet(path, index=False)
    return folder


@dataclass
class Reports:
    """Reports generated for the browser tests."""

    out: Path
    summary: RunSummary
    error_out: Path
    error_summary: RunSummary
    data: Path
    files: dict[str, Path] = field(default_factory=dict)


@pytest.fixture(scope="session")
def reports(tmp_path_factory: pytest.TempPathFactory, tiny_shop: Path, browser: Any) -> Reports:
    """Every notebook rendered once on the (hostile) sample, plus one failed run.

    Depends on ``browser`` so that nothing is generated when the browser tests skip.
    """
    base = tmp_path_factory.mktemp("browser")
    data = _shop_with_hostile_feedback(base / "shop", tiny_shop)
    out = base / "reports"
    summary = run(None, data=data, out=out, progress=False)
    error_out = base / "failed"
    error_summary = run(["00_data_health"], data=base / "no_such_shop", out=error_out, progress=False)
    files = {r.name: r.html for r in summary.results if r.html is not None}
    return Reports(out, summary, error_out, error_summary, data, files)


@dataclass
class Visit:
    """What happened while a page was open."""

    page: Any
    console_errors: list[str]
    page_errors: list[str]
    remote_requests: list[str]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("the playwright package is not installed")
    if not CHROMIUM.exists():
        _no_browser(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def visit(browser: Any) -> Iterator[Any]:
    """``visit(path, width=1200)`` opens a local file and records errors and network use."""
    contexts = []

    def open_page(path: Path, width: int = 1200, height: int = 900) -> Visit:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        remote: list[str] = []

        def guard(route: Any) -> None:
            if route.request.url.startswith(LOCAL_SCHEMES):
                route.continue_()
            else:
                remote.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        visit = Visit(page, [], [], remote)
        page.on("console", lambda m: visit.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: visit.page_errors.append(str(e)))
        page.on("request", lambda r: None if r.url.startswith(LOCAL_SCHEMES) else remote.append(r.url))
        page.goto(path.resolve().as_uri(), wait_until="load")
        return visit

    yield open_page
    for context in contexts:
        context.close()
