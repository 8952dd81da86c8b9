"""The sample-shop reports keep their key figures after the any-shop defaults (issue 19).

The numbers were read from the reports of the notebooks before the defaults came from the
data (explicit ``by="channel"``, ``segment="device"``, ``holdout_weeks=26``, the contract
funnel steps, ``experiment="checkout_redesign"``); with ``auto`` they must come out the same.
Runs seven notebooks on the whole sample shop: a few minutes. Also checks that no key finding
is restated further down its page (issue 20).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from cxlib.reports import run

pytestmark = [pytest.mark.notebooks, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"

FIGURES = {
    "00_data_health": [
        "20,000 customers placed orders, 1.85 orders per customer on average.",
        "Validation found no broken rules.",
    ],
    "01_cx_scorecard": [
        "NPS 21 (95% CI 17 to 26) in 2026-Q3",
        "CSAT 55.3% (95% CI 48.2% to 62.2%) in 2026-Q3",
        "CES 3.29 (95% CI 3.20 to 3.38) in 2026-Q3",
        "best app 70.0%, worst marketplace 33.3%",  # CSAT by channel, as in the table before
        "best store 62, worst marketplace −1",  # NPS by channel (the minus sign as in the cells)
        "Promoters spent 103.53 EUR per customer",
        "Split by channel (chosen automatically",
    ],
    "02_journey_mapping": [
        "Of 165,911 sessions that did product view, 34,585 (20.8%) reached purchase within 1 day.",
        "69.3% of 112,683 carts (sessions) were abandoned (95% CI 69.0% to 69.6%).",
        "By device: highest mobile (71.9%), lowest desktop (62.7%).",
        "Last touch credits direct most (25.6%).",
        "Funnel steps found in the data: product_view, add_to_cart, checkout_start, payment, purchase.",
    ],
    "03_cohort_retention": [
        "9.1% in month 1 (95% CI 8.7% to 9.5%); 7.3% in month 3 (95% CI 6.9% to 7.7%)",
        "Customers acquired via marketplace keep 30% fewer customers at month 3 than web: 5.6% vs 8.0%",
        "a customer has spent 130.66 EUR on average",
        "log-rank chi-square 3.9, 3 df, p = 0.27",
    ],
    "04_customer_lifetime_value": [
        # same numbers as before issue 20; sentences now lead with the answer, money carries its currency
        "The 20,000 customers are predicted to bring 804,030 EUR in the next 12 months, "
        "40.20 EUR per customer (95% CI 780,392 EUR to 828,384 EUR; Pareto/NBD",
        "The most valuable 10% of customers (2,000) hold 52% of it; 56% of customers are more likely active",
        "No difference between the models: holdout errors 0.442 (Pareto/NBD) and 0.445 (BG/NBD)",
        "Champions hold the most predicted value: 29% (229,675 EUR) with 4% of customers (880)",
        # promoters 70.03 EUR against detractors 64.25 EUR: 1.09 times, but the ratio's interval includes 1
        "The data show no clear difference between the predicted value of promoters (70.03 EUR per customer) "
        "and of detractors (64.25 EUR) (95% CI 0.95 to 1.23 for the ratio",
        "The last 26 weeks (a quarter of the 104 weeks observed) are held out",
    ],
    "05_voice_of_customer": [
        # issue 21: round 8's lexicon work moves the shop models' lexicon feature (was 41% / 1% / 58%)
        "Of 6,377 texts, 42% are negative, 1% neutral and 57% positive.",
        "What weighs most on NPS: Returns & refunds.",
    ],
    # one page per experiment (p-values now written the one cxlab way: 0.0306 -> 0.031)
    "06_ab_test-checkout_redesign": [
        "Ship treatment: conversion +7.8% for treatment (95% CI +1.8% to +13.7%; Holm-adjusted p = 0.031).",
        "control 50.18% (planned 50%), treatment 49.82% (planned 50%) (chi-square p = 0.47)",
    ],
    "06_ab_test-free_shipping_banner": [
        "Invalid: the units are not split as planned (sample-ratio mismatch, p < 0.001).",
    ],
}


def _key_findings(page: str) -> str:
    text = re.sub(r"<(script|style).*?</\1>", " ", page, flags=re.S)
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)))
    text = re.sub(r" ([.,;:)])", r"\1", text)  # statistics in small print leave a space before punctuation
    found = re.search(r"Generated .*? Key findings(.*?)¶", text)
    assert found, "no key findings block"
    return found.group(1)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not any(SAMPLE.glob("*.parquet")):
        pytest.skip("no sample shop (run `make sample`)")
    out = tmp_path_factory.mktemp("sample_reports")
    notebooks = list(dict.fromkeys(name.split("-")[0] for name in FIGURES))
    summary = run(notebooks, data=SAMPLE, out=out, progress=False, jobs=2)
    assert sorted(r.name for r in summary.results) == sorted(FIGURES)
    assert [r.status for r in summary.results] == ["ok"] * len(FIGURES), [
        r.failure.message for r in summary.results if r.failure
    ]
    return out


@pytest.mark.parametrize("name", list(FIGURES))
def test_sample_key_figures(reports: Path, name: str) -> None:
    findings = _key_findings((reports / f"{name}.html").read_text(encoding="utf-8"))
    missing = [figure for figure in FIGURES[name] if figure not in findings]
    assert not missing, f"{name}: not in the key findings: {missing}\n{findings}"


def _plain(fragment: str) -> str:
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)))
    return re.sub(r" ([.,;:)])", r"\1", text).strip()


@pytest.mark.parametrize("name", [n for n in FIGURES if n != "06_ab_test"])
def test_each_key_finding_appears_once(reports: Path, name: str) -> None:
    """Issue 20: the sections below the key findings do not restate them sentence by sentence."""
    page = re.sub(
        r"<(script|style).*?</\1>", " ", (reports / f"{name}.html").read_text(encoding="utf-8"), flags=re.S
    )
    block = re.search(
        r'<section class="cxlab-findings"><h2 id="key-findings">.*?</section>', page, flags=re.S
    )
    assert block, "no key findings block"
    findings = [_plain(li) for li in re.findall(r"<li>(.*?)</li>", block.group(0), flags=re.S)]
    text = _plain(page)
    restated = [f for f in findings if len(f) > 40 and text.count(f) > 1]
    assert not restated, f"{name}: key findings restated further down: {restated}"


@pytest.mark.parametrize("name", [n for n in FIGURES if n != "06_ab_test"])
def test_pages_writing_pp_link_its_glossary_entry(reports: Path, name: str) -> None:
    """One vocabulary: a share's change is "pp" on every page (never "points", NPS's unit), explained."""
    page = (reports / f"{name}.html").read_text(encoding="utf-8")
    text = _plain(re.sub(r"<(script|style).*?</\1>", " ", page, flags=re.S))
    if re.search(r"\d pp\b", text):
        assert 'glossary.html#pp"' in page, name
    assert not re.search(r"\d%[^.;]*\(difference [−+-]?\d+(\.\d)? points", text), name


@pytest.mark.parametrize("name", [n for n in FIGURES if n != "06_ab_test"])
def test_no_sentence_is_said_twice_on_a_page(reports: Path, name: str) -> None:
    """The CLV appendix repeated the holdout check of its forecast section word for word."""
    page = re.sub(
        r"<(script|style).*?</\1>", " ", (reports / f"{name}.html").read_text(encoding="utf-8"), flags=re.S
    )
    blocks = re.findall(r'<(?:p|ul) class="cxlab-note">(.*?)</(?:p|ul)>', page, flags=re.S)
    blocks += re.findall(r'<section class="cxlab-findings">(.*?)</section>', page, flags=re.S)
    sentences = [
        s.strip()
        for b in blocks
        for s in re.split(r"(?<=[.])\s+(?=[A-Z0-9])", _plain(b))
        if len(s.strip()) > 50
    ]
    twice = sorted({s for s in sentences if sentences.count(s) > 1})
    assert not twice, f"{name}: said twice: {twice}"
