"""Choose the weight of the clause after a contrast word (:mod:`cxlib.voc.clauses`) on the dev split.

For every evaluation corpus (``benchmarks/voc_eval``), scores the texts with the real
``voc.sentiment(..., backend="auto")`` (and, with ``--backends``, other backends) once per
weight ``w`` of a grid, with :func:`cxlib.voc.clauses.contrast_scores` called with that weight
wherever the runtime calls it: each model's score becomes
``(1 − w) · model(text) + w · model(clause after the last contrast word)`` where the clause's
score has the lexicon's sign, then the lexicon, the stretched-letter folding, the blend and the
lexicon cap apply exactly as shipped (``w = 0`` is the runtime without the contrast rule).
Prints the accuracy per corpus (a neutral label counts as wrong), the mean over corpora and
each weight's largest drop of a corpus against ``w = 0``. Embeddings are read from or added to
the cache of ``train_voc_models.py`` (``CXLIB_E5_CACHE`` adds shared folders), as in
``eval_voc.py``.

Usage::

    CXLIB_E5_CACHE=/path/to/cache .venv/bin/python benchmarks/tune_contrast.py --split dev
"""

from __future__ import annotations

import argparse
import contextlib
import functools
from collections.abc import Iterator

import numpy as np
import pandas as pd
from eval_voc import SENTIMENT_MODULE, cached_backend, load_samples

from cxlib.voc.clauses import after_contrast, contrast_scores

GRID = (0.0, 0.1, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)


@contextlib.contextmanager
def contrast_weight(w: float) -> Iterator[None]:
    """Run the sentiment backends with the clause weight ``w`` in place of the shipped one."""
    real = SENTIMENT_MODULE.contrast_scores
    SENTIMENT_MODULE.contrast_scores = functools.partial(contrast_scores, weight=w)
    try:
        yield
    finally:
        SENTIMENT_MODULE.contrast_scores = real


def accuracy_table(samples: pd.DataFrame, backends: list[str]) -> pd.DataFrame:
    """Accuracy per corpus, backend and clause weight (long table)."""
    rows = []
    for (lang, corpus), part in samples.groupby(["lang", "corpus"], sort=True):
        texts, truth = part["text"].tolist(), part["label"].to_numpy(dtype=str)
        has = np.array([c is not None for c in after_contrast(texts, lang)])
        for backend in backends:
            for w in GRID:
                with contrast_weight(w):
                    labels = np.array(cached_backend(backend)(texts, lang), dtype=str)
                rows.append(
                    {
                        "lang": lang,
                        "corpus": corpus,
                        "backend": backend,
                        "w": w,
                        "n": len(texts),
                        "n_contrast": int(has.sum()),
                        "accuracy": float(np.mean(labels == truth)),
                    }
                )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["test", "dev"], default="dev")
    parser.add_argument("--backends", nargs="*", default=["auto"], help="backends to score (default: auto)")
    parser.add_argument("--out", help="write the long table to this CSV")
    args = parser.parse_args()
    table = accuracy_table(load_samples(args.split), args.backends)
    if args.out:
        table.to_csv(args.out, index=False)
    wide = table.pivot_table(
        index=["backend", "lang", "corpus", "n", "n_contrast"], columns="w", values="accuracy"
    )
    drop = wide.sub(wide[0.0], axis=0).groupby(level="backend").min()
    with pd.option_context("display.width", 220, "display.max_rows", 200, "display.max_columns", 20):
        print((100 * wide).round(1))
        print("mean over corpora:")
        print((100 * wide.groupby(level="backend").mean()).round(2))
        print("largest drop of a corpus against w = 0 (points):")
        print((100 * drop).round(1))


if __name__ == "__main__":
    main()
