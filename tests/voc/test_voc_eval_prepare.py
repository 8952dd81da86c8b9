"""The round-6 readers of benchmarks/voc_eval/prepare.py and eval_voc.py's --corpora filter,
on tiny hand-made files whose expected samples are counted by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from tests.voc.helpers import load_script

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def prepare() -> ModuleType:
    return load_script(ROOT / "benchmarks" / "voc_eval" / "prepare.py", "voc_eval_prepare")


@pytest.mark.parametrize(
    ("value", "stars"),
    [
        (4.5, 4.5),
        (5, 5.0),
        ("4,5/5", 4.5),
        ("5/5", 5.0),
        ("0,5/5", 0.5),
        (" 2 / 5 ", 2.0),
        ("", None),
        ([], None),
    ],
)
def test_ceneo_star_formats(prepare: ModuleType, value: object, stars: float | None) -> None:
    assert prepare._stars(value) == stars


def test_ceneo_reader_dedupes_drops_middle_and_balances(prepare: ModuleType, tmp_path: Path) -> None:
    good = [f"Świetny produkt numer {i}, polecam" for i in range(5)]
    bad = ["Zepsuł się po tygodniu, nie polecam", "Fatalna jakość wykonania, zwrot"]
    # two scrapers' layouts: a flat list with "stars"/"content", a nested dict with "score"/"opinion"
    first = [{"stars": 5.0, "content": t} for t in good[:3]] + [{"stars": "1,5/5", "content": bad[0]}]
    second = {
        "product": {
            "opinions": [{"score": "4/5", "opinion": t} for t in good[2:]]  # good[2] is a duplicate
            + [{"score": "0,5/5", "opinion": bad[1]}, {"score": "3/5", "opinion": "Takie sobie, średnio"}]
        }
    }
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "1.json").write_text(json.dumps(first), "utf-8")
    (tmp_path / "2.json").write_text(json.dumps(second), "utf-8")
    (tmp_path / "broken.json").write_text('[{"stars": 1.0, "content": "Uci', "utf-8")  # skipped
    sample = prepare.ceneo(tmp_path)
    # 5 distinct positives and 2 negatives (the 3-star text left out) -> 2 + 2 texts, one of
    # each class in test and in dev (round(2 * 200 / 300) = 1)
    assert sorted(sample.loc[sample["label"] == "neg", "text"]) == sorted(bad)
    assert sample["label"].value_counts().to_dict() == {"pos": 2, "neg": 2}
    assert sample.groupby(["split", "label"]).size().to_dict() == {
        ("dev", "neg"): 1,
        ("dev", "pos"): 1,
        ("test", "neg"): 1,
        ("test", "pos"): 1,
    }
    assert set(sample.loc[sample["label"] == "pos", "text"]) <= set(good)
    assert (sample["lang"] == "pl").all() and (sample["corpus"] == "ceneo_product_reviews").all()


def test_trustpilot_readers_map_stars(prepare: ModuleType, tmp_path: Path) -> None:
    fr = tmp_path / "fr.csv"
    pd.DataFrame(
        {
            "consumer_name": ["a", "b", "c", "d"],
            "stars": [5, 1, 3, 2],
            "title_review": ["t"] * 4,
            "content_review": [
                "Livraison  rapide, parfait",
                "Colis jamais reçu",
                "Correct sans plus",
                "Trop cher",
            ],
            "company": ["x.fr"] * 4,
        }
    ).to_csv(fr, index=False)
    sample = prepare.trustpilot_fr(fr)
    assert dict(zip(sample["text"], sample["label"], strict=True)) == {
        "Livraison rapide, parfait": "pos",
        "Colis jamais reçu": "neg",
    }  # "Trop cher" is under 10 characters; 3 stars left out; whitespace collapsed
    nl = tmp_path / "nl.csv"
    pd.DataFrame(
        {
            "text": ["Prima app en snelle service", "Slechte klantendienst, nooit meer", "Very good bank"],
            "rating": [4, 1, 5],
            "language": ["nl", "nl", "en"],
        }
    ).to_csv(nl, sep="\t", index=False)
    assert prepare.keytrade_nl(nl)["label"].value_counts().to_dict() == {"pos": 1, "neg": 1}


def test_womens_clothing_reader_maps_stars_and_balances(prepare: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "womens.csv"
    path.write_text(
        ",Clothing ID,Age,Title,Review Text,Rating,Recommended IND\n"
        '0,1,30,Nice,"Love  this dress, fits well",5,1\n'
        "1,2,40,Bad,The zipper broke the first day,1,0\n"
        "2,3,50,Meh,It is fine I guess for the price,3,1\n"
        "3,4,35,,Gorgeous colour and soft fabric,4,1\n"
        '4,5,45,,"Love  this dress, fits well",5,1\n'
        "5,6,25,,Too short,2,0\n"
        ",,,,,,\n",
        encoding="utf-8",
    )
    sample = prepare.womens_clothing(path)
    # 3 stars left out, the blank row dropped, "Too short" under 10 characters, the second
    # copy of the first review deduplicated (after whitespace collapse); 2 positives cut to 1 negative
    assert sample["label"].value_counts().to_dict() == {"pos": 1, "neg": 1}
    assert sample.loc[sample["label"] == "neg", "text"].tolist() == ["The zipper broke the first day"]
    assert sample["text"].isin(["Love this dress, fits well", "Gorgeous colour and soft fabric"]).sum() == 1
    assert (sample["lang"] == "en").all() and (sample["corpus"] == "womens_clothing_reviews").all()


def test_eval_voc_corpora_filter(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    eval_voc = load_script(ROOT / "benchmarks" / "eval_voc.py", "eval_voc_under_test")
    (tmp_path / "external").mkdir()
    rows = pd.DataFrame(
        {"text": ["a b", "c d"], "lang": ["pl", "pl"], "label": ["pos", "neg"], "split": ["test", "dev"]}
    )
    rows.assign(corpus="one").to_csv(tmp_path / "pl_one.csv", index=False)
    rows.assign(corpus="two").to_csv(tmp_path / "external" / "pl_two.csv", index=False)
    monkeypatch.setattr(eval_voc, "HERE", tmp_path)
    picked = eval_voc.load_samples("all", ["pl_two"])
    assert picked["corpus"].tolist() == ["two", "two"] and not picked["committed"].any()
    assert len(eval_voc.load_samples("test")) == 2  # one test row per file
    with pytest.raises(SystemExit, match="no sample file named"):
        eval_voc.load_samples("test", ["nothing"])


def test_mall_cz_reader_keeps_distinct_czech_reviews(prepare: ModuleType, tmp_path: Path) -> None:
    texts = [
        "Pračka je příliš hlučná a po měsíci přestala ždímat.",
        "Vysavač má slabý výkon, na koberci skoro nevysává.",
        "Sluchátka se rychle rozbila, zvuk byl od začátku špatný.",
        "Bota je nepohodlná a po týdnu se odlepila podrážka.",
    ]
    # a byte-order mark, blank lines, a duplicate and a text under 20 characters
    lines = [texts[0], "", texts[1], texts[0], "Nic moc.", texts[2], "   ", texts[3]]
    (tmp_path / "negative.txt").write_text("\ufeff" + "\n".join(lines) + "\n", "utf-8")
    sample = prepare.mall_cz(tmp_path / "negative.txt")
    assert sorted(sample["text"]) == sorted(texts)
    assert sample["split"].value_counts().to_dict() == {"dev": 2, "test": 2}
    assert (sample["label"] == "neg").all() and (sample["lang"] == "cs").all()
    assert (sample["corpus"] == "mall_cz_product_reviews").all()
