"""Choose the blend of the shipped pretrained model and the embedding backend on the dev splits.

For every language with a shipped pretrained model and an evaluation corpus, the blend scores a
text ``w · pretrained + (1 − w) · embedding``, where ``pretrained`` and ``embedding`` are the
scores of those two backends as :func:`cxlib.voc.sentiment` computes them (each with its own
share of the lexicon, clipped to [−1, 1]), then capped at a strongly negative lexicon score as the
blend backend does (``LEXICON_VETO``), so ``w = 0`` is the embedding backend and ``w = 1`` the
pretrained backend with that cap (the report's ``pretrained`` rows are the uncapped backend).
``w`` runs over a grid of 21 values; per language it is the value with the highest mean ``dev``
accuracy over the language's corpora (ties: the one closest to 0.5, the plainest average), and one
global ``w`` maximises the mean over languages (the one shipped: ``--write``). A two-fold check
splits dev at random, chooses on one half and scores the other.
Then, once, the ``test`` split is scored with the chosen weights.

Embeddings come from the cache of ``train_voc_models.py`` (``benchmarks/data/`` and the folders
in ``CXLIB_E5_CACHE``), as in ``eval_voc.py``. Accuracy counts a neutral prediction as wrong.

Usage::

    CXLIB_E5_CACHE=/path/to/e5-cache .venv/bin/python benchmarks/tune_blend.py
    .venv/bin/python benchmarks/tune_blend.py --write   # store the weights in cxlib/voc/models/blend.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
from eval_voc import SENTIMENT_MODULE, cached_embed, load_samples

from cxlib.intervals import wilson_interval
from cxlib.voc import available_pretrained

BLEND_FILE = Path(__file__).resolve().parents[1] / "cxlib" / "voc" / "models" / "blend.json"
GRID = np.round(np.linspace(0.0, 1.0, 21), 2)
THRESHOLD = 0.05


def component_scores(samples: pd.DataFrame) -> pd.DataFrame:
    """``samples`` with the pretrained (``p``), embedding (``e``) and lexicon (``lex``) scores of texts."""
    parts = []
    for (lang, _corpus, _split), part in samples.groupby(["lang", "corpus", "split"], sort=True):
        texts = part["text"].tolist()
        lex, _ = SENTIMENT_MODULE._lexicon_scores(texts, lang, None, public=False)
        p, _ = SENTIMENT_MODULE._pretrained_rows(texts, lang, None)
        with cached_embed():
            e, _ = SENTIMENT_MODULE._embedding_rows(texts, lang, None)
        parts.append(part.assign(p=p, e=e, lex=lex))
    return pd.concat(parts, ignore_index=True)


def correct(scored: pd.DataFrame, weight: float | pd.Series, *, capped: bool = True) -> pd.Series:
    """Whether the blend with ``weight`` (one value, or one per row) labels each text right.

    ``capped``: the blended score is capped at a strongly negative lexicon score, as the blend
    backend does (``LEXICON_VETO``); ``False`` with ``weight`` 1 is the pretrained backend.
    """
    s = weight * scored["p"] + (1 - weight) * scored["e"]
    if capped:
        s = SENTIMENT_MODULE._vetoed(s.to_numpy(dtype=float), scored["lex"].to_numpy(dtype=float))
    label = np.where(s >= THRESHOLD, "pos", np.where(s <= -THRESHOLD, "neg", "neu"))
    return pd.Series(label == scored["label"].to_numpy(dtype=str), index=scored.index)


def grid(scored: pd.DataFrame) -> pd.DataFrame:
    """Mean accuracy over each language's corpora (rows: languages) for every weight (columns)."""
    cols = {}
    for w in GRID:
        by_corpus = correct(scored, float(w)).groupby([scored["lang"], scored["corpus"]]).mean()
        cols[float(w)] = by_corpus.groupby(level="lang").mean()
    return pd.DataFrame(cols)


def best(row: pd.Series) -> float:
    """The weight with the highest accuracy; among ties the one closest to 0.5."""
    top = row[np.isclose(row, row.max())]
    return float(min(top.index, key=lambda w: (abs(w - 0.5), w)))


def report(scored: pd.DataFrame, weights: dict[str, float], split: str) -> pd.DataFrame:
    """Accuracy (95 % Wilson) per corpus of pretrained, embedding and the blend with ``weights``."""
    rows = []
    for (lang, corpus), part in scored.groupby(["lang", "corpus"], sort=True):
        for name, w in (("pretrained", 1.0), ("embedding", 0.0), ("blend", weights[lang])):
            ok = int(correct(part, w, capped=name != "pretrained").sum())
            low, high = wilson_interval(ok, len(part))
            rows.append(
                {
                    "split": split,
                    "lang": lang,
                    "corpus": corpus,
                    "backend": name,
                    "weight": w,
                    "n": len(part),
                    "accuracy": ok / len(part),
                    "ci_low": float(low),
                    "ci_high": float(high),
                }
            )
    return pd.DataFrame(rows)


def halves(scored: pd.DataFrame) -> pd.DataFrame:
    """Two-fold check of the per-language choice: weight chosen on one half of dev, scored on the other."""
    rng = np.random.default_rng(0)
    fold = pd.Series(rng.integers(0, 2, len(scored)), index=scored.index)
    rows = []
    for k in (0, 1):
        fit, held = scored[fold == k], scored[fold != k]
        fitted = grid(fit)
        chosen = fitted.apply(best, axis=1)
        global_w = best(fitted.mean(axis=0))
        acc = grid(held)
        for lang, w in chosen.items():
            rows.append(
                {
                    "fold": k,
                    "lang": lang,
                    "weight": w,
                    "held_blend": acc.loc[lang, w],
                    "global_weight": global_w,
                    "held_global": acc.loc[lang, global_w],
                    "held_pretrained": acc.loc[lang, 1.0],
                    "held_embedding": acc.loc[lang, 0.0],
                }
            )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="store the global weight (blend.json)")
    parser.add_argument("--no-test", action="store_true", help="score the dev split only")
    args = parser.parse_args()
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 30)
    samples = load_samples("all")
    samples = samples[samples["lang"].isin(available_pretrained())]
    scored = component_scores(samples)
    dev = scored[scored["split"] == "dev"]
    table = grid(dev)
    print("dev accuracy (mean over the language's corpora) by weight of the pretrained model:")
    print((100 * table).round(1).to_string())
    per_lang = table.apply(best, axis=1).to_dict()
    global_w = best(table.mean(axis=0))
    print("per-language weights:", per_lang, "| global weight:", global_w)
    print("two-fold check on dev (weight chosen on one half, accuracy on the other):")
    print(halves(dev).round(3).to_string(index=False))
    results = [report(dev, per_lang, "dev"), report(dev, dict.fromkeys(per_lang, global_w), "dev")]
    results[1]["backend"] = results[1]["backend"].replace({"blend": "blend-global"})
    if not args.no_test:
        test = scored[scored["split"] == "test"]
        results += [report(test, per_lang, "test"), report(test, dict.fromkeys(per_lang, global_w), "test")]
        results[3]["backend"] = results[3]["backend"].replace({"blend": "blend-global"})
    out = pd.concat(results, ignore_index=True).drop_duplicates(["split", "lang", "corpus", "backend"])
    out = out.sort_values(["split", "lang", "corpus", "backend"], kind="stable")
    for r in out.itertuples():
        print(
            f"| {r.split} | {r.lang} | {r.corpus} | {r.backend} | {r.weight:.2f} | {r.n} "
            f"| {r.accuracy:.1%} ({r.ci_low:.1%}–{r.ci_high:.1%}) |"
        )
    if args.write:
        BLEND_FILE.write_text(json.dumps({"pretrained_weight": global_w}, indent=1) + "\n", encoding="utf-8")
        print("wrote", BLEND_FILE)


if __name__ == "__main__":
    main()
