"""Verbatims: hostile texts are escaped and masked, ids never shown, the typical text picked."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from cxlib import voc
from cxlib.voc.verbatims import mask_cards, safe_quote

HOSTILE = [
    "<script>alert('x')</script> The delivery was terribly late, write me at jane.doe@example.com",
    '<img src=x onerror="alert(1)"> Delivery late again, call +44 20 7946 0958',
    "Delivery was late!! <svg onload=alert(1)> my phone 0612345678 and (020) 7946 0958",
    'Late delivery "><script>alert(document.cookie)</script> card 4111 1111 1111 1111',
    "Delivery late, customer C000123 here, card 5500-0000-0000-0004, tel. +48 600 123 456",
    '<a href="javascript:alert(1)">click</a> the parcel delivery was very late and slow',
]


def hostile_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "feedback_id": [f"F{i}" for i in range(len(HOSTILE))],
            "customer_id": ["C000123", "C000124", "C000125", "C000126", "C000127", "C000128"],
            "text": HOSTILE,
            "lang": "en",
        }
    )


def test_card_numbers_are_masked_in_several_formats():
    assert mask_cards("4111111111111111") == "[card]"
    assert mask_cards("pay 4111 1111 1111 1111.") == "pay [card]."
    assert mask_cards("5500-0000-0000-0004 ok") == "[card] ok"
    assert mask_cards("order #1234567890123456") == "order #1234567890123456"  # order numbers stay
    assert mask_cards("call 0612345678") == "call 0612345678"  # 10 digits: a phone, not a card


def test_hostile_texts_are_escaped_and_masked():
    result = voc.aspects(hostile_frame(), keep=["feedback_id", "customer_id"])
    picked = voc.verbatims(result, n=10, sentiments=("neg",), aspects=["delivery"], min_n=1)
    assert len(picked.table) == len(HOSTILE)  # every hostile text is a negative delivery mention
    html = picked.to_html()
    for text in [*picked.table["quote_html"], html]:
        assert "<script" not in text and "<img" not in text and "<svg" not in text and "<a href" not in text
        assert 'onerror="' not in text and 'href="javascript' not in text
    joined = " ".join(picked.table["quote"]) + html
    for secret in (
        "jane.doe@example.com",
        "7946 0958",
        "0612345678",
        "4111 1111 1111 1111",
        "5500-0000-0000-0004",
        "600 123 456",
        "C000123",
    ):
        assert secret not in joined, secret
    assert "[email]" in joined and "[phone]" in joined and "[card]" in joined and "[id]" in joined
    assert "&lt;script&gt;" in html
    assert not set(picked.table.columns) & {"customer_id", "feedback_id", "row"}
    # Markup only from cxlib itself: every tag in the block is one of the block's own tags.
    assert set(re.findall(r"</?([a-z0-9]+)", html)) <= {"div", "h4", "ul", "li", "q", "small"}


def test_safe_quote_cuts_at_a_word_boundary():
    assert safe_quote("one two three four", max_chars=10) == "one two…"
    assert safe_quote(None) == ""
    assert safe_quote("id C1 and C12", hidden_ids={"C1"}) == "id [id] and C12"
    # Numbers and addresses glued to Chinese or Arabic letters are masked too.
    assert safe_quote("請打我手機0953-008-481謝謝") == "請打我手機 [phone] 謝謝"
    assert safe_quote("联系wang.wei@example.cn") == "联系 [email]"
    assert safe_quote("رقمي0501234567") == "رقمي [phone]"


def test_the_most_typical_text_comes_first():
    # Nine near-identical complaints and one odd one: the quote is from the nine.
    typical = [f"The delivery was late again, parcel number {i} came a week late" for i in range(9)]
    texts = [*typical, "Delivery late. Also I collect stamps, have a lovely dog and enjoy long walks."]
    result = voc.aspects(texts, langs="en")
    picked = voc.verbatims(result, n=1, sentiments=("neg",), aspects=["delivery"], min_n=1)
    assert picked.table["quote"].iloc[0] in typical


def test_small_groups_show_no_quotes():
    result = voc.aspects(["The delivery was late and slow"] * 3, langs="en")
    picked = voc.verbatims(result, min_n=5)
    assert picked.table.empty
    counts = picked.n_candidates.set_index(["aspect", "sentiment"])["n"]
    assert counts.loc[("delivery", "neg")] == 1  # identical texts count once


def test_quotes_per_language():
    texts = (
        ["The delivery was late"] * 2
        + ["Przesyłka się spóźniła, kurier fatalny"] * 2
        + ["快递太慢了，物流很差"] * 2
    )
    result = voc.aspects(pd.DataFrame({"text": texts, "lang": ["en", "en", "pl", "pl", "zh", "zh"]}))
    picked = voc.verbatims(result, n=1, sentiments=("neg",), aspects=["delivery"], min_n=1, per_language=True)
    assert sorted(picked.table["lang"]) == ["en", "pl", "zh"]
    assert np.isin(picked.n_candidates["lang"], ["en", "pl", "zh"]).all()


def test_verbatims_on_the_sample_mask_planted_pii_and_html(sample_feedback):
    """Planted: every 25th feedback text carries an e-mail or phone number; ten carry HTML."""
    from pathlib import Path

    truth = pd.read_parquet(
        Path(__file__).resolve().parents[2] / "data" / "sample" / "truth_feedback_aspects.parquet"
    )
    planted = truth.dropna(subset=["pii_value"])
    with_html = truth.dropna(subset=["html_fragment"])
    ids = set(planted["feedback_id"]) | set(with_html["feedback_id"])
    subset = sample_feedback[sample_feedback["feedback_id"].isin(ids)]
    result = voc.aspects(subset, keep=["feedback_id", "customer_id"])
    picked = voc.verbatims(result, n=50, sentiments=("neg", "neu", "pos"), min_n=1, max_chars=2000)
    assert len(picked.table) > 20
    html = picked.to_html()
    for value in planted["pii_value"]:
        assert value not in html and value not in " ".join(picked.table["quote"]), value
    for fragment in with_html["html_fragment"]:
        assert fragment not in html, fragment
    assert "<script" not in html and "<iframe" not in html and "<style" not in html
