"""Sentiment of customer texts in any supported language, behind one call.

:func:`sentiment` picks a backend per language:

* ``lexicon`` — the curated multilingual e-commerce lexicon (:mod:`cxlib.voc.lexicon`);
  works offline for en, pl, nl, sk, cs, zh, ar, de, fr, es, it, pt and says which terms decided;
* ``pretrained`` — compact classifiers shipped in the package (:mod:`cxlib.voc.pretrained`;
  languages with a model: en, zh and pl, trained on public labelled reviews, and sk and cs,
  which borrow the Polish model), each combined with its language's lexicon; the lexicon
  elsewhere;
* ``trained`` — classifiers learned from the shop's own star ratings
  (:func:`cxlib.voc.train_sentiment`);
* ``transformers`` — a model in a local directory (optional; never downloads);
* ``embedding`` — multilingual sentence embeddings with a shipped head plus the lexicon
  (:mod:`cxlib.voc.embedding`; optional extra ``cxlib[embeddings]``, never downloads);
* ``blend`` — in languages with a shipped pretrained model, a weighted mean of the
  ``pretrained`` and ``embedding`` scores (weight stored in ``models/blend.json``, chosen on
  the evaluation corpora's dev splits); the embedding backend elsewhere (needs the embedding
  runtime, like ``embedding``);
* ``auto`` (default) — the trained model for a language with at least ``min_rated`` rated
  texts; else, when the embedding runtime is installed, the embedding backend for every
  language where its accuracy measured on held-out real reviews is higher than that of the
  pretrained model or lexicon, and for languages without such a measurement, and the blend
  where it measured higher still (:func:`auto_backends`); else the pretrained model where the
  package has one, else the lexicon.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib import viz
from cxlib.errors import DataError
from cxlib.privacy import suppress_small
from cxlib.result import Display, ResultBase
from cxlib.viz.formats import format_count, language_name, plural
from cxlib.voc import embedding
from cxlib.voc.clauses import after_contrast, contrast_scores
from cxlib.voc.embedding import embed, load_head
from cxlib.voc.language import DEFAULT_LANGUAGES, has_letters, resolve_languages
from cxlib.voc.lexicon import available_languages, label_of, load_lexicon, score_text
from cxlib.voc.normalize import squeeze
from cxlib.voc.pretrained import available_pretrained, load_pretrained
from cxlib.voc.textinput import TEXT, Texts, text_frame
from cxlib.voc.trained import SentimentModel
from cxlib.voc.transformer import transformer_scores

__all__ = [
    "BACKENDS",
    "BACKEND_NAMES",
    "SENTIMENT_COLORS",
    "SentimentResult",
    "auto_backends",
    "blend_weight",
    "sentiment",
]

BACKENDS: tuple[str, ...] = ("auto", "lexicon", "pretrained", "trained", "transformers", "embedding", "blend")
#: Colours of the three labels in every chart (Okabe–Ito).
SENTIMENT_COLORS: dict[str, str] = {"neg": "#D55E00", "neu": "#999999", "pos": "#009E73"}
LABELS: tuple[str, ...] = ("neg", "neu", "pos")
#: Label of a text in a detected language that no backend covers (counted, never scored).
UNSUPPORTED = "unsupported"
#: Measured accuracy on real reviews below which the summary asks readers to take a language's
#: sentiment as approximate (issue 21's goal for every language without the shop's ratings).
RELIABLE_ACCURACY = 0.85
#: Columns of :attr:`SentimentResult.table` besides the kept ones.
RESULT_COLUMNS: tuple[str, ...] = ("text", "lang", "label", "score", "backend", "terms", "n_terms")


#: A lexicon score at or below it (one term of weight −1.25 or stronger, "se rompe", "broken",
#: "never arrived", or several weaker ones, with nothing positive) caps the score of the
#: embedding and blend backends: the text scores at most the lexicon's score (the embedding
#: reads "se rompe con mucha facilidad", breaks very easily, as praise). Chosen on the dev
#: splits by the rule of ``benchmarks/tune_lexicon_cap.py`` with the shipped head
#: (``benchmarks/voc_eval/RESULTS.md`` round 7); not for the pretrained models (no gain there)
#: and positive lexicon scores never cap (as often wrong as right).
LEXICON_VETO = -0.3

#: How each backend is named in tables and sentences.
BACKEND_NAMES: dict[str, str] = {
    "trained": "the shop's own model",
    "pretrained": "the shipped model",
    "lexicon": "the lexicon",
    "transformers": "the local transformers model",
    "embedding": "the embedding model",
    "blend": "the shipped and embedding models blended",
    "none": "not scored",
}


@dataclass(frozen=True)
class SentimentResult(ResultBase):
    """Sentiment of each text.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per text, in input order (rows of a table without text are left out): the
        kept columns, then ``text`` (str), ``lang``
        (str, ISO 639-1; missing when the text has no letters or its language is not recognised),
        ``label`` (str: ``neg``, ``neu``, ``pos``, or ``unsupported`` for a text in a language
        no backend covers or not recognised), ``score``
        (float in [−1, 1]), ``backend`` (str: ``lexicon``, ``trained``, ``pretrained``,
        ``transformers``, ``embedding``, ``blend``, or ``none`` for texts in a language no
        backend covers; a text without letters, such as "👍👍", is read by the ``lexicon``'s
        emoji and emoticons, which every language shares), ``terms`` (list of str: the lexicon
        terms that decided, ``not:`` marking negated ones and ``wish:`` praise inside a wish
        ("should be faster"); for the trained backend the
        character n-grams that pushed the decision; for the pretrained backend and the blend
        the lexicon terms, then the model's n-grams marked ``~``; for the embedding backend the
        lexicon terms; for transformers the model's top label) and ``n_terms`` (int, length of
        ``terms``).
    threshold : float
        Scores at or above it are positive, at or below its negative neutral.
    min_n : int, default 0
        Languages with fewer texts are blanked in the displayed table (small-cell suppression).
    """

    table: pd.DataFrame
    threshold: float = 0.05
    min_n: int = 0

    DISPLAY: ClassVar[Display] = Display(
        columns=("language", "n", "neg", "neu", "pos", "mean_score", "no_term_share", "scored_by"),
        percent_cols=("neg", "neu", "pos", "no_term_share"),
        decimals={"mean_score": 2},
        labels={
            "language": "Language",
            "n": "Texts",
            "neg": "Negative",
            "neu": "Neutral",
            "pos": "Positive",
            "mean_score": "Mean score",
            "no_term_share": "No lexicon term",
            "scored_by": "Scored by",
        },
    )

    def coverage(self) -> float:
        """Share of lexicon-scored texts without any sentiment term (the lexicon's blind spot)."""
        lex = self.table[self.table["backend"] == "lexicon"]
        return float((lex["n_terms"] == 0).mean()) if len(lex) else float("nan")

    def backends(self) -> pd.DataFrame:
        """Which backend scored each language: the one source of every table and sentence.

        Returns
        -------
        pandas.DataFrame
            ``lang`` (str, ``unknown`` when undetectable), ``backend`` (str, the backends
            used, comma-separated; one per language unless ``backend="transformers"`` mixed
            nothing), ``n`` (int, texts), ordered by language code.
        """
        t = self.table.assign(lang=self.table["lang"].fillna("unknown"))
        grouped = t.groupby("lang", sort=True)
        return pd.DataFrame(
            {
                "lang": list(grouped.groups),
                "backend": [", ".join(sorted(part["backend"].unique())) for _, part in grouped],
                "n": grouped.size().to_numpy(dtype="int64"),
            }
        )

    def by_language(self, min_n: int = 0) -> pd.DataFrame:
        """Summarise the scores per language.

        Parameters
        ----------
        min_n : int, default 0
            Languages with fewer texts have their shares blanked (``suppressed`` True).

        Returns
        -------
        pandas.DataFrame
            ``lang``, ``n``, shares ``neg``/``neu``/``pos``, ``mean_score``, ``no_term_share``
            (lexicon texts without a term), ``backend`` (from :meth:`backends`), plus
            ``suppressed`` when ``min_n > 0``.
        """
        t = self.table.assign(lang=self.table["lang"].fillna("unknown"))
        rows = []
        for lang, part in t.groupby("lang", sort=True):
            lex = part[part["backend"] == "lexicon"]
            rows.append(
                {
                    "lang": lang,
                    "n": len(part),
                    **{label: float((part["label"] == label).mean()) for label in LABELS},
                    "mean_score": float(part["score"].mean()),
                    "no_term_share": float((lex["n_terms"] == 0).mean()) if len(lex) else np.nan,
                }
            )
        out = pd.DataFrame(rows, columns=["lang", "n", *LABELS, "mean_score", "no_term_share"])
        out = out.merge(self.backends()[["lang", "backend"]], on="lang", how="left")
        if min_n > 0:
            out = suppress_small(out, "n", min_n, columns=[*LABELS, "mean_score", "no_term_share"])
        return out

    def display_table(self) -> pd.DataFrame:
        """Return the per-language table of the report: language names and backends in words."""
        out = self.by_language(self.min_n)
        out.insert(0, "language", out["lang"].map(language_name))
        out["scored_by"] = out["backend"].map(_backend_words)
        return out

    def measured_accuracy(self) -> pd.DataFrame:
        """Accuracy measured on held-out real reviews for each language and backend used here.

        Returns
        -------
        pandas.DataFrame
            ``lang``, ``backend``, ``n_texts`` (texts of this result), ``corpus``, ``n`` (texts
            scored in the evaluation), ``accuracy``, ``ci_low``, ``ci_high`` (95 % Wilson), one
            row per evaluation corpus; missing values where the pair was never measured
            (``benchmarks/eval_voc.py``). The shop's own ``trained`` models are measured by
            cross-validation instead (:class:`cxlib.voc.SentimentModel`).
        """
        measured = measured_accuracies()
        used = (
            self.table[self.table["backend"] != "none"]
            .groupby(["lang", "backend"], sort=True)
            .size()
            .rename("n_texts")
            .reset_index()
        )
        out = used.merge(measured, on=["lang", "backend"], how="left")
        return out[["lang", "backend", "n_texts", "corpus", "n", "accuracy", "ci_low", "ci_high"]]

    def accuracy_table(self) -> pd.DataFrame:
        """Return :meth:`measured_accuracy` for readers: language names, backends in words."""
        out = self.measured_accuracy()
        return out.assign(lang=out["lang"].map(language_name), backend=out["backend"].map(_backend_words))

    def figure(self) -> go.Figure:
        """Stacked bars: share of negative, neutral and positive texts per language."""
        shares = self.by_language(self.min_n).dropna(subset=list(LABELS))
        shares["language"] = shares["lang"].map(language_name)
        long = shares.melt(
            id_vars=["language"], value_vars=list(LABELS), var_name="sentiment", value_name="share"
        )
        fig = viz.bar(
            long,
            "language",
            "share",
            color="sentiment",
            barmode="stack",
            percent=True,
            title="Sentiment by language",
            labels={"language": "Language", "share": "Share of texts"},
        )
        fig.for_each_trace(lambda tr: tr.update(marker_color=SENTIMENT_COLORS.get(tr.name)))
        return fig

    def summary(self) -> list[str]:
        """Plain-language sentences with the sentiment mix, the backends and the lexicon's coverage."""
        n = len(self.table)
        if n == 0:
            return ["No texts."]
        scored = self.table[self.table["label"] != UNSUPPORTED]
        share = {lab: float((scored["label"] == lab).mean()) if len(scored) else 0.0 for lab in LABELS}
        out = [
            f"Of {plural(len(scored), 'text')}, {share['neg']:.0%} are negative, {share['neu']:.0%} neutral "
            f"and {share['pos']:.0%} positive."
        ]
        out.append(self.backend_sentence())
        cov = self.coverage()
        if cov == cov:
            out.append(
                f"{cov:.0%} of the texts scored by the lexicon contain no sentiment term "
                "and count as neutral."
            )
        caution = self.caution()
        if caution:
            out.append(caution)
        unsupported = self.table.loc[self.table["label"] == UNSUPPORTED, "lang"]
        if len(unsupported):
            langs = ", ".join(
                f"{language_name(k)} ({format_count(v)})"
                for k, v in unsupported.value_counts(dropna=False).items()
            )
            out.append(
                f"{plural(len(unsupported), 'text')} {'is' if len(unsupported) == 1 else 'are'} in "
                f"languages without sentiment support ({langs}) and "
                f"{'was' if len(unsupported) == 1 else 'were'} not scored."
            )
        return out

    def backend_sentence(self) -> str:
        """Say which backend scored which languages (from :meth:`backends`, like the table)."""
        used = self.backends()
        used = used[used["backend"] != "none"]
        parts = []
        for backend, group in used.groupby("backend", sort=False):
            names = ", ".join(language_name(code) for code in group["lang"])
            parts.append(f"{_backend_words(str(backend))} for {names}")
        return "Scored by " + "; ".join(parts) + "." if parts else "No text could be scored."

    def caution(self, target: float = RELIABLE_ACCURACY) -> str:
        """Name the languages whose backend labelled fewer than ``target`` of real reviews right.

        A language counts when the backend that scored its texts here has a measured accuracy
        (:meth:`measured_accuracy`, the mean over its evaluation corpora) below ``target``;
        the sentence gives the range over those corpora. Empty when there is none (the shop's
        own models are judged by their cross-validation instead).
        """
        acc = self.measured_accuracy().dropna(subset=["accuracy"])
        low = acc.groupby(["lang", "backend"], sort=True)["accuracy"].agg(["mean", "min", "max"])
        low = low[low["mean"] < target]
        if low.empty:
            return ""
        names = [language_name(lang) for lang, _ in low.index]
        lowest, highest = float(low["min"].min()), float(low["max"].max())
        span = (
            f"{lowest:.0%}" if round(lowest, 2) == round(highest, 2) else f"{lowest * 100:.0f}–{highest:.0%}"
        )
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        several = low.index.get_level_values("backend").nunique() > 1
        return (
            f"Read the sentiment of {listed} texts as approximate: the backend{'s' if several else ''} that "
            f"scored them labelled {span} of real reviews right when "
            f"measured, below {target:.0%}. Enough of the shop's own star ratings in a language train "
            "a model that scores it instead."
        )

    def accuracy_sentence(self) -> str:
        """Say the accuracy measured on held-out real reviews per language and backend used."""
        acc = self.measured_accuracy()
        parts = []
        for (lang, backend), rows in acc.groupby(["lang", "backend"], sort=True):
            known = rows.dropna(subset=["accuracy"])
            if len(known):
                what = " / ".join(f"{a:.0%}" for a in known["accuracy"])
            elif backend == "trained":
                what = "cross-validated on this shop's own ratings (see the shop's models)"
            else:
                what = "not measured"
            parts.append(f"{language_name(lang)} ({_backend_words(str(backend))}) {what}")
        return "Accuracy measured on held-out real reviews: " + "; ".join(parts) + "." if parts else ""


def _backend_words(backend: str) -> str:
    """Name backends (``"lexicon, trained"``) in words."""
    return ", ".join(BACKEND_NAMES.get(b.strip(), b.strip()) for b in backend.split(","))


@functools.cache
def _measured() -> pd.DataFrame:
    path = resources.files("cxlib.voc").joinpath("models", "accuracy.json")
    frame = pd.DataFrame(json.loads(path.read_text("utf-8")))
    return frame.astype({"lang": "str", "backend": "str", "corpus": "str"})


def measured_accuracies() -> pd.DataFrame:
    """Test-split accuracies of the shipped backends on real reviews (``eval_voc.py``).

    Returns
    -------
    pandas.DataFrame
        ``lang``, ``backend``, ``corpus``, ``n``, ``accuracy``, ``ci_low``, ``ci_high``.
    """
    return _measured().copy()


def auto_backends(measured: pd.DataFrame | None = None, *, runtime: bool | None = None) -> dict[str, str]:
    """Name the backend ``auto`` uses for each supported language when the shop has no model.

    Without the embedding runtime: the shipped pretrained model where there is one, else the
    lexicon. With it: the embedding backend where its mean accuracy over the evaluation corpora
    of the language is higher than that of the backend it replaces (on the same corpora; a tie
    keeps the faster backend, which was trained on text of that language), and in
    every language without an embedding measurement (no labelled real reviews: the embedding is
    the only backend measured zero-shot, on languages whose labels it never saw). Then, in a
    language with a pretrained model, the blend of the two where its mean accuracy is higher
    than that of the backend chosen so far (on the corpora both were measured on; a tie or no
    measurement keeps the backend chosen so far, which runs one model instead of two).

    Parameters
    ----------
    measured : pandas.DataFrame, optional
        ``lang``, ``backend``, ``corpus``, ``accuracy`` (default: :func:`measured_accuracies`,
        the package's test-split measurements).
    runtime : bool, optional
        Whether the embedding runtime is installed (default: :func:`cxlib.voc.embedding.available`).

    Returns
    -------
    dict of str to str
        Language code -> ``blend``, ``embedding``, ``pretrained`` or ``lexicon``, for every
        language with a lexicon.
    """
    if runtime is None:
        runtime = embedding.available()
    if measured is None:
        measured = _measured()
    out = {}
    for lang in available_languages():
        base = "pretrained" if lang in available_pretrained() else "lexicon"
        out[lang] = base
        if not runtime:
            continue
        rows = measured[measured["lang"] == lang]
        emb = rows[rows["backend"] == "embedding"].groupby("corpus")["accuracy"].mean()
        other = rows[rows["backend"] == base].groupby("corpus")["accuracy"].mean()
        common = emb.index.intersection(other.index)
        if emb.empty or len(common) == 0 or emb[common].mean() > other[common].mean():
            out[lang] = "embedding"
        if base == "pretrained" and _more_accurate(rows, "blend", out[lang]):
            out[lang] = "blend"
    return out


def _more_accurate(rows: pd.DataFrame, challenger: str, holder: str) -> bool:
    """Whether ``challenger``'s mean accuracy beats ``holder``'s on the corpora both were measured on."""
    new = rows[rows["backend"] == challenger].groupby("corpus")["accuracy"].mean()
    old = rows[rows["backend"] == holder].groupby("corpus")["accuracy"].mean()
    common = new.index.intersection(old.index)
    return len(common) > 0 and bool(new[common].mean() > old[common].mean())


def _lexicon_scores(
    texts: list[str], lang: str, extra: str | None, *, public: bool
) -> tuple[np.ndarray, list[list[str]]]:
    """Lexicon scores and matched terms of texts (``public``: see :func:`load_lexicon`)."""
    lex = load_lexicon(lang, extra, public=public)
    scored = [score_text(t, lex) for t in texts]
    return np.array([s.score for s in scored], dtype=float), [list(s.terms) for s in scored]


def _lexicon_rows(texts: list[str], lang: str, extra: str | None) -> tuple[np.ndarray, list[list[str]]]:
    """Score texts with the ``lexicon`` backend: the hand-written lexicon and the public one under it.

    The public terms serve this backend only (and ``auto`` where it falls back to it); the
    model backends read the hand-written lexicon alone (:func:`_read_lexicon`).
    """
    return _lexicon_scores(texts, lang, extra, public=True)


@dataclass(frozen=True)
class _LexiconReading:
    """The lexicon's scores and terms of a batch and its clauses after a contrast word.

    Read once per batch and shared by the model scorers (the blend runs two).
    """

    scores: np.ndarray
    terms: list[list[str]]
    clauses: list[str | None]


def _read_lexicon(texts: list[str], lang: str, extra: str | None) -> _LexiconReading:
    """Read a batch with the hand-written lexicon, for the model backends' share and cap.

    Without the public terms (:func:`load_lexicon`): in the model backends they gained little
    or cost dev texts (``benchmarks/voc_eval/RESULTS.md``, round 8).
    """
    scores, terms = _lexicon_scores(texts, lang, extra, public=False)
    return _LexiconReading(scores, terms, after_contrast(texts, lang, extra))


def _squeezed(texts: Sequence[str]) -> list[str]:
    """Fold stretched letters, tatweel and Arabic diacritics (:func:`squeeze`) for the models.

    The lexicon reads the texts as written and folds stretched words itself.
    """
    return [squeeze(t) for t in texts]


def _vetoed(scores: np.ndarray, lexicon_scores: np.ndarray) -> np.ndarray:
    """``scores``, capped at the lexicon's score where that is at most :data:`LEXICON_VETO`."""
    return np.where(lexicon_scores <= LEXICON_VETO, np.minimum(scores, lexicon_scores), scores)


def _pretrained_rows(
    texts: list[str], lang: str, extra: str | None, reading: _LexiconReading | None = None
) -> tuple[np.ndarray, list[list[str]]]:
    """Score texts with the shipped model plus its ``lexicon_weight`` × the lexicon, clipped to [−1, 1].

    The weight is stored with each model (:class:`cxlib.voc.pretrained.PretrainedModel`). The
    model reads the texts with stretched letters folded (:func:`_squeezed`); the clause after a
    contrast word weighs more in its score (:func:`cxlib.voc.clauses.contrast_scores`). The
    terms are the lexicon's, then the model's most telling character n-grams. ``reading``: the
    batch's lexicon reading when the caller has it already.
    """
    model = load_pretrained(lang)
    scores, grams = model.predict(_squeezed(texts))
    if lang in available_languages():
        lex = reading or _read_lexicon(texts, lang, extra)
        scores = contrast_scores(
            scores,
            texts,
            lang,
            lambda b: model.predict(_squeezed(b), n_terms=0)[0],
            lexicon_scores=lex.scores,
            clauses=lex.clauses,
        )
        scores = model.combine(scores, lex.scores)
        grams = [t + [f"~{g}" for g in ng] for t, ng in zip(lex.terms, grams, strict=True)]
    return scores, grams


def _embedding_rows(
    texts: list[str], lang: str, extra: str | None, reading: _LexiconReading | None = None
) -> tuple[np.ndarray, list[list[str]]]:
    """Score texts with the embedding head plus its ``lexicon_weight`` × the lexicon, clipped to [−1, 1].

    A strongly negative lexicon score caps the result (:data:`LEXICON_VETO`). The head embeds the
    texts with stretched letters folded (:func:`_squeezed`); the clause after a contrast word
    weighs more in its score (:func:`cxlib.voc.clauses.contrast_scores`). The terms are the
    lexicon's (the embedding has none to show).
    ``reading``: the batch's lexicon reading when the caller has it already.
    """
    head = load_head()
    lex = reading or _read_lexicon(texts, lang, extra)
    scores = contrast_scores(
        head.predict(embed(_squeezed(texts))),
        texts,
        lang,
        lambda b: head.predict(embed(_squeezed(b))),
        lexicon_scores=lex.scores,
        clauses=lex.clauses,
    )
    return _vetoed(head.combine(scores, lex.scores), lex.scores), lex.terms


@functools.cache
def blend_weight() -> float:
    """Weight of the pretrained model's score in the ``blend`` backend (``models/blend.json``).

    The embedding backend's score gets one minus it. Chosen on the dev splits of the evaluation
    corpora by ``benchmarks/tune_blend.py``.
    """
    path = resources.files("cxlib.voc").joinpath("models", "blend.json")
    return float(json.loads(path.read_text("utf-8"))["pretrained_weight"])


def _blended_rows(texts: list[str], lang: str, extra: str | None) -> tuple[np.ndarray, list[list[str]]]:
    """Score texts with ``w`` × the pretrained backend's score + (1 − ``w``) × the embedding backend's.

    ``w`` is :func:`blend_weight`; both scores already hold their own share of the lexicon and
    lie in [−1, 1], and so does their weighted mean; a strongly negative lexicon score caps it
    (:data:`LEXICON_VETO`). The terms are the pretrained backend's.
    """
    reading = _read_lexicon(texts, lang, extra)
    pretrained_scores, terms = _pretrained_rows(texts, lang, extra, reading)
    embedding_scores, _ = _embedding_rows(texts, lang, extra, reading)
    w = blend_weight()
    return _vetoed(w * pretrained_scores + (1.0 - w) * embedding_scores, reading.scores), terms


def sentiment(
    texts: Texts,
    langs: Any = None,
    backend: str = "auto",
    *,
    model: SentimentModel | None = None,
    model_dir: str | Path | None = None,
    lexicon: str | Path | None = None,
    min_rated: int = 500,
    threshold: float = 0.05,
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    text_col: str = "text",
    lang_col: str | None = "lang",
    keep: Sequence[str] = (),
    min_n: int = 0,
) -> SentimentResult:
    """Sentiment (negative, neutral, positive and a score in [−1, 1]) of each text.

    Parameters
    ----------
    texts : str, sequence of str, pandas Series or table
        With a table (any supported frame, e.g. ``shop.feedback`` or ``shop.surveys``),
        required column: ``text_col``; ``lang_col`` is used when present. Rows without text
        (star-only reviews) are left out.
    langs : str or sequence, optional
        Language of all texts or of each text (ISO 639-1 or tags such as ``zh-Hans``).
        Texts without a language are detected among ``languages`` (Lingua, offline).
    backend : str, default "auto"
        One of ``auto``, ``lexicon``, ``pretrained``, ``trained``, ``transformers``,
        ``embedding``, ``blend`` (:data:`BACKENDS`). ``auto``: the trained model for languages
        where ``model`` learned from at least ``min_rated`` rated texts, else the backend
        :func:`auto_backends` names (where the runtime is installed: the embedding backend where
        it measured strictly higher than the backend it replaces or was not measured, and the
        blend where that measured strictly higher still; without the runtime, or where neither
        measured higher: the shipped pretrained model where there is one, else the lexicon).
        ``pretrained``: the shipped model where there is one, the lexicon elsewhere.
        ``trained``: the model for every language it has, the lexicon elsewhere.
        ``transformers``: the local model in ``model_dir`` for every text. ``embedding``:
        multilingual sentence embeddings with the shipped head plus the lexicon, for every
        supported language (needs ``pip install 'cxlib[embeddings]'``; never downloads).
        ``blend``: where there is a shipped pretrained model, :func:`blend_weight` × its score
        plus the rest × the embedding backend's; the embedding backend in the other supported
        languages (needs the embedding runtime).
    model : SentimentModel, optional
        From :func:`cxlib.voc.train_sentiment`.
    model_dir : path, optional
        Directory of a saved Hugging Face text-classification model (``transformers``).
    lexicon : path, optional
        YAML file with extra lexicon entries (same format as the package lexicons).
    min_rated : int, default 500
        Rated texts a language needs before ``auto`` prefers the trained model.
    threshold : float, default 0.05
        ``score ≥ threshold`` is positive, ``≤ −threshold`` negative (VADER's convention).
    languages : sequence of str
        Candidate languages for detection.
    text_col, lang_col : str
    keep : sequence of str
        Columns of the table to carry into the result (ids, ``ts``, ratings, ...); not the
        result's own column names (``text``, ``lang``, ``label``, ``score``, ...).
    min_n : int, default 0
        Languages with fewer texts are blanked in the displayed table and chart.

    Returns
    -------
    SentimentResult

    Examples
    --------
    >>> r = sentiment(["Fast delivery, great service!", "Paczka nie dotarła, nie polecam"])
    >>> r.table[["lang", "label"]].values.tolist()
    [['en', 'pos'], ['pl', 'neg']]
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}")
    if backend == "trained" and model is None:
        raise ValueError("backend='trained' needs model= (see cxlib.voc.train_sentiment)")
    if backend == "transformers" and model_dir is None:
        raise ValueError("backend='transformers' needs model_dir= (a local model directory)")
    if not 0 <= threshold < 1:
        raise ValueError("threshold must be in [0, 1)")
    clash = sorted(set(keep) & set(RESULT_COLUMNS))
    if clash:
        raise DataError(
            f"keep= may not hold {', '.join(map(repr, clash))}: the result uses that name; rename the "
            "column first",
            table="feedback",
            column=clash[0],
            rule="reserved_column",
        )
    frame = text_frame(texts, langs, text_col=text_col, lang_col=lang_col, keep=keep, purpose="sentiment")
    codes = resolve_languages(frame, languages)
    n = len(frame)
    scores = np.zeros(n)
    terms: list[list[str]] = [[] for _ in range(n)]
    used = np.full(n, "none", dtype=object)
    text_list = frame[TEXT].tolist()
    lang_series = pd.Series(codes, dtype="object")
    if backend == "transformers":
        assert model_dir is not None  # rejected with a ValueError on entry
        scores, terms = transformer_scores(text_list, model_dir)
        used[:] = "transformers"
    else:
        auto_choice = auto_backends() if backend == "auto" else {}
        extra = str(lexicon) if lexicon is not None else None
        symbols = [
            i
            for i, code in enumerate(codes)
            if code is None and text_list[i].strip() and not has_letters(text_list[i])
        ]
        if symbols:  # emoji and emoticons only: the terms every lexicon shares (lexicons/common.yaml)
            got, why = _lexicon_rows([text_list[i] for i in symbols], "en", extra)
            scores[symbols], used[symbols] = got, "lexicon"
            for i, t in zip(symbols, why, strict=True):
                terms[i] = t
        for lang, idx in lang_series.dropna().groupby(lang_series.dropna()).groups.items():
            rows = np.asarray(list(idx))
            batch = [text_list[i] for i in rows]
            if (
                model is not None
                and lang in model.pipelines
                and (backend == "trained" or model.n_texts(lang) >= min_rated)
            ):
                got, why = model.predict(batch, lang)
                kind = "trained"
            elif auto_choice.get(lang) == "blend" or (backend == "blend" and lang in available_pretrained()):
                got, why = _blended_rows(batch, lang, extra)
                kind = "blend"
            elif auto_choice.get(lang) == "embedding":
                got, why = _embedding_rows(batch, lang, extra)
                kind = "embedding"
            elif backend in ("auto", "pretrained") and lang in available_pretrained():
                got, why = _pretrained_rows(batch, lang, extra)
                kind = "pretrained"
            elif backend in ("embedding", "blend") and lang in available_languages():
                got, why = _embedding_rows(batch, lang, extra)
                kind = "embedding"
            elif lang in available_languages():
                got, why = _lexicon_rows(batch, lang, extra)
                kind = "lexicon"
            else:
                continue
            scores[rows] = got
            for i, t in zip(rows, why, strict=True):
                terms[i] = t
            used[rows] = kind
    table = frame[list(keep)].copy() if keep else pd.DataFrame(index=frame.index)
    table["text"] = pd.Series(text_list, index=frame.index, dtype="str")
    table["lang"] = pd.Series(codes, index=frame.index, dtype="str")
    labels = [label_of(s, threshold) for s in scores]
    for i in np.flatnonzero(used == "none").tolist():
        if lang_series.iat[i] is not None or has_letters(text_list[i]):
            labels[i] = UNSUPPORTED  # a language no backend covers: never scored with another's lexicon
    table["label"] = pd.Series(labels, index=frame.index, dtype="str")
    table["score"] = scores.astype(float)
    table["backend"] = pd.Series(used, index=frame.index, dtype="str")
    table["terms"] = pd.Series(terms, index=frame.index, dtype="object")
    table["n_terms"] = np.array([len(t) for t in terms], dtype="int64")
    return SentimentResult(table=table.reset_index(drop=True), threshold=threshold, min_n=min_n)
