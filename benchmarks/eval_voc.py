"""Evaluate cxlib's sentiment backends on real labelled reviews, per language and corpus.

Reads the samples built by ``benchmarks/voc_eval/prepare.py``: the committed ones next to
it and, when present, the ones in ``benchmarks/voc_eval/external/`` (corpora without a
redistribution licence, built locally). Scores the ``test`` split unless told otherwise
(``dev`` is the part whose errors may be looked at while improving the lexicon).

For every corpus and backend it prints: texts, accuracy with a 95 % Wilson interval (a
neutral prediction counts as wrong: every text is labelled positive or negative), the
share predicted neutral, macro-F1 over the two classes, texts/s (wall clock, after a
warm-up) and, once per corpus, the language-detection accuracy among cxlib's default
candidate languages. VADER (``pip install vaderSentiment``; not a cxlib dependency) is the
English baseline. The ``embedding`` backend (``pip install 'cxlib[embeddings]'``) is scored when
its runtime is installed (:func:`cxlib.voc.embedding.available`): its accuracy through the real
``voc.sentiment(..., backend="embedding")`` with the embeddings read from the cache of
``train_voc_models.py`` (``benchmarks/data/``, and the directories in ``CXLIB_E5_CACHE``; texts
not cached are embedded and added), its texts/s from a real, uncached call on the first
``--speed-texts`` texts of each corpus; ``embedding-head`` is the head alone, without the
lexicon (its texts/s are the embedding's, which dominates). ``blend`` (same runtime, languages
with a shipped pretrained model) is the weighted mean of the ``pretrained`` and ``embedding``
scores (weight in ``cxlib/voc/models/blend.json``, chosen by ``tune_blend.py`` on the dev
splits), scored and timed like ``embedding``. ``auto`` is the default backend
as a user gets it (:func:`cxlib.voc.sentiment.auto_backends` names its choice per language;
scored after ``--write-package`` has stored this run's numbers, which that choice reads),
timed like ``embedding`` where it embeds.

Usage::

    .venv/bin/python benchmarks/eval_voc.py                 # test split, all backends
    .venv/bin/python benchmarks/eval_voc.py --split dev
    .venv/bin/python benchmarks/eval_voc.py --corpora pl_ceneo_product_reviews fr_trustpilot_shops
    .venv/bin/python benchmarks/eval_voc.py --markdown /tmp/results.md
    .venv/bin/python benchmarks/eval_voc.py --write-package   # cxlib/voc/models/accuracy.json

``--write-package`` stores the test-split accuracy of the ``lexicon``, ``pretrained``,
``embedding`` and ``blend`` backends per language and corpus in the package (corpora not present in this run
keep their stored numbers: external samples exist only where someone built them), where
:meth:`cxlib.voc.SentimentResult.measured_accuracy` reports it next to each language's backend
and :func:`cxlib.voc.sentiment.auto_backends` reads it to choose ``auto``'s backend.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from cxlib import voc
from cxlib.intervals import wilson_interval
from cxlib.voc import embedding
from cxlib.voc.embedding import load_head

HERE = Path(__file__).resolve().parent / "voc_eval"
PACKAGE_FILE = Path(__file__).resolve().parents[1] / "cxlib" / "voc" / "models" / "accuracy.json"
Scorer = Callable[[list[str], str], list[str]]
#: The module (``cxlib.voc.sentiment`` as an attribute is the function of the same name).
SENTIMENT_MODULE = importlib.import_module("cxlib.voc.sentiment")


def load_samples(split: str, corpora: list[str] | None = None) -> pd.DataFrame:
    """All sample files (committed and external), restricted to ``split`` unless ``all`` and,
    when ``corpora`` is given, to the files with those stems (``pl_ceneo_product_reviews``).
    """
    files = sorted(HERE.glob("*.csv")) + sorted((HERE / "external").glob("*.csv"))
    if not files:
        raise SystemExit(f"no samples in {HERE}; run benchmarks/voc_eval/prepare.py first")
    if corpora is not None:
        files = [f for f in files if f.stem in corpora]
        if not files:
            raise SystemExit(f"no sample file named {corpora} in {HERE} or {HERE / 'external'}")
    frame = pd.concat(
        [pd.read_csv(f, dtype=str, keep_default_na=False).assign(file=f.name) for f in files],
        ignore_index=True,
    )
    frame["committed"] = ~frame["file"].isin([f.name for f in (HERE / "external").glob("*.csv")])
    return frame if split == "all" else frame[frame["split"] == split].reset_index(drop=True)


def cxlib_backend(backend: str) -> Scorer:
    def score(texts: list[str], lang: str) -> list[str]:
        return voc.sentiment(texts, langs=lang, backend=backend).table["label"].tolist()

    return score


@contextlib.contextmanager
def cached_embed() -> Iterator[None]:
    """Serve the embedding backend's embeddings from the cache of ``train_voc_models.py``."""
    from train_voc_models import cached_embeddings

    real = SENTIMENT_MODULE.embed
    SENTIMENT_MODULE.embed = cached_embeddings
    try:
        yield
    finally:
        SENTIMENT_MODULE.embed = real


def cached_backend(backend: str) -> Scorer:
    """``voc.sentiment(..., backend=backend)`` with the embeddings read from the cache."""

    def score(texts: list[str], lang: str) -> list[str]:
        with cached_embed():
            return cxlib_backend(backend)(texts, lang)

    return score


def vader(texts: list[str], lang: str) -> list[str]:
    """VADER's compound score with its own ±0.05 thresholds (English only)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    out = []
    for text in texts:
        c = analyzer.polarity_scores(text)["compound"]
        out.append("pos" if c >= 0.05 else "neg" if c <= -0.05 else "neu")
    return out


def head_alone(texts: list[str], lang: str) -> list[str]:
    """The embedding head's labels without the lexicon (cached embeddings)."""
    from train_voc_models import cached_embeddings

    scores = load_head().predict(cached_embeddings(texts))
    return np.where(scores >= 0.05, "pos", np.where(scores <= -0.05, "neg", "neu")).tolist()


#: Backend name -> (scorer, languages it applies to or None for all, timer or None). A timer is
#: run on the first texts of a corpus instead of timing the scorer (which reads a cache).
Backends = dict[str, tuple[Scorer, set[str] | None, Scorer | None]]


def available_backends() -> Backends:
    """The backends this machine can score (``auto`` is added by :func:`main`)."""
    backends: Backends = {
        "lexicon": (cxlib_backend("lexicon"), None, None),
        "pretrained": (cxlib_backend("pretrained"), set(voc.available_pretrained()), None),
    }
    if not embedding.available():
        print("no embedding runtime: the embedding backend is skipped (pip install 'cxlib[embeddings]')")
    else:
        real = cxlib_backend("embedding")
        backends["embedding"] = (cached_backend("embedding"), None, real)
        backends["embedding-head"] = (head_alone, None, None)  # timed: the embedding's texts/s
        blended = set(voc.available_pretrained())
        backends["blend"] = (cached_backend("blend"), blended, cxlib_backend("blend"))
    if importlib.util.find_spec("vaderSentiment") is None:
        print("vaderSentiment not installed: the English baseline is skipped")
    else:
        backends["vader"] = (vader, {"en"}, None)
    return backends


def auto_backend() -> Backends:
    """``auto`` as a user gets it; timed for real (uncached) in the languages where it embeds."""
    print("auto:", ", ".join(f"{k} {v}" for k, v in sorted(SENTIMENT_MODULE.auto_backends().items())))
    return {"auto": (cached_backend("auto"), None, cxlib_backend("auto"))}


def macro_f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    """Mean F1 of the classes ``pos`` and ``neg`` (a neutral prediction is a miss for both)."""
    scores = []
    for label in ("pos", "neg"):
        tp = float(np.sum((predicted == label) & (truth == label)))
        fp = float(np.sum((predicted == label) & (truth != label)))
        fn = float(np.sum((predicted != label) & (truth == label)))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    return float(np.mean(scores))


def evaluate(samples: pd.DataFrame, backends: Backends, speed_texts: int = 40) -> pd.DataFrame:
    """One row per corpus and backend with the measures described in the module docstring.

    A backend with a timer is timed by running its timer on the first ``speed_texts`` texts,
    where it embeds (``auto`` embeds only in the languages :func:`auto_backends` names).
    """
    embeds = {lang for lang, b in SENTIMENT_MODULE.auto_backends().items() if b in ("embedding", "blend")}
    rows = []
    for (lang, corpus), part in samples.groupby(["lang", "corpus"], sort=True):
        texts, truth = part["text"].tolist(), part["label"].to_numpy(dtype=str)
        # fillna first: with a missing value, pandas 3 turns a str column into 1-character strings
        detected = voc.detect_language(texts).table["lang"].fillna("").to_numpy(dtype=str)
        detection = float(np.mean(detected == lang))
        for name, (scorer, langs, timer) in backends.items():
            if langs is not None and lang not in langs:
                continue
            if name == "auto" and lang not in embeds:
                timer = None
            (timer or scorer)(texts[:5] if timer else texts[:20], lang)  # warm-up: loads models
            start = time.perf_counter()
            predicted = np.asarray(scorer(texts, lang), dtype=str)
            seconds, timed = time.perf_counter() - start, len(texts)
            if timer is not None:
                embedding.clear_cache()  # time real embedding, not the process cache's answers
                start = time.perf_counter()
                timer(texts[:speed_texts], lang)
                seconds, timed = time.perf_counter() - start, len(texts[:speed_texts])
            if name == "embedding-head" and rows and rows[-1]["backend"] == "embedding":
                seconds, timed = 1.0, rows[-1]["texts_per_s"]  # the embedding dominates the time
            correct = int(np.sum(predicted == truth))
            low, high = wilson_interval(correct, len(truth))
            rows.append(
                {
                    "lang": lang,
                    "corpus": corpus,
                    "committed": bool(part["committed"].iat[0]),
                    "backend": name,
                    "n": len(truth),
                    "accuracy": correct / len(truth),
                    "ci_low": float(low),
                    "ci_high": float(high),
                    "neutral": float(np.mean(predicted == "neu")),
                    "macro_f1": macro_f1(truth, predicted),
                    "texts_per_s": timed / seconds,
                    "detection": detection,
                }
            )
    return pd.DataFrame(rows)


def markdown(table: pd.DataFrame, split: str) -> str:
    """Format the results as a Markdown table (percentages, one decimal)."""
    lines = [
        f"Split: `{split}`. Accuracy: share of texts labelled correctly (neutral counts as wrong), "
        "with its 95 % Wilson interval.",
        "",
        "| lang | corpus | backend | n | accuracy (95 % CI) | neutral | macro-F1 | texts/s | detection |",
        "|---|---|---|---:|---|---:|---:|---:|---:|",
    ]
    for r in table.itertuples():
        corpus = r.corpus if r.committed else f"{r.corpus} (not committed)"
        lines.append(
            f"| {r.lang} | {corpus} | {r.backend} | {r.n} "
            f"| {r.accuracy:.1%} ({r.ci_low:.1%}–{r.ci_high:.1%}) | {r.neutral:.1%} "
            f"| {r.macro_f1:.3f} | {r.texts_per_s:,.{1 if r.texts_per_s < 100 else 0}f} | {r.detection:.1%} |"
        )
    return "\n".join(lines) + "\n"


def write_package(table: pd.DataFrame) -> None:
    """Store the test-split accuracies of ``table`` in ``cxlib/voc/models/accuracy.json``."""
    keep = table[table["backend"].isin(["lexicon", "pretrained", "embedding", "blend"])]
    records = [
        {
            "lang": r.lang,
            "backend": r.backend,
            "corpus": r.corpus,
            "n": int(r.n),
            "accuracy": round(float(r.accuracy), 4),
            "ci_low": round(float(r.ci_low), 4),
            "ci_high": round(float(r.ci_high), 4),
        }
        for r in keep.itertuples()
    ]
    measured = {(r["lang"], r["backend"], r["corpus"]) for r in records}
    kept = [
        r
        for r in json.loads(PACKAGE_FILE.read_text("utf-8"))
        if (r["lang"], r["backend"], r["corpus"]) not in measured
    ]
    if kept:
        print("kept from the previous run (samples not present here):", sorted({r["corpus"] for r in kept}))
    records = sorted(kept + records, key=lambda r: (r["lang"], r["corpus"], r["backend"]))
    PACKAGE_FILE.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    SENTIMENT_MODULE._measured.cache_clear()  # auto's choice reads the new numbers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["test", "dev", "all"], default="test")
    parser.add_argument("--backends", nargs="*", help="only these backends (default: all available and auto)")
    parser.add_argument("--corpora", nargs="*", help="only these sample files (stems, e.g. de_germeval2017)")
    parser.add_argument("--markdown", type=Path, help="also write the table to this Markdown file")
    parser.add_argument(
        "--speed-texts", type=int, default=40, help="texts per corpus timed where a backend embeds"
    )
    parser.add_argument(
        "--write-package", action="store_true", help="store the measured accuracies in cxlib/voc/models"
    )
    args = parser.parse_args()
    if args.write_package and args.split != "test":
        raise SystemExit("--write-package stores test-split accuracies only")
    if args.write_package and args.corpora:
        raise SystemExit("--write-package stores a full run only (no --corpora)")
    backends = available_backends()
    if args.backends:
        backends = {k: v for k, v in backends.items() if k in args.backends}
    samples = load_samples(args.split, args.corpora)
    table = evaluate(samples, backends, args.speed_texts)
    if args.write_package:
        write_package(table)
    if not args.backends or "auto" in args.backends:
        table = pd.concat([table, evaluate(samples, auto_backend(), args.speed_texts)], ignore_index=True)
        table = table.sort_values(["lang", "corpus"], kind="stable").reset_index(drop=True)
    text = markdown(table, args.split)
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
