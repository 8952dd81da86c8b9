"""Targets per scorecard metric, written as one line of text (a notebook parameter).

``"nps: 40, csat: 80%, cart_abandonment: 0.65"`` (``=`` works as well as ``:``; items are
separated by commas or semicolons) gives a target per metric name of
:data:`~cxlib.scorecard.metrics.METRIC_NAMES`. Shares (CSAT, retention, repeat rate, cart
abandonment, return rate) are written as a share (``0.8``) or a percentage (``80%``); NPS in
points (−100 to 100); money and other averages in their own unit. Whether a target is met
depends on the metric's direction (a cart abandonment target is met at or below it).
"""

from __future__ import annotations

import difflib
import math
import re

from cxlib.errors import DataError
from cxlib.pairs import split_pairs
from cxlib.scorecard.metrics import METRIC_NAMES, metric_catalogue

__all__ = ["PERCENT_METRICS", "parse_targets"]

#: Metrics whose values are shares in [0, 1].
PERCENT_METRICS: frozenset[str] = frozenset(m.name for m in metric_catalogue().values() if m.percent)
_NUMBER = re.compile(r"[-+−]?(?:\d+\.?\d*|\.\d+)")


def _bad(item: str, why: str) -> DataError:
    return DataError(f"targets: {item!r} {why}", rule="bad_targets")


def parse_targets(text: str | None) -> dict[str, float]:
    """Read targets per metric from one line of text.

    Parameters
    ----------
    text : str or None
        ``"nps: 40, csat: 80%"``; empty or None means no targets.

    Returns
    -------
    dict of str to float
        Metric name → target in the scorecard's unit (NPS points, shares in [0, 1], money,
        means), in the order written.

    Raises
    ------
    DataError
        Naming the first bad item: no ``name: value`` pair, an unknown metric (with a
        suggestion), a value that is not a finite number, a share outside 0–100%, an NPS
        outside −100 to 100, a negative amount, or a metric given twice.

    Examples
    --------
    >>> parse_targets("nps: 40, csat=80%")
    {'nps': 40.0, 'csat': 0.8}
    """
    out: dict[str, float] = {}
    for item, written, value_text in split_pairs(text, separators=":="):
        if not written or not value_text:
            raise _bad(item, "is not a pair like nps: 40 (metric, colon, target)")
        name = written.lower()
        if name not in METRIC_NAMES:
            hint = difflib.get_close_matches(name, METRIC_NAMES, n=1)
            extra = f" (did you mean {hint[0]}?)" if hint else f" (known: {', '.join(METRIC_NAMES)})"
            raise _bad(item, f"names no scorecard metric{extra}")
        if name in out:
            raise _bad(item, f"gives a second target for {name}")
        percent = value_text.endswith("%")
        number_text = value_text.removesuffix("%").strip()
        if not _NUMBER.fullmatch(number_text):
            raise _bad(item, "has no number as its target")
        value = float(number_text.replace("−", "-"))
        if not math.isfinite(value):
            raise _bad(item, "has no finite number as its target")
        if name in PERCENT_METRICS:
            value = value / 100 if percent else value
            if not 0 <= value <= 1:
                raise _bad(item, "is a share: write it between 0 and 1 or as a percentage (0.8 or 80%)")
        elif percent:
            raise _bad(item, f"is not a share: write {name} without %")
        elif name == "nps":
            if not -100 <= value <= 100:
                raise _bad(item, "is outside the NPS range −100 to 100")
        elif value < 0:
            raise _bad(item, "is negative")
        out[name] = value
    return out
