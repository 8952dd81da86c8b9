"""Screenshots of every report at desktop, phone and print sizes (``make screenshots``).

Usage::

    python tests/browser/screenshots.py [--reports DIR | --data DIR] [--out DIR]

Renders the reports first (``--data``, default ``data/sample``) unless ``--reports`` names a
folder that already holds them, then writes for every page ``NAME.desktop.png`` (1400 px),
``NAME.phone.png`` (390 px), ``NAME.print.pdf`` (A4 portrait, as a browser prints it) and
``NAME.print.png`` (the page with print styles at A4 width). Needs Debian's Chromium
(``/usr/bin/chromium`` or ``$CXLAB_CHROMIUM``) and playwright; nothing is committed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CXLAB_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
#: A4 at 96 px per inch: 210 mm wide.
A4_WIDTH_PX = 794
CHARTS_DRAWN = """() => Array.from(document.querySelectorAll('.plotly-graph-div'))
    .every(d => d.querySelector('svg.main-svg'))"""


def render(data: Path, out: Path) -> None:
    """Run every notebook on ``data`` into ``out``."""
    from cxlib.reports import run

    summary = run(None, data=data, out=out)
    if not summary.ok:
        print(f"some reports failed: {summary.failed}", file=sys.stderr)


def shoot(reports: Path, shots: Path) -> list[Path]:
    """Screenshot every HTML page of ``reports`` into ``shots``; returns the files written."""
    from playwright.sync_api import sync_playwright

    shots.mkdir(parents=True, exist_ok=True)
    pages = sorted(p for p in reports.glob("*.html") if not p.name.startswith("."))
    written: list[Path] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        for path in pages:
            for label, width, height, mobile in (("desktop", 1400, 900, False), ("phone", 390, 844, True)):
                context = browser.new_context(
                    viewport={"width": width, "height": height}, is_mobile=mobile, has_touch=mobile
                )
                page = context.new_page()
                page.goto(path.resolve().as_uri(), wait_until="load")
                page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
                page.wait_for_timeout(500)
                target = shots / f"{path.stem}.{label}.png"
                page.screenshot(path=str(target), full_page=True)
                written.append(target)
                if label == "desktop":
                    pdf = shots / f"{path.stem}.print.pdf"
                    page.pdf(path=str(pdf), format="A4", print_background=True)
                    written.append(pdf)
                    page.emulate_media(media="print")
                    page.set_viewport_size({"width": A4_WIDTH_PX, "height": 1123})
                    page.wait_for_timeout(500)
                    target = shots / f"{path.stem}.print.png"
                    page.screenshot(path=str(target), full_page=True)
                    written.append(target)
                context.close()
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=Path, help="folder with rendered reports (skip rendering)")
    parser.add_argument("--data", type=Path, default=REPO / "data" / "sample", help="shop to render")
    parser.add_argument("--out", type=Path, default=REPO / "screenshots", help="where the images go")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set CXLAB_CHROMIUM)", file=sys.stderr)
        return 2
    reports = args.reports
    if reports is None:
        reports = args.out / "reports"
        render(args.data, reports)
    written = shoot(reports, args.out)
    print(f"{len(written)} files in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
