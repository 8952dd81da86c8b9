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

__all__ = [
    "CARD_TOKEN",
    "EMAIL_TOKEN",
    "IBAN_TOKEN",
    "PHONE_TOKEN",
    "mask_pii",
    "pseudonymize",
    "safe_text",
    "suppress_small",
]

EMAIL_TOKEN = "[email]"
PHONE_TOKEN = "[phone]"
IBAN_TOKEN = "[iban]"
CARD_TOKEN = "[card]"

# Text is matched in a normalised view: invisible characters (zero-width spaces and joiners,
# soft hyphens, word joiners, BOM) are dropped, every kind of space (no-break, thin, narrow,
# figure, ideographic ...) is a plain space, dash-like characters are "-", and full-width
# digits, "@", "+" and "." are their ASCII forms. Matches are then replaced in the original.
_INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff")
_SPACES = frozenset(
    "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t"
)
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")
_WIDE = {chr(0xFF10 + i): str(i) for i in range(10)} | {
    "\uff20": "@",
    "\uff0b": "+",
    "\uff0e": ".",
    "\uff0f": "/",
}

_LOCAL = r"[\w!#$%&'*+/=?^`{|}~.-]+"
_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"
_EMAIL = re.compile(
    rf"(?<![\w!#$%&'*+/=?^`{{|}}~.-]){_LOCAL}@(?:{_LABEL}\.)+[^\W\d_](?:[\w-]{{0,62}}[^\W_])?(?![\w-])"
)
# IBAN: country, check digits, 11 to 30 letters or digits (spaces every four allowed),
# confirmed by the ISO 13616 mod-97 check.
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])")
# Payment card: 13 to 19 digits starting with 2 to 6 (the card networks), spaces or dashes
# between groups, confirmed by the Luhn check.
_CARD = re.compile(r"(?<![\d.,+])[2-6](?:[ -]?\d){12,18}(?!\d)")
# Dates and times look like phone numbers; they are not personal data. The combined pattern
# tries a date (with an optional time) or a UUID first at each position, so these are
# consumed and kept.
_DATE = (
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
)
_UUID = r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
# A phone-like run: optional "+" or "00", then 7 to 15 digits separated by at most two spaces,
# dots, dashes, slashes or brackets between digits. Not after "#" (order numbers).
_PHONE = r"(?:\+|00)?\(?\d(?:[ .\-/()]{0,2}\d){6,14}"
# ASCII-only word boundaries, so that numbers written straight after Chinese or Arabic
# letters (手機0953-008-481) are still found.
_DATE_OR_PHONE = re.compile(
    rf"(?<![A-Za-z0-9_+#.,])(?:(?P<date>\(?(?:{_UUID}|{_DATE}))|(?P<phone>{_PHONE}))(?![A-Za-z0-9_])"
)
# Statistics in report sentences are not phone numbers: a decimal fraction ("66.26 (64.82",
# "0.008561") is recognised by a dot followed by digits and then a space, bracket or the end,
# when the run also holds spaces or brackets, or by a leading "0.".
_DECIMAL = re.compile(r"^\+?0\.\d|\d\.\d+(?:[ ()]|$)")
# ... unless dots separate three or more digit groups ("555.123.4567"): that is a phone.
_DOTTED = re.compile(r"\d\.\d+\.\d")
# International numbers in any country's format ("+49 (0) 30 / 123 45 67", "+1 650 253 0000
# x12") are found by libphonenumber (the ``phonenumbers`` package) when a "+" is present.
_PLUS_DIGIT = re.compile(r"\+\s?\(?\d")
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2}))")
# "@" as a URL or HTML character reference ("jan%40example.com", "jan&#64;example.com").
_ENCODED_AT = re.compile(r"%40|&#0*64;|&#x0*40;|&commat;", re.IGNORECASE)

# Addresses spelled to dodge harvesters: "jan(at)example(dot)com", "jan [at] wp [dot] pl",
# "jan @ example . com", "jan.kowalski(małpa)wp.pl", "jan at gmail dot com". "@" and "." may be
# bracketed words in the languages cxlib reads (Polish "małpa"/"kropka", Czech "zavináč"/
# "tečka", Spanish and Portuguese "arroba", German "Punkt", ...), or spaced out.
_AT_WORDS = r"at|małpa|malpa|zavináč|zavinac|arroba|chiocciola|klammeraffe|apenstaartje|apestaartje|arobase"
_DOT_WORDS = r"dot|punkt|kropka|tečka|tecka|bodka|punto|ponto|punt|point|pont"
_OPEN, _CLOSE = r"[(\[{<]", r"[)\]}>]"
_BRACKETED_AT = rf"\s*{_OPEN}\s*(?:{_AT_WORDS}|a|affe|ät|@)\s*{_CLOSE}\s*"
_BRACKETED_DOT = rf"\s*{_OPEN}\s*(?:{_DOT_WORDS}|\.)\s*{_CLOSE}\s*"
_WORD_DOT = rf"\s+(?:{_DOT_WORDS})\s+"
_OBFUSCATED_DOT = rf"(?:{_BRACKETED_DOT}|{_WORD_DOT})"
_ANY_DOT = rf"(?:{_OBFUSCATED_DOT}|\.|\s\.\s)"
_MAILBOX = r"(?<![\w.+-])[^\W_](?:[\w.+-]*[^\W_])?"
_DOMAIN_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"
# all lower or all upper case, so that "Thanks @ Shop . Great" (a new sentence) is no address
_TOP_LEVEL = r"(?-i:[^\W\d_A-Z]{2,24}|[A-Z]{2,24})(?![\w-])"
_SPELLED_DOMAIN = rf"(?:{_DOMAIN_LABEL}{_ANY_DOT})+{_TOP_LEVEL}"
# A bracketed or spaced "@": any dots after it.
_OBFUSCATED_EMAIL = re.compile(rf"{_MAILBOX}(?:{_BRACKETED_AT}|\s*@\s*){_SPELLED_DOMAIN}", re.IGNORECASE)
# "at" as a plain word ("look at amazon.com" is no address): only with a spelled-out dot, or
# before a large mail provider's domain ("jan at gmail.com").
_MAIL_PROVIDERS = (
    r"gmail|googlemail|yahoo|hotmail|outlook|live|msn|icloud|aol|gmx|web|t-online|yandex|"
    r"wp|o2|onet|interia|seznam|centrum|azet|zoznam|libero|virgilio|orange|free|laposte|"
    r"wanadoo|ziggo|telenet|terra|uol|bol|qq|163|126|sina|proton|protonmail|tutanota|zoho"
)
_WORD_AT_EMAIL = re.compile(
    rf"{_MAILBOX}\s+(?:{_AT_WORDS})\s+(?P<domain>{_SPELLED_DOMAIN})",
    re.IGNORECASE,
)
_SPELLED_DOT = re.compile(_OBFUSCATED_DOT, re.IGNORECASE)
_PROVIDER = re.compile(rf"(?:{_MAIL_PROVIDERS})\.", re.IGNORECASE)
# Letters typed one by one: "j a n @ g m a i l . c o m".
_SPACED_CHARACTERS = re.compile(r"(?<!\S)(?:\S ){4,}\S(?!\S)")


def _plain_char(char: str) -> str | None:
    """Return a character as matched: ``""`` if invisible, ``None`` if it stays as it is."""
    if char in _INVISIBLE:
        return ""
    if char in _SPACES:
        return " "
    if char in _DASHES:
        return "-"
    return _WIDE.get(char)


def _normalise(text: str) -> tuple[str, list[int], list[int]]:
    r"""Return the normalised view of ``text`` and where each of its characters is in ``text``.

    Escape sequences that a printed Python or JSON string shows for such characters
    (``\u200b``, ``\xa0``) are read as the characters they stand for.
    """
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    index, size = 0, len(text)
    while index < size:
        char, step = text[index], 1
        if char == "\\":
            escape = _ESCAPE.match(text, index)
            if escape is not None:
                decoded = chr(int(escape.group(1) or escape.group(2), 16))
                if _plain_char(decoded) is not None:
                    char, step = decoded, escape.end() - index
        elif char in "%&":
            encoded = _ENCODED_AT.match(text, index)
            if encoded is not None:
                char, step = "@", encoded.end() - index
        plain = _plain_char(char)
        if plain != "":
            chars.append(char if plain is None else plain)
            starts.append(index)
            ends.append(index + step)
        index += step
    return "".join(chars), starts, ends


def _is_phone(match: re.Match[str]) -> bool:
    found = match.group(0)
    if match.group("date"):
        return False
    if (
        "." in found
        and not _DOTTED.search(found)
        and _DECIMAL.search(found)
        and (re.search(r"[ ()]", found) or found.lstrip("+").startswith("0."))
    ):
        return False
    return not re.fullmatch(r"\d+\.\d{1,2}", found)  # an amount such as 1234567.89


def _iban_ok(found: str) -> bool:
    compact = found.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    digits = "".join(str(int(c, 36)) for c in compact[4:] + compact[:4])
    return int(digits) % 97 == 1


def _luhn_ok(found: str) -> bool:
    digits = [int(c) for c in found if c.isdigit()]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def _international_phones(text: str) -> list[tuple[int, int]]:
    if not _PLUS_DIGIT.search(text):
        return []
    import phonenumbers

    matcher = phonenumbers.PhoneNumberMatcher(text, None, leniency=phonenumbers.Leniency.POSSIBLE)
    return [(m.start, m.end) for m in matcher]


def _worded_address(domain: str) -> bool:
    """Whether the domain after a plain "at" makes an address: a spelled-out dot, or a mail provider."""
    return bool(_SPELLED_DOT.search(domain) or _PROVIDER.match(domain))


def _spans(text: str) -> list[tuple[int, int, str]]:
    """Personal-data spans of a normalised text: (start, end, token), not overlapping."""
    found: list[tuple[int, int, str]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in found)

    # matches of one pattern never overlap each other; each is checked against earlier kinds
    for m in _EMAIL.finditer(text):
        start = m.start()
        # 'jane@example.com' in quotes (a printed list): the opening quote is not the mailbox's
        while text[start] in "'`" and text[m.end() : m.end() + 1] == text[start]:
            start += 1
        found.append((start, m.end(), EMAIL_TOKEN))
    found.extend([(*m.span(), EMAIL_TOKEN) for m in _OBFUSCATED_EMAIL.finditer(text) if free(*m.span())])
    worded = [m for m in _WORD_AT_EMAIL.finditer(text) if _worded_address(m.group("domain"))]
    found.extend([(*m.span(), EMAIL_TOKEN) for m in worded if free(*m.span())])
    spaced = [
        m for m in _SPACED_CHARACTERS.finditer(text) if "@" in m[0] and _EMAIL.search(m[0].replace(" ", ""))
    ]
    found.extend([(*m.span(), EMAIL_TOKEN) for m in spaced if free(*m.span())])
    ibans = [m for m in _IBAN.finditer(text) if _iban_ok(m.group(0))]
    found.extend([(*m.span(), IBAN_TOKEN) for m in ibans if free(*m.span())])
    cards = [m for m in _CARD.finditer(text) if _luhn_ok(m.group(0))]
    found.extend([(*m.span(), CARD_TOKEN) for m in cards if free(*m.span())])
    found.extend(
        [(start, end, PHONE_TOKEN) for start, end in _international_phones(text) if free(start, end)]
    )
    phones = [m for m in _DATE_OR_PHONE.finditer(text) if _is_phone(m)]
    found.extend([(*m.span(), PHONE_TOKEN) for m in phones if free(*m.span())])
    return sorted(found)


def mask_pii(text: Any) -> str:
    """Replace e-mail addresses, phone numbers, IBANs and payment-card numbers by placeholders.

    Parameters
    ----------
    text : str or None
        Free text, e.g. a review or a support ticket. ``None`` and NaN give ``""``.

    Returns
    -------
    str
        The text with every e-mail address (also with non-ASCII mailboxes or domains)
        replaced by ``[email]``, every phone number (7 to 15 digits, optionally with
        ``+``/``00`` prefix and separators; international numbers in any country format) by
        ``[phone]``, every IBAN (mod-97 checked) by ``[iban]`` and every payment-card number
        (Luhn checked, compact or in groups) by ``[card]``. Zero-width characters inside an
        address and no-break or thin spaces inside a number do not hide it, nor does an
        address spelled to dodge harvesters (``jan(at)example(dot)com``, ``jan @ example .
        com``, ``juan arroba gmail punto com``, ``jan%40example.com``). Dates such as
        ``2024-05-01``, decimals and amounts are kept; the rest of the text is unchanged.

    Examples
    --------
    >>> mask_pii("Call me at +44 20 7946 0958 or mail jane.doe@example.com")
    'Call me at [phone] or mail [email]'
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    original = str(text)
    view, starts, ends = _normalise(original)
    spans = _spans(view)
    if not spans:
        return original
    out: list[str] = []
    position = 0
    for start, end, token in spans:
        first, last = starts[start], ends[end - 1]
        out.append(original[position:first])
        out.append(token)
        position = last
    out.append(original[position:])
    return "".join(out)


def safe_text(text: Any) -> str:
    """Make customer text safe to put into HTML: PII masked, then HTML-escaped.

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
