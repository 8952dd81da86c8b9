"""One call that runs the whole voice-of-the-customer analysis of a shop (the report's engine).

:func:`voice_of_customer` reads the ``feedback`` and ``surveys`` tables of a
:class:`~cxlib.Shop`, detects languages, trains the rating-based sentiment models, scores
sentiment, finds aspects, and runs the key-driver analysis of NPS comments. Each step is the
public function of its module; this one only wires them and skips what the data cannot
support (no feedback, no ratings, no NPS comments).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib import viz
from cxlib._types import Frame
from cxlib.engine import require_columns, to_narwhals, to_pandas
from cxlib.health import filter_period
from cxlib.result import Display, ResultBase
from cxlib.viz.formats import format_count, language_name, plural
from cxlib.voc.aspects import AspectResult, aspects, most_negative_sentence
from cxlib.voc.drivers import DriverResult
from cxlib.voc.language import DEFAULT_LANGUAGES, LanguageMix, LanguageResult, detect_language, language_mix
from cxlib.voc.sentiment import BACKEND_NAMES, SentimentResult, sentiment
from cxlib.voc.textinput import (
    LANG_GIVEN,
    TEXT,
    count_without_text,
    has_text,
    survey_comments,
    text_frame,
)
from cxlib.voc.trained import SentimentModel, train_sentiment

if TYPE_CHECKING:
    from cxlib.data.shop import Shop

__all__ = ["RatingResult", "VoiceOfCustomer", "ratings", "voice_of_customer"]

#: Feedback columns carried into the results when present (never shown in quotes).
KEEP = ("feedback_id", "ts", "customer_id", "source", "channel")


#: The scale of the NPS question, for effects measured in its points.
NPS_SCALE = "0–10 scale"


@dataclass(frozen=True)
class RatingResult(ResultBase):
    """Star ratings of the feedback, star-only reviews included (they need no text).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per star value 1–5: ``rating`` (int), ``n`` (int, ratings), ``share`` (float),
        ``n_star_only`` (int, of them without text).
    """

    table: pd.DataFrame

    DISPLAY: ClassVar[Display] = Display(
        columns=("stars", "n", "share", "n_star_only"),
        percent_cols=("share",),
        labels={"stars": "Rating", "n": "Ratings", "share": "Share", "n_star_only": "Of them without text"},
    )

    @property
    def n(self) -> int:
        """Ratings in all."""
        return int(self.table["n"].sum())

    def mean(self) -> float:
        """Return the mean rating (stars), NaN without ratings."""
        return float((self.table["rating"] * self.table["n"]).sum() / self.n) if self.n else float("nan")

    def display_table(self) -> pd.DataFrame:
        """Return the table with the stars written out (``4★``)."""
        return self.table.assign(stars=self.table["rating"].map(lambda r: f"{r}★"))

    def figure(self) -> go.Figure:
        """Bars: share of ratings per star value."""
        return viz.bar(
            self.display_table(),
            "stars",
            "share",
            percent=True,
            title="Star ratings",
            labels={"stars": "Rating", "share": "Share of ratings"},
        )

    def summary(self) -> list[str]:
        """Say the mean rating and the shares of low and high ratings, star-only ones counted."""
        if not self.n:
            return ["No ratings."]
        low = float(self.table.loc[self.table["rating"] <= 2, "n"].sum() / self.n)
        high = float(self.table.loc[self.table["rating"] >= 4, "n"].sum() / self.n)
        star_only = int(self.table["n_star_only"].sum())
        without = f" ({format_count(star_only)} of them without text)" if star_only else ""
        return [
            f"Mean rating {self.mean():.2f}★ from {plural(self.n, 'rating')}{without}: "
            f"{low:.0%} give 1–2★, {high:.0%} 4–5★."
        ]


def ratings(feedback: Frame, *, rating_col: str = "rating", text_col: str = "text") -> RatingResult:
    """Count the star ratings of a feedback table on its engine, star-only reviews included.

    Parameters
    ----------
    feedback : Frame
        Required column: ``rating_col`` (1–5 stars); ``text_col`` is used when present to count
        the ratings without text.
    rating_col, text_col : str

    Returns
    -------
    RatingResult
    """
    require_columns(feedback, [rating_col], "feedback", purpose="rating views")
    frame = to_narwhals(feedback)
    names = frame.collect_schema().names()
    no_text = ~has_text(text_col) if text_col in names else nw.lit(value=True)
    counts = (
        frame.filter(~nw.col(rating_col).is_null())
        .with_columns(
            _stars=nw.col(rating_col).cast(nw.Int64), _no_text=nw.when(no_text).then(1).otherwise(0)
        )
        .group_by("_stars")
        .agg(n=nw.len(), n_star_only=nw.col("_no_text").sum())
    )
    found = to_pandas(counts).set_index("_stars")
    table = pd.DataFrame({"rating": np.arange(1, 6, dtype="int64")})
    table["n"] = found["n"].reindex(table["rating"]).fillna(0).to_numpy(dtype="int64")
    table["n_star_only"] = found["n_star_only"].reindex(table["rating"]).fillna(0).to_numpy(dtype="int64")
    total = int(table["n"].sum())
    table["share"] = table["n"] / total if total else np.nan
    return RatingResult(table=table[["rating", "n", "share", "n_star_only"]])


@dataclass(frozen=True)
class VoiceOfCustomer:
    """Everything the voice-of-the-customer report shows; missing parts are None.

    Attributes
    ----------
    languages : LanguageResult or None
        Detected languages of (an evenly spaced subset of at most ``check_n``) feedback
        texts, with the stated language beside them for the agreement check.
    model : SentimentModel or None
        Rating-trained sentiment models (None without ratings).
    sentiment : SentimentResult or None
        Sentiment of each feedback text (``keep`` columns carried).
    aspects : AspectResult or None
        Aspects of each feedback text.
    nps_aspects : AspectResult or None
        Aspects of the NPS comments, with the NPS ``score`` kept.
    drivers : DriverResult or None
        Key drivers of NPS among the aspects (None with fewer than ``min_n`` comments).
    keep : tuple of str
        Feedback columns carried into the results.
    n_without_text : int
        Feedback rows without text, left out of every text analysis.
    n_star_only : int
        Those of them with a star rating (star-only reviews).
    ratings : RatingResult or None
        Star ratings of every rated feedback row, star-only ones included (None without a
        ``rating`` column).
    min_rated : int
        Texts rated 1–2★ or 4–5★ a language needed before its trained model scored it.
    """

    languages: LanguageResult | None
    model: SentimentModel | None
    sentiment: SentimentResult | None
    aspects: AspectResult | None
    nps_aspects: AspectResult | None
    drivers: DriverResult | None
    keep: tuple[str, ...]
    n_without_text: int = 0
    n_star_only: int = 0
    ratings: RatingResult | None = None
    min_rated: int = 500

    @property
    def period(self) -> tuple[Any, Any]:
        """First and last feedback timestamp (None when unknown)."""
        if self.sentiment is None or "ts" not in self.keep or self.sentiment.table.empty:
            return (None, None)
        ts = self.sentiment.table["ts"]
        return (ts.min(), ts.max())

    def coverage(self) -> list[str]:
        """Say which feedback rows the text analyses left out (star-only ratings, empty rows)."""
        out = []
        if self.n_star_only:
            out.append(
                f"{plural(self.n_star_only, 'star-only rating')} without text "
                f"{'was' if self.n_star_only == 1 else 'were'} left out of the text analyses."
            )
        empty = self.n_without_text - self.n_star_only
        if empty:
            out.append(
                f"{plural(empty, 'feedback row')} with neither text nor rating "
                f"{'was' if empty == 1 else 'were'} left out."
            )
        return out

    def language_mix(self) -> LanguageMix | None:
        """Return the languages of every text analysed (stated, else detected), None without texts.

        The language section shows this mix, that of the texts the sentiment table counts,
        with the check of the stated languages on the detected subset (:attr:`languages`).
        """
        if self.sentiment is None:
            return None
        return language_mix(self.sentiment.table, checked=self.languages)

    def model_summary(self) -> list[str]:
        """Compare the shop's own models with the lexicon, saying which of them scored the report.

        Which backend scored a language comes from :meth:`SentimentResult.backends` (the table
        of the sentiment section), so this text and that table never disagree.
        """
        if self.model is None or self.sentiment is None:
            return []
        rows = self.model.table[self.model.table["trained"]]
        if rows.empty:
            return ["No language had enough texts rated 1–2★ or 4–5★ to train a model of the shop's own."]
        used = dict(zip(self.sentiment.backends()["lang"], self.sentiment.backends()["backend"], strict=True))
        out = []
        for r in rows.itertuples():
            backend = used.get(r.lang, "none")
            verdict = (
                "it scores this report's texts."
                if backend == "trained"
                else f"with fewer than {format_count(self.min_rated)} such texts it does not score this "
                f"report's texts: {BACKEND_NAMES.get(backend, backend)} does."
            )
            out.append(  # 3★ texts train no model: the count is of 1–2★ and 4–5★ texts, not all rated
                f"{language_name(r.lang)}: the shop's own model, trained on "
                f"{plural(r.n_texts, 'text')} rated 1–2★ or 4–5★, is right for {r.cv_accuracy:.1%} of them "
                f"in cross-validation ({r.cv_ci_low:.1%}–{r.cv_ci_high:.1%}) against "
                f"{r.lexicon_accuracy:.1%} for the lexicon; {verdict}"
            )
        warned = rows[rows["warning"].astype(str) != ""]
        if len(warned):
            names = ", ".join(language_name(code) for code in warned["lang"])
            out.append(
                f"The cross-validated accuracy of {names} looks implausibly high for real reviews (people "
                "agree on about 90–95%): templated or copied texts, or ratings that follow from the text, "
                "make it optimistic; check it on a hand-labelled sample."
            )
        return out

    def model_figure(self) -> go.Figure | None:
        """Chart the shop's own models against the lexicon (language names on the axis)."""
        if self.model is None or not self.model.table["trained"].any():
            return None
        fig = self.model.figure()
        fig.for_each_trace(lambda tr: tr.update(x=[language_name(code) for code in tr.x]))
        return fig

    def weighs_most(self) -> pd.Series | None:
        """Return the driver row of the aspect whose negative mentions weigh most on NPS.

        The strongest driver (largest share of explained variance) among those whose negative
        mentions go with *lower* scores (``label``, ``ols_coef``, ``importance``); None without
        a driver analysis or when no aspect goes with lower scores. The key findings and the
        index card both name it.
        """
        if self.drivers is None or self.drivers.table.empty:
            return None
        table = self.drivers.display_table()
        hurting = table[table["ols_coef"] < 0]
        return None if hurting.empty else hurting.iloc[0]

    def aspect_effect(self, aspect: str) -> float | None:
        """Return the NPS effect of an aspect's negative mentions (OLS points); None if not estimated."""
        if self.drivers is None:
            return None
        row = self.drivers.table[self.drivers.table["driver"] == aspect]
        return float(row["ols_coef"].iat[0]) if len(row) else None

    def driver_finding(self) -> str | None:
        """Name the aspect whose negative mentions go with the lowest NPS answers, sign included.

        The aspect of :meth:`weighs_most`; None without a driver analysis.
        """
        if self.drivers is None or self.drivers.table.empty:
            return None
        top = self.weighs_most()
        if top is None:
            return (
                f"No aspect, mentioned negatively in NPS comments, goes with lower {self.drivers.name} "
                f"answers among {plural(self.drivers.n, 'response')}."
            )
        return (
            f"What weighs most on {self.drivers.name}: {top['label']}. {self.drivers.unit.capitalize()} "
            f"goes with an answer {self.drivers.effect_words(float(top['ols_coef']))} "
            f"({top['importance']:.0%} of the explained variance)."
        )

    def aspect_finding(self) -> list[str]:
        """Name the most negative aspect; say so when its driver effect has the other sign."""
        worst = None if self.aspects is None else self.aspects.most_negative()
        if worst is None:
            return []
        out = [most_negative_sentence(worst)]
        effect = self.aspect_effect(str(worst["aspect"])) if worst["net"] < 0 else None
        if self.drivers is not None and effect is not None and effect >= 0:
            out.append(
                f"Yet in NPS comments, {self.drivers.unit} of {worst['label']} goes with an answer "
                f"{self.drivers.effect_words(effect)}: complaints, but not a driver of lower scores."
            )
        return out

    def findings(self) -> list[str]:
        """List the report's key findings: sentiment mix, what weighs on NPS, most negative aspect."""
        out: list[str] = []
        if self.sentiment is not None and len(self.sentiment.table):
            out += self.sentiment.summary()[:1]
        driver = self.driver_finding()
        if driver:
            out.append(driver)
        out += self.aspect_finding()
        return out or ["The shop has no customer texts."]


def _columns(table: Frame) -> list[str]:
    return list(to_narwhals(table).collect_schema().names())


def voice_of_customer(
    shop: Shop,
    *,
    start: Any = None,
    end: Any = None,
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    min_rated: int = 500,
    min_n: int = 30,
    check_n: int = 2000,
    low_accuracy: bool = False,
) -> VoiceOfCustomer:
    """Run the voice-of-the-customer analysis of a shop.

    Parameters
    ----------
    shop : Shop
        From :func:`cxlib.open_shop`. Uses ``feedback`` (``text``; optional ``rating``,
        ``lang``, ``ts``) and ``surveys`` (NPS answers with a ``comment``). Feedback rows
        without text (star-only reviews) are counted and left out of the text analyses.
    start, end : str or datetime, optional
        Period to analyse (see :func:`cxlib.health.filter_period`).
    languages : sequence of str
        Candidate languages for detection.
    min_rated : int, default 500
        Texts rated 1–2★ or 4–5★ a language needs before its trained model scores it (3★
        texts train no model).
    min_n : int, default 30
        NPS comments needed for a key-driver analysis; groups with fewer texts are blanked
        in the displayed tables.
    check_n : int, default 2000
        Texts whose language is detected to check the stated languages (every k-th text;
        detection is the slowest step). Texts without a stated language are always detected
        for the analysis itself.
    low_accuracy : bool, default False
        Lingua's low-accuracy mode (trigrams only) for detection: loads in a fraction of the
        time and memory, slightly less exact on short texts.

    Returns
    -------
    VoiceOfCustomer
    """
    detected = model = scored = topics = nps_topics = key_drivers = stars = None
    keep: tuple[str, ...] = ()
    n_without_text = n_star_only = 0
    feedback = shop.feedback
    if feedback is not None:
        feedback = filter_period(feedback, start, end)
        columns = _columns(feedback)
        keep = tuple(c for c in KEEP if c in columns)
        n_without_text, n_star_only = count_without_text(feedback)
        stars = ratings(feedback) if "rating" in columns else None
        texts = text_frame(feedback, keep=keep, purpose="language detection") if "text" in columns else None
        if texts is not None and len(texts):
            step = max(1, -(-len(texts) // max(check_n, 1)))
            checked = texts.iloc[::step].rename(columns={TEXT: "text", LANG_GIVEN: "lang"})
            detected = detect_language(checked, languages, keep=keep, low_accuracy=low_accuracy)
            if "rating" in columns:
                model = train_sentiment(feedback, languages=languages)
            scored = sentiment(
                feedback, model=model, min_rated=min_rated, languages=languages, keep=keep, min_n=min_n
            )
            topics = aspects(feedback, languages=languages, keep=keep, min_n=min_n)
    surveys = shop.surveys
    if surveys is not None and "comment" in _columns(surveys):
        comments = survey_comments(filter_period(surveys, start, end), "nps")
        nps_topics = aspects(comments, text_col="comment", languages=languages, keep=["score"], min_n=min_n)
        texts = nps_topics.texts
        if len(texts) >= max(min_n, 1) and texts["score"].nunique() > 1 and (texts["n_aspects"] > 0).any():
            key_drivers = nps_topics.drivers("score", min_n=min_n, outcome_label="NPS", scale=NPS_SCALE)
    return VoiceOfCustomer(
        languages=detected,
        model=model,
        sentiment=scored,
        aspects=topics,
        nps_aspects=nps_topics,
        drivers=key_drivers,
        keep=keep,
        n_without_text=n_without_text,
        n_star_only=n_star_only,
        ratings=stars,
        min_rated=min_rated,
    )
