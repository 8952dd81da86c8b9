"""The last check before a file is written under ``--out``: personal data masked everywhere.

Notebooks already mask customer text with :func:`cxlib.privacy.safe_text`, but a chart's
hover text, legend entries and axis categories, an exception message or a parameter value
can still carry an e-mail address or a phone number. Every page and record that ``cxlab
run`` writes goes through :func:`mask_html` or :func:`mask_json` first, so nothing depends on
each notebook remembering to mask.

What is masked (with :func:`cxlib.privacy.mask_pii`):

* HTML text between tags, after resolving character references (``jane&#64;x.org``);
* attribute values people read (``title``, ``alt``, ``aria-label``, ``value``, ...);
* every string literal in inline scripts: the figure JSON that plotly draws from (trace
  names, categories, hover text, annotations); numbers and binary arrays (``bdata``) are
  left alone, and so is the plotly.js library itself;
* every string in run records (JSON).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from cxlib.privacy import mask_pii

__all__ = ["mask_html", "mask_json"]

_BLOCKS = re.compile(
    r"(?P<script><script\b[^>]*>)(?P<code>.*?)(?P<end></script\s*>)"
    r"|(?P<style><style\b.*?</style\s*>)"
    r"|(?P<comment><!--.*?-->)"
    r"|(?P<tag><[^>]*>)",
    re.IGNORECASE | re.DOTALL,
)
_ATTRIBUTE = re.compile(r"""(?P<name>[\w:.-]+)(?P<eq>\s*=\s*)(?P<q>["'])(?P<value>.*?)(?P=q)""", re.DOTALL)
#: Attributes that hold identifiers, links or styling, never words for a reader.
_MACHINE_ATTRIBUTES = frozenset({"id", "class", "style", "src", "href", "type", "charset", "rel", "name"})
_JS_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_BINARY_KEY = re.compile(r'"bdata"\s*:\s*$')
#: Skip the library bundle: it is code shipped with plotly, not data.
_LIBRARY_BANNER = re.compile(r"\A\s*/\*\*?\s*\*?\s*plotly\.js v\d", re.IGNORECASE)


def _mask_markup_text(text: str) -> str:
    """Mask text as a browser shows it (character references resolved); unchanged if clean."""
    plain = html.unescape(text)
    masked = mask_pii(plain)
    return text if masked == plain else html.escape(masked)


def _mask_attribute(match: re.Match[str]) -> str:
    if match.group("name").lower() in _MACHINE_ATTRIBUTES:
        return match.group(0)
    value = match.group("value")
    plain = html.unescape(value)
    masked = mask_pii(plain)
    if masked == plain:
        return match.group(0)
    return (
        f"{match.group('name')}{match.group('eq')}{match.group('q')}{html.escape(masked)}{match.group('q')}"
    )


def _mask_js_string(match: re.Match[str]) -> str:
    literal = match.group(0)
    if _BINARY_KEY.search(match.string, max(0, match.start() - 32), match.start()):
        return literal
    try:
        value = json.loads(literal)
    except ValueError:
        return literal
    masked = mask_pii(value)
    if masked == value:
        return literal
    encoded = json.dumps(masked, ensure_ascii=False)
    return encoded.replace("<", "\\u003c").replace(">", "\\u003e").replace("/", "\\/")


def _mask_script(code: str) -> str:
    if _LIBRARY_BANNER.match(code[:300]):
        return code
    return _JS_STRING.sub(_mask_js_string, code)


def mask_html(page: str) -> str:
    """Mask e-mail addresses and phone numbers in an HTML page (text, attributes, scripts).

    Parameters
    ----------
    page : str
        A complete HTML document or a fragment.

    Returns
    -------
    str
        The page with personal data replaced by ``[email]`` / ``[phone]`` placeholders;
        markup, numbers in chart data and the plotly.js library are unchanged.
    """
    out: list[str] = []
    position = 0
    for match in _BLOCKS.finditer(page):
        out.append(_mask_markup_text(page[position : match.start()]))
        position = match.end()
        if match.group("script") is not None:
            head = _ATTRIBUTE.sub(_mask_attribute, match.group("script"))
            out.append(head + _mask_script(match.group("code")) + match.group("end"))
        elif match.group("tag") is not None:
            out.append(_ATTRIBUTE.sub(_mask_attribute, match.group("tag")))
        else:
            out.append(match.group(0))
    out.append(_mask_markup_text(page[position:]))
    return "".join(out)


def mask_json(value: Any) -> Any:
    """Copy of a JSON-like value with every string (keys included) masked by ``mask_pii``."""
    if isinstance(value, str):
        return mask_pii(value)
    if isinstance(value, dict):
        return {mask_json(k) if isinstance(k, str) else k: mask_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_json(v) for v in value]
    return value
