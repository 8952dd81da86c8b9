"""Voice of the customer: languages, sentiment, aspects and key drivers of customer texts.

Everything runs offline: language detection with Lingua's bundled models, a curated
multilingual e-commerce sentiment lexicon shipped with the package, compact classifiers
trained on public labelled reviews (shipped too), classifiers trained on the shop's own star
ratings, and (optionally) a transformers model from a local directory.

Entry points: :func:`detect_language`, :func:`sentiment`, :func:`aspects`, :func:`drivers`,
plus :func:`train_sentiment`, :func:`sentiment_trend`, :func:`aspect_trend` and
:func:`verbatims`.
"""

from cxlib.voc.aspects import AspectResult, aspects
from cxlib.voc.drivers import DriverResult, drivers, relative_weights
from cxlib.voc.language import DEFAULT_LANGUAGES, LanguageMix, LanguageResult, detect_language, language_mix
from cxlib.voc.lexicon import available_languages
from cxlib.voc.overview import VoiceOfCustomer, voice_of_customer
from cxlib.voc.pretrained import available_pretrained
from cxlib.voc.sentiment import SentimentResult, sentiment
from cxlib.voc.taxonomy import Taxonomy, load_taxonomy
from cxlib.voc.textinput import survey_comments
from cxlib.voc.trained import SentimentModel, train_sentiment
from cxlib.voc.trends import TrendResult, aspect_trend, sentiment_trend
from cxlib.voc.verbatims import VerbatimResult, verbatims

__all__ = [
    "DEFAULT_LANGUAGES",
    "AspectResult",
    "DriverResult",
    "LanguageMix",
    "LanguageResult",
    "SentimentModel",
    "SentimentResult",
    "Taxonomy",
    "TrendResult",
    "VerbatimResult",
    "VoiceOfCustomer",
    "aspect_trend",
    "aspects",
    "available_languages",
    "available_pretrained",
    "detect_language",
    "drivers",
    "language_mix",
    "load_taxonomy",
    "relative_weights",
    "sentiment",
    "sentiment_trend",
    "survey_comments",
    "train_sentiment",
    "verbatims",
    "voice_of_customer",
]
