"""Planted personal data in several spellings, and a scan of every file under a folder."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

NBSP, THIN, ZWSP = "\u00a0", "\u2009", "\u200b"

#: Planted e-mail addresses: each mailbox name is unique, so finding it anywhere is a leak.
EMAILS = [
    "plantedjane.doe@example.com",
    "plantedzażółć@example.com",
    "plantedjan@przykład.pl",
    f"planted{ZWSP}zw.bob@exa{ZWSP}mple.org",
    "PLANTEDUPPER@EXAMPLE.COM",
    # spelled to dodge harvesters
    "plantedobf.one(at)example(dot)com",
    "plantedobftwo [at] przyklad [dot] pl",
    "plantedobfthree @ example . org",
    "plantedobffour arroba gmail punto com",
    "plantedobffive%40example.com",
]
#: Planted phone numbers (digits are what must never appear in a row).
PHONES = [
    "+44 20 7946 0958",
    f"+48{NBSP}601{NBSP}702{NBSP}803",
    f"030{THIN}9876{THIN}5432",
    "(0172) 555-0199",
    "+1 (650) 253-0071 x12",
]
IBANS = ["DE89370400440532013000", "GB29 NWBK 6016 1331 9268 19"]
CARDS = ["4929 3817 5623 4070", "5372168493051720"]

_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def _views(text: str) -> str:
    """Decode the text as a reader could: entities, JSON escapes and invisibles resolved."""
    decoded = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return html.unescape(decoded).translate(_INVISIBLE)


def _mailbox(address: str) -> str:
    return re.split(r"\s*(?:@|%40|\(at\)|\[at\]| arroba )", address.translate(_INVISIBLE))[0].lower()


def _digits_pattern(number: str) -> re.Pattern[str]:
    digits = [d for d in number if d.isdigit()]
    # the national part without the country code: what identifies the line
    core = digits[-9:]
    return re.compile(r"[^\w]{0,3}".join(core))


def leaks(folder: Path) -> list[str]:
    """Every planted address or number found in any file under ``folder`` (all spellings)."""
    found = []
    mailboxes = [_mailbox(a) for a in EMAILS]
    numbers = [(n, _digits_pattern(n)) for n in PHONES + IBANS + CARDS]
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = _views(path.read_bytes().decode("utf-8", "replace"))
        lower = text.lower()
        found += [f"{path.name}: {m}" for m in mailboxes if m in lower]
        found += [f"{path.name}: {n}" for n, pattern in numbers if pattern.search(text)]
    return found


def planted_texts() -> list[str]:
    """One sentence per planted item, as a customer might write it."""
    return [f"contact me: {x}" for x in EMAILS + PHONES + IBANS + CARDS]


def dumps(value: object) -> str:
    """JSON for putting planted values into notebook source code."""
    return json.dumps(value, ensure_ascii=True)
