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
from typing import Any

from cxlib.engine import to_narwhals
from cxlib.health import filter_period
from cxlib.voc.aspects import AspectResult, aspects
from cxlib.voc.drivers import DriverResult
from cxlib.voc.language import DEFAULT_LANGUAGES, LanguageResult, detect_language
from cxlib.voc.sentiment import SentimentResult, sentiment
from cxlib.voc.textinput import LANG_GIVEN, TEXT, survey_comments, text_frame
from cxlib.voc.trained import SentimentModel, train_sentiment

__all__ = ["VoiceOfCustomer", "voice_of_customer"]

#: Feedback columns carried into the results when present (never shown in quotes).
KEEP = ("feedback_id", "ts", "customer_id", "source", "channel")


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
    """

    languages: LanguageResult | None
    model: SentimentModel | None
    sentiment: SentimentResult | None
    aspects: AspectResult | None
    nps_aspects: AspectResult | None
    drivers: DriverResult | None
    keep: tuple[str, ...]

    @property
    def period(self) -> tuple[Any, Any]:
        """First and last feedback timestamp (None when unknown)."""
        if self.sentiment is None or "ts" not in self.keep or self.sentiment.table.empty:
            return (None, None)
        ts = self.sentiment.table["ts"]
        return (ts.min(), ts.max())

    def findings(self) -> list[str]:
        """List the report's key findings: sentiment mix, strongest NPS driver, most negative aspect."""
        out: list[str] = []
        if self.sentiment is not None:
            out += self.sentiment.summary()[:1]
        if self.drivers is not None and len(self.drivers.table):
            top = self.drivers.table.iloc[0]
            out.append(
                "The strongest driver of NPS among what customers write about is "
                f"{top['label']}: a negative mention goes with {abs(top['ols_coef']):.1f} points lower NPS "
                f"({top['importance']:.0%} of the explained variance)."
            )
        if self.aspects is not None:
            out += self.aspects.summary()[1:2]
        return out or ["The shop has no customer texts."]


def _columns(table: Any) -> list[str]:
    return list(to_narwhals(table).collect_schema().names())


def voice_of_customer(
    shop: Any,
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
        ``lang``, ``ts``) and ``surveys`` (NPS answers with a ``comment``).
    start, end : str or datetime, optional
        Period to analyse (see :func:`cxlib.health.filter_period`).
    languages : sequence of str
        Candidate languages for detection.
    min_rated : int, default 500
        Rated reviews a language needs before its trained model replaces the lexicon.
    min_n : int, default 30
        NPS comments needed for a key-driver analysis.
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
    detected = model = scored = topics = nps_topics = key_drivers = None
    keep: tuple[str, ...] = ()
    feedback = shop.feedback
    if feedback is not None:
        feedback = filter_period(feedback, start, end)
        columns = _columns(feedback)
        keep = tuple(c for c in KEEP if c in columns)
        texts = text_frame(feedback, keep=keep, purpose="language detection")
        step = max(1, -(-len(texts) // max(check_n, 1)))
        checked = texts.iloc[::step].rename(columns={TEXT: "text", LANG_GIVEN: "lang"})
        detected = (
            detect_language(checked, languages, keep=keep, low_accuracy=low_accuracy)
            if len(checked)
            else None
        )
        if "rating" in columns:
            model = train_sentiment(feedback, languages=languages)
        scored = sentiment(feedback, model=model, min_rated=min_rated, languages=languages, keep=keep)
        topics = aspects(feedback, languages=languages, keep=keep)
    surveys = shop.surveys
    if surveys is not None and "comment" in _columns(surveys):
        comments = survey_comments(filter_period(surveys, start, end), "nps")
        nps_topics = aspects(comments, text_col="comment", languages=languages, keep=["score"])
        texts = nps_topics.texts
        if len(texts) >= max(min_n, 1) and texts["score"].nunique() > 1 and (texts["n_aspects"] > 0).any():
            key_drivers = nps_topics.drivers("score", min_n=min_n, outcome_label="NPS")
    return VoiceOfCustomer(
        languages=detected,
        model=model,
        sentiment=scored,
        aspects=topics,
        nps_aspects=nps_topics,
        drivers=key_drivers,
        keep=keep,
    )
