"""Stable pseudonyms for e-mail addresses and phone numbers used as customer keys.

An export from a shop platform or a survey tool identifies customers by their e-mail address
or phone number. cxlib replaces such a key, as soon as a table is read, by a salted hash:
the same address always gives the same pseudonym (so orders, surveys and reviews of one
customer still join), the raw value never reaches an analysis or a report, and without the
salt nobody can tell which address a pseudonym stands for.

The key is first normalised, so that the spellings one customer produces across tools agree:
spaces around it are removed; an e-mail address (anything holding ``@``) is lower-cased; a
phone number (only digits, spaces and ``+ ( ) . / - '``) keeps its digits and ``+`` only.
The pseudonym is :func:`cxlib.privacy.pseudonymize` of the normalised key: the first
``length`` hex characters of SHA-256(salt, NUL, key). On the engine it is computed in SQL
(DuckDB's ``sha256``), so millions of rows never pass through Python;
:func:`pseudonymize_contacts` is the same function for Python values.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Sequence
from typing import Any

from cxlib.data.engine_sql import quote, sql_columns, sql_literal
from cxlib.errors import DataError
from cxlib.privacy import pseudonymize

__all__ = [
    "SALT_ENV",
    "normalize_contact",
    "pseudonym_sql",
    "pseudonymize_columns",
    "pseudonymize_contacts",
    "resolve_salt",
]

#: Environment variable holding the pseudonymisation salt.
SALT_ENV = "CXLAB_SALT"
#: Hex characters kept of each pseudonym (64 bits: collisions are negligible below ~10^8 keys).
PSEUDONYM_LENGTH = 16
_PHONE_CHARS = r"[+0-9 ()./'-]+"


def normalize_contact(value: Any) -> str | None:
    """Return the normalised form of an e-mail address or phone number (``None`` for blanks).

    Examples
    --------
    >>> normalize_contact("  Jane.Doe@Example.COM ")
    'jane.doe@example.com'
    >>> normalize_contact("+48 (601) 234-567")
    '+48601234567'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip(" ")
    if not text:
        return None
    if "@" in text:
        return text.lower()
    if re.fullmatch(_PHONE_CHARS, text):
        return re.sub(r"[^0-9+]", "", text) or None
    return text


def pseudonymize_contacts(
    values: Iterable[Any], salt: str, length: int = PSEUDONYM_LENGTH
) -> list[str | None]:
    """Pseudonyms of e-mail addresses or phone numbers, as the engine computes them.

    Parameters
    ----------
    values : iterable
        Raw keys (blanks give ``None``).
    salt : str
        Secret salt (see :func:`resolve_salt`).
    length : int
        Hex characters kept.

    Returns
    -------
    list of str or None
        ``pseudonymize([normalize_contact(v)], salt, length)`` for each value.
    """
    keys = [normalize_contact(v) for v in values]
    hashed = iter(pseudonymize([k for k in keys if k is not None], salt, length))
    return [None if k is None else next(hashed) for k in keys]


def normalized_sql(column: str) -> str:
    """Return SQL (DuckDB) for :func:`normalize_contact` of ``column``."""
    text = f"NULLIF(trim(CAST({quote(column)} AS VARCHAR), ' '), '')"
    return (
        f"CASE WHEN contains({text}, '@') THEN lower({text}) "
        f"WHEN regexp_full_match({text}, {sql_literal(_PHONE_CHARS)}) "
        f"THEN NULLIF(regexp_replace({text}, '[^0-9+]', '', 'g'), '') ELSE {text} END"
    )


def pseudonym_sql(column: str, salt: str, length: int = PSEUDONYM_LENGTH) -> str:
    """Return SQL (DuckDB) computing the pseudonym of ``column``; NULL stays NULL."""
    return f"left(sha256({sql_literal(salt)} || chr(0) || ({normalized_sql(column)})), {int(length)})"


def resolve_salt(salt: str | None, *, table: str, columns: Sequence[str]) -> str:
    """Return the salt to use: the mapping's ``salt``, else ``$CXLAB_SALT``; raises if neither is set."""
    salt = salt or os.environ.get(SALT_ENV, "")
    if not salt:
        raise DataError(
            f"the column(s) {', '.join(columns)} hold customer keys (e-mail addresses, phone numbers), "
            "which cxlib replaces by salted hashes, but no salt is set. "
            f"Set the environment variable {SALT_ENV} to a secret "
            "that stays the same between runs, e.g. "
            f"export {SALT_ENV}=$(python -c 'import secrets; print(secrets.token_hex(16))'), "
            "or put 'salt: ...' at the top of your mapping file.",
            table=table,
            column=columns[0] if columns else None,
            rule="missing_salt",
        )
    return salt


def pseudonymize_columns(frame: Any, columns: Sequence[str], salt: str | None, *, table: str) -> Any:
    """Replace ``columns`` of a Narwhals frame by their pseudonyms, on the frame's engine.

    Parameters
    ----------
    frame : Narwhals DataFrame or LazyFrame
        DuckDB, pandas or polars backed.
    columns : sequence of str
        Columns holding e-mail addresses, phone numbers or other personal keys.
    salt : str, optional
        Salt; default ``$CXLAB_SALT``.
    table : str
        Table name for error messages.

    Returns
    -------
    The frame with those columns replaced (text, ``None`` for blanks).
    """
    present = [c for c in columns if c in frame.columns]
    if not present:
        return frame
    salt = resolve_salt(salt, table=table, columns=present)
    return sql_columns(frame, {c: pseudonym_sql(c, salt) for c in present}, table=table)
