"""Name–value pairs written on one line of text, the form of several notebook parameters.

``"nps: 40, csat: 80%"`` (scorecard targets, :func:`cxlib.scorecard.targets.parse_targets`)
and ``"product_view: Product page; seo: Google"`` (labels, :func:`cxlib.viz.formats.parse_labels`)
are both items separated by commas or semicolons, each a name, a separator and a value.
:func:`split_pairs` splits them; what a valid name or value is, and the error naming a bad item,
stay with each parameter's reader.
"""

from __future__ import annotations

import re

__all__ = ["split_pairs"]


def split_pairs(text: str | None, separators: str = ":") -> list[tuple[str, str, str]]:
    """Split ``"name: value, name: value"`` into its items, each with its name and value.

    Parameters
    ----------
    text : str or None
        Items separated by commas or semicolons; empty items (``"a: 1, ,"``) are skipped, and
        empty or None text has none.
    separators : str, default ":"
        Characters any one of which separates a name from its value (``":="`` accepts both);
        an item is split at the first of them, so a value may hold one (``"a: b: c"``).

    Returns
    -------
    list of (str, str, str)
        ``(item, name, value)`` per item in the order written: the item as written (stripped,
        for error messages), its name and value stripped. An item without a separator has
        the value ``""``; one starting with a separator has the name ``""``.

    Examples
    --------
    >>> split_pairs("nps: 40; csat=80%, ", separators=":=")
    [('nps: 40', 'nps', '40'), ('csat=80%', 'csat', '80%')]
    >>> split_pairs("product_view")
    [('product_view', 'product_view', '')]
    """
    split = re.compile(f"[{re.escape(separators)}]")
    out = []
    for raw in re.split(r"[,;]", text or ""):
        item = raw.strip()
        if item:
            name, *value = split.split(item, maxsplit=1)
            out.append((item, name.strip(), value[0].strip() if value else ""))
    return out
