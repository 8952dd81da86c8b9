"""Texts in languages cxlib does not score are set aside, never forced into a supported one.

Hand-written reviews test the rule; the measured rates on real text (subtitle lines in 40
languages, the review samples) come from ``benchmarks/eval_language.py``.
"""

from __future__ import annotations

import pytest

from cxlib import voc
from cxlib.voc.language import (
    DEFAULT_LANGUAGES,
    MIN_OTHER_CONFIDENCE,
    OTHER_LANGUAGES,
    _choose,
    detect_codes,
    has_letters,
)

pytest.importorskip("lingua")

FOREIGN = {
    "tr": "Ürün çok güzel, kargo hızlı geldi, teşekkürler",
    "ro": "Produsul a ajuns repede și funcționează foarte bine",
    "hu": "A termék gyorsan megérkezett és nagyon jól működik",
    "sv": "Varan kom snabbt och fungerar jättebra, rekommenderas",
    "ru": "Товар пришёл сломанный, деньги не вернули",
    "uk": "Дуже задоволена покупкою, доставка швидка",
    "el": "Το προϊόν έφτασε σπασμένο και δεν απαντούν",
    "ja": "商品が届きませんでした。返金してください。",
}


def test_other_languages_do_not_overlap_the_candidates() -> None:
    assert not set(OTHER_LANGUAGES) & set(DEFAULT_LANGUAGES)
    assert "fa" not in OTHER_LANGUAGES  # short Arabic reviews came out Persian


@pytest.mark.parametrize("code", sorted(FOREIGN))
def test_a_review_in_another_language_gets_its_own_code(code: str) -> None:
    found, conf = detect_codes([FOREIGN[code]])
    assert found == [code]
    assert conf[0] >= MIN_OTHER_CONFIDENCE


def test_without_other_languages_every_text_is_forced_into_a_candidate() -> None:
    found, _ = detect_codes([FOREIGN["tr"], FOREIGN["sv"]], others=())
    assert all(code in DEFAULT_LANGUAGES for code in found)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("bad fit, way too big.", "en"),
        ("Przesyłka dotarła szybko, polecam", "pl"),
        ("Zboží dorazilo poškozené", "cs"),
        ("Produto não funciona", "pt"),
        ("快递很快，质量很好", "zh"),
        ("這個產品很好用，推薦！", "zh"),
        ("المنتج ممتاز والتوصيل سريع", "ar"),
    ],
)
def test_short_reviews_in_supported_languages_stay(text: str, code: str) -> None:
    assert detect_codes([text])[0] == [code]


def test_a_short_text_a_candidate_might_have_written_is_not_set_aside() -> None:
    # Estonian wins "Alles prima" (Dutch) with a low confidence: it stays with a candidate
    found, _ = detect_codes(["Alles prima"])
    assert found[0] in DEFAULT_LANGUAGES


def test_an_other_language_needs_the_minimum_confidence_to_win() -> None:
    candidates = {"es", "it"}
    just_below = MIN_OTHER_CONFIDENCE - 0.01
    assert _choose([("tr", just_below), ("es", 0.2), ("it", 0.1)], candidates) == ("es", 0.2)
    assert _choose([("tr", MIN_OTHER_CONFIDENCE), ("es", 0.2)], candidates) == ("tr", MIN_OTHER_CONFIDENCE)
    assert _choose([("es", 0.4), ("tr", 0.35)], candidates) == ("es", 0.4)
    # no candidate weighed at all (another script): the other language stands
    assert _choose([("ru", 0.2), ("uk", 0.15)], candidates) == ("ru", 0.2)


def test_has_letters() -> None:
    assert has_letters("ok") and has_letters("好") and has_letters("جيد")
    assert not has_letters("👍👍 :) 10/10 !!!")


def test_sentiment_labels_other_languages_unsupported_and_counts_them() -> None:
    texts = [FOREIGN["tr"], FOREIGN["ru"], FOREIGN["ru"], "Fast delivery, great service!", "ጥሩ ምርት ነው"]
    result = voc.sentiment(texts, backend="lexicon")
    table = result.table
    assert table["label"].tolist() == ["unsupported", "unsupported", "unsupported", "pos", "unsupported"]
    assert table["lang"].tolist()[:4] == ["tr", "ru", "ru", "en"]
    assert table["lang"].isna().iloc[4]  # Amharic: no candidate or other language weighs it
    assert (table.loc[table["label"] == "unsupported", "backend"] == "none").all()
    assert (table.loc[table["label"] == "unsupported", "score"] == 0).all()
    sentence = next(s for s in result.summary() if "without sentiment support" in s)
    assert "4 texts" in sentence
    assert "Russian (2)" in sentence and "Turkish (1)" in sentence and "unknown language (1)" in sentence
    assert "Of 1 text," in result.summary()[0]  # the unsupported ones are not in the mix


def test_texts_without_letters_are_read_by_the_shared_emoji() -> None:
    table = voc.sentiment(["👍👍", "😡😡 👎", "10/10 !!!"]).table
    assert table["label"].tolist() == ["pos", "neg", "neu"]
    assert table["backend"].tolist() == ["lexicon"] * 3
    assert table["lang"].isna().all()
    assert table["terms"].iloc[0] == ["👍", "👍"]
