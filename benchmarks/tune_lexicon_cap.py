"""Choose on the dev splits the lexicon score that caps the model backends' scores.

A text whose lexicon score is at most ``LEXICON_VETO`` (:mod:`cxlib.voc.sentiment`) scores at
most that with the embedding and blend backends: the lexicon's strongly negative
terms ("broken", "never arrived") outweigh a model that reads "se rompe con mucha facilidad"
(breaks very easily) as praise. This script scores the ``dev`` split of every evaluation corpus
with ``auto`` (or ``--backend``) for each candidate threshold (−2: no cap) and prints the
accuracy per corpus, the mean over corpora, the change of the worst corpus and the labels each
threshold turned right and wrong against no cap.
Embeddings come from the cache, as in ``eval_voc.py``.

Usage::

    CXLIB_E5_CACHE=/path/to/e5-cache nice -n 5 .venv/bin/python benchmarks/tune_lexicon_cap.py
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from eval_voc import SENTIMENT_MODULE, cached_backend, load_samples

#: Candidate thresholds (a lexicon score in (−1, 0)); −2 switches the cap off.
GRID = (-2.0, -0.3, -0.4, -0.45, -0.5, -0.55, -0.6, -0.7, -0.8)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="auto")
    args = parser.parse_args()
    samples = load_samples("dev")
    shipped = SENTIMENT_MODULE.LEXICON_VETO
    score = cached_backend(args.backend)
    rows = []
    try:
        for cap in GRID:
            SENTIMENT_MODULE.LEXICON_VETO = cap
            for (lang, corpus), part in samples.groupby(["lang", "corpus"], sort=True):
                got = np.asarray(score(part["text"].tolist(), lang), dtype=str)
                rows.append(
                    pd.DataFrame(
                        {"cap": cap, "corpus": corpus, "ok": got == part["label"].to_numpy(dtype=str)}
                    )
                )
    finally:
        SENTIMENT_MODULE.LEXICON_VETO = shipped
    table = pd.concat(rows, ignore_index=True)
    table["i"] = table.groupby("cap").cumcount()
    ok = table.pivot(index="i", columns="cap", values="ok")
    corpus = table[table["cap"] == GRID[0]].set_index("i")["corpus"]
    by_corpus = ok.groupby(corpus).mean() * 100
    off = ok[GRID[0]]
    summary = pd.DataFrame(
        {
            "mean_accuracy": by_corpus.mean(),
            "mean_change": (by_corpus.sub(by_corpus[GRID[0]], axis=0)).mean(),
            "worst_change": (by_corpus.sub(by_corpus[GRID[0]], axis=0)).min(),
            "turned_right": [int((ok[c] & ~off).sum()) for c in ok.columns],
            "turned_wrong": [int((~ok[c] & off).sum()) for c in ok.columns],
        }
    )
    pd.set_option("display.width", 200)
    print(by_corpus.round(1).to_string())
    print(summary.round(2).to_string())


if __name__ == "__main__":
    main()
