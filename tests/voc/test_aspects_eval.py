"""The aspect evaluation (benchmarks/eval_aspects.py): its precision/recall maths against a hand
computation, the hand-labelled files, and the keyword fixes made on the dev split's errors.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxlib import voc

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def ev():
    spec = importlib.util.spec_from_file_location("eval_aspects", ROOT / "benchmarks" / "eval_aspects.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson (1927) score interval written out from the textbook formula."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (0.0 if k == 0 else centre - half, 1.0 if k == n else centre + half)


def test_precision_recall_match_a_hand_computation_on_a_planted_table(ev):
    aspects = list(ev.ASPECTS)
    zeros = {a: [0] * 5 for a in aspects}
    # delivery: truth 1 1 1 0 0, predicted 1 1 0 1 0 -> tp 2, fp 1, fn 1
    # price:    truth 1 0 0 0 0, predicted 0 0 0 0 0 -> tp 0, support 1, no predictions
    # quality:  truth 0 0 0 0 0, predicted 0 0 1 1 0 -> tp 0, 2 false positives
    truth = pd.DataFrame({**zeros, "delivery": [1, 1, 1, 0, 0], "price": [1, 0, 0, 0, 0]})
    pred = pd.DataFrame({**zeros, "delivery": [1, 1, 0, 1, 0], "quality": [0, 0, 1, 1, 0]})
    table = ev.scores(truth, pred, pd.Series(["pt"] * 5))
    row = table.set_index("aspect")
    assert row.loc["delivery", ["support", "predicted", "tp", "texts"]].tolist() == [3, 3, 2, 5]
    assert row.loc["delivery", "precision"] == pytest.approx(2 / 3)
    assert row.loc["delivery", "recall"] == pytest.approx(2 / 3)
    assert row.loc["delivery", "f1"] == pytest.approx(2 / 3)
    assert (row.loc["delivery", "p_low"], row.loc["delivery", "p_high"]) == pytest.approx(wilson(2, 3))
    assert row.loc["price", "recall"] == 0.0
    assert np.isnan(row.loc["price", "precision"])
    assert row.loc["price", "f1"] == 0.0
    assert (row.loc["price", "r_low"], row.loc["price", "r_high"]) == pytest.approx(wilson(0, 1))
    assert row.loc["quality", "precision"] == 0.0 and np.isnan(row.loc["quality", "recall"])
    assert np.isnan(row.loc["returns", "f1"])
    # micro: tp 2, predicted 3 + 2 = 5, support 3 + 1 = 4
    micro = row.loc["micro"]
    assert micro[["support", "predicted", "tp"]].tolist() == [4, 5, 2]
    assert micro["precision"] == pytest.approx(2 / 5)
    assert micro["recall"] == pytest.approx(2 / 4)
    assert micro["f1"] == pytest.approx(2 * 0.4 * 0.5 / 0.9)
    assert (micro["r_low"], micro["r_high"]) == pytest.approx(wilson(2, 4))
    assert table["aspect"].tolist() == [*aspects, "micro"]


def test_scores_are_computed_per_language(ev):
    aspects = list(ev.ASPECTS)
    truth = pd.DataFrame({a: [0, 0, 0] for a in aspects}).assign(delivery=[1, 1, 0])
    pred = pd.DataFrame({a: [0, 0, 0] for a in aspects}).assign(delivery=[1, 0, 1])
    table = ev.scores(truth, pred, pd.Series(["en", "zh", "zh"])).set_index(["lang", "aspect"])
    assert table.loc[("en", "delivery"), ["texts", "tp", "precision", "recall"]].tolist() == [1, 1, 1.0, 1.0]
    assert table.loc[("zh", "delivery"), ["texts", "tp", "predicted", "support"]].tolist() == [2, 0, 1, 1]


def test_hand_labelled_files_join_their_texts(ev):
    frame = ev.load_labels("all")
    local = [name for name, source in ev.SOURCES.items() if source.startswith(ev.EXTERNAL)]
    frame = frame[~frame["file"].isin(local)]
    assert frame.groupby(["lang", "split"]).size().to_dict() == {
        (lang, split): 80 + 50 * (lang == "en")  # en: UCI 80 + women's clothing 50 a split
        for lang in ("cs", "en", "pl", "pt", "sk", "zh")
        for split in ("dev", "test")
    }
    values = frame[list(ev.ASPECTS)].to_numpy()
    assert set(np.unique(values)) <= {0, 1}
    assert not frame.duplicated(["file", "row"]).any()
    assert (frame["text"].str.len() > 0).all()
    # spot checks against the source files, read here independently
    olist = pd.read_csv(ROOT / "benchmarks" / "voc_eval" / "pt_olist_reviews.csv", dtype=str)
    first = frame[(frame["file"] == "pt_olist_aspects.csv") & (frame["row"] == 1)].iloc[0]
    assert first["text"] == olist.loc[1, "text"] == "Chegou antes do prazo, excelente"
    assert first[list(ev.ASPECTS)].tolist() == [1, 0, 0, 0, 0, 0, 0, 0, 0]
    polemo = pd.read_csv(ROOT / "benchmarks" / "voc_eval" / "pl_polemo2_medicine_sentences.csv", dtype=str)
    first = frame[(frame["file"] == "pl_polemo2_aspects.csv") & (frame["row"] == 25)].iloc[0]
    assert first["text"] == polemo.loc[25, "text"]
    assert first["text"].startswith("Co do stawek w gabinecie")
    assert first[list(ev.ASPECTS)].tolist() == [0, 0, 0, 0, 0, 1, 0, 0, 0]


EXTERNAL_FILES = {
    "de_hotel_aspects.csv": ("de", 50),
    "de_germeval_aspects.csv": ("de", 50),
    "nl_semeval16_aspects.csv": ("nl", 100),
    "es_cuba_hotel_aspects.csv": ("es", 100),
    "ar_souq_aspects.csv": ("ar", 100),
    "it_amazon_aspects.csv": ("it", 100),
    "fr_tripadvisor_aspects.csv": ("fr", 100),
    "pl_ceneo_aspects.csv": ("pl", 100),
    "cs_mall_aspects.csv": ("cs", 50),
    "fr_trustpilot_shops_aspects.csv": ("fr", 100),
    "zh_shopping_aspects.csv": ("zh", 100),
    "de_utopia_coffee_aspects.csv": ("de", 100),
    "nl_bol_aspects.csv": ("nl", 100),
    "es_mercadolibre_aspects.csv": ("es", 100),
    "es_trustpilot_amazon_aspects.csv": ("es", 25),
    "de_trustpilot_insurer_aspects.csv": ("de", (48, 50)),
    "nl_trustpilot_bank_aspects.csv": ("nl", 50),
}


@pytest.mark.parametrize(("name", "lang_per_split"), EXTERNAL_FILES.items())
def test_labels_of_external_samples_carry_a_text_hash(ev, name, lang_per_split):
    lang, per_split = lang_per_split
    n_dev, n_test = per_split if isinstance(per_split, tuple) else (per_split, per_split)
    assert ev.SOURCES[name].startswith(ev.EXTERNAL)
    labels = pd.read_csv(ROOT / "benchmarks" / "voc_eval" / "aspects" / name, dtype={"text_sha1": str})
    assert labels.columns.tolist() == ["row", "lang", "split", *ev.ASPECTS, "text_sha1"]
    assert (labels["lang"] == lang).all()
    assert labels.groupby("split").size().to_dict() == {"dev": n_dev, "test": n_test}
    assert labels["text_sha1"].str.fullmatch(r"[0-9a-f]{10}").all()
    assert not labels["row"].duplicated().any()
    assert set(np.unique(labels[list(ev.ASPECTS)].to_numpy())) <= {0, 1}


@pytest.mark.parametrize(
    ("name", "row", "start", "labelled"),
    [
        ("fr_trustpilot_shops_aspects.csv", 31, "Livraison rapide", ["delivery"]),
        ("fr_trustpilot_shops_aspects.csv", 339, "Produit de qualité mais", ["quality", "price"]),
        ("zh_shopping_aspects.csv", 336, "18号下的单，23号才收到", ["delivery"]),
        ("zh_shopping_aspects.csv", 37, "价格比较便宜啊，包装也很不错", ["price", "packaging"]),
        (
            "de_utopia_coffee_aspects.csv",
            5,
            "Als ganze Bohne",
            ["delivery", "service", "checkout", "quality"],
        ),
        ("de_trustpilot_insurer_aspects.csv", 54, "Antragstellung und", ["delivery", "checkout", "price"]),
        ("nl_bol_aspects.csv", 19, "Na 1 week is het pakket", ["delivery", "service"]),
        ("nl_trustpilot_bank_aspects.csv", 278, "Ik heb voor de moment", ["delivery"]),
        (
            "es_mercadolibre_aspects.csv",
            10,
            "Buenas!! el pruducto",
            ["delivery", "service", "quality", "price"],
        ),
        ("es_trustpilot_amazon_aspects.csv", 1, "Mienten con la fecha", ["delivery", "service"]),
        (
            "en_womens_clothing_aspects.csv",
            298,
            "I just received this in the mail",
            ["delivery", "quality", "website", "packaging"],
        ),
        ("en_womens_clothing_aspects.csv", 281, "The fit is not as shown", ["returns", "quality", "website"]),
    ],
)
def test_shop_review_labels_point_at_the_texts_read(ev, name, row, start, labelled):
    """Round 7 spot checks, read from the local sample independently (skipped where it is absent)."""
    source = ROOT / "benchmarks" / "voc_eval" / ev.SOURCES[name]
    if not source.exists():
        pytest.skip(f"{source.name} is built locally by prepare.py")
    text = pd.read_csv(source, dtype=str, keep_default_na=False).loc[row, "text"]
    labels = pd.read_csv(ROOT / "benchmarks" / "voc_eval" / "aspects" / name, dtype={"text_sha1": str})
    mine = labels[labels["row"] == row].iloc[0]
    assert text.startswith(start)
    assert mine["text_sha1"] == hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    assert [a for a in ev.ASPECTS if mine[a] == 1] == labelled


@pytest.fixture
def planted(ev, tmp_path, monkeypatch):
    """A committed and an external sample with one label file each, in a temporary tree."""
    (tmp_path / "aspects").mkdir()
    (tmp_path / "external").mkdir()
    texts = ["Die Lieferung kam zu spät.", "Het eten was lekker.", "Prima Preis."]
    pd.DataFrame({"text": texts, "lang": ["de", "nl", "de"], "split": ["dev", "test", "test"]}).to_csv(
        tmp_path / "external" / "sample.csv", index=False
    )
    pd.DataFrame({"text": ["Great price."], "lang": ["en"], "split": ["dev"]}).to_csv(
        tmp_path / "committed.csv", index=False
    )
    zeros = {a: [0, 0] for a in ev.ASPECTS}
    sha = [hashlib.sha1(t.encode("utf-8")).hexdigest()[:10] for t in (texts[2], texts[1])]
    labels = pd.DataFrame({"row": [2, 1], "lang": ["de", "nl"], "split": ["test", "test"], **zeros})
    labels.assign(price=[1, 0], quality=[0, 1], text_sha1=sha).to_csv(
        tmp_path / "aspects" / "ext.csv", index=False
    )
    one = pd.DataFrame({"row": [0], "lang": ["en"], "split": ["dev"], **{a: [0] for a in ev.ASPECTS}})
    one.assign(price=1).to_csv(tmp_path / "aspects" / "com.csv", index=False)
    monkeypatch.setattr(ev, "HERE", tmp_path)
    monkeypatch.setattr(ev, "LABELS", tmp_path / "aspects")
    monkeypatch.setattr(ev, "SOURCES", {"com.csv": "committed.csv", "ext.csv": "external/sample.csv"})
    return tmp_path


def test_external_sample_is_joined_when_its_texts_hash_as_labelled(ev, planted):
    frame = ev.load_labels("all")
    assert frame["file"].tolist() == ["com.csv", "ext.csv", "ext.csv"]
    assert frame["text"].tolist() == ["Great price.", "Prima Preis.", "Het eten was lekker."]
    assert frame["price"].tolist() == [1, 1, 0] and frame["quality"].tolist() == [0, 0, 1]
    assert ev.load_labels("dev")["file"].tolist() == ["com.csv"]


def test_scores_can_be_grouped_per_label_file(ev, planted, monkeypatch, capsys):
    def micro_rows(*options: str) -> dict[str, list[str]]:
        monkeypatch.setattr(sys, "argv", ["eval_aspects.py", "--split", "all", *options])
        ev.main()
        rows = [line.strip("|").split("|") for line in capsys.readouterr().out.splitlines()]
        return {r[0].strip(): [c.strip() for c in r[2:4]] for r in rows if len(r) > 2 and "micro" in r[1]}

    # group, texts, support (true mentions): en 1 price; the external file holds a de and an nl text
    assert micro_rows("--by-file") == {"com.csv": ["1", "1"], "ext.csv": ["2", "2"]}
    assert micro_rows() == {"de": ["1", "1"], "en": ["1", "1"], "nl": ["1", "1"]}


def test_a_changed_external_text_is_refused(ev, planted):
    sample = pd.read_csv(planted / "external" / "sample.csv")
    sample.loc[1, "text"] = "Het eten was niet lekker."  # same row, lang and split: only the hash tells
    sample.to_csv(planted / "external" / "sample.csv", index=False)
    with pytest.raises(SystemExit, match=r"ext\.csv: rows \[1\] .*text_sha1 differs"):
        ev.load_labels("all")


def test_external_labels_without_a_hash_column_are_refused(ev, planted):
    labels = pd.read_csv(planted / "aspects" / "ext.csv")
    labels.drop(columns="text_sha1").to_csv(planted / "aspects" / "ext.csv", index=False)
    with pytest.raises(SystemExit, match="need a text_sha1 column"):
        ev.load_labels("all")


def test_an_absent_external_sample_is_skipped_with_a_notice(ev, planted, capsys):
    (planted / "external" / "sample.csv").unlink()
    frame = ev.load_labels("all")
    assert frame["file"].tolist() == ["com.csv"]
    out = capsys.readouterr().out.strip().splitlines()
    assert out == [
        "ext.csv: skipped, external/sample.csv is not on this machine (built locally by prepare.py)"
    ]
    (planted / "committed.csv").unlink()
    (planted / "external").rmdir()
    with pytest.raises(SystemExit, match="no label file"):
        ev.load_labels("all")


def found(text: str, lang: str) -> set[str]:
    return set(voc.aspects([text], langs=lang).table["aspect"])


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # pt: "produto" alone is not product quality; "pedido"/"compra" are not checkout
        ("pt", "Produto entregue dentro do prazo.", {"delivery"}),
        ("pt", "Ótimo produto, recomendo.", {"quality"}),
        ("pt", "Cancelei o pedido e não foi estornado.", {"returns"}),
        ("pt", "Ainda não recebi, estou aguardando.", {"delivery"}),
        ("pt", "Adoro fazer compra na baratheon.", set()),
        ("pt", "Esta loja é de confiança", set()),
        ("pt", "O serviço de entrega não entrega na residência.", {"delivery"}),
        ("pt", "Ótimo produto, valeu a pena.", {"quality", "price"}),
        ("pt", "A loja vendeu sem ter disponibilidade.", {"availability"}),
        # en: a phone is the product, not customer service; staff words are service
        ("en", "Excellent wallet type phone case.", set()),
        ("en", "The waitress was rude.", {"service"}),
        ("en", "Lately they have been extremely nice and helpful on the phone.", {"service"}),
        ("en", "I will not return.", set()),
        ("en", "The waiter did not pay attention to us.", {"service"}),
        ("en", "The food was bland.", {"quality"}),
        ("en", "Good service, very clean, and inexpensive.", {"service", "price"}),
        # zh: 价 inside 评价, 速度 of a computer, 系统 (operating system), 退房 (hotel check-out)
        ("zh", "评价是路边店", set()),
        ("zh", "装上内存，速度真是快", {"quality"}),
        ("zh", "装XP系统很顺利", set()),
        ("zh", "中午办了退房", set()),
        ("zh", "前台服务员态度很差", {"service"}),
        ("zh", "房间很干净", {"quality"}),
        ("zh", "发货速度很快", {"delivery"}),
        # cs: Slevomat is a shop's name, a mobile operator is the company; taste and replies
        ("cs", "Slevomat mám ráda", set()),
        ("cs", "nejhorší operátor co znám", set()),
        ("cs", "Nic moc chuť, jak sýr, tak omáčka.", {"quality"}),
        ("cs", "bohužel mi také ještě nikdo neodpověděl", {"service"}),
        ("cs", "Vodafone má nejdražší služby.", {"price"}),
        ("cs", "díky O2 za telefon", set()),
        # pl (reviews of doctors): the doctor and the visit are service, "okazja" is a chance
        ("pl", "Fantastyczna lekarka!", {"service"}),
        ("pl", "Pierwsza wizyta przebiegła dobrze.", {"service"}),
        ("pl", "Zastosowane leczenie było skuteczne.", {"quality"}),
        ("pl", "Na leki wydałam ponad 400 zł.", {"price"}),
        ("pl", "Miałam okazję to zaobserwować.", set()),
        # sk: "podpora 5G" is a feature, "po stránke" means "in terms of", "cenovo dostupné" is price
        ("sk", "Podporu 5G sietí tu nenájdeme.", set()),
        ("sk", "Po priestorovej stránke nemáme čo vytknúť.", {"quality"}),
        ("sk", "Príjemná slečna na recepcii.", {"service"}),
        ("sk", "Izby by mohli byť krajšie.", {"quality"}),
        ("sk", "Podarené cenovo dostupné auto.", {"price", "quality"}),
        # en: product parts and dishes are the product
        ("en", "The keyboard is a nice compromise.", {"quality"}),
        ("en", "The fried rice was dry as well.", {"quality"}),
    ],
)
def test_keyword_fixes_from_the_dev_split(lang, text, expected):
    assert found(text, lang) == expected
