"""Measure two label-free adaptations of ``auto``'s embedding/blend scores to the scored texts.

One call of :func:`cxlib.voc.sentiment` is simulated per corpus and split (a shop scores its own
texts in one call). ``auto``'s current score of each text (``embedding`` or ``blend`` per
language, with the lexicon and the contrast rule, exactly as :mod:`cxlib.voc.sentiment` computes
it, the embeddings read from the cache of ``train_voc_models.py``) is compared with:

1. *centering*: the embeddings of the call (and of its contrast clauses) shifted by
   ``mean(head training embeddings) − mean(call's embeddings)`` before the head (per-language
   centering, Libovický et al. 2020, with the head's own training mean added back, since the head
   was fitted on uncentred en/zh/pl embeddings);
2. *self-training*: when the call has at least ``N`` texts, a logistic regression (L2, ``C``,
   lbfgs) fitted on the call's own embeddings with pseudo-labels ``sign(score)`` of the texts
   with ``|score| ≥ t`` (both signs at least :data:`MIN_CLASS` times), mixed in as
   ``(1 − w) · score + w · (2·P(pos) − 1)``.

Class mixes: each call as sampled (about half positive), and skewed ones — all positives with
a quarter as many negatives drawn (80 % positive, typical of shops), and the reverse (80 %
negative) — three draws each (seeds 0–2). With ``--pool``, each call is instead a large one:
the corpus's "shop pool" (2,600–3,900 unlabelled texts of the same corpus outside the evaluation
sample, cached by ``eval_shop_ratings.py`` as ``shop_pool_<corpus>.*.npz``; ar, cs, pl PolEmo, pt,
zh shopping) plus the dev texts of the mix, accuracy measured on the dev texts. Accuracy counts a
neutral prediction as wrong. Only ``dev`` is used for choosing; ``--test`` scores the test split
once with the setting given. Results: ``voc_eval/RESULTS.md`` (round 6, adapting to the shop's
own texts).

Usage::

    CXLIB_E5_CACHE=/work/wt/cache/e5 .venv/bin/python benchmarks/tune_adapt.py
    CXLIB_E5_CACHE=/work/wt/cache/e5 .venv/bin/python benchmarks/tune_adapt.py --pool
    CXLIB_E5_CACHE=/work/wt/cache/e5 .venv/bin/python benchmarks/tune_adapt.py --test --t 0.5 --w 0.5 --C 1
"""

from __future__ import annotations

import argparse
import itertools
import os
from pathlib import Path

import numpy as np
import pandas as pd
from eval_voc import SENTIMENT_MODULE, cached_embed, load_samples
from sklearn.linear_model import LogisticRegression
from train_voc_models import cached_embeddings

THRESHOLD = 0.05
MIN_CLASS = 5
MIXES = ("as-is", "80%pos", "80%neg")
SEEDS = (0, 1, 2)


def training_mean() -> np.ndarray:
    """Mean embedding of the head's training texts (en, zh, pl; files ``headtrain_*`` in the cache)."""
    folders = [Path(f) for f in os.environ.get("CXLIB_E5_CACHE", "").split(os.pathsep) if f]
    files = [p for f in folders for p in sorted(f.glob("headtrain_*_seed0_1500.npz"))]
    if len(files) != 3:
        raise SystemExit("need headtrain_{en,pl,zh}_seed0_1500.npz in CXLIB_E5_CACHE")
    return np.vstack([np.load(p)["vectors"] for p in files]).astype(np.float64).mean(axis=0)


def current(texts: list[str], lang: str, kind: str, shift: np.ndarray | None = None) -> np.ndarray:
    """``auto``'s score (``kind``: embedding or blend), embeddings shifted by ``shift`` when given."""

    def embed(batch: list[str]) -> np.ndarray:
        x = cached_embeddings(batch).astype(np.float64)
        return x if shift is None else x + shift

    real = SENTIMENT_MODULE.embed
    SENTIMENT_MODULE.embed = embed
    try:
        e, _ = SENTIMENT_MODULE._embedding_rows(texts, lang, None)
    finally:
        SENTIMENT_MODULE.embed = real
    if kind == "embedding":
        return e
    p, _ = SENTIMENT_MODULE._pretrained_rows(texts, lang, None)
    w = SENTIMENT_MODULE.blend_weight()
    return w * p + (1 - w) * e


def self_train(
    x: np.ndarray, score: np.ndarray, t: float, w: float, c: float, scale: bool = False
) -> np.ndarray:
    """``(1 − w)·score + w·(2·P − 1)`` of a logistic regression fitted on the confident texts' signs.

    With ``scale``, the regression's score is first multiplied so that its mean absolute value
    equals that of ``score`` (clipped to [−1, 1]): a weak fit does not pull scores into the neutral band.
    """
    conf = np.abs(score) >= t
    y = score[conf] > 0
    if y.sum() < MIN_CLASS or (~y).sum() < MIN_CLASS:
        return score
    lr = LogisticRegression(C=c, solver="lbfgs", max_iter=2000).fit(x[conf], y)
    own = 2.0 * lr.predict_proba(x)[:, 1] - 1.0
    if scale:
        own = np.clip(own * np.abs(score).mean() / max(np.abs(own).mean(), 1e-12), -1.0, 1.0)
    return (1.0 - w) * score + w * own


def accuracy(score: np.ndarray, truth: np.ndarray) -> float:
    label = np.where(score >= THRESHOLD, "pos", np.where(score <= -THRESHOLD, "neg", "neu"))
    return float(np.mean(label == truth))


def calls(part: pd.DataFrame) -> list[tuple[str, int, np.ndarray]]:
    """(mix, seed, row positions) of the simulated calls on one corpus."""
    pos = np.flatnonzero(part["label"].to_numpy() == "pos")
    neg = np.flatnonzero(part["label"].to_numpy() == "neg")
    out = [("as-is", 0, np.arange(len(part)))]
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        out.append(("80%pos", seed, np.sort(np.r_[pos, rng.choice(neg, len(pos) // 4, replace=False)])))
        out.append(("80%neg", seed, np.sort(np.r_[neg, rng.choice(pos, len(neg) // 4, replace=False)])))
    return out


def measure(
    samples: pd.DataFrame, grid: list[tuple[float, float, float, bool]], mu_train: np.ndarray
) -> pd.DataFrame:
    """One row per corpus, call (mix, seed) and method with its accuracy."""
    choice = SENTIMENT_MODULE.auto_backends()
    rows = []
    for (lang, corpus), part in samples.groupby(["lang", "corpus"], sort=True):
        kind = choice[lang]
        if kind not in ("embedding", "blend"):
            continue
        part = part.reset_index(drop=True)
        texts_all = part["text"].tolist()
        with cached_embed():
            base_all = current(texts_all, lang, kind)
        x_all = cached_embeddings(texts_all).astype(np.float64)
        truth_all = part["label"].to_numpy(dtype=str)
        for mix, seed, idx in calls(part):
            texts, truth, x, base = [texts_all[i] for i in idx], truth_all[idx], x_all[idx], base_all[idx]
            rec = {"lang": lang, "corpus": corpus, "kind": kind, "mix": mix, "seed": seed, "n": len(idx)}
            rows.append({**rec, "method": "current", "accuracy": accuracy(base, truth)})
            centred = current(texts, lang, kind, shift=mu_train - x.mean(axis=0))
            rows.append({**rec, "method": "centre", "accuracy": accuracy(centred, truth)})
            for t, w, c, scale in grid:
                st = self_train(x, base, t, w, c, scale)
                name = f"self{'-scaled' if scale else ''} t={t} w={w} C={c}"
                rows.append({**rec, "method": name, "accuracy": accuracy(st, truth)})
        print("done", lang, corpus, flush=True)
    return pd.DataFrame(rows)


#: Corpus -> stem of its unlabelled "shop pool" files in the cache (texts outside the evaluation sample).
POOLS = {
    "arabic_prod_souq": "shop_pool_arabic_prod_souq",
    "czech_facebook_posts": "shop_pool_czech_facebook_posts",
    "olist_reviews": "shop_pool_olist_reviews",
    "online_shopping_10_cats": "shop_pool_online_shopping_10_cats",
    "polemo2_medicine_sentences": "shop_pool_polemo2_medicine_sentences",
}


def pool_texts(stem: str, exclude: set[str]) -> list[str]:
    """The distinct texts of a shop pool in the cache, without ``exclude``."""
    folders = [Path(f) for f in os.environ.get("CXLIB_E5_CACHE", "").split(os.pathsep) if f]
    texts = [str(t) for f in folders for p in sorted(f.glob(f"{stem}.*.npz")) for t in np.load(p)["texts"]]
    return [t for t in dict.fromkeys(texts) if t not in exclude and t.strip()]


def measure_pool(
    samples: pd.DataFrame, grid: list[tuple[float, float, float, bool]], mu_train: np.ndarray
) -> pd.DataFrame:
    """Like :func:`measure`, but each call is a corpus's whole shop pool plus the dev texts; scored on dev."""
    choice = SENTIMENT_MODULE.auto_backends()
    everything = set(load_samples("all")["text"])
    rows = []
    for (lang, corpus), part in samples.groupby(["lang", "corpus"], sort=True):
        if corpus not in POOLS or choice[lang] not in ("embedding", "blend"):
            continue
        kind = choice[lang]
        part = part.reset_index(drop=True)
        pool = pool_texts(POOLS[corpus], everything)
        texts_all = part["text"].tolist() + pool
        with cached_embed():
            base_all = current(texts_all, lang, kind)
        x_all = cached_embeddings(texts_all).astype(np.float64)
        truth_all = part["label"].to_numpy(dtype=str)
        rest = np.arange(len(part), len(texts_all))
        for mix, seed, idx in calls(part):
            call = np.r_[idx, rest]
            texts, truth, x, base = [texts_all[i] for i in call], truth_all[idx], x_all[call], base_all[call]
            k = len(idx)
            rec = {"lang": lang, "corpus": corpus, "kind": kind, "mix": mix, "seed": seed, "n": len(call)}
            rows.append({**rec, "method": "current", "accuracy": accuracy(base[:k], truth)})
            centred = current(texts, lang, kind, shift=mu_train - x.mean(axis=0))
            rows.append({**rec, "method": "centre", "accuracy": accuracy(centred[:k], truth)})
            for t, w, c, scale in grid:
                st = self_train(x, base, t, w, c, scale)
                name = f"self{'-scaled' if scale else ''} t={t} w={w} C={c}"
                rows.append({**rec, "method": name, "accuracy": accuracy(st[:k], truth)})
        print("done", lang, corpus, len(pool), "pool texts", flush=True)
    return pd.DataFrame(rows)


def summarise(res: pd.DataFrame) -> pd.DataFrame:
    """Accuracy per mix and corpus (rows; mean over seeds) of every method (columns)."""
    return res.groupby(["method", "mix", "lang", "corpus"])["accuracy"].mean().unstack("method")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test", action="store_true", help="score the test split with one setting")
    parser.add_argument("--t", type=float, default=0.5)
    parser.add_argument("--w", type=float, default=0.5)
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--scale", action="store_true")
    parser.add_argument("--pool", action="store_true", help="calls = shop pool + dev texts")
    parser.add_argument("--out", default="/tmp/tune_adapt.csv")
    args = parser.parse_args()
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 40)
    pd.set_option("display.max_rows", 400)
    mu_train = training_mean()
    scales = (False,) if args.pool else (False, True)
    grid = list(itertools.product((0.3, 0.5, 0.7), (0.3, 0.5, 0.7), (1.0, 10.0, 100.0), scales))
    if args.test:
        grid = [(args.t, args.w, args.C, args.scale)]
    samples = load_samples("test" if args.test else "dev")
    res = (measure_pool if args.pool else measure)(samples, grid, mu_train)
    res.to_csv(args.out, index=False)
    acc = summarise(res)
    delta = acc.sub(acc["current"], axis=0)
    overview = pd.DataFrame(
        {
            "mean_delta": delta.groupby(level="mix").mean().stack(),
            "worst_delta": delta.groupby(level="mix").min().stack(),
        }
    )
    print("change in points against current (mean and worst over corpora; each mix averaged over its seeds):")
    print((100 * overview.unstack("mix")).round(2).sort_values(("mean_delta", "as-is")).to_string())
    best = overview["mean_delta"].unstack("mix").drop(index="current").min(axis=1).idxmax()
    print("accuracy per corpus, current / centre / the setting whose worst mix is best on average:", best)
    print((100 * acc[["current", "centre", best]]).round(1).unstack("mix").to_string())


if __name__ == "__main__":
    main()
