"""Round 7's readers of licensed labelled data for the embedding head (benchmarks/train_voc_models.py
--arsarcasm/--potts): ArSarcasm-v2 and PotTS, on tiny hand-made files in their real layouts, and the
deduplicating, held-out-removing, capped sample drawn from them. Expected labels written by hand.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

#: ArSarcasm-v2's layout: the tweet field holds the tweet in double quotes (written as """...""").
TRAINING = """tweet,sarcasm,sentiment,dialect
\"\"\"خدمة ممتازة وسريعة\"\"\",FALSE,POS,msa
\"\"\"منتج سيء جدا\"\"\",FALSE,NEG,gulf
\"\"\"يا سلام على الجودة\"\"\",TRUE,NEG,egypt
\"\"\"خبر عادي عن الطقس\"\"\",FALSE,NEU,msa
\"\"\"منتج سيء جدا\"\"\",FALSE,NEG,gulf
"""
TESTING = """tweet,sarcasm,sentiment,dialect
\"\"\"أحببت هذا المطعم\"\"\",FALSE,POS,levant
\"\"\"رائع رائع\"\"\",True,POS,msa
"""
#: PotTS as copied into oliverguhr/german-sentiment: label, tab, tweet.
POTTS = "\n".join(
    [
        "positive\tSuper Tag heute :)",
        "negative\tDer Zug ist schon wieder zu spät .",
        "neutral\tMorgen ist Montag .",
        "mixed\tSchön , aber teuer .",
        "positive\tDanke für die schnelle Hilfe !",
        "negative\tDanke für die schnelle Hilfe !",
        "negative\tSo ein Mist .",
    ]
)


@pytest.fixture()
def checkout(tmp_path: Path) -> Path:
    (tmp_path / "ArSarcasm-v2").mkdir()
    (tmp_path / "ArSarcasm-v2" / "training_data.csv").write_text(TRAINING, "utf-8")
    (tmp_path / "ArSarcasm-v2" / "testing_data.csv").write_text(TESTING, "utf-8")
    potts = tmp_path / "source-data" / "PotTS" / "not-preprocessed"
    potts.mkdir(parents=True)
    (potts / "corpus_label_text.tsv").write_text(POTTS, "utf-8")
    return tmp_path


def test_arsarcasm_keeps_non_sarcastic_positive_and_negative_tweets(
    train: ModuleType, checkout: Path
) -> None:
    data = train.arsarcasm(checkout)
    assert list(zip(data["text"], data["label"], strict=True)) == [
        ("خدمة ممتازة وسريعة", "pos"),
        ("منتج سيء جدا", "neg"),
        ("منتج سيء جدا", "neg"),
        ("أحببت هذا المطعم", "pos"),
    ]


def test_potts_keeps_positive_and_negative_tweets(train: ModuleType, checkout: Path) -> None:
    data = train.potts(checkout)
    assert data["label"].tolist() == ["pos", "neg", "pos", "neg", "neg"]
    assert data["text"].iloc[1] == "Der Zug ist schon wieder zu spät ."


def test_training_sample_dedupes_drops_conflicts_and_held_out_and_caps(
    train: ModuleType, checkout: Path
) -> None:
    sources = {"ar": checkout, "de": checkout}
    data = train.licensed_training_data(sources, {"So ein Mist ."}, cap=4)
    by_lang = {lang: sorted(zip(g["text"], g["label"], strict=True)) for lang, g in data.groupby("lang")}
    # ar: the duplicate negative kept once; 2 positives, 1 negative (cap 4: at most 2 a label)
    assert by_lang["ar"] == sorted(
        [("خدمة ممتازة وسريعة", "pos"), ("أحببت هذا المطعم", "pos"), ("منتج سيء جدا", "neg")]
    )
    # de: "Danke ..." is labelled both ways (dropped), "So ein Mist ." is an evaluation text
    assert by_lang["de"] == [("Der Zug ist schon wieder zu spät .", "neg"), ("Super Tag heute :)", "pos")]
    capped = train.licensed_training_data({"ar": checkout}, set(), cap=2)
    assert capped.groupby("label").size().to_dict() == {"neg": 1, "pos": 1}
