"""cxlib.privacy: masking, escaping and small-cell suppression."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxlib.privacy import (
    CARD_TOKEN,
    EMAIL_TOKEN,
    IBAN_TOKEN,
    PHONE_TOKEN,
    mask_pii,
    pseudonymize,
    safe_text,
    suppress_small,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call me at +44 20 7946 0958 or mail jane.doe@example.com", "Call me at [phone] or mail [email]"),
        ("tel (030) 1234-5678!", "tel [phone]!"),
        ("0049 171 2345678", "[phone]"),
        ("my number: 555-123-4567.", "my number: [phone]."),
        ("a.b+c@sub.example.co.uk, thanks", "[email], thanks"),
        # not personal data: dates, times, amounts, order numbers, short numbers
        ("order 12345 on 2024-05-01 10:30", "order 12345 on 2024-05-01 10:30"),
        ("events (2024-03-01 to 2024-03-20)", "events (2024-03-01 to 2024-03-20)"),
        ("31.12.2024 and 2024/05/01", "31.12.2024 and 2024/05/01"),
        ("paid 1,234.56 EUR", "paid 1,234.56 EUR"),
        ("order #100234567", "order #100234567"),
        ("x@y is not an address", "x@y is not an address"),
        # spelled to dodge address harvesters
        ("mail me: jan.kowalski(at)wp(dot)pl", "mail me: [email]"),
        ("j a n @ g m a i l . c o m", "[email]"),
        ("juan arroba gmail punto com", "[email]"),
        ("jan at gmail.com please", "[email] please"),
        ("jan(at)example.com. Next one", "[email]. Next one"),
        ("mailto:jan%40example.com", "mailto:[email]"),
        # not an address: prose that only looks like a spelled-out one
        ("look at amazon.com today", "look at amazon.com today"),
        ("Thanks @ Shop . Great service", "Thanks @ Shop . Great service"),
        ("Llegó a tiempo punto final", "Llegó a tiempo punto final"),
        ("Va a ser punto de venta", "Va a ser punto de venta"),
        ("price @ 5.99 each", "price @ 5.99 each"),
        ("we met at noon. dot com bubble", "we met at noon. dot com bubble"),
        ("rated 5 at 3.5 points", "rated 5 at 3.5 points"),
        ("a b c d e f", "a b c d e f"),
        ("50%40 off", "50%40 off"),
    ],
)
def test_mask_pii(text: str, expected: str) -> None:
    assert mask_pii(text) == expected


def test_mask_pii_missing_values() -> None:
    assert mask_pii(None) == ""
    assert mask_pii(math.nan) == ""
    assert mask_pii(42) == "42"


def test_safe_text_escapes_markup_and_masks() -> None:
    hostile = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> bob@example.org'
    out = safe_text(hostile)
    assert "<" not in out and ">" not in out and '"' not in out
    assert out.startswith("&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x onerror=&quot;")
    assert out.endswith(EMAIL_TOKEN)
    assert safe_text("it's") == "it&#x27;s"


@given(st.text())
def test_safe_text_never_contains_markup(text: str) -> None:
    out = safe_text(text)
    assert not set("<>\"'") & set(out)


@given(st.emails())
def test_every_email_is_masked(address: str) -> None:
    assert mask_pii(f"write to {address} today") == f"write to {EMAIL_TOKEN} today"


def test_suppress_small_blanks_small_rows() -> None:
    df = pd.DataFrame({"segment": ["a", "b", "c"], "n": [3, 12, 10], "nps": [50.0, 20.0, -5.0]})
    out = suppress_small(df, "n", min_n=10)
    assert out["suppressed"].tolist() == [True, False, False]
    assert np.isnan(out.loc[0, "nps"]) and np.isnan(out.loc[0, "n"])
    assert out.loc[1, "nps"] == 20.0 and out.loc[2, "n"] == 10
    assert out["segment"].tolist() == ["a", "b", "c"]
    assert df.loc[0, "n"] == 3  # input untouched


def test_suppress_small_chosen_columns_and_errors() -> None:
    df = pd.DataFrame({"n": [1, 50], "revenue": [10.0, 20.0]})
    out = suppress_small(df, "n", min_n=5, columns=["revenue"])
    assert out["n"].tolist() == [1, 50]
    assert np.isnan(out.loc[0, "revenue"])
    with pytest.raises(KeyError, match="nope"):
        suppress_small(df, "nope")


def test_pseudonymize_is_stable_and_salted() -> None:
    a = pseudonymize(["c1", "c2", "c1"], salt="s1")
    assert a[0] == a[2] and a[0] != a[1] and len(a[0]) == 16
    assert pseudonymize(["c1"], salt="s2")[0] != a[0]
    with pytest.raises(ValueError):
        pseudonymize(["c1"], salt="")
    assert PHONE_TOKEN == "[phone]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("66.26 (64.82 to 67.70)", "66.26 (64.82 to 67.70)"),
        ("p=+0.008561", "p=+0.008561"),
        ("month 12 (140.49 EUR)", "month 12 (140.49 EUR)"),
        ("revenue 1234567.89 EUR", "revenue 1234567.89 EUR"),
        ("NPS 20.7 (n=6,978)", "NPS 20.7 (n=6,978)"),
        ("手機0953-008-481", "手機[phone]"),
        ("تواصل 0501234567", "تواصل [phone]"),
        ("call 020.123.4567 now", "call [phone] now"),
        ("+31 6 12345678", "[phone]"),
    ],
)
def test_statistics_are_not_phones_and_phones_next_to_cjk_or_arabic_are(text, expected):
    assert mask_pii(text) == expected


# --------------------------------------------------------------------------- spellings that hid PII

NBSP, THIN, NARROW, ZWSP, ZWJ, SOFT = "\u00a0", "\u2009", "\u202f", "\u200b", "\u200d", "\u00ad"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"ring +44{NBSP}20{NBSP}7946{NBSP}0958 now", "ring [phone] now"),
        (f"ring 030{THIN}1234{THIN}5678", "ring [phone]"),
        (f"+48{NARROW}600{NARROW}700{NARROW}800", "[phone]"),
        ("tel: +49 (0) 30 / 123 45 67 ok", "tel: [phone] ok"),
        ("call +1 (650) 253-0000 x12", "call [phone]"),
        ("＋４８ ６００ ７００ ８００", "[phone]"),
        ("zażółć@example.com wrote", "[email] wrote"),
        ("jan@przykład.pl", "[email]"),
        ("用户@例子.中国 said", "[email] said"),
        (f"ja{ZWSP}ne.d{ZWJ}oe@exa{SOFT}mple.com", "[email]"),
        ("jane＠example.com", "[email]"),
        (f"0{ZWSP}1{ZWSP}7{ZWSP}1 2345678", "[phone]"),
        ("IBAN DE89370400440532013000 please", "IBAN [iban] please"),
        ("IBAN DE89 3704 0044 0532 0130 00 please", "IBAN [iban] please"),
        ("GB29 NWBK 6016 1331 9268 19", "[iban]"),
        ("card 4111111111111111 ok", "card [card] ok"),
        ("card 4111 1111 1111 1111 ok", "card [card] ok"),
        ("card 5500-0000-0000-0004", "card [card]"),
        ("amex 3782 822463 10005", "amex [card]"),
        # kept: statistics, ids and text that merely look like numbers
        ("p < 0.001, 1,234 orders", "p < 0.001, 1,234 orders"),
        ("95 % CI 12.3–14.5", "95 % CI 12.3–14.5"),
        (f"95{NBSP}% CI 12.3{NBSP}–{NBSP}14.5", f"95{NBSP}% CI 12.3{NBSP}–{NBSP}14.5"),
        ("NPS +12.5 (n=1,234) on 2024-05-01", "NPS +12.5 (n=1,234) on 2024-05-01"),
        ("div 8f3c1b2e-4a5d-4c7b-9e1f-123456789012", "div 8f3c1b2e-4a5d-4c7b-9e1f-123456789012"),
        ("DE89370400440532013001 is no IBAN", "DE89370400440532013001 is no IBAN"),
        (f"no{NBSP}space{ZWSP}change", f"no{NBSP}space{ZWSP}change"),
        # a printed Python or JSON string shows such characters as escapes
        (r"['jane\u200b.doe@example.com', '+48\xa0601\xa0702\xa0803']", "['[email]', '[phone]']"),
        (r"path C:\users\x41 and \u0041", r"path C:\users\x41 and \u0041"),
    ],
)
def test_mask_pii_hidden_spellings(text: str, expected: str) -> None:
    assert mask_pii(text) == expected


SEPARATORS = st.sampled_from([" ", "-", ".", "/", NBSP, THIN, NARROW, f" {ZWSP}", "\u2011", "\u2013", ""])


@given(
    prefix=st.sampled_from(["+44", "+1", "+48", "0044", "0", ""]),
    groups=st.lists(st.integers(min_value=0, max_value=999), min_size=3, max_size=4),
    sep=SEPARATORS,
    after_prefix=st.sampled_from([" ", "", "-", NBSP, THIN, NARROW]),
)
def test_every_phone_spelling_is_masked(prefix: str, groups: list[int], sep: str, after_prefix: str) -> None:
    """One separator style per number (as people write them), any prefix spacing."""
    number = f"{prefix}{after_prefix if prefix else ''}{sep.join(f'{g:03d}' for g in groups)}"
    masked = mask_pii(f"call {number} today")
    assert masked.startswith("call ") and masked.endswith(" today")
    assert not [c for c in masked if c.isdigit()], (number, masked)


LETTERS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzążźćęółńśäöüßéèçñ", min_size=1, max_size=8)


@given(
    local=LETTERS, domain=LETTERS, tld=st.sampled_from(["com", "pl", "de", "org", "中国"]), zw=st.booleans()
)
def test_every_non_ascii_or_zero_width_email_is_masked(local: str, domain: str, tld: str, zw: bool) -> None:
    address = f"{local}@{domain}.{tld}"
    if zw:
        address = ZWSP.join(address)
    assert mask_pii(f"mail {address} now") == f"mail {EMAIL_TOKEN} now"


#: Spellings of "@" and "." that dodge address harvesters; a plain word "at" or "arroba" needs a
#: spelled-out dot (``PLAIN_AT`` below), as "look at amazon.com" is no address.
OBFUSCATED_AT = [
    "(at)",
    " (at) ",
    "[at]",
    " [ at ] ",
    "{at}",
    "<at>",
    " @ ",
    "@ ",
    "(a)",
    "(małpa)",
    "%40",
    "&#64;",
]
PLAIN_AT = [" at ", " arroba ", " małpa "]
OBFUSCATED_DOT = ["(dot)", " (dot) ", "[dot]", " dot ", " kropka ", " punto ", "[.]", "{.}"]


@given(
    local=LETTERS,
    domain=LETTERS,
    tld=st.sampled_from(["com", "pl", "de", "org"]),
    at=st.sampled_from(OBFUSCATED_AT + PLAIN_AT),
    dot=st.sampled_from([".", " . ", *OBFUSCATED_DOT]),
    upper=st.booleans(),
)
def test_every_obfuscated_email_is_masked(
    local: str, domain: str, tld: str, at: str, dot: str, upper: bool
) -> None:
    if at in PLAIN_AT and dot in (".", " . "):
        dot = " dot "
    address = f"{local}{at}{domain}{dot}{tld}"
    if upper:
        address = address.upper()
    assert mask_pii(f"mail {address} now") == f"mail {EMAIL_TOKEN} now"


def _iban(country: str, bban: str) -> str:
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


def _luhn_complete(body: str) -> str:
    for last in "0123456789":
        digits = [int(c) for c in body + last]
        total = sum(
            d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(reversed(digits))
        )
        if total % 10 == 0:
            return body + last
    raise AssertionError("unreachable")


@given(
    country=st.sampled_from(["DE", "PL", "NL", "FR", "GB"]),
    bban=st.text(alphabet="0123456789", min_size=14, max_size=24),
    spaced=st.booleans(),
)
def test_every_iban_is_masked(country: str, bban: str, spaced: bool) -> None:
    iban = _iban(country, bban)
    if spaced:
        iban = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    assert mask_pii(f"pay to {iban} please") == f"pay to {IBAN_TOKEN} please"


@given(
    first=st.sampled_from("23456"),
    body=st.text(alphabet="0123456789", min_size=14, max_size=14),
    sep=st.sampled_from(["", " ", "-"]),
)
def test_every_card_number_is_masked(first: str, body: str, sep: str) -> None:
    card = _luhn_complete(first + body)
    spelled = sep.join(card[i : i + 4] for i in range(0, 16, 4))
    masked = mask_pii(f"card {spelled} ok")
    assert masked in (f"card {CARD_TOKEN} ok", f"card {PHONE_TOKEN} ok") and not any(
        c.isdigit() for c in masked
    )


@given(
    value=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    count=st.integers(min_value=0, max_value=999_999),
    day=st.dates(),
)
def test_statistics_and_dates_are_kept(value: float, count: int, day: object) -> None:
    text = f"mean {value:.2f} (95 % CI {value - 1:.1f} to {value + 1:.1f}), n={count:,}, p < 0.001, on {day}"
    assert mask_pii(text) == text
