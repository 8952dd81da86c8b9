"""Offline language detection with Lingua, restricted to the languages a shop expects.

Lingua (``lingua-language-detector``) ships its n-gram models inside the wheel, so nothing
is downloaded. Restricting it to a short list of candidate languages keeps memory and time
low (all 75 languages need several GB of models) and removes confusions with languages the
shop never hears from. Czech stays in the default list beside Slovak, and Portuguese and
Italian beside Spanish: the languages are close, and a detector that only knows one of a pair
labels every text of the other with it (Portuguese reviews came out Spanish).

A detector that only knows the candidates also forces every other language into one of them
(a Turkish review came out Spanish, and was scored as Spanish). So Lingua also weighs
:data:`OTHER_LANGUAGES`: a text that one of them wins with a confidence of at least
:data:`MIN_OTHER_CONFIDENCE` (or that no candidate scores at all) gets that language's code, and
the sentiment and aspect functions label it unsupported instead of scoring it with another
language's lexicon. ``benchmarks/eval_language.py`` measures both sides on real text.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib import viz
from cxlib.engine import require_columns
from cxlib.errors import DataError
from cxlib.result import Display, ResultBase
from cxlib.viz.formats import language_name, plural
from cxlib.voc.textinput import LANG_GIVEN, TEXT, text_frame

__all__ = [
    "DEFAULT_LANGUAGES",
    "MIN_OTHER_CONFIDENCE",
    "OTHER_LANGUAGES",
    "LanguageMix",
    "LanguageResult",
    "detect_codes",
    "detect_language",
    "has_letters",
    "language_mix",
    "resolve_languages",
]

#: Candidate languages of :func:`detect_language` (ISO 639-1).
DEFAULT_LANGUAGES: tuple[str, ...] = ("en", "pl", "nl", "sk", "cs", "zh", "ar", "de", "fr", "es", "it", "pt")
#: Languages recognised only to be told apart from the candidates (ISO 639-1): Europe's other
#: languages and the largest others a web shop hears from. Persian and Urdu are left out: short
#: Arabic reviews came out Persian. Each adds memory (all of them: about 0.5 GB).
OTHER_LANGUAGES: tuple[str, ...] = (
    "bg", "be", "bs", "ca", "da", "el", "et", "fi", "he", "hi", "hr", "hu", "hy", "id", "ja", "ka",
    "ko", "lt", "lv", "mk", "ms", "nb", "ro", "ru", "sl", "sq", "sr", "sv", "th", "tr", "uk", "vi",
)  # fmt: skip
#: Least confidence with which one of :data:`OTHER_LANGUAGES` must win a text to take it from
#: the candidates (Lingua's confidences sum to one over all languages weighed). Below it, short
#: texts ("Alles prima", "bad fit, way too big.") stay with the best candidate. Chosen with
#: ``benchmarks/eval_language.py``: at 0.3, 3 of 9,978 real reviews in supported languages are
#: set aside (0.2: 11) and 87 % of subtitle lines in other languages (0.5: 75 %).
MIN_OTHER_CONFIDENCE = 0.3


@functools.cache
def _detector(languages: tuple[str, ...], low_accuracy: bool) -> Any:
    try:
        from lingua import IsoCode639_1, LanguageDetectorBuilder
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise ImportError(
            "language detection needs `pip install cxlib[voc]` (lingua-language-detector)"
        ) from exc
    codes = []
    for code in languages:
        try:
            codes.append(getattr(IsoCode639_1, code.upper()))
        except AttributeError:
            raise ValueError(f"unknown ISO 639-1 language code {code!r}") from None
    if len(codes) < 2:
        raise ValueError("detect_language needs at least two candidate languages")
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def has_letters(text: str) -> bool:
    """Whether ``text`` has a letter of any script (a text without one has no language)."""
    return any(c.isalpha() for c in text)


def detect_codes(
    texts: Sequence[str],
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    *,
    others: Sequence[str] = OTHER_LANGUAGES,
    low_accuracy: bool = False,
) -> tuple[list[str | None], np.ndarray]:
    """Detect the language of each text: ISO 639-1 codes (None without letters) and confidences.

    ``languages`` are the candidates; a text goes to one of ``others`` only when that language
    wins it with a confidence of at least :data:`MIN_OTHER_CONFIDENCE`, or when no candidate
    scores at all (another script). ``others=()`` forces every text into a candidate.
    """
    candidates = tuple(dict.fromkeys(c.lower() for c in languages))
    extra = tuple(c for c in dict.fromkeys(o.lower() for o in others) if c not in candidates)
    detector = _detector(candidates + extra, low_accuracy)
    langs: list[str | None] = [None] * len(texts)
    conf = np.zeros(len(texts))
    idx = [i for i, t in enumerate(texts) if has_letters(t)]
    if idx:
        values = detector.compute_language_confidence_values_in_parallel([texts[i] for i in idx])
        for i, ranked in zip(idx, values, strict=True):
            ranked = [(v.language.iso_code_639_1.name.lower(), v.value) for v in ranked if v.value > 0]
            if ranked:
                langs[i], conf[i] = _choose(ranked, set(candidates))
    return langs, conf


def _choose(ranked: list[tuple[str, float]], candidates: set[str]) -> tuple[str, float]:
    """Choose one text's language from Lingua's ranking (``(code, confidence)`` pairs, best first)."""
    code, value = ranked[0]
    if code in candidates or value >= MIN_OTHER_CONFIDENCE:
        return code, value
    return next(((c, v) for c, v in ranked if c in candidates), (code, value))


def resolve_languages(
    frame: pd.DataFrame,
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    *,
    low_accuracy: bool = False,
) -> list[str | None]:
    """Resolve the language of each text of a :func:`~cxlib.voc.textinput.text_frame`.

    The stated language (``lang_given``) where present, detected among ``languages`` otherwise.
    """
    given = frame[LANG_GIVEN].tolist()
    missing = [i for i, code in enumerate(given) if code is None or code != code]
    if missing:
        found, _ = detect_codes([frame[TEXT].iat[i] for i in missing], languages, low_accuracy=low_accuracy)
        for i, code in zip(missing, found, strict=True):
            given[i] = code
    return given


@dataclass(frozen=True)
class LanguageResult(ResultBase):
    """Detected languages of texts.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per text, in input order: the kept columns, ``lang`` (str, ISO 639-1 code;
        missing when the text has no letters or the confidence is below ``min_confidence``),
        ``confidence`` (float in [0, 1]) and ``lang_given`` (str, the language the data
        stated, or missing).
    languages : tuple of str
        The candidate languages.
    """

    table: pd.DataFrame
    languages: tuple[str, ...]

    DISPLAY: ClassVar[Display] = Display(
        columns=("language", "n", "share"),
        percent_cols=("share",),
        labels={"language": "Language", "n": "Texts", "share": "Share of texts"},
    )

    def display_table(self) -> pd.DataFrame:
        """Return :meth:`shares` with language names."""
        shares = self.shares()
        return shares.assign(language=shares["lang"].map(language_name))

    def shares(self) -> pd.DataFrame:
        """Texts per detected language: ``lang``, ``n``, ``share`` (largest first)."""
        return _shares(self.table["lang"])

    def agreement(self) -> pd.DataFrame:
        """How often detection agrees with the stated language, per stated language.

        Returns
        -------
        pandas.DataFrame
            ``lang_given``, ``n``, ``agree`` (share detected as the stated language),
            ``most_common_other`` (the most frequent other detection, or missing).
        """
        rows = self.table.dropna(subset=["lang_given"])
        out = []
        for given, part in rows.groupby("lang_given", sort=True):
            detected = part["lang"].fillna("unknown")
            other = detected[detected != given].value_counts()
            out.append(
                {
                    "lang_given": given,
                    "n": len(part),
                    "agree": float((detected == given).mean()),
                    "most_common_other": other.index[0] if len(other) else None,
                }
            )
        return pd.DataFrame(out, columns=["lang_given", "n", "agree", "most_common_other"])

    def figure(self) -> go.Figure:
        """Bar chart of the share of texts per detected language."""
        return _share_bar(self.display_table(), "Texts by detected language")

    def summary(self) -> list[str]:
        """Plain-language sentences on the language mix (and agreement with stated languages)."""
        shares = self.shares()
        n = len(self.table)
        if n == 0:
            return ["No texts."]
        out = [f"{n:,} texts; most common languages: {_top_languages(shares)}."]
        agree = self.agreement()
        if len(agree):
            overall = float((agree["agree"] * agree["n"]).sum() / agree["n"].sum())
            worst = agree.sort_values("agree").iloc[0]
            out.append(
                f"Detection agrees with the stated language for {overall:.1%} of texts; lowest for "
                f"{language_name(worst['lang_given'])} ({worst['agree']:.1%})."
            )
        return out


def _shares(langs: pd.Series) -> pd.DataFrame:
    """Texts per language code: ``lang`` (``unknown`` when missing), ``n``, ``share``, largest first."""
    counts = langs.fillna("unknown").value_counts()
    out = counts.rename_axis("lang").reset_index(name="n")
    out["share"] = out["n"] / max(len(langs), 1)
    return out.sort_values(["n", "lang"], ascending=[False, True], ignore_index=True)


def _top_languages(shares: pd.DataFrame) -> str:
    return ", ".join(f"{language_name(r.lang)} {r.share:.0%}" for r in shares.head(4).itertuples())


@dataclass(frozen=True)
class LanguageMix(ResultBase):
    """The languages of every text an analysis used, with the check of the stated languages.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per language: ``lang`` (ISO 639-1; ``unknown`` when neither stated nor
        detected), ``n`` (texts), ``share`` (of all texts); largest first.
    checked : LanguageResult or None
        Languages detected for a subset of the texts, to check the stated ones.
    """

    table: pd.DataFrame
    checked: LanguageResult | None = None

    DISPLAY: ClassVar[Display] = LanguageResult.DISPLAY

    def display_table(self) -> pd.DataFrame:
        """Return the table with language names."""
        return self.table.assign(language=self.table["lang"].map(language_name))

    def figure(self) -> go.Figure:
        """Bar chart of the share of texts per language."""
        return _share_bar(self.display_table(), "Texts by language")

    def summary(self) -> list[str]:
        """Say the language mix of all texts, then how far detection agrees with the stated languages."""
        n = int(self.table["n"].sum())
        if n == 0:
            return ["No texts."]
        out = [f"{n:,} texts; most common languages: {_top_languages(self.table)}."]
        agree = self.checked.agreement() if self.checked is not None else pd.DataFrame()
        if len(agree):
            overall = float((agree["agree"] * agree["n"]).sum() / agree["n"].sum())
            worst = agree.sort_values("agree").iloc[0]
            out.append(
                f"Checked on {plural(int(agree['n'].sum()), 'text')} with a stated language, spread "
                f"evenly over the period, detection agrees with it for {overall:.1%}; lowest for "
                f"{language_name(worst['lang_given'])} ({worst['agree']:.1%})."
            )
        return out


def language_mix(texts: pd.DataFrame, checked: LanguageResult | None = None) -> LanguageMix:
    """Count the languages of the texts an analysis used (stated, else detected).

    Parameters
    ----------
    texts : pandas.DataFrame
        One row per text (a per-text result such as ``SentimentResult.table``); required
        column: ``lang`` (ISO 639-1, missing when unknown).
    checked : LanguageResult, optional
        Detection on a subset of the texts (:func:`detect_language`), for the agreement
        sentence.

    Returns
    -------
    LanguageMix
    """
    require_columns(texts, ["lang"], "texts", purpose="the language mix")
    return LanguageMix(table=_shares(texts["lang"]), checked=checked)


def detect_language(
    texts: Any,
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    *,
    low_accuracy: bool = False,
    min_confidence: float = 0.0,
    text_col: str = "text",
    lang_col: str | None = "lang",
    keep: Sequence[str] = (),
) -> LanguageResult:
    """Detect the language of each text, offline, among a few candidate languages.

    Parameters
    ----------
    texts : sequence of str, pandas Series or table
        With a table (any supported frame, e.g. ``shop.feedback``), required column:
        ``text_col``; ``lang_col`` is copied to ``lang_given`` for comparison when present.
    languages : sequence of str, default :data:`DEFAULT_LANGUAGES`
        en, pl, nl, sk, cs, zh, ar, de, fr, es, it, pt.
        Candidate languages (ISO 639-1). Fewer candidates: less memory, faster, fewer
        confusions. Keep Czech beside Slovak.
    low_accuracy : bool, default False
        Lingua's low-accuracy mode (trigrams only): faster and smaller, worse on short texts.
    min_confidence : float, default 0.0
        Detections with a lower confidence are reported as missing.
    text_col, lang_col : str
    keep : sequence of str
        Columns of the table to carry into the result (e.g. ``["feedback_id"]``).

    Returns
    -------
    LanguageResult

    Examples
    --------
    >>> detect_language(["Przesyłka dotarła szybko", "快递很快"]).table["lang"].tolist()
    ['pl', 'zh']
    """
    if not 0 <= min_confidence <= 1:
        raise ValueError("min_confidence must be in [0, 1]")
    frame = text_frame(texts, text_col=text_col, lang_col=lang_col, keep=keep, purpose="language detection")
    if frame.empty:
        raise DataError(
            "there are no texts to detect the language of", table="feedback", column=text_col, rule="empty"
        )
    langs, conf = detect_codes(frame[TEXT].tolist(), languages, low_accuracy=low_accuracy)
    table = frame[list(keep)].copy() if keep else pd.DataFrame(index=frame.index)
    langs = [code if c >= min_confidence else None for code, c in zip(langs, conf, strict=True)]
    table["lang"] = pd.Series(langs, index=frame.index, dtype="str")
    table["confidence"] = conf
    table["lang_given"] = pd.Series(frame[LANG_GIVEN].tolist(), index=frame.index, dtype="str")
    return LanguageResult(table=table.reset_index(drop=True), languages=tuple(languages))


def _share_bar(table: pd.DataFrame, title: str) -> go.Figure:
    """Bar chart of ``share`` per ``language`` (the language mix and the detection result)."""
    return viz.bar(
        table,
        "language",
        "share",
        percent=True,
        title=title,
        labels={"language": "Language", "share": "Share of texts"},
    )
