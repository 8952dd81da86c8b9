"""Round 7's XED reader and polarity mappings (benchmarks/train_voc_models.py --xed), and the
paired bootstrap it reports, on tiny hand-made files whose expected labels are written by hand.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

LINES = {
    "Das ist schön.": "5",  # joy
    "Wir freuen uns darauf.": "2",  # anticipation only: positive only with anticipation
    "Ich vertraue dir, ich freue mich.": "5, 8",  # joy + trust
    "Bald geht es los, wie schön.": "2, 5",  # anticipation + joy
    "Das macht mich wütend.": "1",  # anger
    "Angst und Ekel.": "3, 4",  # disgust + fear
    "Ich bin traurig, aber ich hoffe.": "6, 2",  # mixed: dropped
    "Was?!": "7",  # surprise: dropped
    "Oh, wie schön!": "5, 7",  # joy + surprise: dropped
}


@pytest.fixture()
def checkout(tmp_path: Path) -> Path:
    (tmp_path / "Projections").mkdir()
    text = "".join(f"{t}\t{labels}\n" for t, labels in LINES.items())
    (tmp_path / "Projections" / "de-projections.tsv").write_text(text, "utf-8")
    return tmp_path


def test_xed_reads_lines_and_label_sets(train: ModuleType, checkout: Path) -> None:
    data = train.xed(checkout, "de")
    assert data["text"].tolist() == list(LINES)
    assert data["emotions"].tolist()[:4] == [{5}, {2}, {5, 8}, {2, 5}]
    assert data["emotions"].iloc[6] == {2, 6}


@pytest.mark.parametrize(
    ("mapping", "positive", "negative"),
    [
        (
            "ant-joy-trust",
            [
                "Das ist schön.",
                "Wir freuen uns darauf.",
                "Ich vertraue dir, ich freue mich.",
                "Bald geht es los, wie schön.",
            ],
            ["Das macht mich wütend.", "Angst und Ekel."],
        ),
        (
            "joy-trust",
            ["Das ist schön.", "Ich vertraue dir, ich freue mich."],
            ["Das macht mich wütend.", "Angst und Ekel."],
        ),
    ],
)
def test_polarity_mappings_drop_mixed_and_surprise(
    train: ModuleType, checkout: Path, mapping: str, positive: list[str], negative: list[str]
) -> None:
    labelled = train.xed_polarity(train.xed(checkout, "de"), mapping)
    assert sorted(labelled.loc[labelled["label"] == "pos", "text"]) == sorted(positive)
    assert sorted(labelled.loc[labelled["label"] == "neg", "text"]) == sorted(negative)


def test_training_lines_drop_evaluation_texts_and_cap_each_label(
    train: ModuleType, checkout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(train, "XED_FILES", {"de": ("Projections/de-projections.tsv",)})
    data = train.xed_training_data(checkout, {"Das ist schön."}, cap=4)
    # 3 positives left after the held-out text (cap 4: at most 2 of each label), 2 negatives
    assert data.groupby("label").size().to_dict() == {"neg": 2, "pos": 2}
    assert "Das ist schön." not in set(data["text"])
    narrow = dict(zip(data["text"], data["joy_trust"], strict=True))
    assert narrow.get("Wir freuen uns darauf.", "") == ""
    assert narrow.get("Bald geht es los, wie schön.", "") == ""
    assert narrow.get("Ich vertraue dir, ich freue mich.", "pos") == "pos"
    assert narrow["Das macht mich wütend."] == "neg"


def test_paired_bootstrap_point_and_interval(train: ModuleType) -> None:
    rng = np.random.default_rng(1)
    dev = pd.DataFrame(
        {
            "lang": ["de"] * 60 + ["sk"] * 40 + ["en"] * 50,
            "corpus": ["a"] * 30 + ["b"] * 30 + ["c"] * 40 + ["d"] * 50,
            "label": rng.choice(["pos", "neg"], 150),
        }
    )
    truth = dev["label"].to_numpy()
    a = np.where(rng.random(150) < 0.85, truth, "neu")
    b = np.where(rng.random(150) < 0.75, truth, "neu")
    out = train.paired_bootstrap(a, b, dev, n=4000)
    # independent point: per corpus accuracy, per language mean of corpora, mean over languages
    acc = pd.DataFrame({"a": a == truth, "b": b == truth, "lang": dev["lang"], "corpus": dev["corpus"]})
    per_lang = acc.groupby(["lang", "corpus"])[["a", "b"]].mean().groupby(level=0).mean()
    expected = per_lang["a"] - per_lang["b"]
    assert out.loc["mean", "difference"] == pytest.approx(expected.mean(), abs=1e-12)
    assert out.loc["unmet", "difference"] == pytest.approx(expected[["de", "sk"]].mean(), abs=1e-12)
    # independent interval width: normal approximation, each corpus's mean difference weighted
    # by 1 / (corpora of its language × languages)
    diff = pd.Series((a == truth).astype(float) - (b == truth).astype(float))
    weight = {"a": 1 / 6, "b": 1 / 6, "c": 1 / 3, "d": 1 / 3}
    variance = sum(
        weight[c] ** 2 * diff[dev["corpus"] == c].var(ddof=0) / (dev["corpus"] == c).sum() for c in weight
    )
    width = 2 * 1.96 * np.sqrt(variance)
    assert out.loc["mean", "high"] - out.loc["mean", "low"] == pytest.approx(width, rel=0.1)
    assert out.loc["mean", "low"] < out.loc["mean", "difference"] < out.loc["mean", "high"]
    same = train.paired_bootstrap(a, a, dev, n=200)
    assert (same.to_numpy() == 0).all()
