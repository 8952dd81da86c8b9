"""The voice-of-the-customer report: star-only ratings and sentences that agree with the numbers.

Issue 17: feedback rows with a rating and no text are valid; the text analyses leave them out
(sentiment shares over texts only) and the report counts them.
Issue 20: no contradictions of the kinds a review found: a finding's direction agrees with the
sign of the effect it quotes; one source for the backend of each language; a trend sentence
never says "no alert" about series whose alerts are listed; effects of the 0–10 answer are
"points on the 0–10 scale", never "NPS points".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import cxlib
from cxlib import voc
from cxlib.viz.formats import language_name
from cxlib.voc.overview import VoiceOfCustomer
from cxlib.voc.textinput import count_without_text
from tests.conftest import tiny_shop_frames, write_shop

TEXTS = [
    "Fast delivery, great quality, thank you!",
    "The parcel arrived late and the packaging was torn.",
    "Terrible service, nobody answered my e-mails.",
    "Great price, happy customer.",
]


def _star_only_shop(folder: Path, n_texts: int = 40, n_star_only: int = 13) -> Path:
    frames = tiny_shop_frames(days=30)
    n = n_texts + n_star_only
    start = pd.Timestamp("2024-03-01", tz="UTC")
    text: list[Any] = [TEXTS[i % len(TEXTS)] for i in range(n_texts)]
    # star-only reviews: missing, empty and blank texts, all with a rating
    text += [None if i % 3 == 0 else ("" if i % 3 == 1 else "   ") for i in range(n_star_only)]
    frames["feedback"] = pd.DataFrame(
        {
            "feedback_id": [f"f{i}" for i in range(n)],
            "ts": start + pd.to_timedelta(np.arange(n) * 0.5, unit="D"),
            "text": pd.Series(text, dtype="object"),
            "rating": [(i % 5) + 1 for i in range(n)],
            "lang": "en",
        }
    )
    frames.pop("surveys", None)
    frames["orders"] = frames["orders"][frames["orders"]["revenue"] >= 0]  # the tiny shop plants a refund
    return write_shop(folder, frames)


def test_star_only_ratings_are_left_out_of_text_analyses_and_counted(tmp_path: Path) -> None:
    folder = _star_only_shop(tmp_path / "shop")
    shop_frame = pd.read_parquet(folder / "feedback.parquet")
    shop = cxlib.open_shop(folder, on_error="raise")  # star-only rows are valid: nothing is dropped
    result = voc.voice_of_customer(shop, languages=["en", "pl"], min_n=5, check_n=100)
    assert result.n_star_only == 13 and result.n_without_text == 13
    assert result.coverage() == ["13 star-only ratings without text were left out of the text analyses."]
    # independent truth: the 40 texts scored on their own, in the result's order
    written = dict(zip(shop_frame["feedback_id"], shop_frame["text"], strict=True))
    alone = voc.sentiment([written[i] for i in result.sentiment.table["feedback_id"]], langs="en")
    assert result.sentiment is not None and result.aspects is not None and result.languages is not None
    assert len(result.sentiment.table) == 40 and len(result.aspects.texts) == 40
    assert len(result.languages.table) == 40
    assert result.sentiment.table["label"].tolist() == alone.table["label"].tolist()
    expected = alone.table["label"].value_counts(normalize=True)
    neutral = float(expected.get("neu", 0.0))
    assert (result.sentiment.table["label"] == "neu").mean() == pytest.approx(neutral)
    sentence = result.sentiment.summary()[0]
    assert sentence.startswith("Of 40 texts,")
    assert f"{neutral:.0%} neutral" in sentence
    assert not result.sentiment.table["text"].str.strip().eq("").any()


def test_rating_view_uses_every_rating_star_only_ones_included(tmp_path: Path) -> None:
    folder = _star_only_shop(tmp_path / "shop")
    raw = pd.read_parquet(folder / "feedback.parquet")
    shop = cxlib.open_shop(folder, on_error="raise")
    stars = voc.voice_of_customer(shop, languages=["en", "pl"], min_n=5, check_n=100).ratings
    assert stars is not None
    # independent truth: pandas counts over all 53 rows, text or not
    blank = raw["text"].isna() | (raw["text"].fillna("").str.strip() == "")
    expected = raw.groupby("rating").size().reindex(range(1, 6), fill_value=0)
    assert stars.table["n"].tolist() == expected.tolist() and stars.n == 53
    assert stars.table["n_star_only"].tolist() == (
        raw[blank].groupby("rating").size().reindex(range(1, 6), fill_value=0).tolist()
    )
    assert stars.mean() == pytest.approx(raw["rating"].mean())
    low = float((raw["rating"] <= 2).mean())
    assert stars.summary() == [
        f"Mean rating {raw['rating'].mean():.2f}★ from 53 ratings (13 of them without text): "
        f"{low:.0%} give 1–2★, {float((raw['rating'] >= 4).mean()):.0%} 4–5★."
    ]


def test_one_star_only_rating_and_a_row_with_neither_are_counted_apart() -> None:
    feedback = pd.DataFrame(
        {"text": ["ok", None, " ", "fine"], "rating": pd.Series([5, 4, None, None], dtype="Int64")}
    )
    assert count_without_text(feedback) == (2, 1)
    counts = VoiceOfCustomer(None, None, None, None, None, None, (), n_without_text=2, n_star_only=1)
    assert counts.coverage() == [
        "1 star-only rating without text was left out of the text analyses.",
        "1 feedback row with neither text nor rating was left out.",
    ]
    assert count_without_text(pd.DataFrame({"rating": [1, 2, 3]})) == (3, 3)


# --- (a) a finding's direction agrees with the sign of the effect it quotes ---------------------

ASPECT_TEXTS = (
    ["Terrible packaging."] * 12
    + ["Fast delivery, the parcel came the next day."] * 12
    + ["Delivery was late and the parcel never came."] * 4
)


def _drivers_with_opposite_signs() -> tuple[voc.DriverResult, np.ndarray]:
    rng = np.random.default_rng(3)
    n = 400
    delivery = (rng.random(n) < 0.3).astype(float)
    packaging = (rng.random(n) < 0.2).astype(float)
    score = np.clip(np.round(7 - 2.0 * delivery + 1.0 * packaging + rng.normal(0, 1, n)), 0, 10)
    frame = pd.DataFrame({"score": score, "delivery": delivery, "packaging": packaging})
    result = voc.drivers(
        frame,
        "score",
        ["delivery", "packaging"],
        labels={"delivery": "Delivery", "packaging": "Packaging"},
        n_boot=0,
        outcome_label="NPS",
        unit="a negative mention",
        scale="0–10 scale",
    )
    X = np.column_stack([np.ones(n), delivery, packaging])
    return result, np.linalg.lstsq(X, score, rcond=None)[0][1:]


def _quoted_effects(sentences: list[str], labels: list[str]) -> dict[str, float]:
    """Label -> signed effect as a sentence quotes it ("2.01 points lower" -> -2.01)."""
    found: dict[str, float] = {}
    for sentence in sentences:
        for number, way in re.findall(r"(\d+\.\d+) points (lower|higher)", sentence):
            named = [label for label in labels if label in sentence]
            assert len(named) == 1, sentence
            found[named[0]] = float(number) * (-1 if way == "lower" else 1)
    return found


def test_findings_agree_in_sign_with_the_driver_effects_they_quote() -> None:
    key_drivers, ols = _drivers_with_opposite_signs()
    coef = dict(zip(key_drivers.table["label"], key_drivers.table["ols_coef"], strict=True))
    assert coef["Delivery"] == pytest.approx(ols[0]) and coef["Packaging"] == pytest.approx(ols[1])
    assert coef["Delivery"] < 0 < coef["Packaging"]
    topics = voc.aspects(ASPECT_TEXTS, langs="en")
    worst = topics.most_negative()
    assert worst is not None and worst["aspect"] == "packaging" and worst["net"] < 0
    report = VoiceOfCustomer(None, None, None, topics, None, key_drivers, ())
    findings = report.findings()
    quoted = _quoted_effects(findings, ["Delivery", "Packaging"])
    assert set(quoted) == {"Delivery", "Packaging"}
    for label, value in quoted.items():
        assert value == pytest.approx(coef[label], abs=0.005), label
    # the most negative aspect whose negative mentions go with *higher* answers is said so
    assert any("Most negative: Packaging" in s for s in findings)
    assert any(s.startswith("Yet in NPS comments") and "Packaging" in s for s in findings)
    # the finding on what weighs on NPS names a driver whose effect is negative
    assert "What weighs most on NPS: Delivery." in " ".join(findings)
    summary = _quoted_effects(key_drivers.summary()[1:], ["Delivery", "Packaging"])
    assert all(np.sign(v) == np.sign(coef[k]) for k, v in summary.items())


def test_index_cards_name_what_the_key_findings_name_and_never_flag_a_non_driver() -> None:
    """The index said "Most negative aspect: Packaging, needs attention" above a page saying
    packaging complaints go with *higher* NPS answers and another aspect weighs most on NPS.
    """
    from cxlib.reports.report_headlines import voc_headlines

    key_drivers, ols = _drivers_with_opposite_signs()
    topics = voc.aspects(ASPECT_TEXTS, langs="en")
    report = VoiceOfCustomer(None, None, None, topics, None, key_drivers, ())
    findings = " ".join(report.findings())
    cards = {h.label: h for h in voc_headlines(report).items}
    # what weighs most: the page's aspect, with the effect the page quotes (lstsq truth: ols[0])
    weighs = cards["What weighs most on NPS"]
    assert weighs.value == "Delivery" and f"What weighs most on NPS: {weighs.value}." in findings
    assert weighs.verdict == "needs attention"
    assert weighs.note == f"a negative mention: {abs(ols[0]):.2f} points lower on the 0–10 scale"
    assert f"an answer {abs(ols[0]):.2f} points lower on the 0–10 scale" in findings
    # the most negative aspect: named as on the page, and not flagged, as the page says it is no driver
    worst = cards["Most negative aspect"]
    assert worst.value == "Packaging" and "Most negative: Packaging" in findings
    assert "Yet in NPS comments, a negative mention of Packaging" in findings
    assert f"an answer {ols[1]:.2f} points higher on the 0–10 scale" in findings
    assert worst.verdict is None and worst.note is not None and "not a driver of lower NPS" in worst.note
    shares = topics.shares().set_index("aspect").loc["packaging"]
    assert worst.note.startswith(f"{shares['neg']:.0%} of {int(shares['n_mentions'])} mentions negative")
    # without a driver analysis the page has no "Yet" sentence and the card flags the aspect
    alone = VoiceOfCustomer(None, None, None, topics, None, None, ())
    assert not any(s.startswith("Yet") for s in alone.findings())
    cards = {h.label: h for h in voc_headlines(alone).items}
    assert "What weighs most on NPS" not in cards
    assert cards["Most negative aspect"].verdict == "needs attention"
    assert "not a driver" not in str(cards["Most negative aspect"].note)


def test_a_most_negative_aspect_that_drives_lower_scores_is_flagged_on_card_and_page() -> None:
    from cxlib.reports.report_headlines import voc_headlines

    rng = np.random.default_rng(5)
    n = 400
    packaging = (rng.random(n) < 0.3).astype(float)
    delivery = (rng.random(n) < 0.3).astype(float)
    score = np.clip(np.round(8 - 3.0 * packaging - 0.5 * delivery + rng.normal(0, 1, n)), 0, 10)
    key_drivers = voc.drivers(
        pd.DataFrame({"score": score, "delivery": delivery, "packaging": packaging}),
        "score",
        ["delivery", "packaging"],
        labels={"delivery": "Delivery", "packaging": "Packaging"},
        n_boot=0,
        outcome_label="NPS",
        unit="a negative mention",
        scale="0–10 scale",
    )
    report = VoiceOfCustomer(None, None, None, voc.aspects(ASPECT_TEXTS, langs="en"), None, key_drivers, ())
    findings = report.findings()
    assert "What weighs most on NPS: Packaging." in " ".join(findings)
    assert not any(s.startswith("Yet") for s in findings)
    cards = {h.label: h for h in voc_headlines(report).items}
    assert cards["What weighs most on NPS"].value == cards["Most negative aspect"].value == "Packaging"
    assert cards["Most negative aspect"].verdict == "needs attention"


def test_no_aspect_is_called_most_negative_when_every_net_sentiment_is_positive() -> None:
    topics = voc.aspects(["Fast delivery, the parcel came the next day."] * 12, langs="en")
    worst = topics.most_negative()
    assert worst is not None and worst["net"] > 0
    sentence = topics.summary()[1]
    assert "Most negative" not in sentence and "the least positive is Delivery" in sentence
    from cxlib.reports.report_headlines import voc_headlines

    cards = voc_headlines(VoiceOfCustomer(None, None, None, topics, None, None, ()))._repr_html_()
    assert "Least positive aspect" in cards and "Most negative aspect" not in cards


def test_driver_effects_are_points_on_the_0_to_10_scale_not_nps_points() -> None:
    key_drivers, _ = _drivers_with_opposite_signs()
    text = " ".join(key_drivers.summary())
    assert text.startswith(
        f"The drivers explain {key_drivers.r2:.0%} of the variance of the NPS answers on the 0–10 scale "
        "across 400 responses."
    )
    assert "points lower on the 0–10 scale" in text and "points higher on the 0–10 scale" in text
    assert "NPS points" not in text and "points lower NPS" not in text
    # one interval style: negative ends carry the minus sign as every other report writes them
    negative = key_drivers.table[key_drivers.table["ols_coef"] < 0].iloc[0]
    low, high = (f"{v:.2f}".replace("-", "−") for v in (negative["ols_ci_low"], negative["ols_ci_high"]))
    assert f"(95% CI {low} to {high})" in text and not re.search(r"CI -\d", text), text
    labels = key_drivers.display_settings().labels
    assert labels["ols_coef"] == "Points on the 0–10 scale"
    assert all("NPS points" not in str(v) for v in labels.values())


# --- (b) one source of truth for the backend of each language -----------------------------------


def test_backend_named_in_every_sentence_is_the_backend_in_the_table(sample_feedback, sample_model) -> None:
    feedback = sample_feedback.iloc[::4].reset_index(drop=True)
    scored = voc.sentiment(feedback, model=sample_model, min_rated=500)
    used = dict(zip(scored.backends()["lang"], scored.backends()["backend"], strict=True))
    # the shop's model exists for languages it does not score (fewer than 500 rated reviews)
    trained = set(sample_model.table.loc[sample_model.table["trained"], "lang"])
    assert {code for code in trained if used.get(code) != "trained"}, "no language to check"
    assert {code for code in trained if used.get(code) == "trained"}
    shown = scored.display_table().set_index("lang")
    words = {"trained": "the shop's own model", "pretrained": "the shipped model", "lexicon": "the lexicon"}
    for code, backend in used.items():
        assert shown.loc[code, "scored_by"] == words[backend]
    sentence = scored.backend_sentence()
    for part in sentence.removeprefix("Scored by ").rstrip(".").split("; "):
        backend_words, names = part.split(" for ")
        backend = next(k for k, v in words.items() if v == backend_words)
        for name in names.split(", "):
            code = shown.index[shown["language"] == name][0]
            assert used[code] == backend, (name, backend)
    report = VoiceOfCustomer(None, sample_model, scored, None, None, None, (), min_rated=500)
    for line in report.model_summary():
        name = line.split(":")[0]
        if name not in set(shown["language"]):
            continue
        code = shown.index[shown["language"] == name][0]
        assert ("it scores this report's texts" in line) == (used[code] == "trained"), line


def test_the_count_behind_a_model_not_scoring_is_the_count_that_trains_it(
    sample_feedback, sample_model
) -> None:
    """The appendix said Slovak's model, "with fewer than 500 rated reviews", does not score the
    texts, above a table of 659 Slovak texts that all carry a rating: 3★ texts train no model.
    """
    scored = voc.sentiment(sample_feedback, model=sample_model, min_rated=500)
    report = VoiceOfCustomer(None, sample_model, scored, None, None, None, (), min_rated=500)
    lines = {line.split(":")[0]: line for line in report.model_summary()}
    # independent truth: pandas counts of texts per stated language, all rated and rated 1–2★ or 4–5★
    has_text = sample_feedback["text"].fillna("").str.strip() != ""
    rated = sample_feedback[has_text & sample_feedback["rating"].notna()].groupby("lang").size()
    polar = sample_feedback[has_text & sample_feedback["rating"].isin([1, 2, 4, 5])].groupby("lang").size()
    planted = [code for code in polar.index if polar[code] < 500 <= rated[code]]
    assert planted, "no language with 500 rated texts of which fewer than 500 train a model"
    for code in planted:
        line = lines[language_name(code)]
        assert f"trained on {polar[code]:,} texts rated 1–2★ or 4–5★" in line, line
        assert "with fewer than 500 such texts it does not score" in line, line
        assert "rated reviews" not in line


# --- (c) a trend sentence never says "no alert" above a list of alerts --------------------------


def _weeks(spike: bool) -> pd.DataFrame:
    """12 weeks of 200 texts, 20% negative; with ``spike``, week 8 has 65% positive, not 40%."""
    rows = []
    for week in range(12):
        pos = 130 if spike and week == 8 else 80
        labels = ["neg"] * 40 + ["pos"] * pos + ["neu"] * (160 - pos)
        ts = pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(weeks=week) + pd.Timedelta(hours=1)
        rows.append(pd.DataFrame({"ts": ts, "label": labels, "score": 0.0}))
    return pd.concat(rows, ignore_index=True)


def test_trend_sentences_agree_with_the_alerts_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _weeks(spike=True)
    trend = voc.sentiment_trend(frame, min_n=20)
    alerts = trend.alerts()
    assert set(alerts["series"]) == {"pos"}  # only positives broke their limits
    both = trend.summary()
    assert not any("stayed within" in s for s in both)
    assert f"{len(alerts)} alert" in both[0]
    negative = trend.select(["neg"], what="share of negative texts")
    assert negative.alerts().empty
    assert negative.summary() == [
        "Share of negative texts stayed within its control limits (±3σ) in all 12 weeks judged."
    ]
    shown: list[Any] = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    monkeypatch.setattr(go.Figure, "show", lambda self, *a, **k: shown.append(self))
    negative.show()  # chart and sentence, no table of alerts
    assert [type(x).__name__ for x in shown] == ["Figure", "HTMLBlock"]
    shown.clear()
    trend.show(figure=False)  # the alerts table, then a sentence that counts them
    assert "<table" in shown[0].data and "stayed within" not in shown[1].data
    assert shown[0].data.count("above") + shown[0].data.count("below") >= len(alerts)


def test_real_olist_reviews_without_comment_are_counted_not_scored() -> None:
    """Olist's real review export: about half the reviews are a star rating without a comment."""
    folder = Path(__file__).resolve().parents[1] / "data" / "real" / "olist"
    raw = pd.read_csv(folder / "olist_order_reviews_dataset.csv")
    message = raw["review_comment_message"]
    blank = message.isna() | (message.astype(str).str.strip() == "")
    star_only = int((blank & raw["review_score"].notna()).sum())
    assert star_only > 100  # independent pandas count on the file as published
    shop = cxlib.open_shop(folder, on_error="drop")
    result = voc.voice_of_customer(shop, languages=["pt", "en", "es"], min_n=5, check_n=50)
    assert result.n_star_only == star_only and result.n_without_text == int(blank.sum())
    assert result.sentiment is not None and len(result.sentiment.table) == int((~blank).sum())
    assert (
        result.coverage()[0]
        == f"{star_only} star-only ratings without text were left out of the text analyses."
    )
    assert result.sentiment.summary()[0].startswith(f"Of {int((~blank).sum())} texts,")


def test_report_names_the_languages_the_shipped_models_cover() -> None:
    """The Sentiment section said "shipped with cxlib (English and Chinese)" above a table
    whose Slovak row read "the shipped model": the list must be the models cxlib ships.
    """
    from cxlib.viz.formats import language_name
    from cxlib.voc.pretrained import available_pretrained

    script = (Path(__file__).resolve().parents[2] / "notebooks" / "05_voice_of_customer.py").read_text()
    markdown = " ".join(
        line.removeprefix("#").strip() for line in script.splitlines() if line.startswith("#")
    )
    named = re.search(r"shipped with cxlib \(([^)]*)\)", markdown)
    assert named, "the Sentiment section no longer names the shipped models' languages"
    listed = {name.strip() for name in re.split(r",| and ", named.group(1)) if name.strip()}
    assert listed == {language_name(code) for code in available_pretrained()}


# --- (d) the language section counts the texts the rest of the page counts ----------------------


def test_language_mix_counts_every_text_analysed_not_the_detection_subset() -> None:
    """The section said "1,595 texts; ... Slovak 11%" above a sentiment table of 6,377 texts in
    which Dutch outnumbered Slovak: it counted the subset detected to check the stated languages.
    """
    langs = ["en"] * 30 + ["pl"] * 20 + ["nl"] * 12 + ["sk"] * 10 + [None] * 3
    texts = pd.DataFrame({"text": [f"t{i}" for i in range(len(langs))], "lang": langs})
    subset = texts.iloc[::5]  # the detection check: every 5th text, one Slovak one read as Czech
    detected = subset["lang"].where(subset.index != 65, "cs")
    checked = voc.LanguageResult(
        table=pd.DataFrame({"lang": detected, "confidence": 0.9, "lang_given": subset["lang"]}),
        languages=("en", "pl", "nl", "sk", "cs"),
    )
    assert checked.summary()[0].startswith("15 texts;")  # the subset alone
    mix = voc.language_mix(texts, checked=checked)
    # independent truth: pandas shares over all 75 texts
    truth = texts["lang"].fillna("unknown").value_counts(normalize=True)
    assert dict(zip(mix.table["lang"], mix.table["share"], strict=True)) == pytest.approx(truth.to_dict())
    assert (
        mix.summary()[0] == "75 texts; most common languages: English 40%, Polish 27%, Dutch 16%, Slovak 13%."
    )
    stated = subset["lang"].notna()
    agree = float((detected[stated] == subset["lang"][stated]).mean())
    assert mix.summary()[1] == (
        f"Checked on {int(stated.sum())} texts with a stated language, spread evenly over the period, "
        f"detection agrees with it for {agree:.1%}; lowest for Slovak (50.0%)."
    )
    assert list(mix.figure().data[0].y) == pytest.approx(list(mix.table["share"]))
    # the report's mix is that of the texts its sentiment table counts
    scored = voc.sentiment(texts.assign(text=TEXTS * 18 + TEXTS[:3]), langs=texts["lang"].fillna("en"))
    report = VoiceOfCustomer(checked, None, scored, None, None, None, ())
    shown = report.language_mix()
    assert shown is not None and int(shown.table["n"].sum()) == len(scored.table) == 75
    assert VoiceOfCustomer(None, None, None, None, None, None, ()).language_mix() is None
