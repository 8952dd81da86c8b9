"""Aspects: sentence/clause-level sentiment, taxonomy extension, tables vs naive loops, and the
sample shop's planted aspect truth.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest

from cxlib import DataError, voc
from cxlib.engine import duckdb_connection
from cxlib.voc.lexicon import label_of, load_lexicon, normalized_score, score_text


def mentions(result) -> list[tuple[int, str, str]]:
    return list(zip(result.table["row"], result.table["aspect"], result.table["label"], strict=True))


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "en",
            "Delivery was fast but the shoes fell apart after a week.",
            [("delivery", "pos"), ("quality", "neg")],
        ),
        (
            "pl",
            "Kurier był szybki, ale zwrot pieniędzy trwa wieki i nikt nie odpowiada.",
            [("delivery", "pos"), ("returns", "neg"), ("service", "neg")],
        ),
        ("zh", "快递很快，但是质量太差了", [("delivery", "pos"), ("quality", "neg")]),
        ("ar", "التوصيل سريع لكن السعر غالي", [("delivery", "pos"), ("price", "neg")]),
        (
            "sk",
            "Balík prišiel rýchlo. Platba kartou nefungovala.",
            [("delivery", "pos"), ("checkout", "neg")],
        ),
        (
            "nl",
            "De doos was gedeukt maar de klantenservice was vriendelijk.",
            [("service", "pos"), ("packaging", "neg")],
        ),
        ("it", "Spedizione velocissima. Il prezzo è troppo caro.", [("delivery", "pos"), ("price", "neg")]),
        (
            "pt",
            "A entrega atrasou muito. O atendimento foi muito atencioso.",
            [("delivery", "neg"), ("service", "pos")],
        ),
    ],
)
def test_each_mention_takes_the_sentiment_of_its_clause(lang, text, expected):
    result = voc.aspects([text], langs=lang)
    assert sorted((a, lab) for _, a, lab in mentions(result)) == sorted(expected)


def test_clause_score_is_the_lexicon_score_of_the_clause():
    result = voc.aspects(["The parcel arrived late. The price was fair and great."], langs="en")
    by_aspect = result.table.set_index("aspect")["score"]
    lex = load_lexicon("en")
    assert by_aspect["delivery"] == pytest.approx(score_text("The parcel arrived late", lex).score)
    assert by_aspect["price"] == pytest.approx(score_text("The price was fair and great", lex).score)
    texts = result.texts.iloc[0]
    assert texts["text_score"] == pytest.approx(score_text(result.texts.loc[0, "text"], lex).score)
    assert texts["n_aspects"] == 2


def test_taxonomy_extension_ignore_and_replace(tmp_path):
    extra = tmp_path / "tax.yaml"
    extra.write_text(
        "aspects:\n"
        "  sustainability:\n    label: Sustainability\n    keywords:\n      en: [plastic, recycl*]\n"
        "  delivery:\n    keywords:\n      en: [drone]\n"
        "ignore:\n  en: [plastic card]\n",
        encoding="utf-8",
    )
    texts = ["Too much plastic, please recycle more.", "The drone was late.", "Paid by plastic card."]
    result = voc.aspects(texts, langs="en", taxonomy=extra)
    assert result.aspect_names[-1] == "sustainability"
    assert {(r, a) for r, a, _ in mentions(result)} == {
        (0, "sustainability"),
        (1, "delivery"),
        (2, "checkout"),
    }
    only = voc.aspects(
        texts, langs="en", taxonomy={"replace": True, "aspects": {"green": {"keywords": {"en": ["plastic"]}}}}
    )
    assert only.aspect_names == ("green",) and {(r, a) for r, a, _ in mentions(only)} == {
        (0, "green"),
        (2, "green"),
    }


TEXTS = [
    "Fast delivery, great price.",
    "The parcel never arrived.",
    "Refund was quick.",
    "Rude customer service.",
    "Nice quality",
    "Everything fine",
    "Delivery late and the box was crushed",
    "Checkout kept crashing",
]


def test_wide_and_shares_match_naive_loops():
    frame = pd.DataFrame(
        {"id": [f"i{k}" for k in range(len(TEXTS))], "text": TEXTS, "src": ["a", "b"] * (len(TEXTS) // 2)}
    )
    result = voc.aspects(frame, langs="en", keep=["id", "src"])
    wide = result.wide("score")
    lex, tax = load_lexicon("en"), result.taxonomy
    for k, text in enumerate(TEXTS):
        found = score_text(text, lex, tax.matcher("en")).aspects
        for aspect in result.aspect_names:
            scores = [sc for a, sc, _, _ in found if a == aspect]
            assert wide.loc[k, aspect] == pytest.approx(np.mean(scores) if scores else 0.0)
    assert wide["id"].tolist() == frame["id"].tolist()
    shares = result.shares(by="src").set_index(["src", "aspect"])
    for src in ("a", "b"):
        rows = [k for k in range(len(TEXTS)) if frame.loc[k, "src"] == src]
        for aspect in result.aspect_names:
            hit = [
                wide.loc[k, aspect]
                for k in rows
                if (result.table["row"].eq(k) & result.table["aspect"].eq(aspect)).any()
            ]
            got = shares.loc[(src, aspect)]
            assert got["n_texts"] == len(rows) and got["n_mentions"] == len(hit)
            assert got["share"] == pytest.approx(len(hit) / len(rows))
            if hit:
                labels = [label_of(v) for v in hit]
                assert got["neg"] == pytest.approx(labels.count("neg") / len(hit))
                assert got["net"] == pytest.approx((labels.count("pos") - labels.count("neg")) / len(hit))
    suppressed = result.shares(by="src", min_n=5)
    assert suppressed["suppressed"].all() and suppressed["share"].isna().all()


def test_aspects_identical_on_pandas_polars_and_duckdb():
    frame = pd.DataFrame({"id": [f"i{k}" for k in range(len(TEXTS))], "text": TEXTS, "lang": "en"})
    natives = [frame, pl.from_pandas(frame), duckdb_connection().from_df(frame)]
    results = [voc.aspects(f, keep=["id"]) for f in natives]
    for other in results[1:]:
        pd.testing.assert_frame_equal(
            other.table.drop(columns=["keywords", "terms"]),
            results[0].table.drop(columns=["keywords", "terms"]),
        )
        pd.testing.assert_frame_equal(other.texts, results[0].texts)


def test_reserved_keep_columns_are_refused():
    with pytest.raises(DataError) as err:
        voc.aspects(pd.DataFrame({"text": ["x"], "delivery": [1]}), keep=["delivery"])
    assert err.value.rule == "reserved_column"


def test_aspect_result_outputs():
    result = voc.aspects(TEXTS, langs="en")
    assert len(result.figure().data) == 3
    assert result.summary()[0].startswith("88% of 8 texts")
    assert normalized_score(0.0) == 0.0


def test_planted_aspects_of_the_sample_feedback_are_found(sample_feedback):
    """Planted truth: truth_feedback_aspects.parquet lists the aspects each text was written about."""
    from pathlib import Path

    truth_path = Path(__file__).resolve().parents[2] / "data" / "sample" / "truth_feedback_aspects.parquet"
    truth = pd.read_parquet(truth_path)[["feedback_id", "aspects"]].explode("aspects").dropna()
    result = voc.aspects(sample_feedback, keep=["feedback_id"])
    found = result.table.merge(result.texts[["row", "feedback_id"]], on="row")
    found_pairs = set(zip(found["feedback_id"], found["aspect"], strict=True))
    for aspect, part in truth.groupby("aspects"):
        planted = set(zip(part["feedback_id"], part["aspects"], strict=True))
        recall = len(planted & found_pairs) / len(planted)
        assert recall >= 0.75, (aspect, recall)
    lang = truth.merge(sample_feedback[["feedback_id", "lang"]], on="feedback_id")
    for code, part in lang.groupby("lang"):
        planted = set(zip(part["feedback_id"], part["aspects"], strict=True))
        assert len(planted & found_pairs) / len(planted) >= 0.85, code
