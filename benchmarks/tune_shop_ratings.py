"""Candidates for ``train_sentiment``, head to head on the draws of ``eval_shop_ratings.py``.

For every corpus, size and seed of ``eval_shop_ratings.py`` (the same shop draws, the same 400
test texts), the features of ``train_sentiment`` are built once with sklearn (character
n-gram TF-IDF fitted on the draw, ``PRIOR_SCALE`` × the pretrained model's score where one is
shipped, ``LEXICON_SCALE`` × the lexicon's score, ``HEAD_SCALE`` × the embedding head's score
where no pretrained model is shipped, ``EMBEDDING_SCALE`` × the embedding) and each candidate
is fitted on the draw and scored on two held-out sets: the corpus's test texts (accuracy on
the balanced test; a neutral label, ``|2·P − 1| < 0.05``, counts as wrong) and the pool texts
after the largest draw of the seed, never in any of its draws, whose embedding is in the shared
cache (up to 1,500; balanced accuracy); both also re-weighted to the draw's class mix.

Candidates: the current model (``base``), ``class_weight=None``, Arabic letter-run collapsing,
several C, prior and head settings, word n-grams, and the per-shop choice of (C, head) by
inner grouped cross-validation on balanced accuracy, with a nested cross-validation of that
choice (its honest estimate, timed). ``--no-prior``/``--no-head`` as in ``eval_shop_ratings.py``
(pl, en: their draws trained the shipped model and the head).

Usage::

    CXLIB_E5_CACHE=/work/wt/cache/e5 nice -n 5 .venv/bin/python benchmarks/tune_shop_ratings.py \
        --arabic-prod CSV --czech-facebook DIR ... [--sizes 500,1000] [--candidates base,C1,...] \
        [--choice] [--nested 500] [--out CSV]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE / "voc_eval"))

import eval_shop_ratings as esr  # noqa: E402
from train_voc_models import cached_embeddings  # noqa: E402

from cxlib.voc import embedding, trained  # noqa: E402
from cxlib.voc.lexicon import available_languages, load_lexicon, score_text  # noqa: E402
from cxlib.voc.normalize import normalize  # noqa: E402
from cxlib.voc.pretrained import available_pretrained, load_pretrained  # noqa: E402

#: Letter runs of 3+ ("جدااااا", "رووووعة") collapsed to one letter.
RUNS = re.compile(r"([^\W\d_])\1{2,}")
GRID = [(c, h) for c in (1.0, 4.0, 16.0) for h in (0.0, 3.0)]


def collapse(text: str) -> str:
    return RUNS.sub(r"\1", text)


def tfidf(lang: str, runs: bool, analyzer: str = "char_wb") -> object:
    from sklearn.feature_extraction.text import TfidfVectorizer

    def pre(t: str) -> str:
        folded = normalize(t, lang)
        return collapse(folded) if runs else folded

    if analyzer == "word":
        return TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            min_df=2,
            sublinear_tf=True,
            preprocessor=pre,
            token_pattern=r"[^\W\d_]+",
            dtype=np.float32,
        )
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        min_df=2,
        sublinear_tf=True,
        preprocessor=pre,
        dtype=np.float32,
    )


def lexicon(texts: list[str], lang: str, runs: bool = False) -> np.ndarray:
    if lang not in available_languages():
        return np.zeros(len(texts))
    lex = load_lexicon(lang)
    return np.array([score_text(collapse(t) if runs else t, lex).score for t in texts], dtype=float)


class Blocks:
    """The feature blocks of one draw and its test texts (train rows first, then test rows)."""

    def __init__(self, shop: pd.DataFrame, test: pd.DataFrame, lang: str, prior: bool, head: bool):
        texts = shop["text"].tolist() + test["text"].tolist()
        self.n = len(shop)
        self.lang = lang
        self.texts = texts
        self.ngrams = self._fit(tfidf(lang, False))
        self.ngrams_runs = self._fit(tfidf(lang, True)) if lang == "ar" else self.ngrams
        self.words = self._fit(tfidf(lang, lang == "ar", "word"))
        self.prior = load_pretrained(lang).predict(texts, n_terms=0)[0] if prior else None
        self.lex = lexicon(texts, lang)
        self.lex_runs = lexicon(texts, lang, True) if lang == "ar" else self.lex
        self.vectors = cached_embeddings(texts)
        self.vectors_runs = cached_embeddings([collapse(t) for t in texts]) if lang == "ar" else self.vectors
        model = embedding.load_head()
        self.head = model.predict(self.vectors) if head else np.zeros(len(texts))
        self.head_runs = model.predict(self.vectors_runs) if head else np.zeros(len(texts))
        self.keys = np.asarray(trained.near_duplicate_keys(shop["text"].tolist(), lang), dtype=object)

    def _fit(self, vec: object) -> sp.csr_matrix:
        train = vec.fit_transform(self.texts[: self.n])  # type: ignore[attr-defined]
        return sp.vstack([train, vec.transform(self.texts[self.n :])], format="csr")  # type: ignore[attr-defined]

    def matrix(
        self,
        *,
        prior: float = trained.PRIOR_SCALE,
        head: float | None = None,
        emb: float = trained.EMBEDDING_SCALE,
        lex: float = trained.LEXICON_SCALE,
        runs: bool = False,
        runs_emb: bool = False,
        words: bool = False,
        ngrams: bool = True,
    ) -> sp.csr_matrix:
        if head is None:
            head = 0.0 if self.prior is not None else trained.HEAD_SCALE
        blocks = [self.ngrams_runs if runs else self.ngrams] if ngrams else []
        if words:
            blocks.append(self.words)
        dense = []
        if self.prior is not None and prior:
            dense.append(prior * self.prior)
        dense.append(lex * (self.lex_runs if runs else self.lex))
        if head:
            dense.append(head * (self.head_runs if runs_emb else self.head))
        cols = np.column_stack([*dense, emb * (self.vectors_runs if runs_emb else self.vectors)])
        return sp.hstack([*blocks, sp.csr_matrix(cols)], format="csr")


def logreg(C: float, balanced: bool = True) -> object:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(
        C=C, solver="liblinear", class_weight="balanced" if balanced else None, random_state=0
    )


def labels(proba_pos: np.ndarray) -> np.ndarray:
    score = 2 * proba_pos - 1
    return np.where(score >= 0.05, "pos", np.where(score <= -0.05, "neg", "neu"))


def proba(model: object, X: sp.csr_matrix) -> np.ndarray:
    classes = list(model.classes_)  # type: ignore[attr-defined]
    return model.predict_proba(X)[:, classes.index("pos")]  # type: ignore[attr-defined]


def balanced_accuracy(truth: np.ndarray, predicted: np.ndarray) -> float:
    right = predicted == truth
    return float(0.5 * (right[truth == "pos"].mean() + right[truth == "neg"].mean()))


def cv_labels(X: sp.csr_matrix, y: np.ndarray, keys: np.ndarray, C: float, seed: int, balanced: bool = True):
    from sklearn.model_selection import StratifiedGroupKFold

    out = np.empty(len(y), dtype=object)
    for tr, te in StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=0).split(X, y, keys):
        model = logreg(C, balanced).fit(X[tr], y[tr])  # type: ignore[attr-defined]
        out[te] = labels(proba(model, X[te]))
    return out.astype(str)


def inner_accuracies(
    mats: dict[float, sp.csr_matrix], y: np.ndarray, keys: np.ndarray, grid: list[tuple[float, float]]
) -> dict[tuple[float, float], float]:
    """Inner grouped 5-fold CV balanced accuracy of each (C, head) of ``grid``."""
    return {(C, h): balanced_accuracy(y, cv_labels(mats[h], y, keys, C, 0)) for C, h in grid}


def pick(
    accs: dict[tuple[float, float], float], n: int, default: tuple[float, float] | None
) -> tuple[float, float]:
    """The best (C, head) (first on ties); with ``default``, only if it beats it by one standard error."""
    best = max(accs, key=lambda k: accs[k])
    if default is None:
        return best
    se = float(np.sqrt(accs[default] * (1 - accs[default]) / n))
    return best if accs[best] - accs[default] > se else default


def nested(
    mats: dict[float, sp.csr_matrix],
    y: np.ndarray,
    keys: np.ndarray,
    grid: list[tuple[float, float]],
    default: tuple[float, float] | None,
) -> float:
    """Outer grouped 5-fold CV accuracy of "choose (C, head) by inner CV, then fit"."""
    from sklearn.model_selection import StratifiedGroupKFold

    right = 0
    for tr, te in StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=0).split(mats[0.0], y, keys):
        inner = {h: m[tr] for h, m in mats.items()}
        C, h = pick(inner_accuracies(inner, y[tr], keys[tr], grid), len(tr), default)
        model = logreg(C).fit(mats[h][tr], y[tr])  # type: ignore[attr-defined]
        right += int((labels(proba(model, mats[h][te])) == y[te]).sum())
    return right / len(y)


#: Candidates: name -> (keyword arguments of ``Blocks.matrix``, C, class_weight balanced).
CANDIDATES: dict[str, tuple[dict[str, object], float, bool]] = {
    "base": ({}, 4.0, True),
    "unweighted": ({}, 4.0, False),
    "C1": ({}, 1.0, True),
    "C2": ({}, 2.0, True),
    "C8": ({}, 8.0, True),
    "C16": ({}, 16.0, True),
    "prior1.5": ({"prior": 1.5}, 4.0, True),
    "prior6": ({"prior": 6.0}, 4.0, True),
    "head0": ({"head": 0.0}, 4.0, True),
    "head3": ({"head": 3.0}, 4.0, True),
    "words": ({"words": True}, 4.0, True),
    "lex2": ({"lex": 2.0}, 4.0, True),
    "emb6": ({"emb": 6.0}, 4.0, True),
    "runs": ({"runs": True}, 4.0, True),
    "runs_emb": ({"runs": True, "runs_emb": True}, 4.0, True),
}


@dataclass(frozen=True)
class Case:
    """One draw against its held-out texts: training size, labels, held-out truth and parts."""

    n: int
    y: np.ndarray
    truth: np.ndarray
    parts: dict[str, np.ndarray]
    pos: float


def score(
    row: dict[str, object], name: str, X: sp.csr_matrix, case: Case, C: float, balanced: bool = True
) -> None:
    """Fit on the draw's rows of ``X``, score the held-out rows into ``row``.

    ``name:test`` is the accuracy on the balanced test split, ``name:extra`` the balanced accuracy
    on the extra held-out texts (their mix is the corpus's); ``@mix`` re-weights either to the
    draw's class mix.
    """
    model = logreg(C, balanced).fit(X[: case.n], case.y)  # type: ignore[attr-defined]
    right = labels(proba(model, X[case.n :])) == case.truth
    for part, sel in case.parts.items():
        recall_pos = right[sel & (case.truth == "pos")].mean()
        recall_neg = right[sel & (case.truth == "neg")].mean()
        row[f"{name}:{part}"] = float(right[sel].mean() if part == "test" else (recall_pos + recall_neg) / 2)
        row[f"{name}:{part}@mix"] = float(case.pos * recall_pos + (1 - case.pos) * recall_neg)


def shared_cache_texts() -> set[str]:
    """Texts whose embedding is in the folders of ``CXLIB_E5_CACHE`` (``.npz`` with ``texts``)."""
    known: set[str] = set()
    for folder in filter(None, os.environ.get("CXLIB_E5_CACHE", "").split(os.pathsep)):
        for part in sorted(Path(folder).glob("[!.]*.npz")):
            try:
                with np.load(part) as data:
                    known.update(data["texts"].tolist())
            except (OSError, KeyError, ValueError, zipfile.BadZipFile):
                continue  # another layout, or a file being written
    return known


def extra_held_out(frame: pd.DataFrame, top: int, known: set[str], limit: int = 1500) -> pd.DataFrame:
    """Pool texts after the largest draw (never in any draw of this seed) whose embedding is cached."""
    rest = frame.iloc[top:]
    rest = rest[rest["text"].isin(known) & ~rest["text"].isin(set(frame["text"].head(top)))]
    return rest.head(limit).reset_index(drop=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in esr.CORPORA:
        parser.add_argument("--" + name.replace("_", "-"), type=Path)
    parser.add_argument("--sizes", default="500,1000,2000")
    parser.add_argument("--candidates", default=",".join(CANDIDATES), help="comma-separated names")
    parser.add_argument("--no-prior", default="pl,en")
    parser.add_argument("--no-head", default="pl,en")
    parser.add_argument("--choice", action="store_true", help="the per-shop choice of (C, head) by inner CV")
    parser.add_argument(
        "--nested", type=int, default=0, help="draws up to this size also get the choice's nested CV (slow)"
    )
    parser.add_argument("--out", type=Path, default=Path("/tmp/tune_shop_ratings.csv"))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    names = args.candidates.split(",")
    no_prior, no_head = set(args.no_prior.split(",")), set(args.no_head.split(","))
    known = shared_cache_texts()
    rows = []
    for key, (lang, _, _, _) in esr.CORPORA.items():
        source = getattr(args, key)
        if source is None:
            continue
        sample = esr.evaluation_sample(key, source)
        test = sample[sample["split"] == "test"].reset_index(drop=True)
        prior = lang in available_pretrained() and lang not in no_prior
        for seed, frame in esr.draws(esr.shop_pool(key, source, sample)).items():
            top = max(n for n in sizes if n <= len(frame))
            extra = extra_held_out(frame, top, known)
            both = pd.concat([test.assign(part="test"), extra.assign(part="extra")], ignore_index=True)
            truth = both["label"].to_numpy(dtype=str)
            parts = {part: (both["part"] == part).to_numpy() for part in ("test", "extra")}
            for n in [n for n in sizes if n <= len(frame)]:
                shop = frame.head(n)
                y = shop["label"].to_numpy(dtype=str)
                pos = float((y == "pos").mean())
                b = Blocks(shop, both, lang, prior, lang not in no_head)
                row: dict[str, object] = {
                    "lang": lang,
                    "n": n,
                    "seed": seed,
                    "pos": pos,
                    "n_extra": len(extra),
                }
                case = Case(b.n, y, truth, parts, pos)

                for name in names:
                    kwargs, C, balanced = CANDIDATES[name]
                    if name.startswith("runs") and lang != "ar":
                        continue
                    score(row, name, b.matrix(**kwargs), case, C, balanced)  # type: ignore[arg-type]
                row["base_cv"] = float((cv_labels(b.matrix()[: b.n], y, b.keys, 4.0, seed) == y).mean())
                if args.choice:
                    rule_head = 0.0 if prior or lang in no_head else trained.HEAD_SCALE
                    heads = (0.0, 3.0) if lang not in no_head else (0.0,)
                    mats = {h: b.matrix(head=h) for h in heads}
                    mats.setdefault(3.0, mats[0.0])
                    inner = {h: m[: b.n] for h, m in mats.items()}
                    full = GRID if lang not in no_head else [(c, 0.0) for c in (1.0, 4.0, 16.0)]
                    grids = {
                        "choice": (full, None),
                        "choice_se": ([(c, rule_head) for c in (1.0, 4.0, 16.0)], (4.0, rule_head)),
                    }
                    began = time.perf_counter()
                    accs = inner_accuracies(inner, y, b.keys, full)
                    row["choice_s"] = time.perf_counter() - began
                    for name, (grid, default) in grids.items():
                        C, h = pick({k: accs[k] for k in grid}, b.n, default)
                        row[name + "_chosen"] = f"C{C:g} head{h:g}"
                        score(row, name, mats[h], case, C)
                        if n <= args.nested:
                            began = time.perf_counter()
                            row[name + "_nested_cv"] = nested(inner, y, b.keys, grid, default)
                            row[name + "_nested_s"] = time.perf_counter() - began
                rows.append(row)
                print({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}, flush=True)
                pd.DataFrame(rows).to_csv(args.out, index=False)


if __name__ == "__main__":
    main()
