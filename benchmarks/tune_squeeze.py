"""Measure on the dev splits whether undoing stretched writing helps the sentiment backends.

Reviews stretch words ("sooooo", "ممتاااز", "superrrr"), add tatweel and Arabic diacritics and
repeat punctuation ("!!!!!"). :func:`cxlib.voc.sentiment` folds the first three before its models
read a text (:func:`cxlib.voc.normalize.squeeze`) and its lexicon reads a stretched word as the
lexicon word it stands for (:func:`cxlib.voc.normalize.unstretch`). Each variant switches on one
part: ``base`` none, ``lexicon`` the lexicon's unstretching only, ``models:<part>`` one folding of
what the pretrained and embedding models read (``arabic``: tatweel and diacritics; ``letters``:
runs of 3+ letters to two, one in Arabic; ``letters1``: to one everywhere; ``symbols``: "!!!!!",
"??", repeated emoji kept once, 4+ dots as three), ``shipped`` all that is shipped and
``shipped+symbols``. Each variant scores the ``dev`` split of every evaluation corpus with each
backend (lexicon changes and the lexicon cap as shipped). Printed: per backend and variant the
mean change in accuracy over the corpora against ``base``, the worst corpus, and how many labels
it turned right and wrong; ``--out`` writes the per-corpus table. Embeddings of the changed
texts are computed once and cached like in ``eval_voc.py`` (``benchmarks/data/`` and
``CXLIB_E5_CACHE``).

Usage::

    CXLIB_E5_CACHE=/path/to/e5-cache nice -n 5 .venv/bin/python benchmarks/tune_squeeze.py
    .venv/bin/python benchmarks/tune_squeeze.py --variants base shipped --backends auto
"""

from __future__ import annotations

import argparse
import importlib
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from eval_voc import SENTIMENT_MODULE, load_samples
from train_voc_models import cached_embeddings

from cxlib import voc
from cxlib.voc.normalize import squeeze

ARABIC_MARKS = re.compile("[\u0640\u064b-\u0652\u0670]")
LETTER_RUN = re.compile(r"([^\W\d_])\1{2,}")
ARABIC_LETTER = re.compile(r"[\u0620-\u064A\u066E-\u06D3]")
SYMBOL_RUN = re.compile("([!?¡¿！？؟~\u2600-\u27bf\U0001f300-\U0001faff])\\1+")
DOT_RUN = re.compile(r"\.{4,}")

#: Foldings of what the models read: the parts of :func:`squeeze` and candidates not adopted.
PARTS: dict[str, Callable[[str], str]] = {
    "arabic": lambda t: ARABIC_MARKS.sub("", t),
    "letters": lambda t: LETTER_RUN.sub(lambda m: m[1] if ARABIC_LETTER.match(m[1]) else m[1] * 2, t),
    "letters1": lambda t: LETTER_RUN.sub(r"\1", t),
    "symbols": lambda t: DOT_RUN.sub("...", SYMBOL_RUN.sub(r"\1", t)),
}
VARIANTS = ("base", "lexicon", *(f"models:{p}" for p in PARTS), "shipped", "shipped+symbols")
BACKENDS = ("lexicon", "pretrained", "embedding", "blend", "auto")
LEXICON_MODULE = importlib.import_module("cxlib.voc.lexicon")


def _same(text: str) -> str:
    return text


def folding(variant: str) -> tuple[Callable[[str], str], bool]:
    """What the models read under ``variant``, and whether the lexicon unstretches words."""
    if variant.startswith("shipped"):
        symbols = PARTS["symbols"]
        return (lambda t: symbols(squeeze(t))) if variant.endswith("symbols") else squeeze, True
    if variant.startswith("models:"):
        return PARTS[variant.partition(":")[2]], False
    return _same, variant == "lexicon"


def labels(texts: list[str], lang: str, backend: str, variant: str) -> np.ndarray:
    """Labels of ``texts`` by ``backend`` under ``variant`` (embeddings from the cache)."""
    fold, lexicon = folding(variant)
    real = SENTIMENT_MODULE.embed, SENTIMENT_MODULE.squeeze, LEXICON_MODULE.unstretch
    SENTIMENT_MODULE.embed, SENTIMENT_MODULE.squeeze = cached_embeddings, fold
    if not lexicon:
        LEXICON_MODULE.unstretch = lambda word, known: word
    try:
        table = voc.sentiment(texts, langs=lang, backend=backend).table
    finally:
        SENTIMENT_MODULE.embed, SENTIMENT_MODULE.squeeze, LEXICON_MODULE.unstretch = real
    return table["label"].to_numpy(dtype=str)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS))
    parser.add_argument("--backends", nargs="*", default=list(BACKENDS))
    parser.add_argument("--out", type=Path, help="write the per-corpus table (CSV) here")
    args = parser.parse_args()
    samples = load_samples("dev")
    rows = []
    for (lang, corpus), part in samples.groupby(["lang", "corpus"], sort=True):
        texts, truth = part["text"].tolist(), part["label"].to_numpy(dtype=str)
        for backend in args.backends:
            if backend in ("pretrained", "blend") and lang not in voc.available_pretrained():
                continue
            base = labels(texts, lang, backend, "base")
            for variant in args.variants:
                got = base if variant == "base" else labels(texts, lang, backend, variant)
                fold = folding(variant)[0]
                rows.append(
                    {
                        "lang": lang,
                        "corpus": corpus,
                        "backend": backend,
                        "variant": variant,
                        "n": len(texts),
                        "changed_texts": sum(fold(t) != t for t in texts),
                        "accuracy": float(np.mean(got == truth)),
                        "turned_right": int(np.sum((got == truth) & (base != truth))),
                        "turned_wrong": int(np.sum((got != truth) & (base == truth))),
                    }
                )
        print(lang, corpus, "done", flush=True)
    table = pd.DataFrame(rows)
    table["delta"] = table["accuracy"] - table.groupby(["corpus", "backend"])["accuracy"].transform("first")
    if args.out:
        table.to_csv(args.out, index=False)
    pd.set_option("display.width", 200)
    summary = table.groupby(["backend", "variant"], sort=False).agg(
        mean_delta=("delta", "mean"),
        worst=("delta", "min"),
        right=("turned_right", "sum"),
        wrong=("turned_wrong", "sum"),
    )
    print(summary.to_string(float_format=lambda v: f"{v:+.4f}"))


if __name__ == "__main__":
    main()
