"""HTML for stakeholders: the exported report, the error page, the index and the glossary.

Reports are exported with nbconvert's ``lab`` template without code cells, but with
cxlab's own small style sheet instead of Jupyter's (about 250 kB less per page) and without
anything that would load from the internet (require.js, MathJax, mermaid, remote
``<script src>`` tags in outputs). Charts load plotly.js from one file next to the reports
(:mod:`cxlib.reports.assets`), so a folder of reports works from ``file://`` offline and a
report weighs what its own charts and tables weigh.

Every report page has a top bar (all reports, previous and next report), a table of
contents of its sections, a "How to read this" box linking to the glossary
(:mod:`cxlib.reports.glossary`), phone and print styles (A4 portrait, no chart mode bar,
a page break before each section), and folds each "## Appendix ..." section of the notebook
into a collapsed block. The index is an executive summary: the headline numbers each
notebook publishes (:mod:`cxlib.reports.headline_numbers`), with run metadata folded away.

Every value that could come from data or from an exception message is escaped (and
PII-masked) before it is written.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

import nbformat

from cxlib.data.coverage import LeftOut, TableCoverage, coverage_sentence
from cxlib.privacy import safe_text
from cxlib.reports.assets import plotly_script_tag, strip_plotly_js
from cxlib.reports.headline_numbers import MAX_ON_INDEX, headline_cards
from cxlib.reports.report_tables import tables_used
from cxlib.viz.formats import source_name

__all__ = ["PAGE_CSS", "error_page", "export_report", "index_page", "skip_page"]

PAGE_CSS = """
:root{--cx-fg:#1f2933;--cx-muted:#52606d;--cx-faint:#e4e7eb;--cx-bg2:#f5f7fa;--cx-accent:#0072B2;
--cx-bad:#b42318;--cx-ok:#067647;--cx-warn:#b54708}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;
color:var(--cx-fg);background:#fff;line-height:1.5;font-size:16px}
a{color:var(--cx-accent)}
img,svg,video{max-width:100%}
[id]{scroll-margin-top:3.2rem}
body.cxlab-report,body.cxlab-page{max-width:1240px;margin:0 auto;padding:0 1.25rem 2rem}
.cxlab-topnav{position:sticky;top:0;z-index:30;background:#fff;border-bottom:1px solid var(--cx-faint);
display:flex;flex-wrap:wrap;gap:.2rem 1rem;align-items:center;justify-content:space-between;
padding:.45rem 0;font-size:.85rem}
.cxlab-topnav a{text-decoration:none}.cxlab-topnav a:hover{text-decoration:underline}
.cxlab-topnav .cxlab-pager{display:flex;gap:1rem;min-width:0}
.cxlab-topnav .cxlab-pager a{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;max-width:16rem}
.cxlab-layout{display:grid;grid-template-columns:12.5rem minmax(0,1fr);gap:0 2rem;align-items:start}
.cxlab-side{position:sticky;top:2.9rem;max-height:calc(100vh - 3.2rem);overflow-y:auto;padding:1rem 0;
font-size:.85rem}
.cxlab-toc summary{font-weight:600;color:var(--cx-muted);cursor:pointer;margin-bottom:.3rem}
.cxlab-toc ol{list-style:none;margin:0;padding:0}.cxlab-toc li{margin:.3rem 0;line-height:1.3}
.cxlab-toc a{color:var(--cx-muted);text-decoration:none}.cxlab-toc a:hover{color:var(--cx-accent);
text-decoration:underline}
.cxlab-help{margin:1rem 0 0;padding:.6rem .75rem;background:var(--cx-bg2);border-radius:6px;
font-size:.82rem;color:var(--cx-muted)}
.cxlab-help h2{font-size:.85rem;margin:0 0 .3rem;color:var(--cx-fg)}.cxlab-help p{margin:.25rem 0}
main{min-width:0}
.cxlab-footer{margin-top:2rem;padding-top:.6rem;border-top:1px solid var(--cx-faint);font-size:.8rem;
color:var(--cx-muted);overflow-wrap:anywhere}
.jp-Cell{margin:0;padding:0}
.jp-mod-noOutputs,.jp-Collapser,.jp-InputPrompt,.jp-OutputPrompt,a.anchor-link{display:none}
.jp-OutputArea-output{max-width:100%;overflow-x:auto;overflow-y:hidden;margin:.2rem 0}
.jp-RenderedText pre,.jp-RenderedHTMLCommon pre{white-space:pre-wrap;overflow-wrap:anywhere;
font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem;margin:.3rem 0}
.jp-RenderedHTMLCommon h1{font-size:1.75rem;line-height:1.25;margin:1.1rem 0 .5rem}
.jp-RenderedHTMLCommon h2{font-size:1.3rem;line-height:1.3;margin:2rem 0 .4rem}
.jp-RenderedMarkdown h2{padding-top:1rem;border-top:1px solid var(--cx-faint)}
.jp-RenderedHTMLCommon h3{font-size:1.08rem;margin:1.2rem 0 .3rem}
.jp-RenderedHTMLCommon p{margin:.4rem 0 .6rem;max-width:48rem}
.jp-RenderedHTMLCommon ul,.jp-RenderedHTMLCommon ol{padding-left:1.3rem;max-width:48rem}
.jp-RenderedHTMLCommon code{font-size:.85em;background:var(--cx-bg2);padding:.05rem .25rem;
border-radius:3px;overflow-wrap:anywhere}
.jp-RenderedHTMLCommon blockquote{margin:.5rem 0;padding:.2rem .9rem;
border-left:3px solid var(--cx-faint);color:var(--cx-muted)}
.jp-RenderedMarkdown table,table.dataframe{border-collapse:collapse;font-size:.88rem;
margin:.4rem 0 1rem;display:block;overflow-x:auto;max-width:100%}
.jp-RenderedMarkdown th,.jp-RenderedMarkdown td,table.dataframe th,table.dataframe td{
padding:.3rem .6rem;border-bottom:1px solid var(--cx-faint);text-align:left}
.jp-RenderedMarkdown th,table.dataframe th{background:var(--cx-bg2)}
.jp-RenderedImage img{max-width:100%;height:auto}
.js-plotly-plot,.plotly-graph-div{max-width:100%}
.cxlab-page h1{font-size:1.6rem;line-height:1.25;margin:1rem 0 .6rem}
.cxlab-page h2{font-size:1.2rem;margin:1.4rem 0 .5rem}
.cxlab-page dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .9rem;margin:.4rem 0}
.cxlab-page dt{font-weight:600;color:var(--cx-muted)}.cxlab-page dd{margin:0;overflow-wrap:anywhere;
min-width:0}
.cxlab-page code{font-size:.85em;background:var(--cx-bg2);padding:.05rem .25rem;border-radius:3px;
overflow-wrap:anywhere}
.cxlab-error{border-left:4px solid var(--cx-bad);background:#fef3f2;padding:.7rem 1rem;
border-radius:4px;margin:.8rem 0}
.cxlab-error p{margin:.3rem 0}.cxlab-error .msg{white-space:pre-wrap;overflow-wrap:anywhere;
font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem}
.cxlab-skip{border-left:4px solid var(--cx-muted);background:var(--cx-bg2);padding:.7rem 1rem;
border-radius:4px;margin:.8rem 0}
.cxlab-summary{color:var(--cx-muted);margin:0 0 1rem}
.cxlab-cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,24rem),1fr));gap:1rem;
padding:0;margin:0;list-style:none}
.cxlab-card{border:1px solid var(--cx-faint);border-radius:8px;padding:.8rem 1rem;min-width:0;
display:flex;flex-direction:column;gap:.5rem}
.cxlab-card h2{font-size:1.1rem;margin:0;display:flex;justify-content:space-between;gap:.5rem;
align-items:baseline}
.cxlab-card .cxlab-question{margin:0;color:var(--cx-muted);font-size:.88rem;display:-webkit-box;
-webkit-box-orient:vertical;-webkit-line-clamp:3;line-clamp:3;overflow:hidden}
.cxlab-card .cxlab-coverage{margin:0;font-size:.8rem;color:var(--cx-muted)}
.cxlab-card .cxlab-experiment{margin:.2rem 0 .4rem;font-size:.85rem;color:var(--cx-muted)}
.cxlab-card .cxlab-needs{margin:0;font-size:.9rem}
.cxlab-card details{font-size:.85rem;margin-top:auto}
.cxlab-card summary{cursor:pointer;color:var(--cx-muted)}
.cxlab-card dl{font-size:.85rem}
.cxlab-status{display:inline-block;font-size:.7rem;font-weight:700;text-transform:uppercase;
padding:.1rem .45rem;border-radius:3px;color:#fff;white-space:nowrap}
.cxlab-status.ok{background:var(--cx-ok)}.cxlab-status.failed{background:var(--cx-bad)}
.cxlab-status.skipped{background:var(--cx-muted)}
.cxlab-params{margin:0;padding-left:1rem}
.cxlab-headlines{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,9.5rem),1fr));
gap:.6rem;margin:.3rem 0 .8rem}
.cxlab-hl{border:1px solid var(--cx-faint);border-top:4px solid var(--cx-muted);border-radius:6px;
padding:.5rem .7rem;display:flex;flex-direction:column;gap:.1rem;min-width:0;break-inside:avoid}
.cxlab-hl-label{font-size:.8rem;color:var(--cx-muted);font-weight:600}
.cxlab-hl-value{font-size:1.55rem;font-weight:700;line-height:1.2;font-variant-numeric:tabular-nums;
overflow-wrap:anywhere}
.cxlab-hl-verdict{font-size:.72rem;font-weight:700;text-transform:uppercase;letter-spacing:.02em}
.cxlab-hl-change{font-size:.8rem;color:var(--cx-muted)}.cxlab-hl-note{font-size:.78rem;
color:var(--cx-muted)}
.cxlab-hl.better{border-top-color:var(--cx-ok)}
.cxlab-hl.better .cxlab-hl-verdict,.cxlab-hl.better .cxlab-hl-arrow{color:var(--cx-ok)}
.cxlab-hl.worse{border-top-color:var(--cx-bad)}
.cxlab-hl.worse .cxlab-hl-verdict,.cxlab-hl.worse .cxlab-hl-arrow{color:var(--cx-bad)}
.cxlab-hl.attention{border-top-color:var(--cx-warn)}
.cxlab-hl.attention .cxlab-hl-verdict,.cxlab-hl.attention .cxlab-hl-arrow{color:var(--cx-warn)}
.cxlab-hl.flat .cxlab-hl-verdict{color:var(--cx-muted)}
.cxlab-page dl.cxlab-glossary{display:block}
.cxlab-glossary dt{font-weight:700;margin-top:.8rem;color:var(--cx-fg)}
.cxlab-appendix{margin:2rem 0 1rem;border:1px solid var(--cx-faint);border-radius:6px;padding:.4rem .9rem}
.cxlab-appendix>summary{cursor:pointer;font-weight:600;color:var(--cx-muted);padding:.3rem 0}
.cxlab-appendix .jp-RenderedMarkdown h2{border-top:0;padding-top:.3rem;margin-top:.6rem}
.cxlab-glossary dd{margin:.2rem 0 0;max-width:48rem}
@media (max-width:900px){
.cxlab-layout{display:flex;flex-direction:column}
.cxlab-side{position:static;max-height:none;overflow:visible;padding:.5rem 0 0;width:100%;
display:contents}
.cxlab-toc{order:0;padding:.5rem 0}.cxlab-layout main{order:1;width:100%}.cxlab-help{order:2}
}
@media (max-width:600px){
body.cxlab-report,body.cxlab-page{padding:0 .7rem 1.5rem;font-size:15px}
.jp-RenderedHTMLCommon h1,.cxlab-page h1{font-size:1.35rem}
.jp-RenderedHTMLCommon h2{font-size:1.15rem}
.cxlab-topnav .cxlab-pager a{max-width:9.5rem}
.js-plotly-plot .modebar-container{display:none!important}
.cxlab-hl-value{font-size:1.3rem}
}
@page{size:A4 portrait;margin:14mm 12mm}
@media print{
body{font-size:10.5pt}
body.cxlab-report,body.cxlab-page{max-width:none;padding:0}
.cxlab-topnav,.cxlab-toc,.cxlab-side,.js-plotly-plot .modebar-container{display:none!important}
.cxlab-layout{display:block}
.jp-RenderedMarkdown h2{break-before:page;border-top:0;padding-top:0}
.jp-RenderedMarkdown h2,.jp-RenderedMarkdown h3{break-after:avoid}
.jp-OutputArea-output{overflow:visible}
.js-plotly-plot,.cxlab-hl,.cxlab-card,.cxlab-findings,tr{break-inside:avoid}
.cxlab-table-wrap{overflow:visible!important}
table.cxlab-table{width:100%;table-layout:auto;font-size:8pt!important}
table.cxlab-table th,table.cxlab-table td{white-space:normal!important;overflow-wrap:anywhere;
position:static!important;padding:.15rem .3rem!important;min-width:0!important}
a{color:inherit;text-decoration:none}
}
"""

#: Behaviour of report pages: TOC open on wide screens, legends below charts on phones,
#: charts shrunk to the paper width and collapsed sections opened for print.
PAGE_JS = """
(function(){
var wide=window.matchMedia('(min-width:901px)'),phone=window.matchMedia('(max-width:600px)');
function toc(){var t=document.querySelector('details.cxlab-toc');if(t&&wide.matches)t.open=true;}
function plots(){return Array.prototype.slice.call(document.querySelectorAll('.js-plotly-plot'));}
function legends(){if(!window.Plotly)return;plots().forEach(function(p){
if(!p.layout||p.layout.showlegend===false||!p._fullLayout||!p._fullLayout.showlegend)return;
var lg=p.layout.legend||{};
if(phone.matches&&!p.dataset.cxLegend){
p.dataset.cxLegend=JSON.stringify({y:lg.y,ya:lg.yanchor,yr:lg.yref});
Plotly.relayout(p,{'legend.orientation':'h','legend.yref':'container','legend.y':0,
'legend.yanchor':'bottom','legend.x':0,'legend.xanchor':'left'});}
else if(!phone.matches&&p.dataset.cxLegend){var o=JSON.parse(p.dataset.cxLegend);
delete p.dataset.cxLegend;var u=function(v){return v===undefined?null:v;};
Plotly.relayout(p,{'legend.y':u(o.y),'legend.yanchor':u(o.ya),'legend.yref':u(o.yr)});}});}
var opened=[];
function beforePrint(){document.querySelectorAll('details:not([open])').forEach(function(d){d.open=true;
opened.push(d);});
plots().forEach(function(p){var w=p.getBoundingClientRect().width,room=680;if(w>room){
p.style.zoom=(room/w).toFixed(3);}});}
function afterPrint(){opened.forEach(function(d){d.open=false;});opened=[];plots().forEach(function(p){
p.style.zoom='';});}
window.addEventListener('beforeprint',beforePrint);window.addEventListener('afterprint',afterPrint);
window.matchMedia('print').addEventListener('change',function(e){e.matches?beforePrint():afterPrint();
});
wide.addEventListener('change',toc);phone.addEventListener('change',legends);
toc();if(document.readyState==='complete'){legends();}else{window.addEventListener('load',legends);}
})();
"""

_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head -%}
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="generator" content="cxlab">
<title>{{ nb.metadata.get('title', '') | escape_html_keep_quotes }}</title>
<style type="text/css">{{ resources.cxlab_css }}</style>
{{ resources.cxlab_head }}
{%- endblock html_head -%}
{%- block rawcell scoped -%}
{%- if cell.metadata.get('cxlab_html') -%}{{ cell.metadata.cxlab_html }}{%- else -%}{{ super() }}{%- endif -%}
{%- endblock rawcell -%}
{%- block body_header -%}
<body class="cxlab-report">
{{ resources.cxlab_nav }}
<div class="cxlab-layout">
<div class="cxlab-side"><!--cxlab-toc-->{{ resources.cxlab_help }}</div>
<main>
{%- endblock body_header -%}
{% block body_footer %}
</main>
</div>
{{ resources.cxlab_footer }}
<script>{{ resources.cxlab_js }}</script>
</body>
{% endblock body_footer %}
"""

_REMOTE_SCRIPT = re.compile(
    r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>", re.IGNORECASE
)
_TOC_MARK = "<!--cxlab-toc-->"
_H2 = re.compile(r'<h2\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</h2>', re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def _clean_outputs(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, bool]:
    """Copy of ``nb`` without stderr streams, remote scripts and inline copies of plotly.js.

    Returns the copy and whether it draws plotly charts (then the page loads plotly.js).
    """
    clean = copy.deepcopy(nb)
    charts = False
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
                text, library = strip_plotly_js(_REMOTE_SCRIPT.sub("", text))
                charts = charts or library or "Plotly.newPlot" in text
                data["text/html"] = text
            if data and "application/vnd.plotly.v1+json" in data:
                charts = True
            kept.append(output)
        cell.outputs = kept
    return clean, charts


_APPENDIX = re.compile(r"^##\s+(Appendix\b.*)$", re.IGNORECASE | re.MULTILINE)
_SECTION = re.compile(r"^##\s", re.MULTILINE)


def _fold_appendices(nb: nbformat.NotebookNode) -> None:
    """Fold each "## Appendix ..." section (up to the next ``##`` heading) into a ``<details>``.

    Analyst material (model parameters, matrices, method checks) goes under such a heading
    in a notebook; the page then reads top-down and the appendix opens on a click (and
    for print). The markers are raw cells whose HTML only this function writes.
    """
    cells, open_at = [], None
    for cell in nb.cells:
        is_section = cell.cell_type == "markdown" and _SECTION.search(cell.source)
        if is_section and open_at is not None:
            cells.append(_raw_html("</details>"))
            open_at = None
        match = _APPENDIX.search(cell.source) if cell.cell_type == "markdown" else None
        if match:
            summary = html.escape(match.group(1).strip())
            cells.append(_raw_html(f'<details class="cxlab-appendix"><summary>{summary}</summary>'))
            open_at = len(cells)
        cells.append(cell)
    if open_at is not None:
        cells.append(_raw_html("</details>"))
    nb.cells = cells


def _raw_html(markup: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_raw_cell("")
    cell.metadata["cxlab_html"] = markup
    return cell


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
    params = _shown_parameters(run.get("parameters") or {})
    if params:
        parts.append(
            "parameters: " + ", ".join(f"{safe_text(k)}={safe_text(_value(v))}" for k, v in params.items())
        )
    parts.append('<a href="index.html">all reports</a>')
    return f'<footer class="cxlab-footer">{" · ".join(parts)}</footer>'


def nav_html(previous: tuple[str, str] | None = None, following: tuple[str, str] | None = None) -> str:
    """Top bar of a page: the link to all reports and the previous and next report.

    Parameters
    ----------
    previous, following : (href, title), optional
        The reports before and after this one in the folder.
    """
    pager = []
    if previous:
        pager.append(
            f'<a rel="prev" href="{html.escape(previous[0])}" title="{safe_text(previous[1])}">'
            f"← {safe_text(previous[1])}</a>"
        )
    if following:
        pager.append(
            f'<a rel="next" href="{html.escape(following[0])}" title="{safe_text(following[1])}">'
            f"{safe_text(following[1])} →</a>"
        )
    return (
        '<nav class="cxlab-topnav" aria-label="Reports"><a href="index.html">All reports</a>'
        f'<span class="cxlab-pager">{"".join(pager)}</span></nav>'
    )


def _toc(body: str) -> str:
    """Table of contents from the page's section headings (``<h2 id=...>``)."""
    items = []
    seen: set[str] = set()
    for anchor, inner in _H2.findall(body):
        if anchor in seen:
            continue
        seen.add(anchor)
        text = html.unescape(_TAG.sub("", inner)).replace("¶", "").strip()
        if text:
            items.append(f'<li><a href="#{anchor}">{html.escape(text)}</a></li>')  # id as written
    if not items:
        return ""
    return (
        '<details class="cxlab-toc"><summary>On this page</summary>'
        f'<nav aria-label="On this page"><ol>{"".join(items)}</ol></nav></details>'
    )


def page_links(name: str, titles: Mapping[str, str], *, notebook: str | None = None) -> dict[str, Any]:
    """Return the previous/next report and the "How to read this" box of report ``name``.

    Parameters
    ----------
    name : str
        Page name: the notebook's, or ``<notebook>-<experiment slug>`` for one page of the
        A/B notebook per experiment.
    titles : mapping
        Title of every report in the folder by page name, in reading order.
    notebook : str, optional
        The notebook that wrote the page (its terms make the help box); default ``name``.

    Returns
    -------
    dict
        ``previous``, ``following`` (``(href, title)`` or ``None``) and ``help_html``, the
        keyword arguments of :func:`export_report`.
    """
    from cxlib.reports.glossary import help_box

    names = list(titles)
    links: dict[str, Any] = {"previous": None, "following": None, "help_html": help_box(notebook or name)}
    if name in names:
        i = names.index(name)
        if i > 0:
            links["previous"] = (f"{names[i - 1]}.html", titles[names[i - 1]])
        if i + 1 < len(names):
            links["following"] = (f"{names[i + 1]}.html", titles[names[i + 1]])
    return links


_QUESTION = re.compile(r"\*\*Question:?\*\*:?\s*(.+?)(?:\n\s*\n|$)", re.DOTALL)


def notebook_question(nb: nbformat.NotebookNode) -> str | None:
    """Find the question a notebook answers: the "**Question:** ..." paragraph of its title cell."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = _QUESTION.search(cell.source)
            if match:
                return " ".join(match.group(1).split())
            return None
    return None


def glossary_html_page(body: str) -> str:
    """Return a plain cxlab page (the glossary) with the top bar linking back to all reports."""
    return _page("Glossary", body, nav=nav_html())


def export_report(
    nb: nbformat.NotebookNode,
    *,
    title: str,
    run: Mapping[str, Any],
    previous: tuple[str, str] | None = None,
    following: tuple[str, str] | None = None,
    help_html: str = "",
) -> str:
    """Turn an executed notebook into an offline HTML page without code cells.

    Charts load plotly.js from the file :func:`cxlib.reports.assets.write_plotly_js` puts
    next to the page (relative link, works from ``file://``); nbconvert's Jupyter styles are
    replaced by cxlab's own small style sheet. The page has a top bar (all reports, previous
    and next report), a table of contents of its sections and the provenance footer.

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook.
    title : str
        Page title.
    run : mapping
        Run record (see :mod:`cxlib.reports.runner`) for the provenance footer.
    previous, following : (href, title), optional
        Neighbouring reports for the previous/next links.
    help_html : str, optional
        The "How to read this" box (trusted HTML, see :mod:`cxlib.reports.glossary`).

    Returns
    -------
    str
        The HTML page.
    """
    clean, charts = _clean_outputs(nb)
    clean.cells = [c for c in clean.cells if c.cell_type != "raw"]  # only cxlab writes raw HTML
    _fold_appendices(clean)
    clean.metadata["title"] = title
    body, _ = _exporter().from_notebook_node(
        clean,
        resources={
            "cxlab_css": PAGE_CSS,
            "cxlab_head": plotly_script_tag() if charts else "",
            "cxlab_nav": nav_html(previous, following),
            "cxlab_help": help_html,
            "cxlab_footer": footer_html(run),
            "cxlab_js": PAGE_JS,
        },
    )
    return body.replace(_TOC_MARK, _toc(body), 1)


def _when(value: Any) -> str:
    if not value:
        return "—"
    try:
        ts = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if ts.tzinfo is not None:
        ts = ts.astimezone(dt.UTC)
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
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s"


def _page(title: str, body: str, *, nav: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">'
        '<meta name="generator" content="cxlab">'
        f"<title>{html.escape(title)}</title><style>{PAGE_CSS}</style></head>"
        f'<body class="cxlab-page">{nav}<main>{body}</main></body></html>\n'
    )


def _shown_parameters(params: Mapping[str, Any]) -> dict[str, Any]:
    """Show ``data`` by its name, not its server path, as a report's visible footer does.

    (The full path stays in the index's folded "Run details", for analysts.)
    """
    return {k: source_name(v) if k == "data" and v else v for k, v in params.items()}


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
            "<p>The previous report is still available: "
            f'<a href="{html.escape(previous)}">{html.escape(previous)}</a>'
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


def _run_details(r: Mapping[str, Any]) -> str:
    rows = [
        f"<dt>Run at</dt><dd>{html.escape(_when(r.get('started')))}</dd>",
        f"<dt>Duration</dt><dd>{html.escape(_duration(r.get('duration_s')))}</dd>",
    ]
    if r.get("period"):
        rows.append(f"<dt>Period</dt><dd>{safe_text(r['period'])}</dd>")
    rows += [
        f"<dt>Parameters</dt><dd>{_params_list(r.get('parameters') or {})}</dd>",
        f"<dt>Data</dt><dd>{safe_text(source_name(r.get('source')))}</dd>",
        f'<dt>Fingerprint</dt><dd><code title="{safe_text(r.get("fingerprint") or "")}">'
        f"{safe_text(str(r.get('fingerprint') or '—')[:16])}</code></dd>",
        f"<dt>cxlib</dt><dd>{safe_text(r.get('cxlib_version') or '—')}</dd>",
        f"<dt>Commit</dt><dd><code>{safe_text(str(r.get('git_commit') or 'unknown')[:12])}</code></dd>",
    ]
    if r.get("size_bytes"):
        rows.append(f"<dt>Size</dt><dd>{_size(r['size_bytes'])}</dd>")
    return f'<details class="cxlab-run"><summary>Run details</summary><dl>{"".join(rows)}</dl></details>'


def _size(n_bytes: Any) -> str:
    value = float(n_bytes)
    return f"{value / 1e6:,.1f} MB" if value >= 1e6 else f"{max(value / 1e3, 0.1):,.0f} kB"


def _coverage(r: Mapping[str, Any]) -> str:
    """Write a card's data coverage lines from the record's ``coverage``.

    ``coverage`` is what the report header publishes: one entry per table with
    ``rows_read``, ``rows_kept``, ``left_out`` (rows by reason) and, when the mapping filtered
    or rolled up, ``filtered`` and ``rolled_up``; or a mapping with ``rows_used`` /
    ``rows_left_out``; or a sentence. Only the tables the report reads count
    (:func:`cxlib.reports.report_tables.tables_used`), and they are named. A second line
    says, per table, rows read, filtered, rolled up, kept and left out with the reasons
    (:func:`cxlib.data.coverage.coverage_sentence`), with a link to the data-health report
    when rows were left out.
    """
    coverage = r.get("coverage")
    if isinstance(coverage, Mapping):
        coverage = [coverage]
    details: list[str] = []
    if isinstance(coverage, list):
        used = left = counted = 0
        names: list[str] = []
        wanted = tables_used(r)
        for entry in coverage:
            if not isinstance(entry, Mapping):
                continue
            table = entry.get("table")
            if wanted is not None and table is not None and table not in wanted:
                continue
            counted += 1
            names += [str(table)] if table is not None else []
            used += int(entry.get("rows_kept", entry.get("rows_used", 0)) or 0)
            dropped = entry.get("left_out", entry.get("rows_left_out", 0))
            left += int(sum(dropped.values()) if isinstance(dropped, Mapping) else (dropped or 0))
            if table is not None and "rows_read" in entry and isinstance(dropped, Mapping):
                details.append(_table_coverage(entry, dropped))
        if not counted:
            return ""
        if isinstance(r.get("experiment"), Mapping) and names == ["experiments"]:
            # an experiment's page: the table's coverage is that of every experiment in it
            names = ["experiments table, all experiments"]
        text = (
            f"{used:,} {'row' if used == 1 else 'rows'} used, {'none' if not left else f'{left:,}'} left out"
            + (f" ({', '.join(names)})" if names else "")
        )
    else:
        text = str(coverage or "")
    if not text:
        return ""
    line = f'<p class="cxlab-coverage">Data: {safe_text(text)}</p>'
    if details:
        health = ' <a href="00_data_health.html">Rows left out: see data health.</a>' if left else ""
        line += f'<p class="cxlab-coverage cxlab-coverage-tables">{safe_text("; ".join(details))}{health}</p>'
    return line


def _table_coverage(entry: Mapping[str, Any], dropped: Mapping[str, Any]) -> str:
    """One table's coverage entry as the report header's sentence (rows read ... left out)."""
    rolled_up = entry.get("rolled_up")
    return coverage_sentence(
        TableCoverage(
            table=str(entry["table"]),
            rows_read=int(entry["rows_read"]),
            rows_kept=int(entry.get("rows_kept") or 0),
            left_out=tuple(LeftOut(str(reason), int(n)) for reason, n in dropped.items()),
            rolled_up=int(rolled_up) if rolled_up is not None else None,
            filtered=int(entry.get("filtered") or 0) or None,
        )
    )


def _experiment_line(r: Mapping[str, Any]) -> str:
    """Write the experiment a page analyses: its name, exposure dates and units per arm.

    ``experiment`` in the record (see :class:`cxlib.reports.runner.Page`) holds customer
    text (the names of the experiment and its variants): every part is escaped.
    """
    found = r.get("experiment")
    if not isinstance(found, Mapping) or not found.get("name"):
        return ""
    parts = [f'Experiment <strong class="cxlab-experiment-name">{safe_text(found["name"])}</strong>']
    first, last = found.get("first_exposure"), found.get("last_exposure")
    if first and last:
        when = str(first) if first == last else f"{first} to {last}"
        parts.append(f'<span class="cxlab-experiment-dates">exposed {safe_text(when)}</span>')
    units = found.get("units")
    if isinstance(units, Mapping) and units:
        arms = ", ".join(
            f'<span class="cxlab-arm" data-variant="{safe_text(v)}" data-units="{int(n)}">'
            f"{safe_text(v)} {int(n):,}</span>"
            for v, n in units.items()
        )
        parts.append(f"units per arm: {arms}")
    return f'<p class="cxlab-experiment">{" · ".join(parts)}</p>'


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def index_page(records: Sequence[Mapping[str, Any]], *, generated: str) -> str:
    """Write the index: an executive summary with one card per report.

    Each card: the report's question, its headline numbers with their verdicts and changes
    (published by the notebook, see :mod:`cxlib.reports.headline_numbers`), its data coverage, for a
    skipped report what it needs, for a failed one what went wrong; run metadata (time,
    parameters, data fingerprint, version, size) folds into "Run details".

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
    statuses = [str(r.get("status")) if r.get("status") in ("ok", "skipped") else "failed" for r in records]
    for r, status in zip(records, statuses, strict=True):
        name = str(r.get("name"))
        title = str(r.get("title") or name)
        report, error_html = r.get("html"), r.get("error_html")
        heading = f'<a href="{html.escape(report)}">{safe_text(title)}</a>' if report else safe_text(title)
        parts = [
            f'<h2>{heading} <span class="cxlab-status {status}">{html.escape(status)}</span></h2>',
        ]
        if r.get("question"):
            question = str(r["question"])
            parts.append(f'<p class="cxlab-question">{safe_text(question[:1].upper() + question[1:])}</p>')
        if status == "ok":
            parts.append(headline_cards(r.get("headlines") or [], limit=MAX_ON_INDEX))
        elif status == "skipped":
            skip = r.get("skip") or {}
            reason = str(skip.get("reason") or "The data lack what this report needs.")
            parts.append(f'<p class="cxlab-needs">{safe_text(reason[:300])}</p>')
            if skip.get("add"):
                parts.append(
                    f'<p class="cxlab-needs"><strong>Needs:</strong> {safe_text(str(skip["add"])[:300])}</p>'
                )
        else:
            error = r.get("error") or {}
            message = f"{error.get('ename', 'Error')}: {error.get('evalue', '')}".strip().rstrip(":")
            step = error.get("detail") or error.get("step")
            parts.append(
                '<p class="cxlab-needs">This report failed'
                + (f" at “{safe_text(step)}”" if step else "")
                + f": {safe_text(message[:300])}"
                + (f' <a href="{html.escape(error_html)}">what went wrong</a>' if error_html else "")
                + "</p>"
            )
            last_ok = r.get("last_ok")
            if report and last_ok:
                parts.append(
                    f'<p class="cxlab-coverage">Showing the previous report from '
                    f"{html.escape(_when(last_ok.get('finished')))}.</p>"
                )
        parts.append(_experiment_line(r))
        parts.append(_coverage(r))
        parts.append(_run_details(r))
        cards.append(
            f'<li class="cxlab-card" id="report-{html.escape(name)}" data-status="{status}">'
            f"{''.join(parts)}</li>"
        )
    n_failed, n_skipped = statuses.count("failed"), statuses.count("skipped")
    said = [_plural(len(records), "report")]
    if n_failed:
        said.append(f"{n_failed:,} failed")
    if n_skipped:
        said.append(f"{n_skipped:,} skipped (the data lack what they need)")
    if not n_failed and not n_skipped:
        said.append("all ok")
    sources = sorted({source_name(r.get("source")) for r in records if r.get("source")})
    data = f" Data: {safe_text(', '.join(sources))}." if sources else ""
    body = (
        "<h1>Customer experience summary</h1>"
        f'<p class="cxlab-summary">{", ".join(said)}.{data} Updated {html.escape(_when(generated))}.</p>'
        f'<ul class="cxlab-cards">{"".join(cards)}</ul>'
    )
    return _page(
        "cxlab reports", body, nav='<nav class="cxlab-topnav"><a href="glossary.html">Glossary</a></nav>'
    )
