"""cxlib.viz.formats: one style for counts, shares, money, intervals, p-values, plurals, languages."""

from __future__ import annotations

import math

import pytest

from cxlib.viz import (
    format_count,
    format_interval,
    format_money,
    format_p,
    format_percent,
    format_signed,
    language_name,
    plural,
)


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.0, "p < 0.001"),
        (6.4e-41, "p < 0.001"),
        (0.00099, "p < 0.001"),
        (0.001, "p = 0.001"),
        (0.0234, "p = 0.023"),
        (0.23, "p = 0.23"),
        (0.049, "p = 0.049"),
        (1.0, "p = 1.00"),
        (math.nan, "p not available"),
        (None, "p not available"),
    ],
)
def test_p_values_never_read_zero(p: float | None, text: str) -> None:
    assert format_p(p) == text
    assert "0.000" not in format_p(p) and "p = 0\b" not in format_p(p)


def test_counts_shares_money_and_changes() -> None:
    assert format_count(12345) == "12,345"
    assert format_count(12.6) == "13"  # attributed conversions are whole for display
    assert format_count(-3) == "−3" and format_count(None) == "—"
    assert format_percent(0.0912) == "9.1%" and format_percent(0.5, 0) == "50%"
    assert format_percent(-0.00001) == "0.0%"  # no "−0.0%"
    assert format_money(39.714, "EUR") == "39.71 EUR"
    assert format_money(794_227.4, "EUR") == "794,227 EUR"
    assert format_money(-6.384, "USD") == "−6.38 USD" and format_money(5) == "5.00"
    assert format_signed(3.46, 1, "points") == "+3.5 points"
    assert format_signed(-0.084, 1, "%") == "−0.1%"
    assert format_signed(0.04, 1) == "0.0"


def test_one_interval_style() -> None:
    assert format_interval(17.2, 26.4) == "95% CI 17.2 to 26.4"
    assert (
        format_interval(-25.72, 38.48, lambda v: format_money(v, "EUR")) == "95% CI −25.72 EUR to 38.48 EUR"
    )
    assert format_interval(0.482, 0.622, format_percent, level=0.9) == "90% CI 48.2% to 62.2%"


@pytest.mark.parametrize(
    ("n", "word", "text"),
    [
        (1, "table", "1 table"),
        (3, "table", "3 tables"),
        (2, "country", "2 countries"),
        (2, "day", "2 days"),
        (1, "country", "1 country"),
        (0, "match", "0 matches"),
        (12000, "customer", "12,000 customers"),
        (2, "person", "2 persons"),
    ],
)
def test_plurals(n: int, word: str, text: str) -> None:
    assert plural(n, word) == text
    assert plural(2, "person", "people") == "2 people"


def test_language_names_instead_of_codes() -> None:
    assert language_name("de") == "German" and language_name("pt-BR") == "Portuguese"
    assert language_name("EN") == "English" and language_name("zh_Hans") == "Chinese"
    assert language_name("xx") == "xx"  # unknown codes stay as written
    assert language_name(None) == language_name("und") == language_name(math.nan) == "unknown language"


def test_key_findings_put_statistics_in_small_print() -> None:
    from cxlib.viz import key_findings

    html = key_findings(
        [
            "NPS 21 (95% CI 17 to 26) in 2026-Q3, no clear change (+8 points; adjusted p = 0.23).",
            "Cart abandonment differs (chi-square homogeneity, p < 0.001): best app 61.6%.",
            "Stores (the small ones) sell less.",
            "<b>x</b> (p = 0.04)",
        ]
    ).data
    assert html.count('<small class="cxlab-stat">') == 4
    assert '<small class="cxlab-stat">(95% CI 17 to 26)</small> in 2026-Q3' in html
    assert '<small class="cxlab-stat">(chi-square homogeneity, p &lt; 0.001)</small>' in html
    assert "(the small ones)" in html and "<b>x" not in html  # plain brackets stay; text is escaped
    assert 'id="key-findings"' in html
