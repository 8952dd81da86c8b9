"""Choose the weight of the clause after a contrast word (:mod:`cxlib.voc.clauses`) on the dev split.

For every evaluation corpus (``benchmarks/voc_eval``) and the model backends (``pretrained``
where a shipped model exists, ``embedding``), scores the texts with
``(1 − w) · model(text) + w · model(clause after the last contrast word)`` plus the lexicon
exactly as :func:`cxlib.voc.sentiment` combines them, for each ``w`` of a grid, with the clause
counted everywhere (``gate`` False) or only where its score has the lexicon's sign (``gate``
True, what :func:`cxlib.voc.clauses.contrast_scores` does), and prints the accuracy per corpus
(``w = 0`` is the backend as it was). Embeddings are read from or added to
the cache of ``train_voc_models.py`` (``CXLIB_E5_CACHE`` adds shared folders).

Usage::

    CXLIB_E5_CACHE=/path/to/cache .venv/bin/python benchmarks/tune_contrast.py --split dev
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from eval_voc import load_samples
from train_voc_models import cached_embeddings

from cxlib import voc
from cxlib.voc.clauses import after_contrast
from cxlib.voc.embedding import load_head
from cxlib.voc.lexicon import label_of
from cxlib.voc.pretrained import available_pretrained, load_pretrained

GRID = (0.0, 0.1, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)


def model_parts(texts: list[str], lang: str, backend: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Model score of each text, of its clause (NaN without one), and the lexicon's score."""
    clauses = after_contrast(texts, lang)
    rows = [i for i, c in enumerate(clauses) if c is not None]
    picked = [str(clauses[i]) for i in rows]
    if backend == "embedding":
        head = load_head()
        full = head.predict(cached_embeddings(texts))
        part = head.predict(cached_embeddings(picked)) if picked else np.zeros(0)
    else:
        model = load_pretrained(lang)
        full = model.predict(texts, n_terms=0)[0]
        part = model.predict(picked, n_terms=0)[0] if picked else np.zeros(0)
    after = np.full(len(texts), np.nan)
    after[rows] = part
    lex = voc.sentiment(texts, langs=lang, backend="lexicon").table["score"].to_numpy(dtype=float)
    return full, after, lex


def accuracy_table(samples: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (lang, corpus), part in samples.groupby(["lang", "corpus"], sort=True):
        texts, truth = part["text"].tolist(), part["label"].to_numpy(dtype=str)
        backends = ["embedding"] + (["pretrained"] if lang in available_pretrained() else [])
        for backend in backends:
            full, after, lex = model_parts(texts, lang, backend)
            combine = load_head().combine if backend == "embedding" else load_pretrained(lang).combine
            has = ~np.isnan(after)
            for w, gate in [(w, g) for w in GRID for g in (False, True)]:
                use = has & (np.sign(np.nan_to_num(after)) == np.sign(lex)) if gate else has
                model = np.where(use, (1 - w) * full + w * np.nan_to_num(after), full)
                labels = np.array([label_of(s) for s in combine(model, lex)])
                rows.append(
                    {
                        "lang": lang,
                        "corpus": corpus,
                        "backend": backend,
                        "w": w,
                        "gate": gate,
                        "n": len(texts),
                        "n_contrast": int(has.sum()),
                        "accuracy": float(np.mean(labels == truth)),
                        "acc_contrast": float(np.mean(labels[has] == truth[has])) if has.any() else np.nan,
                    }
                )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["test", "dev"], default="dev")
    parser.add_argument("--out", help="write the long table to this CSV")
    args = parser.parse_args()
    table = accuracy_table(load_samples(args.split))
    if args.out:
        table.to_csv(args.out, index=False)
    index = ["lang", "corpus", "backend", "n_contrast"]
    wide = table.pivot_table(index=index, columns=["gate", "w"], values="accuracy")
    with pd.option_context("display.width", 200, "display.max_rows", 100):
        print((100 * wide).round(1))
        print((100 * table.groupby(["backend", "gate", "w"])["accuracy"].mean()).round(2).unstack())


if __name__ == "__main__":
    main()
