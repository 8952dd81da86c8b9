"""Privacy helpers for anything that leaves cxlib: masking, escaping, small-cell suppression.

Reports are read by people who should not see customers' e-mail addresses or phone numbers,
and customer text (reviews, tickets, survey comments) must never be able to inject markup
or scripts into an HTML report. Every piece of customer text that a notebook shows goes
through :func:`safe_text`; every aggregate broken down by small segments can go through
:func:`suppress_small`.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

__all__ = ["EMAIL_TOKEN", "PHONE_TOKEN", "mask_pii", "pseudonymize", "safe_text", "suppress_small"]

EMAIL_TOKEN = "[email]"
PHONE_TOKEN = "[phone]"

_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+"
_EMAIL = re.compile(
    rf"(?<![A-Za-z0-9!#$%&'*+/=?^_`{{|}}~.-]){_LOCAL}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z][A-Za-z0-9-]{{1,62}}(?![\w-])"
)
# Dates and times look like phone numbers; they are not personal data. The combined pattern
# tries a date (with an optional time) first at each position, so dates are consumed and kept.
_DATE = (
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
)
# A phone-like run: optional "+" or "00", then 7 to 15 digits separated by at most two spaces,
# dots, dashes, slashes or brackets between digits. Not after "#" (order numbers).
_PHONE = r"(?:\+|00)?\(?\d(?:[ .\-/()]{0,2}\d){6,14}"
# ASCII-only word boundaries, so that numbers written straight after Chinese or Arabic
# letters (手機0953-008-481) are still found.
_DATE_OR_PHONE = re.compile(
    rf"(?<![A-Za-z0-9_+#.,])(?:(?P<date>\(?(?:{_DATE}))|(?P<phone>{_PHONE}))(?![A-Za-z0-9_])"
)
# Statistics in report sentences are not phone numbers: a decimal fraction ("66.26 (64.82",
# "0.008561") is recognised by a dot followed by digits and then a space, bracket or the end,
# when the run also holds spaces or brackets, or by a leading "0.".
_DECIMAL = re.compile(r"^\+?0\.\d|\d\.\d+(?:[ ()]|$)")


def _mask_phone(match: re.Match[str]) -> str:
    found = match.group(0)
    if match.group("date"):
        return found
    if (
        "." in found
        and _DECIMAL.search(found)
        and (re.search(r"[ ()]", found) or found.lstrip("+").startswith("0."))
    ):
        return found
    if re.fullmatch(r"\d+\.\d{1,2}", found):  # an amount such as 1234567.89
        return found
    return PHONE_TOKEN


def mask_pii(text: Any) -> str:
    """Replace e-mail addresses and phone numbers in ``text`` by placeholders.

    Parameters
    ----------
    text : str or None
        Free text, e.g. a review or a support ticket. ``None`` and NaN give ``""``.

    Returns
    -------
    str
        The text with every e-mail address replaced by ``[email]`` and every phone number
        (7 to 15 digits, optionally with ``+``/``00`` prefix and separators) by ``[phone]``.
        Dates such as ``2024-05-01`` are kept.

    Examples
    --------
    >>> mask_pii("Call me at +44 20 7946 0958 or mail jane.doe@example.com")
    'Call me at [phone] or mail [email]'
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    masked = _EMAIL.sub(EMAIL_TOKEN, str(text))
    return _DATE_OR_PHONE.sub(_mask_phone, masked)


def safe_text(text: Any) -> str:
    """Customer text made safe to put into HTML: PII masked, then HTML-escaped.

    Use it for every piece of customer-written text a report shows (``display(HTML(...))``).
    Do not put customer text into Markdown cells: Markdown would still interpret links.

    Parameters
    ----------
    text : str or None
        Any text. ``None`` and NaN give ``""``.

    Returns
    -------
    str
        Text in which ``<``, ``>``, ``&``, ``"`` and ``'`` are escaped, so that a browser
        shows it literally and never runs it.

    Examples
    --------
    >>> safe_text("<script>alert(1)</script> from bob@example.org")
    '&lt;script&gt;alert(1)&lt;/script&gt; from [email]'
    """
    return html.escape(mask_pii(text), quote=True)


def suppress_small(
    df: pd.DataFrame,
    n_col: str,
    min_n: int = 10,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Blank out aggregates that are based on fewer than ``min_n`` people.

    Parameters
    ----------
    df : pandas.DataFrame
        An aggregate table with one row per segment. Required column: ``n_col``.
    n_col : str
        Column holding the number of people (or responses) behind each row.
    min_n : int, default 10
        Rows with ``df[n_col] < min_n`` are suppressed.
    columns : sequence of str, optional
        Columns to blank in suppressed rows. Default: every numeric column, ``n_col``
        included.

    Returns
    -------
    pandas.DataFrame
        A copy in which the chosen columns of small rows are missing (NaN / NA), plus a
        boolean column ``suppressed``.
    """
    if n_col not in df.columns:
        raise KeyError(f"suppress_small: column '{n_col}' not in the table")
    out = df.copy()
    small = (out[n_col] < min_n).fillna(False).astype(bool)
    targets = (
        list(columns)
        if columns is not None
        else [
            c
            for c in out.columns
            if pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c])
        ]
    )
    for column in targets:
        series = out[column]
        if pd.api.types.is_integer_dtype(series) and not isinstance(
            series.dtype, pd.api.extensions.ExtensionDtype
        ):
            series = series.astype("float64")
        out[column] = series.where(~small)
    out["suppressed"] = small
    return out


def pseudonymize(ids: Iterable[Any], salt: str, length: int = 16) -> list[str]:
    """Stable pseudonyms for identifiers (salted SHA-256, hex, truncated).

    Parameters
    ----------
    ids : iterable
        Identifiers (any values; converted with ``str``).
    salt : str
        Secret salt; the same salt gives the same pseudonym for the same id.
    length : int, default 16
        Number of hex characters kept.

    Returns
    -------
    list of str
    """
    if not salt:
        raise ValueError("pseudonymize needs a non-empty salt")
    key = salt.encode()
    return [hashlib.sha256(key + b"\x00" + str(v).encode()).hexdigest()[:length] for v in ids]
