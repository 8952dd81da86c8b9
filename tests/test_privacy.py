"""cxlib.privacy: masking, escaping and small-cell suppression."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxlib.privacy import EMAIL_TOKEN, PHONE_TOKEN, mask_pii, pseudonymize, safe_text, suppress_small


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
