"""HTML for stakeholders: the exported report, the error page and the index page.

Reports are exported with nbconvert's ``lab`` template without code cells. The cxlab
template drops everything that would load from the internet (require.js, MathJax, mermaid)
and the preprocessor below removes remote ``<script src>`` tags from outputs (plotly's
MathJax loader), so a report works from ``file://`` offline. Every value that could come
from data or from an exception message is escaped (and PII-masked) before it is written.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

import nbformat

from cxlib.privacy import safe_text

__all__ = ["PAGE_CSS", "error_page", "export_report", "index_page", "skip_page"]

PAGE_CSS = """
:root{--cx-fg:#1f2933;--cx-muted:#52606d;--cx-accent:#0072B2;--cx-bad:#b42318;--cx-ok:#067647}
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:var(--cx-fg);line-height:1.45}
body.jp-Notebook,body.cxlab-page{max-width:1100px;margin:0 auto;padding:1rem 1.25rem 2rem;box-sizing:border-box}
body.jp-Notebook .jp-Cell{padding:0 0 .25rem}
.jp-OutputArea-output{overflow-x:auto;max-width:100%}
.jp-RenderedHTMLCommon{padding-right:0}
.cxlab-footer{margin-top:2rem;padding-top:.6rem;border-top:1px solid #e4e7eb;font-size:.8rem;color:var(--cx-muted);overflow-wrap:anywhere}
.cxlab-footer a{color:var(--cx-accent)}
.cxlab-page h1{font-size:1.6rem;line-height:1.25;margin:.2rem 0 .8rem}
.cxlab-page h2{font-size:1.2rem;margin:1.4rem 0 .5rem}
.cxlab-page dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .9rem;margin:.4rem 0}
.cxlab-page dt{font-weight:600;color:var(--cx-muted)}.cxlab-page dd{margin:0;overflow-wrap:anywhere}
.cxlab-page code{font-size:.85em;background:#f5f7fa;padding:.05rem .25rem;border-radius:3px;overflow-wrap:anywhere}
.cxlab-error{border-left:4px solid var(--cx-bad);background:#fef3f2;padding:.7rem 1rem;border-radius:4px;margin:.8rem 0}
.cxlab-error p{margin:.3rem 0}.cxlab-error .msg{white-space:pre-wrap;overflow-wrap:anywhere;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem}
.cxlab-cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,22rem),1fr));gap:1rem;padding:0;list-style:none}
.cxlab-card{border:1px solid #e4e7eb;border-radius:6px;padding:.8rem 1rem}
.cxlab-card h2{font-size:1.1rem;margin:0 0 .4rem}
.cxlab-card dl{font-size:.85rem}
.cxlab-status{display:inline-block;font-size:.75rem;font-weight:700;text-transform:uppercase;padding:.1rem .45rem;border-radius:3px;color:#fff}
.cxlab-status.ok{background:var(--cx-ok)}.cxlab-status.failed{background:var(--cx-bad)}.cxlab-status.skipped{background:var(--cx-muted)}
.cxlab-skip{border-left:4px solid var(--cx-muted);background:#f5f7fa;padding:.7rem 1rem;border-radius:4px;margin:.8rem 0}
.cxlab-params{margin:0;padding-left:1rem}
@media (max-width:600px){body.jp-Notebook,body.cxlab-page{padding:.6rem .6rem 1.5rem}.cxlab-page h1{font-size:1.3rem}}
"""

_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<meta name="generator" content="cxlab">
<style type="text/css">{{ resources.cxlab_css }}</style>
{%- endblock extra_css -%}
{% block body_footer %}
{{ resources.cxlab_footer }}
</main>
</body>
{% endblock body_footer %}
"""

_REMOTE_SCRIPT = re.compile(
    r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>", re.IGNORECASE
)


def _clean_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Copy of ``nb`` without stderr streams (warnings) and without remote scripts."""
    clean = copy.deepcopy(nb)
    for cell in clean.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                continue
            data = output.get("data")
            if data and "text/html" in data:
                text = data["text/html"]
                text = "".join(text) if isinstance(text, list) else text
                data["text/html"] = _REMOTE_SCRIPT.sub("", text)
            kept.append(output)
        cell.outputs = kept
    return clean


def _exporter() -> Any:
    import jinja2
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        extra_loaders=[jinja2.DictLoader({"cxlab.html.j2": _TEMPLATE})],
        template_file="cxlab.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def footer_html(run: Mapping[str, Any]) -> str:
    """One-line provenance footer: generation time, cxlib version, commit, data, parameters."""
    parts = []
    if run.get("finished"):
        parts.append(f"Generated {html.escape(_when(run['finished']))}")
    if run.get("cxlib_version"):
        parts.append(f"cxlib {html.escape(str(run['cxlib_version']))}")
    if run.get("git_commit"):
        parts.append(f"commit <code>{html.escape(str(run['git_commit'])[:12])}</code>")
    if run.get("fingerprint"):
        parts.append(f"data fingerprint <code>{html.escape(str(run['fingerprint'])[:16])}</code>")
    params = run.get("parameters") or {}
    if params:
        parts.append(
            "parameters: " + ", ".join(f"{safe_text(k)}={safe_text(_value(v))}" for k, v in params.items())
        )
    parts.append('<a href="index.html">all reports</a>')
    return f'<footer class="cxlab-footer">{" · ".join(parts)}</footer>'


def export_report(nb: nbformat.NotebookNode, *, title: str, run: Mapping[str, Any]) -> str:
    """Executed notebook → standalone, offline HTML page without code cells.

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook.
    title : str
        Page title.
    run : mapping
        Run record (see :mod:`cxlib.reports.runner`) for the provenance footer.

    Returns
    -------
    str
        The HTML page.
    """
    clean = _clean_outputs(nb)
    clean.metadata["title"] = title
    body, _ = _exporter().from_notebook_node(
        clean, resources={"cxlab_css": PAGE_CSS, "cxlab_footer": footer_html(run)}
    )
    return body


def _when(value: Any) -> str:
    if not value:
        return "—"
    try:
        ts = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if ts.tzinfo is not None:
        ts = ts.astimezone(dt.timezone.utc)
        return ts.strftime("%Y-%m-%d %H:%M UTC")
    return ts.strftime("%Y-%m-%d %H:%M")


def _value(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, str):
        return f'"{value}"' if value == "" else value
    return str(value)


def _duration(seconds: Any) -> str:
    if seconds is None:
        return "—"
    seconds = float(seconds)
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes} min {secs:02d} s"


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">'
        '<meta name="generator" content="cxlab">'
        f"<title>{html.escape(title)}</title><style>{PAGE_CSS}</style></head>"
        f'<body class="cxlab-page"><main>{body}</main></body></html>\n'
    )


def _params_list(params: Mapping[str, Any]) -> str:
    if not params:
        return "none"
    items = "".join(
        f"<li><code>{safe_text(k)}</code> = {safe_text(_value(v))}</li>" for k, v in params.items()
    )
    return f'<ul class="cxlab-params">{items}</ul>'


def error_page(record: Mapping[str, Any], *, previous: str | None = None, rerun: str | None = None) -> str:
    """Page shown for a notebook that failed: what failed, in words, and what to do.

    Parameters
    ----------
    record : mapping
        Run record with ``name``, ``title``, ``error`` (``ename``, ``evalue``, ``step``,
        ``detail``), ``started``, ``duration_s``, ``parameters``.
    previous : str, optional
        File name of the previous good report, kept in place.
    rerun : str, optional
        Command that reruns this notebook.

    Returns
    -------
    str
    """
    error = record.get("error") or {}
    title = str(record.get("title") or record.get("name"))
    step = error.get("step")
    detail = error.get("detail")
    if detail and step and detail != step:
        where = f"the step “{safe_text(detail)}” in the section “{safe_text(step)}”"
    elif detail or step:
        where = f"the step “{safe_text(detail or step)}”"
    else:
        where = "the start, before any step ran"
    ename, evalue = str(error.get("ename") or "Error"), str(error.get("evalue") or "")
    lines = [
        f"<h1>Report failed: {safe_text(title)}</h1>",
        '<section class="cxlab-error">',
        f"<p><strong>The report stopped at {where}.</strong></p>",
        f'<p class="msg">{safe_text(ename)}: {safe_text(evalue)}</p>'
        if evalue
        else f'<p class="msg">{safe_text(ename)}</p>',
        "</section>",
    ]
    if previous:
        lines.append(
            f'<p>The previous report is still available: <a href="{html.escape(previous)}">{html.escape(previous)}</a>'
            + (
                f" (from {html.escape(_when(record.get('last_ok', {}).get('finished')))})."
                if record.get("last_ok")
                else "."
            )
            + "</p>"
        )
    else:
        lines.append("<p>There is no earlier report of this notebook.</p>")
    lines += [
        "<h2>Run</h2><dl>",
        f"<dt>Notebook</dt><dd>{safe_text(record.get('notebook'))}</dd>",
        f"<dt>Started</dt><dd>{html.escape(_when(record.get('started')))}</dd>",
        f"<dt>Duration</dt><dd>{html.escape(_duration(record.get('duration_s')))}</dd>",
        f"<dt>Parameters</dt><dd>{_params_list(record.get('parameters') or {})}</dd>",
        f"<dt>cxlib</dt><dd>{safe_text(record.get('cxlib_version'))}</dd>",
    ]
    if record.get("git_commit"):
        lines.append(f"<dt>Commit</dt><dd><code>{html.escape(str(record['git_commit']))}</code></dd>")
    lines.append("</dl>")
    if record.get("failed_notebook"):
        lines.append(
            "<p>The executed notebook with the full traceback is saved as "
            f"<code>{safe_text(record['failed_notebook'])}</code>.</p>"
        )
    if rerun:
        lines.append(f"<p>To run it again: <code>{safe_text(rerun)}</code></p>")
    lines.append('<p><a href="index.html">All reports</a></p>')
    return _page(f"Report failed: {title}", "\n".join(lines))


def skip_page(record: Mapping[str, Any]) -> str:
    """Page shown for a notebook that was skipped: why, and what to add to the data.

    Parameters
    ----------
    record : mapping
        Run record with ``name``, ``title``, ``skip`` (``reason``, ``add``), ``started``,
        ``parameters``.

    Returns
    -------
    str
    """
    skip = record.get("skip") or {}
    title = str(record.get("title") or record.get("name"))
    lines = [
        f"<h1>Not run on this data: {safe_text(title)}</h1>",
        '<section class="cxlab-skip">',
        f"<p><strong>{safe_text(skip.get('reason') or 'The data lack what this report needs.')}</strong></p>",
    ]
    if skip.get("add"):
        lines.append(f"<p>To run it: {safe_text(skip['add'])}</p>")
    lines += [
        "</section>",
        "<h2>Run</h2><dl>",
        f"<dt>Notebook</dt><dd>{safe_text(record.get('notebook'))}</dd>",
        f"<dt>Checked</dt><dd>{html.escape(_when(record.get('started')))}</dd>",
        f"<dt>Data</dt><dd>{safe_text(record.get('source') or '—')}</dd>",
        f"<dt>Parameters</dt><dd>{_params_list(record.get('parameters') or {})}</dd>",
        "</dl>",
        '<p><a href="index.html">All reports</a></p>',
    ]
    return _page(f"Not run: {title}", "\n".join(lines))


def index_page(records: Sequence[Mapping[str, Any]], *, generated: str) -> str:
    """The index of all reports: status, run time, duration, parameters, data, version.

    Parameters
    ----------
    records : sequence of mapping
        One run record per notebook (latest run), in display order.
    generated : str
        ISO time the index was written.

    Returns
    -------
    str
    """
    cards = []
    n_failed = sum(1 for r in records if r.get("status") not in ("ok", "skipped"))
    n_skipped = sum(1 for r in records if r.get("status") == "skipped")
    for r in records:
        name = str(r.get("name"))
        title = str(r.get("title") or name)
        status = r.get("status") if r.get("status") in ("ok", "skipped") else "failed"
        report, error_html = r.get("html"), r.get("error_html")
        if status == "ok" and report:
            heading = f'<a href="{html.escape(report)}">{safe_text(title)}</a>'
        elif report:
            heading = f'<a href="{html.escape(report)}">{safe_text(title)}</a>'
        else:
            heading = safe_text(title)
        rows = [
            f'<dt>Status</dt><dd><span class="cxlab-status {status}">{status}</span>'
            + (
                f' <a href="{html.escape(error_html)}">what went wrong</a>'
                if status == "failed" and error_html
                else ""
            )
            + "</dd>",
        ]
        if status == "skipped":
            skip = r.get("skip") or {}
            rows.append(f"<dt>Why</dt><dd>{safe_text(str(skip.get('reason') or '')[:300])}</dd>")
            if skip.get("add"):
                rows.append(f"<dt>To run it</dt><dd>{safe_text(str(skip['add'])[:300])}</dd>")
        if status == "failed":
            error = r.get("error") or {}
            message = f"{error.get('ename', 'Error')}: {error.get('evalue', '')}".strip().rstrip(":")
            step = error.get("detail") or error.get("step")
            rows.append(
                f"<dt>Error</dt><dd>{safe_text(message[:300])}"
                + (f" (step: {safe_text(step)})" if step else "")
                + "</dd>"
            )
            last_ok = r.get("last_ok")
            if report and last_ok:
                rows.append(
                    f"<dt>Showing</dt><dd>previous report from {html.escape(_when(last_ok.get('finished')))}</dd>"
                )
        rows += [
            f"<dt>Run at</dt><dd>{html.escape(_when(r.get('started')))}</dd>",
            f"<dt>Duration</dt><dd>{html.escape(_duration(r.get('duration_s')))}</dd>",
        ]
        if r.get("period"):
            rows.append(f"<dt>Period</dt><dd>{safe_text(r['period'])}</dd>")
        rows += [
            f"<dt>Parameters</dt><dd>{_params_list(r.get('parameters') or {})}</dd>",
            f"<dt>Data</dt><dd>{safe_text(r.get('source') or '—')}</dd>",
            f'<dt>Fingerprint</dt><dd><code title="{safe_text(r.get("fingerprint") or "")}">'
            f"{safe_text(str(r.get('fingerprint') or '—')[:16])}</code></dd>",
            f"<dt>cxlib</dt><dd>{safe_text(r.get('cxlib_version') or '—')}</dd>",
            f"<dt>Commit</dt><dd><code>{safe_text(str(r.get('git_commit') or 'unknown')[:12])}</code></dd>",
        ]
        if r.get("size_bytes"):
            rows.append(f"<dt>Size</dt><dd>{float(r['size_bytes']) / 1e6:,.1f} MB</dd>")
        cards.append(
            f'<li class="cxlab-card" id="report-{html.escape(name)}" data-status="{status}">'
            f"<h2>{heading}</h2><dl>{''.join(rows)}</dl></li>"
        )
    skipped = f", {n_skipped} skipped (the data lack what they need)" if n_skipped else ""
    summary = (
        (
            f"{len(records)} report(s), all ok."
            if not n_skipped
            else f"{len(records)} report(s){skipped}, none failed."
        )
        if not n_failed
        else f"{len(records)} report(s), {n_failed} failed{skipped}."
    )
    body = (
        "<h1>cxlab reports</h1>"
        f'<p class="cxlab-summary">{summary} Index updated {html.escape(_when(generated))}.</p>'
        f'<ul class="cxlab-cards">{"".join(cards)}</ul>'
    )
    return _page("cxlab reports", body)
