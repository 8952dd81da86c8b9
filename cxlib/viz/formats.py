"""Human formats for report text: one style for counts, shares, money, intervals and p-values.

Every sentence and table of a report should format numbers with these helpers, so that a
reader sees one interval style ("95% CI 17 to 26"), one p-value style ("p = 0.023",
"p < 0.001", never "0.000"), currency on every amount, whole counts, correct plurals and
language names instead of ISO codes, and event and channel names as words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from cxlib.errors import DataError
from cxlib.pairs import split_pairs

__all__ = [
    "event_label",
    "format_count",
    "format_interval",
    "format_money",
    "format_p",
    "format_percent",
    "format_signed",
    "language_name",
    "parse_labels",
    "plural",
    "set_labels",
    "source_name",
]

_MINUS = "−"


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def format_count(value: Any) -> str:
    """Format a count as a whole number with thousands separators (``1,234``; ``12.6`` → ``13``)."""
    number = _finite(value)
    if number is None:
        return "—"
    text = f"{abs(round(number)):,}"
    return f"{_MINUS}{text}" if round(number) < 0 else text


def format_percent(share: Any, decimals: int = 1) -> str:
    """Format a share in [0, 1] as a percentage (``0.0912`` → ``9.1%``)."""
    number = _finite(share)
    if number is None:
        return "—"
    text = f"{abs(number) * 100:,.{decimals}f}"
    negative = number < 0 and float(text.replace(",", "")) != 0
    return f"{_MINUS if negative else ''}{text}%"


def format_money(amount: Any, currency: str = "", decimals: int = 2) -> str:
    """Format an amount with its currency (``39.714, "EUR"`` → ``39.71 EUR``; large ones ``794,227 EUR``).

    Amounts of 10,000 or more are shown without decimals.
    """
    number = _finite(amount)
    if number is None:
        return "—"
    places = 0 if abs(number) >= 10_000 else decimals
    text = f"{abs(number):,.{places}f}"
    negative = number < 0 and float(text.replace(",", "")) != 0
    sign = _MINUS if negative else ""
    return f"{sign}{text} {currency}".rstrip() if currency else f"{sign}{text}"


def format_signed(value: Any, decimals: int = 1, unit: str = "") -> str:
    """Format a change with its sign (``+3.5 points``, ``−8.4 pp``, ``0.0``)."""
    number = _finite(value)
    if number is None:
        return "—"
    text = f"{abs(number):,.{decimals}f}"
    sign = "" if float(text.replace(",", "")) == 0 else ("+" if number > 0 else _MINUS)
    if not unit:
        return f"{sign}{text}"
    return f"{sign}{text}{unit}" if unit == "%" else f"{sign}{text} {unit}"


def format_p(p: Any) -> str:
    """Format a p-value the one cxlab way: ``p = 0.23``, ``p = 0.023``, ``p < 0.001``.

    Two significant digits (at most three decimals); below 0.001 it reads ``p < 0.001``,
    so a report never says ``p = 0`` or ``0.000``.
    """
    number = _finite(p)
    if number is None or number < 0:
        return "p not available"
    if number < 0.001:
        return "p < 0.001"
    decimals = 2 if number >= 0.1 else 3
    return f"p = {number:.{decimals}f}"


def format_interval(low: Any, high: Any, fmt: Any = None, *, level: float = 0.95) -> str:
    """Format an interval the one cxlab way: ``95% CI 17 to 26`` (``fmt`` formats each end).

    Parameters
    ----------
    low, high : number
    fmt : callable, optional
        Formats one end, e.g. :func:`format_percent`; default one decimal.
    level : float, default 0.95
    """

    def end(value: Any) -> str:
        if fmt is not None:
            return str(fmt(value))
        number = _finite(value)
        return "—" if number is None else format_signed(number, 1).lstrip("+")

    return f"{level * 100:.0f}% CI {end(low)} to {end(high)}"


def plural(n: Any, singular: str, plural_form: str | None = None) -> str:
    """Write ``n`` and the word in the right number: ``1 table``, ``3 tables``, ``2 countries``."""
    count = _finite(n)
    shown = format_count(n) if count is not None and count == round(count) else str(n)
    if count is not None and abs(count) == 1:
        return f"{shown} {singular}"
    if plural_form is None:
        if singular.endswith("y") and singular[-2:-1] not in set("aeiou"):
            plural_form = singular[:-1] + "ies"
        elif singular.endswith(("s", "x", "z", "ch", "sh")):
            plural_form = singular + "es"
        else:
            plural_form = singular + "s"
    return f"{shown} {plural_form}"


_LANGUAGES = {
    "ar": "Arabic", "be": "Belarusian", "bg": "Bulgarian", "bs": "Bosnian", "ca": "Catalan",
    "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek", "en": "English", "es": "Spanish",
    "et": "Estonian", "fi": "Finnish", "fr": "French", "ga": "Irish", "he": "Hebrew", "hi": "Hindi",
    "hr": "Croatian", "hu": "Hungarian", "hy": "Armenian", "id": "Indonesian", "is": "Icelandic",
    "it": "Italian", "ja": "Japanese", "ka": "Georgian", "ko": "Korean", "lt": "Lithuanian",
    "lv": "Latvian", "mk": "Macedonian", "ms": "Malay", "nb": "Norwegian", "nl": "Dutch",
    "no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian",
    "sk": "Slovak", "sl": "Slovenian", "sq": "Albanian", "sr": "Serbian", "sv": "Swedish",
    "th": "Thai", "tr": "Turkish", "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip


def language_name(code: Any) -> str:
    """Name the language of an ISO 639-1 code (``de`` → ``German``; ``pt-BR`` → ``Portuguese``).

    Unknown codes are returned as written; a missing one reads ``unknown language``.
    """
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return "unknown language"
    text = str(code).strip()
    if not text or text.lower() in {"nan", "none", "<na>", "und", "unknown"}:
        return "unknown language"
    return _LANGUAGES.get(text.lower().replace("_", "-").split("-")[0], text)


def source_name(source: Any) -> str:
    """Name a data source as a reader would: the folder or file name, not the server path.

    ``/srv/exports/shop-2024`` → ``shop-2024``; ``s3://bucket/shop/`` → ``shop``; a text
    that is not a path (``"unit test"``) is kept.
    """
    text = str(source or "").strip()
    if not text:
        return "—"
    if "://" in text:
        text = text.split("://", 1)[1].split("?", 1)[0]
    elif not any(sep in text for sep in ("/", "\\")):
        return text
    parts = [p for p in re.split(r"[/\\]+", text) if p]
    return parts[-1] if parts else text


#: A raw identifier such as ``product_view`` or ``organic_search``: lower-case words joined by "_".
_SNAKE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")


#: Labels the analyst gave for event and channel names (see :func:`set_labels`).
_LABELS: dict[str, str] = {}


def event_label(name: Any) -> str:
    """Write an event or channel name as words: ``product_view`` → ``product view``.

    A label given with :func:`set_labels` wins. Otherwise only names made of lower-case
    words joined by underscores change (``add_to_cart`` → ``add to cart``,
    ``organic_search`` → ``organic search``); any other name, such as ``Newsletter_2024`` or
    ``(no further events)``, is returned as written, so reports show the shop's own labels
    unchanged.
    """
    text = str(name)
    if text in _LABELS:
        return _LABELS[text]
    return text.replace("_", " ") if _SNAKE.fullmatch(text) else text


def set_labels(labels: Mapping[str, str] | None) -> None:
    """Use these labels for event and channel names in sentences, tables and charts.

    Replaces the labels set before (``None`` or ``{}``: none, back to the default words).
    Notebooks call it once with their ``labels`` parameter read by :func:`parse_labels`.
    """
    _LABELS.clear()
    _LABELS.update({str(k): str(v) for k, v in (labels or {}).items()})


def parse_labels(text: str | None) -> dict[str, str]:
    """Read labels for event and channel names from one line of text.

    Parameters
    ----------
    text : str or None
        ``"product_view: Product page, organic_search: Google"``: pairs of a name as it is in
        the data, a colon and its label, separated by commas or semicolons; empty or None
        means no labels.

    Returns
    -------
    dict of str to str
        Name → label, in the order written.

    Raises
    ------
    DataError
        Naming the first bad item: no ``name: label`` pair, or a name given twice.

    Examples
    --------
    >>> parse_labels("product_view: Product page; organic_search: Google")
    {'product_view': 'Product page', 'organic_search': 'Google'}
    """
    out: dict[str, str] = {}
    for item, name, label in split_pairs(text):
        if not name or not label:
            raise _bad_label(item, "is not a pair like product_view: Product page (name, colon, label)")
        if name in out:
            raise _bad_label(item, f"gives a second label for {name}")
        out[name] = label
    return out


def _bad_label(item: str, why: str) -> DataError:
    return DataError(f"labels: {item!r} {why}", rule="bad_labels")
