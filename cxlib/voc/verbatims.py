"""Representative customer quotes per aspect and sentiment, safe to put in a report.

For each aspect and sentiment, the quotes shown are the *most typical* texts of that group:
texts are embedded as character n-gram TF-IDF vectors, and those closest (cosine) to the
group's centroid are picked, skipping near-duplicates. Quotes are made safe before they leave
this module: card-like numbers (13–19 digits), e-mail addresses and phone numbers are masked,
identifiers of the customers behind the texts are masked, and the HTML form is escaped, so a
``<script>`` in a review is shown as text and never runs. Customer ids are never part of the
result.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib import viz
from cxlib.privacy import mask_pii, safe_text
from cxlib.result import Display, ResultBase
from cxlib.viz.formats import language_name, plural
from cxlib.voc.aspects import AspectResult
from cxlib.voc.sentiment import LABELS

__all__ = ["CARD_TOKEN", "ID_TOKEN", "VerbatimResult", "mask_cards", "safe_quote", "verbatims"]

CARD_TOKEN = "[card]"
ID_TOKEN = "[id]"
# 13 to 19 digits, optionally grouped by single spaces or dashes (payment card numbers).
_CARD = re.compile(r"(?<![\w+#])\d(?:[ -]?\d){12,18}(?!\w)")
_WORD = re.compile(r"[\w-]+")
# Scripts written without spaces (CJK, kana, hangul, full-width forms) and Arabic.
_NON_LATIN = "\u0600-\u06ff\u0750-\u077f\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_GLUED = re.compile(rf"(?<=[{_NON_LATIN}])(?=[A-Za-z0-9+(])|(?<=[A-Za-z0-9)])(?=[{_NON_LATIN}])")
_WIDE = re.compile(r"[\u3000-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFFEF]")


def mask_cards(text: str) -> str:
    """Replace card-like numbers (13–19 digits, spaces or dashes allowed) by ``[card]``.

    Examples
    --------
    >>> mask_cards("paid with 4111 1111 1111 1111 yesterday")
    'paid with [card] yesterday'
    """
    return _CARD.sub(CARD_TOKEN, text)


def safe_quote(text: Any, hidden_ids: Iterable[str] = (), max_chars: int | None = None) -> str:
    """Plain text safe to show: cards, e-mails, phones and the given ids masked; cut to length.

    The result is *not* HTML-escaped (use :func:`cxlib.privacy.safe_text` or
    :meth:`VerbatimResult.to_html` for HTML).
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    # A number glued to Chinese or Arabic letters ("手機0953-008-481") is split off first, so the
    # e-mail and phone patterns, which need a word boundary, see it.
    masked = mask_pii(mask_cards(_GLUED.sub(" ", str(text))))
    ids = set(hidden_ids)
    if ids:
        masked = _WORD.sub(lambda m: ID_TOKEN if m.group(0) in ids else m.group(0), masked)
    masked = " ".join(masked.split())
    if max_chars is not None and len(masked) > max_chars:
        cut = masked[: max_chars - 1]
        masked = (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"
    return masked


def display_width(text: str) -> int:
    """Characters, counting CJK characters twice (they carry about two Latin letters' worth)."""
    return len(text) + len(_WIDE.findall(text))


def _typical(texts: Sequence[str], k: int) -> list[int]:
    """Pick the ``k`` texts closest to the centroid (char TF-IDF), near-duplicates skipped; return indices."""
    if len(texts) <= 1:
        return list(range(len(texts)))
    from sklearn.feature_extraction.text import TfidfVectorizer

    X = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True).fit_transform(texts)
    centroid = np.asarray(X.mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    sim = np.asarray(X @ (centroid / norm if norm > 0 else centroid)).ravel()
    order = np.argsort(-sim, kind="stable")[: 10 * k + 10]
    pairwise = (X[order] @ X[order].T).toarray()  # rows are L2-normalised: cosine similarities
    chosen: list[int] = []
    for pos in range(len(order)):
        if len(chosen) == k:
            break
        if all(pairwise[pos, other] < 0.9 for other in chosen):
            chosen.append(pos)
    return [int(order[pos]) for pos in chosen]


@dataclass(frozen=True)
class VerbatimResult(ResultBase):
    """Representative quotes per aspect and sentiment.

    Attributes
    ----------
    table : pandas.DataFrame
        ``aspect`` (str), ``aspect_label`` (str), ``sentiment`` (str: neg/neu/pos), ``rank``
        (int, 1 = most typical), ``lang`` (str), ``score`` (float, sentiment of the mention),
        ``quote`` (str: masked plain text, *not* HTML-escaped) and ``quote_html`` (str: masked
        and HTML-escaped). No customer id, no row number.
    n_candidates : pandas.DataFrame
        ``aspect``, ``sentiment``, ``lang`` (missing unless ``per_language``), ``n`` (texts
        the quotes were chosen from).
    """

    table: pd.DataFrame
    n_candidates: pd.DataFrame

    DISPLAY: ClassVar[Display] = Display(
        columns=("aspect_label", "sentiment", "language", "quote"),
        labels={"aspect_label": "Aspect", "sentiment": "Sentiment", "language": "Language", "quote": "Quote"},
    )

    def display_table(self) -> pd.DataFrame:
        """Return the quotes with the sentiment and the language in words."""
        return self.table.assign(
            sentiment=self.table["sentiment"].map(lambda s: _WORDS.get(s, s)),
            language=self.table["lang"].map(language_name),
        )

    def to_html(self, aspect: str | None = None) -> str:
        """Render the quotes as an HTML block (escaped), grouped by aspect and sentiment."""
        t = self.table if aspect is None else self.table[self.table["aspect"] == aspect]
        parts = ['<div class="cxlab-verbatims">']
        for (label, sentiment), group in t.groupby(["aspect_label", "sentiment"], sort=False):
            heading = html.escape(_WORDS.get(str(sentiment), str(sentiment)))
            parts.append(f"<h4>{html.escape(str(label))} · {heading}</h4><ul>")
            parts += [
                f"<li><q>{q}</q> <small>({html.escape(language_name(lang))})</small></li>"
                for q, lang in zip(group["quote_html"], group["lang"], strict=True)
            ]
            parts.append("</ul>")
        parts.append("</div>")
        return "".join(parts)

    def figure(self) -> go.Figure:
        """Bars: texts each group's quotes were chosen from, per aspect and sentiment."""
        pools = self.n_candidates.groupby(["aspect", "sentiment"], sort=False)["n"].sum().reset_index()
        labels = dict(zip(self.table["aspect"], self.table["aspect_label"], strict=True))
        pools["aspect"] = pools["aspect"].map(lambda a: labels.get(a, a))
        pools["sentiment"] = pools["sentiment"].map(lambda s: _WORDS.get(s, s))
        return viz.bar(
            pools,
            "aspect",
            "n",
            color="sentiment",
            title="Texts the quotes were chosen from",
            labels={"aspect": "Aspect", "n": "Texts"},
        )

    def summary(self) -> list[str]:
        """Say how many quotes were picked and from how many texts."""
        if self.table.empty:
            return ["Too few texts per aspect and sentiment to quote."]
        groups = self.table.groupby(["aspect", "sentiment"]).ngroups
        return [
            f"{plural(len(self.table), 'quote')} in {plural(groups, 'group')} of aspect and sentiment, "
            "each among the most typical texts of its group; e-mail addresses, phone and card numbers "
            "and customer ids are masked."
        ]

    def show(self, *, figure: bool = False, table: bool = True, sentences: bool = True) -> None:
        """Display the quotes as a list grouped by aspect and sentiment, then the sentences."""
        from IPython.display import HTML, display

        if figure:
            self.figure().show()
        if table:
            display(HTML(self.to_html()))
        if sentences:
            display(viz.note(" ".join(self.summary())))


_WORDS = {"neg": "Negative", "neu": "Neutral", "pos": "Positive"}


def verbatims(
    result: AspectResult,
    *,
    n: int = 3,
    sentiments: Sequence[str] = ("neg", "pos"),
    aspects: Sequence[str] | None = None,
    min_n: int = 5,
    min_chars: int = 15,
    max_chars: int = 280,
    hide_columns: Sequence[str] = ("customer_id",),
    per_language: bool = False,
) -> VerbatimResult:
    """Pick ``n`` representative quotes per aspect and sentiment, masked and escaped.

    Parameters
    ----------
    result : AspectResult
        From :func:`cxlib.voc.aspects`.
    n : int, default 3
        Quotes per aspect and sentiment.
    sentiments : sequence of {"neg", "neu", "pos"}, default ("neg", "pos")
    aspects : sequence of str, optional
        Default: every aspect of the taxonomy.
    min_n : int, default 5
        Groups with fewer texts show no quotes (a quote from a tiny group can identify its
        writer).
    min_chars, max_chars : int
        Shorter texts are skipped (CJK characters count twice); longer ones are cut at a
        word boundary with "…".
    hide_columns : sequence of str, default ("customer_id",)
        Kept columns of the aspect result whose values are masked as ``[id]`` wherever they
        appear in a text.
    per_language : bool, default False
        Pick ``n`` quotes per language too (otherwise the most typical texts overall, which
        favours the most common language).

    Returns
    -------
    VerbatimResult

    Examples
    --------
    >>> topics = cxlib.voc.aspects(shop.feedback, keep=["customer_id"])  # doctest: +SKIP
    >>> cxlib.voc.verbatims(topics, n=2, aspects=["delivery"])  # doctest: +SKIP
    """
    bad = [s for s in sentiments if s not in LABELS]
    if bad:
        raise ValueError(f"sentiments must be among {LABELS}")
    chosen_aspects = list(aspects or result.aspect_names)
    hidden: set[str] = set()
    for column in hide_columns:
        if column in result.texts.columns:
            hidden.update(str(v) for v in result.texts[column].dropna().unique())
    texts = result.texts.set_index("row")["text"]
    mentions = result.table
    rows, counts = [], []
    for aspect in chosen_aspects:
        for sentiment in sentiments:
            group = mentions[(mentions["aspect"] == aspect) & (mentions["label"] == sentiment)]
            cand = group.assign(text=texts.reindex(group["row"]).to_numpy())
            cand = cand[[display_width(t) >= min_chars for t in cand["text"]]].drop_duplicates("text")
            parts = cand.groupby("lang", sort=True) if per_language else [(None, cand)]
            for lang, part in parts:
                counts.append({"aspect": aspect, "sentiment": sentiment, "lang": lang, "n": len(part)})
                if len(part) < min_n:
                    continue
                # Strongest mentions first among equally typical ones.
                part = part.sort_values("score", ascending=sentiment != "pos", kind="stable")
                for rank, i in enumerate(_typical(part["text"].tolist(), n), start=1):
                    row = part.iloc[i]
                    quote = safe_quote(row["text"], hidden, max_chars)
                    rows.append(
                        {
                            "aspect": aspect,
                            "aspect_label": result.taxonomy.labels.get(aspect, aspect),
                            "sentiment": sentiment,
                            "rank": rank,
                            "lang": row["lang"],
                            "score": float(row["score"]),
                            "quote": quote,
                            "quote_html": safe_text(quote),
                        }
                    )
    columns = ["aspect", "aspect_label", "sentiment", "rank", "lang", "score", "quote", "quote_html"]
    table = pd.DataFrame(rows, columns=columns)
    for column in ("aspect", "aspect_label", "sentiment", "lang", "quote", "quote_html"):
        table[column] = table[column].astype("str")
    table["rank"] = table["rank"].astype("int64")
    table["score"] = table["score"].astype(float)
    n_candidates = pd.DataFrame(counts, columns=["aspect", "sentiment", "lang", "n"])
    return VerbatimResult(table=table, n_candidates=n_candidates)
