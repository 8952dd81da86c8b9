"""What customers talk about (aspects) and how they feel about each, at sentence level.

Each text is split into sentences, and sentences into clauses at contrast words ("but",
"ale", "但是", "لكن"). An aspect keyword (see :mod:`cxlib.voc.taxonomy`) marks its clause as a
mention of the aspect, and the clause's lexicon sentiment is the sentiment of that mention:
in "Delivery was fast but the shoes fell apart" delivery is positive and quality negative.
One pass over the text gives the text's overall lexicon sentiment as well.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib import viz
from cxlib.errors import DataError
from cxlib.privacy import suppress_small
from cxlib.result import Display, ResultBase
from cxlib.viz.formats import plural
from cxlib.voc.drivers import DriverResult, drivers
from cxlib.voc.language import DEFAULT_LANGUAGES, resolve_languages
from cxlib.voc.lexicon import available_languages, label_of, load_lexicon, score_text
from cxlib.voc.sentiment import LABELS, SENTIMENT_COLORS
from cxlib.voc.taxonomy import Taxonomy, load_taxonomy
from cxlib.voc.textinput import TEXT, Texts, text_frame

__all__ = ["AspectResult", "aspects", "most_negative_sentence"]

#: Columns of :attr:`AspectResult.texts` besides the kept ones.
_TEXT_COLUMNS = ("row", "text", "lang", "text_score", "text_label", "n_aspects")


@dataclass(frozen=True)
class AspectResult(ResultBase):
    """Aspect mentions of each text, with their sentiment.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per text and aspect it mentions (texts in input order, aspects in taxonomy
        order): ``row`` (int, position among the texts; join it to :attr:`texts`
        for the kept columns), ``lang`` (str), ``aspect`` (str), ``score`` (float in
        [−1, 1]: mean lexicon score of the clauses mentioning the aspect), ``label`` (str:
        ``neg``/``neu``/``pos``), ``mentions`` (int, clauses mentioning it), ``keywords``
        (list of str, the keywords found) and ``terms`` (list of str, the sentiment terms of
        those clauses).
    texts : pandas.DataFrame
        One row per text: ``row``, the kept columns, ``text`` (str), ``lang`` (str),
        ``text_score`` and ``text_label`` (the text's overall lexicon sentiment),
        ``n_aspects`` (int). Rows of a table without text (star-only reviews) are not texts.
    taxonomy : Taxonomy
    threshold : float
    min_n : int, default 0
        Groups with fewer texts are blanked in the displayed table (small-cell suppression).
    """

    table: pd.DataFrame
    texts: pd.DataFrame
    taxonomy: Taxonomy
    threshold: float = 0.05
    min_n: int = 0

    DISPLAY: ClassVar[Display] = Display(
        columns=("label", "n_mentions", "share", "neg", "pos", "net"),
        percent_cols=("share", "neg", "pos", "net"),
        labels={
            "label": "Aspect",
            "n_mentions": "Texts",
            "share": "Share of texts",
            "neg": "Negative",
            "pos": "Positive",
            "net": "Net sentiment",
        },
    )

    def display_table(self) -> pd.DataFrame:
        """Return the aspects mentioned at all, most discussed first (see :meth:`shares`)."""
        table = self.shares(min_n=self.min_n)
        table = table[table["n_mentions"].fillna(0) > 0]
        return table.sort_values("share", ascending=False, kind="stable").reset_index(drop=True)

    def most_negative(self, min_mentions: int = 10) -> pd.Series | None:
        """Return the aspect with the lowest net sentiment among those with ``min_mentions`` mentions.

        Returns
        -------
        pandas.Series or None
            Its row of :meth:`shares` (``aspect``, ``label``, ``neg``, ``net``, ...); None when no
            aspect has enough mentions.
        """
        shares = self.shares()
        solid = shares[shares["n_mentions"] >= max(min_mentions, 1)]
        if solid.empty:
            return None
        return solid.sort_values(["net", "neg"], ascending=[True, False], kind="stable").iloc[0]

    @property
    def aspect_names(self) -> tuple[str, ...]:
        """The taxonomy's aspects, in display order."""
        return self.taxonomy.aspects

    def wide(self, value: str = "score") -> pd.DataFrame:
        """One row per text, one column per aspect (the driver matrix of :func:`drivers`).

        Parameters
        ----------
        value : {"score", "mention", "negative", "positive"}
            ``score``: the aspect's sentiment score, 0 when not mentioned; ``mention``: 1 if
            mentioned else 0; ``negative``/``positive``: 1 if mentioned with that label.

        Returns
        -------
        pandas.DataFrame
            ``row``, the kept columns, then one float column per aspect.
        """
        if value not in ("score", "mention", "negative", "positive"):
            raise ValueError("value must be 'score', 'mention', 'negative' or 'positive'")
        t = self.table
        if value == "score":
            cell = t["score"]
        elif value == "mention":
            cell = pd.Series(1.0, index=t.index)
        else:
            cell = (t["label"] == value[:3]).astype(float)
        grid = pd.DataFrame({"row": t["row"], "aspect": t["aspect"], "value": cell.astype(float)})
        pivot = grid.pivot_table(index="row", columns="aspect", values="value", aggfunc="first")
        pivot = pivot.reindex(index=self.texts["row"], columns=list(self.aspect_names)).fillna(0.0)
        keep = [c for c in self.texts.columns if c not in _TEXT_COLUMNS or c == "row"]
        out = self.texts[keep].reset_index(drop=True)
        for aspect in self.aspect_names:
            out[aspect] = pivot[aspect].to_numpy(dtype=float)
        return out

    def net_sentiment(self) -> dict[str, float]:
        """Per aspect: share of positive minus share of negative mentions (NaN if none)."""
        shares = self.shares()
        return dict(zip(shares["aspect"], shares["net"].astype(float), strict=True))

    def drivers(self, outcome: str = "score", value: str = "negative", **options: Any) -> DriverResult:
        """Key drivers of a kept score (e.g. NPS) among the aspects (see :func:`cxlib.voc.drivers`).

        Parameters
        ----------
        outcome : str, default "score"
            A column kept with ``aspects(..., keep=[...])``.
        value : {"negative", "score", "mention", "positive"}, default "negative"
            Driver values (see :meth:`wide`): by default 1 when the text speaks negatively
            of the aspect, so a coefficient reads "a negative mention of returns lowers NPS
            by ... points".
        **options
            Passed to :func:`cxlib.voc.drivers` (``distr``, ``n_boot``, ``alpha``, ...).
            Default performance: the aspect's net sentiment; labels: the taxonomy's.

        Returns
        -------
        DriverResult
        """
        options.setdefault("performance", self.net_sentiment())
        options.setdefault("labels", dict(self.taxonomy.labels))
        options.setdefault(
            "unit",
            {
                "negative": "a negative mention",
                "positive": "a positive mention",
                "mention": "a mention",
                "score": "one point of mention sentiment",
            }[value],
        )
        return drivers(self.wide(value), outcome, list(self.aspect_names), **options)

    def shares(self, by: str | None = None, min_n: int = 0) -> pd.DataFrame:
        """How often each aspect comes up and with which sentiment.

        Parameters
        ----------
        by : str, optional
            A column of :attr:`texts` (``lang`` or a kept column such as ``source``) to split by.
        min_n : int, default 0
            Groups with fewer texts are suppressed (numbers blanked, ``suppressed`` True).

        Returns
        -------
        pandas.DataFrame
            ``[by,] aspect, label (display), n_texts (texts in the group), n_mentions (texts
            mentioning the aspect), share (n_mentions / n_texts), neg, neu, pos (shares of the
            mentions), net (pos − neg), mean_score``, plus ``suppressed`` when ``min_n > 0``.
        """
        keys = [by] if by else []
        if by and by not in self.texts.columns:
            raise KeyError(f"shares(by=...): {by!r} is not a column of the texts table")
        texts = self.texts.assign(_g=self.texts[by].fillna("unknown") if by else "all")
        mentions = self.table.merge(texts[["row", "_g"]], on="row", how="left")
        rows = []
        for group, part in texts.groupby("_g", sort=True):
            n_texts = len(part)
            found = mentions[mentions["_g"] == group]
            for aspect in self.aspect_names:
                hit = found[found["aspect"] == aspect]
                k = len(hit)
                row: dict[str, Any] = {by: group} if by else {}
                row.update(
                    {
                        "aspect": aspect,
                        "label": self.taxonomy.labels.get(aspect, aspect),
                        "n_texts": n_texts,
                        "n_mentions": k,
                        "share": k / n_texts if n_texts else np.nan,
                        **{lab: float((hit["label"] == lab).mean()) if k else np.nan for lab in LABELS},
                        "mean_score": float(hit["score"].mean()) if k else np.nan,
                    }
                )
                row["net"] = row["pos"] - row["neg"] if k else np.nan
                rows.append(row)
        columns = [*keys, "aspect", "label", "n_texts", "n_mentions", "share", *LABELS, "mean_score", "net"]
        out = pd.DataFrame(rows, columns=columns)
        if min_n > 0:
            out = suppress_small(
                out, "n_texts", min_n, columns=["n_mentions", "share", *LABELS, "mean_score", "net"]
            )
        return out

    def figure(self) -> go.Figure:
        """Share of texts mentioning each aspect, split by the sentiment of the mention."""
        shares = self.shares()
        long = pd.concat(
            [
                pd.DataFrame(
                    {
                        "aspect": shares["label"],
                        "sentiment": lab,
                        "share": shares["share"] * shares[lab].fillna(0),
                    }
                )
                for lab in LABELS
            ],
            ignore_index=True,
        )
        order = shares.sort_values("share", ascending=False)["label"].tolist()
        long["aspect"] = pd.Categorical(long["aspect"], categories=order, ordered=True)
        long = long.sort_values(["aspect", "sentiment"]).assign(aspect=lambda d: d["aspect"].astype(str))
        fig = viz.bar(
            long,
            "aspect",
            "share",
            color="sentiment",
            horizontal=True,
            barmode="stack",
            percent=True,
            title="What customers talk about",
            labels={"aspect": "", "share": "Share of texts"},
            height=max(320, 60 + 34 * len(order)),
        )
        fig.for_each_trace(lambda tr: tr.update(marker_color=SENTIMENT_COLORS.get(tr.name)))
        fig.update_yaxes(categoryorder="array", categoryarray=order)
        return fig

    def summary(self) -> list[str]:
        """Sentences naming the most discussed aspects and the most negative one."""
        shares = self.shares()
        n = len(self.texts)
        mentioned = shares[shares["n_mentions"] > 0]
        if n == 0 or mentioned.empty:
            return [f"No aspect mentions in {n:,} texts."]
        top = mentioned.sort_values("share", ascending=False).head(3)
        out = [
            f"{(self.texts['n_aspects'] > 0).mean():.0%} of {n:,} texts mention at least one aspect; most "
            "discussed: " + ", ".join(f"{r.label} ({r.share:.0%})" for r in top.itertuples()) + "."
        ]
        worst = self.most_negative()
        if worst is not None:
            out.append(most_negative_sentence(worst))
        return out


def most_negative_sentence(worst: pd.Series) -> str:
    """Name the aspect with the lowest net sentiment, in words that agree with its sign.

    Parameters
    ----------
    worst : pandas.Series
        A row of :meth:`AspectResult.shares` (``label``, ``neg``, ``pos``, ``net``,
        ``n_mentions``).
    """
    mentions = plural(int(worst["n_mentions"]), "mention")
    if worst["net"] < 0:
        return (
            f"Most negative: {worst['label']}, {worst['neg']:.0%} of its {mentions} are negative "
            f"and {worst['pos']:.0%} positive."
        )
    return (
        f"No aspect is mentioned more often negatively than positively; the least positive is "
        f"{worst['label']} ({worst['neg']:.0%} of its {mentions} negative, {worst['pos']:.0%} positive)."
    )


def aspects(
    texts: Texts,
    langs: Any = None,
    *,
    taxonomy: str | Path | Mapping[str, Any] | Taxonomy | None = None,
    lexicon: str | Path | None = None,
    threshold: float = 0.05,
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    text_col: str = "text",
    lang_col: str | None = "lang",
    keep: Sequence[str] = (),
    min_n: int = 0,
) -> AspectResult:
    """Find the aspects each text talks about and the sentiment of each mention.

    Parameters
    ----------
    texts : str, sequence of str, pandas Series or table
        With a table, required column: ``text_col``; ``lang_col`` is used when present. Rows
        without text (star-only reviews) are left out.
    langs : str or sequence, optional
        Languages; missing ones are detected among ``languages``.
    taxonomy : path, mapping or Taxonomy, optional
        Extra aspects/keywords (YAML file or mapping, see :func:`cxlib.voc.taxonomy.load_taxonomy`)
        or a ready :class:`Taxonomy`. Default: the package taxonomy (delivery, returns,
        service, checkout, quality, price, website, availability, packaging).
    lexicon : path, optional
        Extra sentiment lexicon entries (YAML).
    threshold : float, default 0.05
        Label threshold on the clause score.
    text_col, lang_col : str
    keep : sequence of str
        Table columns carried into :attr:`AspectResult.texts` (ids, ``ts``, the ``score`` of a
        survey answer, ...). Not allowed: ``row``, ``text``, ``lang``, ``text_score``,
        ``text_label``, ``n_aspects`` and aspect names.
    min_n : int, default 0
        Groups with fewer texts are blanked in the displayed table.

    Returns
    -------
    AspectResult

    Examples
    --------
    >>> r = aspects(["Delivery was fast but the shoes fell apart after a week."], langs="en")
    >>> r.table[["aspect", "label"]].values.tolist()
    [['delivery', 'pos'], ['quality', 'neg']]
    """
    tax = taxonomy if isinstance(taxonomy, Taxonomy) else load_taxonomy(taxonomy)
    clash = sorted(set(keep) & (set(_TEXT_COLUMNS) | set(tax.aspects)))
    if clash:
        raise DataError(
            f"keep= may not hold {', '.join(map(repr, clash))}: the result uses that name; rename the "
            "column first",
            table="feedback",
            column=clash[0],
            rule="reserved_column",
        )
    frame = text_frame(
        texts, langs, text_col=text_col, lang_col=lang_col, keep=keep, purpose="aspect analysis"
    )
    codes = resolve_languages(frame, languages)
    text_list = frame[TEXT].tolist()
    extra = str(lexicon) if lexicon is not None else None
    order = {a: k for k, a in enumerate(tax.aspects)}
    n = len(frame)
    text_score = np.zeros(n)
    n_aspects = np.zeros(n, dtype="int64")
    rows: list[tuple[int, str, float, int, list[str], list[str]]] = []
    supported = set(available_languages())
    for i, (text, lang) in enumerate(zip(text_list, codes, strict=True)):
        if lang not in supported:
            continue
        result = score_text(text, load_lexicon(lang, extra), tax.matcher(lang))
        text_score[i] = result.score
        found: dict[str, list[Any]] = {}
        for aspect, clause_score, keyword, clause_terms in result.aspects:
            slot = found.setdefault(aspect, [[], [], []])
            slot[0].append(clause_score)
            if keyword not in slot[1]:
                slot[1].append(keyword)
            slot[2].extend(t for t in clause_terms if t not in slot[2])
        n_aspects[i] = len(found)
        for aspect in sorted(found, key=order.__getitem__):
            scores_, keywords, terms = found[aspect]
            rows.append((i, aspect, sum(scores_) / len(scores_), len(scores_), keywords, terms))
    lang_values = pd.Series(codes, dtype="str")
    table = pd.DataFrame(rows, columns=["row", "aspect", "score", "mentions", "keywords", "terms"])
    table["row"] = table["row"].astype("int64")
    table.insert(1, "lang", lang_values.to_numpy()[table["row"].to_numpy()] if len(table) else [])
    table["lang"] = table["lang"].astype("str")
    table["aspect"] = table["aspect"].astype("str")
    table["label"] = pd.Series(
        [label_of(s, threshold) for s in table["score"]], index=table.index, dtype="str"
    )
    table["mentions"] = table["mentions"].astype("int64")
    table = table[["row", "lang", "aspect", "score", "label", "mentions", "keywords", "terms"]]
    texts_out = pd.DataFrame({"row": np.arange(n, dtype="int64")})
    for column in keep:
        texts_out[column] = frame[column].to_numpy()
    texts_out["text"] = pd.Series(text_list, dtype="str")
    texts_out["lang"] = lang_values
    texts_out["text_score"] = text_score
    texts_out["text_label"] = pd.Series([label_of(s, threshold) for s in text_score], dtype="str")
    texts_out["n_aspects"] = n_aspects
    return AspectResult(table=table, texts=texts_out, taxonomy=tax, threshold=threshold, min_n=min_n)
