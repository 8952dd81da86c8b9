"""Tests of cxlib.sample.texts: determinism, aspects, scripts, variety and sentiment."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest

from cxlib.sample.texts import (
    ASPECTS,
    LANGUAGES,
    SENTIMENTS,
    feedback_text,
    iso_lang,
    survey_comment,
    template_count,
)

# Simplified-only characters (their traditional forms differ) that must never appear in zh-Hant.
SIMPLIFIED_ONLY = (
    "这说没货递发对时们个为过后问买东门还实质钱网页码应价务员热线单坏给钟让题决处难贵优结账机闪筛选态样签经"
)
TRADITIONAL_ONLY = (
    "這說沒貨遞發對時們個為過後問買東門還實質錢網頁碼應價務員熱線單壞給鐘讓題決處難貴優結帳機閃篩選態樣簽經"
)
CJK = re.compile(r"[\u4e00-\u9fff]")
ARABIC = re.compile(r"[\u0600-\u06ff]")


def _sample(variant: str, n: int, seed: int = 0) -> list[tuple[int, str, tuple[str, ...]]]:
    """Draw n feedback texts with random ratings: (rating, text, aspects_mentioned)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        rating = int(rng.integers(1, 6))
        text, mentioned = feedback_text(rng, variant, rating)
        out.append((rating, text, mentioned))
    return out


@pytest.fixture(scope="module")
def samples() -> dict[str, list[tuple[int, str, tuple[str, ...]]]]:
    return {v: _sample(v, 2000) for v in LANGUAGES}


def test_iso_lang() -> None:
    assert [iso_lang(v) for v in LANGUAGES] == ["en", "pl", "nl", "sk", "zh", "zh", "ar"]
    with pytest.raises(ValueError):
        iso_lang("de")


@pytest.mark.parametrize("variant", LANGUAGES)
def test_deterministic(variant: str) -> None:
    def draws(seed: int) -> list[tuple[str, tuple[str, ...]]]:
        rng = np.random.default_rng(seed)
        out = []
        for i in range(500):
            if i % 4 == 3:
                out.append(survey_comment(rng, variant, SENTIMENTS[i % 3]))
            else:
                out.append(feedback_text(rng, variant, 1 + i % 5))
        return out

    first = draws(42)
    assert first == draws(42)
    assert first != draws(43)


@pytest.mark.parametrize("variant", LANGUAGES)
def test_template_count(variant: str) -> None:
    assert template_count(variant) >= 40


@pytest.mark.parametrize("variant", LANGUAGES)
def test_random_aspects(variant: str, samples) -> None:
    for _, _, mentioned in samples[variant]:
        assert 1 <= len(mentioned) <= 2
        assert set(mentioned) <= set(ASPECTS)
        assert len(set(mentioned)) == len(mentioned)
    counts = Counter(a for _, _, m in samples[variant] for a in m)
    assert set(counts) == set(ASPECTS)


@pytest.mark.parametrize("variant", LANGUAGES)
def test_requested_aspects_honoured(variant: str) -> None:
    rng = np.random.default_rng(1)
    requests = [(a,) for a in ASPECTS] + [
        ("delivery", "quality"),
        ("price", "service", "website"),
        ("checkout", "returns", "delivery"),
    ]
    for req in requests:
        for rating in range(1, 6):
            _, mentioned = feedback_text(rng, variant, rating, list(req))
            assert mentioned == req
        for sentiment in SENTIMENTS:
            _, mentioned = survey_comment(rng, variant, sentiment, req)
            assert mentioned == req


def test_invalid_arguments() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError):
        feedback_text(rng, "fr", 3)
    for rating in (0, 6, 2.5, True):
        with pytest.raises(ValueError):
            feedback_text(rng, "en", rating)  # type: ignore[arg-type]  # wrong types on purpose
    for aspects in ([], ["speed"], ["delivery", "price", "quality", "website"]):
        with pytest.raises(ValueError):
            feedback_text(rng, "en", 3, aspects)
    with pytest.raises(ValueError):
        survey_comment(rng, "en", "positive")
    assert feedback_text(rng, "en", np.int64(4), ["price", "price"])[1] == ("price",)


@pytest.mark.parametrize("variant", LANGUAGES)
def test_texts_are_clean(variant: str, samples) -> None:
    rng = np.random.default_rng(3)
    texts = [t for _, t, _ in samples[variant]]
    texts += [survey_comment(rng, variant, SENTIMENTS[i % 3])[0] for i in range(600)]
    for text in texts:
        assert text and text == text.strip()
        assert not re.search(r"[{}\[\]^|]", text), text
        assert "  " not in text and " ," not in text and " ." not in text, text
        assert not text[0].islower(), text


@pytest.mark.parametrize("variant", LANGUAGES)
def test_variety(variant: str, samples) -> None:
    texts = [t for _, t, _ in samples[variant]]
    assert len(set(texts)) >= 300


def test_simplified_chinese(samples) -> None:
    texts = [t for _, t, _ in samples["zh-Hans"]]
    assert all(CJK.search(t) for t in texts)
    joined = "".join(texts)
    for ch in "这说没货递":
        assert ch in joined, ch
    assert not set(joined) & set(TRADITIONAL_ONLY)


def test_traditional_chinese(samples) -> None:
    texts = [t for _, t, _ in samples["zh-Hant"]]
    assert all(CJK.search(t) for t in texts)
    joined = "".join(texts)
    for ch in "這說沒貨遞":
        assert ch in joined, ch
    assert not set(joined) & set(SIMPLIFIED_ONLY)
    # Not just the same strings as the simplified variant.
    assert not {t for _, t, _ in samples["zh-Hans"]} & set(texts)


def test_arabic_script(samples) -> None:
    texts = [t for _, t, _ in samples["ar"]]
    assert all(ARABIC.search(t) for t in texts)
    letters = [c for t in texts for c in t if c.isalpha()]
    arabic = sum(1 for c in letters if ARABIC.match(c))
    assert arabic / len(letters) > 0.95


@pytest.mark.parametrize(
    ("variant", "letters"),
    [("pl", "ąęłżśćńóź"), ("sk", "áäčďéíľĺňóôŕšťúýž")],
)
def test_diacritics(variant: str, letters: str, samples) -> None:
    joined = "".join(t for _, t, _ in samples[variant]).lower()
    for ch in letters:
        assert ch in joined, ch


@pytest.mark.parametrize(
    ("variant", "phrases"),
    [
        ("en", ["not bad", "never arrived", "very "]),
        ("pl", ["nie polecam", "bardzo "]),
        ("nl", ["niet goed", "heel "]),
        ("sk", ["nie je dobrá", "veľmi "]),
        ("zh-Hans", ["不好", "没有收到", "非常"]),
        ("zh-Hant", ["不好", "沒有收到", "非常"]),
        ("ar", ["ليس جيدا", "لم يصل", "جدا"]),
    ],
)
def test_negations_and_intensifiers(variant: str, phrases: list[str], samples) -> None:
    joined = " ".join(t for _, t, _ in samples[variant]).lower()
    for phrase in phrases:
        assert phrase in joined, phrase


CONTRAST = {
    "en": ("but", "however", "cons:"),
    "pl": ("ale", "jednak", "minusy:"),
    "nl": ("maar", "minpunt:", "wel positief:"),
    "sk": ("ale", ", no ", "bohužiaľ", "mínusy:"),
    "zh-Hans": ("但是", "可惜", "缺点", "不过"),
    "zh-Hant": ("但是", "可惜", "缺點", "不過"),
    "ar": ("لكن", "السلبيات"),
}


@pytest.mark.parametrize("variant", LANGUAGES)
def test_mixed_aspect_texts(variant: str) -> None:
    rng = np.random.default_rng(5)
    hits = 0
    for _ in range(200):
        text, mentioned = feedback_text(rng, variant, 3, ("delivery", "quality"))
        assert mentioned == ("delivery", "quality")
        hits += any(c in text.lower() for c in CONTRAST[variant])
    assert hits >= 140


def test_english_sentiment_words(samples) -> None:
    negative = {
        "never",
        "not",
        "poor",
        "bad",
        "slow",
        "rude",
        "broke",
        "cheap",
        "expensive",
        "declined",
        "crashed",
        "didn't",
        "haven't",
        "disappointing",
        "waste",
        "late",
    }
    positive = {
        "happy",
        "easy",
        "helpful",
        "perfect",
        "perfectly",
        "smoothly",
        "quick",
        "good",
        "great",
        "friendly",
        "excellent",
        "recommend",
        "definitely",
    }

    def rate(words: set[str], ratings: set[int]) -> float:
        texts = [t for r, t, _ in samples["en"] if r in ratings]
        hits = sum(w in words for t in texts for w in re.findall(r"[a-z']+", t.lower()))
        return hits / len(texts)

    assert rate(negative, {1, 2}) > 3 * rate(negative, {4, 5})
    assert rate(positive, {4, 5}) > 3 * rate(positive, {1, 2})


@pytest.mark.parametrize("variant", LANGUAGES)
def test_survey_comments_short(variant: str) -> None:
    rng = np.random.default_rng(9)
    for i in range(300):
        text, mentioned = survey_comment(rng, variant, SENTIMENTS[i % 3])
        assert 1 <= len(mentioned) <= 2 and set(mentioned) <= set(ASPECTS)
        assert len(text) < 300
