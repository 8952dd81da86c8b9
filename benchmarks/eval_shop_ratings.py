"""Measure ``train_sentiment`` as a shop would use it: trained on its own rated texts, scored held out.

A "shop" is a random draw of rated texts from a public labelled corpus, **outside** the
evaluation sample of ``benchmarks/voc_eval/`` (both splits removed); its model is scored on
that corpus's 400 ``test`` texts. Draws of 500, 1,000 and 2,000 texts (nested: the first n of
one shuffle, seeds 1 and 2). For each draw: held-out accuracy with the shop's ratings alone
(the character n-gram model, plus the shipped pretrained model's score where one is shipped:
``train_sentiment`` without the embedding runtime), with the multilingual embeddings
(``train_sentiment`` with the runtime), and the model's own cross-validated estimate.

Sources (local copies; see ``voc_eval/README.md`` for repositories, commits and licences):
``--olist`` (pt), ``--czech-facebook`` (cs), ``--shopping`` (zh, online_shopping_10_cats),
``--polemo`` (pl), ``--uci`` (en), ``--arabic-prod`` (ar, souq.com reviews), ``--qaym`` (ar,
Qaym.com restaurant reviews, ``datasets/RES1.csv``), ``--mall-cz`` (cs, Mall.cz product
reviews: the folder of ``data_test.csv`` and ``data_val.csv``; round 11). The Slovak
KInIT set has no texts outside its evaluation sample. Embeddings go through
``train_voc_models.cached_embeddings`` (its cache in ``benchmarks/data/``, plus ``--cache``:
a folder of ``.npz`` files holding ``texts`` and ``vectors``, added to ``CXLIB_E5_CACHE``), so a
re-run embeds nothing; ``--embed-only`` fills the cache and stops.

Usage::

    .venv/bin/python benchmarks/eval_shop_ratings.py --olist CSV --czech-facebook DIR \
        --shopping CSV --polemo CSV --uci DIR --arabic-prod CSV [--qaym CSV] [--mall-cz DIR] \
        [--cache DIR] [--markdown FILE] [--no-prior pl,en] [--no-head pl,en]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "voc_eval"))

import prepare  # noqa: E402  (benchmarks/voc_eval/prepare.py: the corpus readers)
from train_voc_models import cached_embeddings  # noqa: E402

from cxlib import voc  # noqa: E402
from cxlib.intervals import wilson_interval  # noqa: E402
from cxlib.voc import embedding, trained  # noqa: E402

SIZES = (500, 1000, 2000)
SEEDS = (1, 2)
#: Language, corpus name, reader of the raw source (text, label), evaluation sample file.
CORPORA: dict[str, tuple[str, str, Callable[[Path], pd.DataFrame], str]] = {
    "olist": ("pt", "olist_reviews", lambda p: _olist(p), "pt_olist_reviews.csv"),
    "czech_facebook": ("cs", "czech_facebook_posts", lambda p: _czech(p), "cs_facebook_posts.csv"),
    "shopping": ("zh", "online_shopping_10_cats", lambda p: _shopping(p), ""),
    "polemo": ("pl", "polemo2_medicine_sentences", lambda p: _polemo(p), "pl_polemo2_medicine_sentences.csv"),
    "uci": ("en", "uci_sentences", lambda p: _uci(p), "en_uci_sentences.csv"),
    "arabic_prod": ("ar", "arabic_prod_souq", lambda p: _arabic_prod(p), ""),
    "qaym": ("ar", "qaym_restaurant_reviews", prepare.qaym_labelled, ""),
    "mall_cz": ("cs", "mall_cz_reviews", prepare.mall_cz_labelled, "cs_mall_product_reviews.csv"),
}
#: The prepare.py builders of the samples that are not committed.
BUILDERS: dict[str, Callable[[Path], pd.DataFrame]] = {
    "shopping": prepare.shopping,
    "arabic_prod": prepare.arabic_prod,
    "qaym": prepare.qaym_restaurants,
}


def _olist(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype={"review_comment_message": str}).dropna(subset=["review_comment_message"])
    raw = raw[raw["review_score"] != 3]
    return pd.DataFrame(
        {
            "text": raw["review_comment_message"].str.split().str.join(" "),
            "label": np.where(raw["review_score"] >= 4, "pos", "neg"),
        }
    )


def _czech(folder: Path) -> pd.DataFrame:
    posts = (folder / "gold-posts.txt").read_text("utf-8").splitlines()
    labels = [x.strip() for x in (folder / "gold-labels.txt").read_text("utf-8").splitlines()]
    raw = pd.DataFrame({"text": posts, "label": pd.Series(labels).map({"p": "pos", "n": "neg"})})
    return raw.dropna(subset=["label"])


def _shopping(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype={"label": "int64"}).rename(columns={"review": "text"})
    return raw.dropna(subset=["text"]).assign(label=lambda d: d["label"].map({1: "pos", 0: "neg"}))


def _polemo(path: Path) -> pd.DataFrame:
    lines = pd.Series(path.read_text("utf-8-sig").splitlines())
    parts = lines.str.rsplit(" ", n=1, expand=True)
    tags = parts[1].map({"__label__z_plus_m": "pos", "__label__z_minus_m": "neg"})
    return pd.DataFrame({"text": parts[0], "label": tags}).dropna(subset=["label"])


def _uci(folder: Path) -> pd.DataFrame:
    frames = []
    for name in ("amazon_cells_labelled.txt", "yelp_labelled.txt"):
        raw = pd.read_csv(folder / name, sep="\t", header=None, names=["text", "y"], quoting=3, dtype=str)
        raw = raw.dropna()
        raw = raw[raw["y"].str.strip().isin(["0", "1"])]
        frames.append(
            pd.DataFrame({"text": raw["text"], "label": raw["y"].str.strip().map({"1": "pos", "0": "neg"})})
        )
    return pd.concat(frames, ignore_index=True)


def _arabic_prod(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype={"polarity": "int64"})
    raw = raw[raw["polarity"] != 0]
    return pd.DataFrame({"text": raw["text"], "label": raw["polarity"].map({1: "pos", -1: "neg"})})


def evaluation_sample(key: str, source: Path) -> pd.DataFrame:
    """The corpus's evaluation sample (both splits): the committed file, or rebuilt by prepare.py."""
    _, _, _, committed = CORPORA[key]
    if committed:
        return pd.read_csv(HERE / "voc_eval" / committed, dtype=str, keep_default_na=False)
    return BUILDERS[key](source)


def shop_pool(key: str, source: Path, sample: pd.DataFrame) -> pd.DataFrame:
    """Rated texts of the corpus that a shop could have: non-empty, not in the evaluation sample."""
    raw = CORPORA[key][2](source)
    raw = raw.assign(text=raw["text"].astype(str).str.strip())
    raw = raw[raw["text"] != ""]
    held_out = set(sample["text"].astype(str).str.strip())
    return raw[~raw["text"].isin(held_out)].reset_index(drop=True)


def draws(pool: pd.DataFrame) -> dict[int, pd.DataFrame]:
    """One shuffle of the pool per seed; a draw of n texts is its first n rows."""
    return {seed: pool.sample(frac=1.0, random_state=seed).reset_index(drop=True) for seed in SEEDS}


def held_out_accuracy(
    model: voc.SentimentModel, test: pd.DataFrame, lang: str, pos_share: float
) -> tuple[float, float]:
    """Accuracy on the test texts (a neutral label is wrong), and the same re-weighted to a
    share ``pos_share`` of positive texts (the shop's own mix, which its CV estimate reflects).
    """
    table = voc.sentiment(test["text"].tolist(), langs=lang, backend="trained", model=model).table
    truth = test["label"].to_numpy()
    right = table["label"].to_numpy() == truth
    recall_pos, recall_neg = right[truth == "pos"].mean(), right[truth == "neg"].mean()
    return float(right.mean()), float(pos_share * recall_pos + (1 - pos_share) * recall_neg)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in CORPORA:
        parser.add_argument("--" + name.replace("_", "-"), type=Path)
    parser.add_argument("--cache", type=Path, help="a folder of cached embeddings to read too")
    parser.add_argument("--embed-only", action="store_true")
    parser.add_argument(
        "--no-prior",
        default="",
        help="comma-separated languages trained without the shipped pretrained model's score (pl, en: "
        "their shop draws are that model's training texts, so its score would leak the labels)",
    )
    parser.add_argument(
        "--no-head",
        default="",
        help="comma-separated languages trained without the shipped embedding head's score (pl, en: "
        "the head was trained on sentences of their shop draws)",
    )
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    if args.cache is not None:
        os.environ["CXLIB_E5_CACHE"] = os.pathsep.join(
            filter(None, [os.environ.get("CXLIB_E5_CACHE", ""), str(args.cache)])
        )
    jobs = []
    for key, (lang, corpus, _, _) in CORPORA.items():
        source = getattr(args, key)
        if source is None:
            continue
        sample = evaluation_sample(key, source)
        test = sample[sample["split"] == "test"].reset_index(drop=True)
        pool = shop_pool(key, source, sample)
        print(f"{lang} {corpus}: {len(pool):,} rated texts outside the evaluation sample, {len(test)} test")
        jobs.append((key, lang, corpus, test, draws(pool)))
    # Embed corpus by corpus (in the order given above): its test split, then its draws from
    # the smallest size up, so that an interrupted run leaves whole corpora.
    for _, _, corpus, test, shuffled in jobs:
        began = time.perf_counter()
        cached_embeddings(test["text"].tolist())
        for n in SIZES:
            for frame in shuffled.values():
                cached_embeddings(frame["text"].head(n).tolist())
        print(f"{corpus}: embeddings ready after {time.perf_counter() - began:.0f} s", flush=True)
    if args.embed_only:
        return
    # train_sentiment and the trained backend embed through cxlib.voc.embedding.embed: read the
    # cache instead (the same vectors the runtime returns), so the timings below are the fit alone.
    embedding.embed = cached_embeddings  # type: ignore[assignment]
    if args.no_prior:
        without = set(args.no_prior.split(","))
        shipped = tuple(lang for lang in trained.available_pretrained() if lang not in without)
        trained.available_pretrained = lambda: shipped  # type: ignore[assignment]
    rows = []
    head_scale = trained.HEAD_SCALE
    for _, lang, corpus, test, shuffled in jobs:
        trained.HEAD_SCALE = 0.0 if lang in args.no_head.split(",") else head_scale  # a zero column: no head
        for n in SIZES:
            for seed, frame in shuffled.items():
                if len(frame) < n:
                    continue
                shop = frame.head(n)
                ratings = np.where(shop["label"] == "pos", 5, 1)
                row = {
                    "lang": lang,
                    "corpus": corpus,
                    "n": n,
                    "seed": seed,
                    "pos": (shop["label"] == "pos").mean(),
                }
                for variant, use in (("alone", False), ("embeddings", True)):
                    began = time.perf_counter()
                    model = voc.train_sentiment(shop["text"].tolist(), ratings, langs=lang, embeddings=use)
                    row[f"{variant}_seconds"] = time.perf_counter() - began
                    row[f"{variant}_held_out"], row[f"{variant}_held_out_mix"] = held_out_accuracy(
                        model, test, lang, float((shop["label"] == "pos").mean())
                    )
                    info = model.table.set_index("lang").loc[lang]
                    row[f"{variant}_cv"] = float(info["cv_accuracy"])
                    row[f"{variant}_cv_low"], row[f"{variant}_cv_high"] = (
                        info["cv_ci_low"],
                        info["cv_ci_high"],
                    )
                k = round(row["embeddings_held_out"] * len(test))
                row["held_out_low"], row["held_out_high"] = wilson_interval(k, len(test))
                rows.append(row)
                print({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}, flush=True)
    result = pd.DataFrame(rows)
    print(result.to_string())
    if args.markdown:
        args.markdown.write_text(markdown(result))


def markdown(result: pd.DataFrame) -> str:
    lines = [
        "| lang | corpus | shop's rated texts | ratings alone (today) | with embeddings "
        "| CV estimate (with embeddings) | held-out at the shop's class mix (with embeddings) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]

    def span(values: pd.Series) -> str:
        lo, hi = values.min(), values.max()
        return f"{lo:.1%}" if round(lo, 3) == round(hi, 3) else f"{lo:.1%}–{hi:.1%}"

    for (lang, corpus, n), part in result.groupby(["lang", "corpus", "n"], sort=False):
        lines.append(
            f"| {lang} | {corpus} | {n:,} ({len(part)} draws) | {span(part['alone_held_out'])} | "
            f"**{span(part['embeddings_held_out'])}** | {span(part['embeddings_cv'])} | "
            f"{span(part['embeddings_held_out_mix'])} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
