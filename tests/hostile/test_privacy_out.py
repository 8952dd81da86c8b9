"""Nothing written under ``--out`` holds an e-mail address or phone number, in any spelling.

A notebook that forgets to mask (raw HTML, print, chart categories, legends, hover text,
annotations, an exception message, a parameter value) still publishes nothing personal:
every page and run record passes one choke point (:mod:`cxlib.reports.scrub`). Kept failed
notebooks go to a private folder outside ``--out`` with owner-only permissions.
"""

from __future__ import annotations

import json
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cxlib.reports import run
from cxlib.reports.runner import MANIFEST_NAME, private_dir
from cxlib.reports.scrub import mask_html, mask_json

from .conftest import write_notebook
from .pii import EMAILS, PHONES, dumps, leaks, planted_texts

LEAKY_BODY = f"""
import plotly.graph_objects as go
from IPython.display import HTML, Markdown, display
texts = {dumps(planted_texts())}
people = {dumps(EMAILS + PHONES)}
print(texts)
display(HTML("<p>" + " | ".join(texts) + "</p>"))
display(HTML('<span title="' + people[0] + '">x</span>'))
display(Markdown("* " + "\\n* ".join(texts)))
fig = go.Figure(go.Bar(x=people, y=list(range(len(people))), name=people[1], hovertext=texts))
fig.add_annotation(text=people[5], x=people[0], y=1)
fig.update_layout(title=people[2], legend_title_text=people[3], showlegend=True)
fig.show()
go.Figure(go.Scatter(x=list(range(20)), y=[v * 1.5 for v in range(20)], name=people[6])).show()
if fail:
    raise ValueError("customer " + people[0] + " phone " + people[6] + " not found")
"""
LEAKY_PARAMS = 'fail: bool = False  # fail at the end\nlabel: str = "x"  # free text'


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(folder))
    return folder


@pytest.mark.notebooks
def test_nothing_personal_under_out_from_a_leaky_notebook(tmp_path: Path, state: Path) -> None:
    folder = tmp_path / "nbs"
    write_notebook(folder / "leaky.ipynb", LEAKY_PARAMS, LEAKY_BODY, title="Leaky")
    write_notebook(folder / "leaky_fails.ipynb", LEAKY_PARAMS, LEAKY_BODY, title="Leaky fails")
    out = tmp_path / "out"
    summary = run(
        notebooks_dir=folder,
        out=out,
        params={"label": f"for {EMAILS[1]} {PHONES[1]}", "notebooks": {"leaky_fails": {"fail": True}}},
        progress=False,
        jobs=1,
    )
    assert [r.status for r in summary.results] == ["ok", "failed"]
    assert leaks(out) == []
    page = (out / "leaky.html").read_text()
    assert page.count("[email]") >= 10 and page.count("[phone]") >= 10
    assert "[iban]" in page and "[card]" in page
    assert "Plotly.newPlot" in page and "13.5,15.0,16.5" in page  # the charts and their numbers survived
    record = json.loads((out / MANIFEST_NAME).read_text())["reports"]["leaky_fails"]
    assert "[email]" in record["error"]["evalue"] and "[email]" in record["parameters"]["label"]
    # the kept failed notebook is private: outside --out, owner-only, and it keeps the truth
    kept = Path(record["failed_notebook"])
    assert kept == private_dir(out.resolve()) / "leaky_fails.ipynb" and state in kept.parents
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700
    assert "plantedjane.doe@example.com" in kept.read_text()
    assert not list(out.rglob("*.ipynb"))


def test_mask_html_keeps_markup_numbers_ids_and_library() -> None:
    banner = "/**\n* plotly.js v3.1.0\n* Copyright 2012-2025, Plotly, Inc.\n*/"
    library = f"{banner} var x='0123456789 jane@example.com';"
    page = (
        "<html><head><style>.a{width:1234567px}</style></head><body>"
        '<div id="8f3c1b2e-4a5d-4c7b-9e1f-123456789012" class="plotly-graph-div"></div>'
        f"<script>{library}</script>"
        '<script>Plotly.newPlot("8f3c1b2e-4a5d-4c7b-9e1f-123456789012", [{"x": ["jane@example.com", '
        '"+44 20 7946 0958"], "y": {"dtype": "f8", "bdata": "AAAAAAAA8D8AAAAAAAAAQA==0123456789"}, '
        '"name": "call 030\\u00a01234\\u00a05678"}])</script>'
        "<p>Write to jane&#64;example.com or <b>030 1234 5678</b>; NPS 12.3 (n=1,234) on 2024-05-01.</p>"
        '<img alt="bob@example.org" src="x.png"><!-- jane@example.com in a comment stays out of sight -->'
        "</body></html>"
    )
    masked = mask_html(page)
    assert library in masked and ".a{width:1234567px}" in masked
    assert masked.count("8f3c1b2e-4a5d-4c7b-9e1f-123456789012") == 2
    assert '"bdata": "AAAAAAAA8D8AAAAAAAAAQA==0123456789"' in masked
    assert '"x": ["[email]", "[phone]"]' in masked and '"name": "call [phone]"' in masked
    assert "Write to [email] or <b>[phone]</b>; NPS 12.3 (n=1,234) on 2024-05-01." in masked
    assert 'alt="[email]"' in masked
    assert mask_html(masked) == masked  # idempotent


def test_mask_json_masks_keys_and_nested_values() -> None:
    value = {"name": "x", "parameters": {"jane@example.com": ["+44 20 7946 0958", 3, None, 1.5]}}
    assert mask_json(value) == {"name": "x", "parameters": {"[email]": ["[phone]", 3, None, 1.5]}}


@pytest.mark.notebooks
def test_hostile_notebook_name_and_title_are_shown_not_run(tmp_path: Path, state: Path) -> None:
    folder = tmp_path / "nbs"
    name = "<img src=x onerror=alert(1)>"
    title = "<script>window.__pwned=1</script> for jane.doe@example.com"
    write_notebook(folder / f"{name}.ipynb", LEAKY_PARAMS, "print('fine')", title=title)
    write_notebook(
        folder / "z_fails.ipynb", LEAKY_PARAMS, "raise ValueError('<b>x</b> +44 20 7946 0958')", title=title
    )
    out = tmp_path / "out"
    summary = run(notebooks_dir=folder, out=out, progress=False, jobs=1)
    assert [r.status for r in summary.results] == ["ok", "failed"]
    index = (out / "index.html").read_text()
    assert "<img src=x" not in index and "<script>window" not in index
    assert 'href="&lt;img src=x onerror=alert(1)&gt;.html"' in index
    assert index.count("&lt;script&gt;window.__pwned=1&lt;/script&gt; for [email]") == 2
    error = (out / "z_fails.error.html").read_text()
    assert "<b>x" not in error and "ValueError: &lt;b&gt;x&lt;/b&gt; [phone]" in error
    assert leaks(out) == []


@pytest.mark.notebooks
@pytest.mark.browser
def test_masked_charts_still_draw_in_a_browser(tmp_path: Path, state: Path) -> None:
    """Masking strings inside the figure JSON keeps it valid: every chart draws, nothing runs."""
    chromium = Path("/usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    if not chromium.exists():
        pytest.skip("Debian's chromium is not installed")
    folder = tmp_path / "nbs"
    write_notebook(folder / "leaky.ipynb", LEAKY_PARAMS, LEAKY_BODY, title="Leaky")
    out = tmp_path / "out"
    assert run(notebooks_dir=folder, out=out, progress=False).ok

    def draw() -> tuple[int, list[str], list[str], list[str]]:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"], headless=True)
            page = browser.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto((out / "leaky.html").as_uri())
            page.wait_for_function(
                "() => [...document.querySelectorAll('.plotly-graph-div')]"
                ".every(d => d.querySelector('svg.main-svg'))",
                timeout=20_000,
            )
            charts = page.evaluate("document.querySelectorAll('.plotly-graph-div').length")
            ticks = page.evaluate("[...document.querySelectorAll('.xtick text')].map(t => t.textContent)")
            legend = page.evaluate("[...document.querySelectorAll('.legendtext')].map(t => t.textContent)")
            browser.close()
        return charts, errors, ticks, legend

    # Playwright's sync API refuses a thread whose event loop is running, as the main thread's
    # is while the browser tests' session-wide Playwright is open: draw in a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        charts, errors, ticks, legend = pool.submit(draw).result()
    assert charts == 2 and errors == []
    assert "[email]" in ticks and "[phone]" in ticks
    assert legend == ["[email]"]  # the trace named with an e-mail address


def test_old_run_records_are_masked_on_the_next_save(tmp_path: Path) -> None:
    from cxlib.reports.runner import _save_record

    old = {"name": "old", "status": "failed", "error": {"ename": "E", "evalue": f"bad {EMAILS[0]}"}}
    (tmp_path / MANIFEST_NAME).write_text(json.dumps({"format": 1, "reports": {"old": old}}))
    _save_record(tmp_path, {"name": "new", "status": "ok", "parameters": {"label": PHONES[0]}})
    assert leaks(tmp_path) == []
    reports = json.loads((tmp_path / MANIFEST_NAME).read_text())["reports"]
    assert (
        reports["old"]["error"]["evalue"] == "bad [email]"
        and reports["new"]["parameters"]["label"] == "[phone]"
    )
