"""Headline numbers: what a notebook puts on the executive index.

A notebook publishes one to three numbers from its findings cell::

    from cxlib.reports import headline, headlines

    headlines(
        headline("NPS", 42, unit="points", verdict="better", change=3.5, previous="previous 90 days"),
        headline("Repeat rate", "31.2%", verdict="no clear change"),
    )

Displayed, the headlines show as cards in the report; the same numbers travel as JSON
(mimetype :data:`HEADLINES_MIME`) in the executed notebook, ``cxlab run`` copies them into
the run record, and the index shows them as the report's summary. The verdict word is one
of :data:`VERDICTS`; its colour (green, red, amber, grey) and the arrow of the change are
set here, so every report speaks the same way.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from cxlib.privacy import safe_text

__all__ = ["HEADLINES_MIME", "VERDICTS", "Headline", "Headlines", "headline", "headline_cards", "headlines"]

#: Mimetype of the headline JSON in notebook outputs (read by :mod:`cxlib.reports.execute`).
HEADLINES_MIME = "application/vnd.cxlab.headlines+json"
#: The verdict words, and the CSS class (colour) of each.
VERDICTS: dict[str, str] = {
    "better": "better",
    "worse": "worse",
    "no clear change": "flat",
    "needs attention": "attention",
}
_ARROWS = {"up": "▲", "down": "▼", "flat": "▶"}
#: The index shows at most this many headlines per report.
MAX_ON_INDEX = 3


@dataclass(frozen=True)
class Headline:
    """One headline number, ready to show (all fields are display text).

    Attributes
    ----------
    label : str
        What the number is ("NPS", "Month-1 retention").
    value : str
        The number as shown ("42", "31.2%", "€1,234").
    verdict : str or None
        One of :data:`VERDICTS`, or ``None`` for a level that is not judged.
    change : str or None
        The change as shown ("+3.5 points"), if there is one.
    direction : {"up", "down", "flat"} or None
        Arrow of the change.
    previous : str or None
        What the change is measured against ("previous 90 days").
    note : str or None
        One short sentence under the number.
    """

    label: str
    value: str
    verdict: str | None
    change: str | None = None
    direction: str | None = None
    previous: str | None = None
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the headline as JSON (what the run record keeps)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Headline | None:
        """Read a headline from a run record; ``None`` when the entry is not one."""
        if not isinstance(data, Mapping) or not data.get("label") or data.get("value") is None:
            return None
        verdict = data.get("verdict")
        direction = data.get("direction")
        return cls(
            label=str(data["label"]),
            value=str(data["value"]),
            verdict=verdict if verdict in VERDICTS else None,
            change=None if data.get("change") is None else str(data["change"]),
            direction=direction if direction in _ARROWS else None,
            previous=None if data.get("previous") is None else str(data["previous"]),
            note=None if data.get("note") is None else str(data["note"]),
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return Headlines([self])._repr_mimebundle_(include, exclude)


@dataclass(frozen=True)
class Headlines:
    """Several headlines shown together (one row of cards); displays itself in notebooks."""

    items: Sequence[Headline]

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {
            "text/html": headline_cards(self.items),
            HEADLINES_MIME: {"headlines": [h.to_json() for h in self.items]},
        }

    def _repr_html_(self) -> str:
        return headline_cards(self.items)


def _number(value: float, decimals: int | None) -> str:
    if decimals is None:
        decimals = 0 if float(value).is_integer() or abs(value) >= 100 else 1
    return f"{abs(value):,.{decimals}f}"


def _signed(value: float, decimals: int | None) -> str:
    text = _number(value, decimals)
    if float(text.replace(",", "")) == 0:
        return text
    return ("+" if value > 0 else "−") + text


def headline(
    label: str,
    value: Any,
    *,
    verdict: str | None,
    change: float | str | None = None,
    unit: str = "",
    change_unit: str | None = None,
    decimals: int | None = None,
    direction: str | None = None,
    previous: str | None = None,
    note: str | None = None,
) -> Headline:
    """One headline number with its verdict and its change versus the previous period.

    Parameters
    ----------
    label : str
        What the number is, in the reader's words ("NPS", "Month-1 retention").
    value : number or str
        A number (formatted with thousands separators; ``unit`` appended) or the text to show
        (already formatted, e.g. with :mod:`cxlib.viz.formats`).
    verdict : {"better", "worse", "no clear change", "needs attention"} or None
        The word the index shows, with its colour; ``None`` for a level without a
        comparison (no word, no colour).
    change : number or str, optional
        Change versus the previous period: a number is shown signed ("+3.5") with
        ``change_unit`` (default ``unit``) and sets the arrow; a text is shown as is.
    unit : str, optional
        Unit after a numeric value: ``"%"`` sticks to the number, words get a space
        ("points", "days").
    change_unit : str, optional
        Unit of a numeric change (e.g. ``"points"`` for a rate shown in %).
    decimals : int, optional
        Decimals for numeric value and change (default: 0 for whole or large numbers, else 1).
    direction : {"up", "down", "flat"}, optional
        Arrow when ``change`` is text (a number's sign sets it otherwise).
    previous : str, optional
        What the change compares with ("previous 90 days").
    note : str, optional
        One short sentence shown under the number.

    Returns
    -------
    Headline
        Displays as a card; display several with :func:`headlines`.

    Raises
    ------
    ValueError
        An unknown verdict or direction, or a value that is not a finite number or text.
    """
    if verdict is not None and verdict not in VERDICTS:
        raise ValueError(f"headline {label!r}: verdict must be one of {', '.join(map(repr, VERDICTS))}")
    if direction is not None and direction not in _ARROWS:
        raise ValueError(f"headline {label!r}: direction must be 'up', 'down' or 'flat'")
    shown = _with_unit(_format_value(label, value, decimals), unit) if not isinstance(value, str) else value
    change_text: str | None = None
    if isinstance(change, str):
        change_text = change
    elif change is not None:
        number = float(change)
        if not math.isfinite(number):
            change_text = None
        else:
            change_text = _with_unit(_signed(number, decimals), unit if change_unit is None else change_unit)
            if direction is None:
                rounded = float(_number(number, decimals).replace(",", ""))
                direction = "flat" if rounded == 0 else ("up" if number > 0 else "down")
    return Headline(
        label=str(label),
        value=shown,
        verdict=verdict,
        change=change_text,
        direction=direction if change_text is not None else None,
        previous=previous,
        note=note,
    )


def _format_value(label: str, value: Any, decimals: int | None) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"headline {label!r}: value must be a number or a text, not {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"headline {label!r}: value is not a finite number ({value!r})")
    text = _number(number, decimals)
    return ("−" if number < 0 and float(text.replace(",", "")) != 0 else "") + text


def _with_unit(text: str, unit: str) -> str:
    if not unit:
        return text
    return f"{text}{unit}" if unit in {"%", "×"} else f"{text} {unit}"


def headlines(*items: Headline | Iterable[Headline]) -> Headlines:
    """Show several headlines as one row of cards (and publish them to the index)."""
    flat: list[Headline] = []
    for item in items:
        if isinstance(item, Headline):
            flat.append(item)
        else:
            flat.extend(item)
    return Headlines(flat)


def headline_cards(items: Iterable[Headline | Mapping[str, Any]], *, limit: int | None = None) -> str:
    """HTML of headline cards (escaped, PII-masked), used in reports and on the index.

    Parameters
    ----------
    items : iterable of Headline or mapping
        Headlines, or their JSON from a run record (entries that are not headlines are
        left out).
    limit : int, optional
        Show at most this many.

    Returns
    -------
    str
        ``""`` when there is nothing to show.
    """
    shown: list[Headline] = []
    for item in items:
        one = item if isinstance(item, Headline) else Headline.from_json(item)
        if one is not None:
            shown.append(one)
    if limit is not None:
        shown = shown[:limit]
    if not shown:
        return ""
    cards = []
    for h in shown:
        css = VERDICTS.get(h.verdict or "", "level")
        change = ""
        if h.change:
            arrow = _ARROWS.get(h.direction or "", "")
            against = f" vs {safe_text(h.previous)}" if h.previous else ""
            change = (
                '<span class="cxlab-hl-change">'
                + (f'<span class="cxlab-hl-arrow" aria-hidden="true">{arrow}</span> ' if arrow else "")
                + f"{safe_text(h.change)}{against}</span>"
            )
        note = f'<span class="cxlab-hl-note">{safe_text(h.note)}</span>' if h.note else ""
        cards.append(
            f'<div class="cxlab-hl {css}" data-verdict="{html.escape(h.verdict or "")}">'
            f'<span class="cxlab-hl-label">{safe_text(h.label)}</span>'
            f'<span class="cxlab-hl-value">{safe_text(h.value)}</span>'
            + (f'<span class="cxlab-hl-verdict">{html.escape(h.verdict)}</span>' if h.verdict else "")
            + f"{change}{note}</div>"
        )
    return f'<div class="cxlab-headlines">{"".join(cards)}</div>'
