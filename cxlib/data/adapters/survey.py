"""A survey tool's export (one row per respondent) → one row per answer (the surveys contract).

Survey tools (Typeform, SurveyMonkey, Google Forms, Delighted, Qualtrics …) export one row per
respondent with a column per question. The surveys contract has one row per answer:
``response_id, ts, metric, score``. Each score column present becomes rows of its metric;
blank answers (a skipped question) are left out. The ``survey_export`` preset finds the
columns by their headers (``How likely are you to recommend …`` → ``nps`` …).

Staging columns: ``response_id`` (the respondent's id; answers get ``<id>-nps``,
``<id>-csat``, ``<id>-ces``), ``ts`` (submission time), ``nps`` (0–10), ``csat`` (1–5),
``ces`` (1–7), and optional ``customer_id`` (pseudonymised e-mail), ``order_id``,
``comment``, ``lang``, ``channel``. The comment is attached to one answer of the respondent:
the first answered of ``nps``, ``csat``, ``ces`` (option ``metrics`` sets that order).
Other columns (further questions, names, IP addresses …) are left out, except those in
``keep``.
"""

from __future__ import annotations

from typing import Any

import narwhals.stable.v2 as nw

from cxlib.data.adapters.common import join_utc_offset, present, text
from cxlib.data.mapping import TableSpec

__all__ = ["answers_from_respondents"]

_METRICS = ("nps", "csat", "ces")
_CARRIED = ("customer_id", "order_id", "channel", "lang")


def answers_from_respondents(frame: Any, spec: TableSpec) -> Any:
    """One row per answer from one row per respondent.

    Parameters
    ----------
    frame : Narwhals DataFrame or LazyFrame
        The export with staging column names (module documentation).
    spec : TableSpec
        Options: ``metrics`` (order in which the comment is attached).

    Returns
    -------
    Narwhals frame: ``response_id, ts, metric, score`` (score as text, parsed by validation)
    and, where present, ``customer_id, order_id, channel, lang, comment`` (+ kept columns).
    """
    order = [m for m in spec.options.get("metrics", _METRICS) if m in _METRICS]
    metrics = present(frame, order)
    frame = join_utc_offset(frame, "ts")
    frame = frame.with_columns(*[text(m).alias(m) for m in metrics])
    carried = present(frame, (*_CARRIED, *spec.keep))
    has_comment = "comment" in frame.columns
    if has_comment:
        first = nw.lit(None, nw.String)
        for m in reversed(metrics):
            first = nw.when(~nw.col(m).is_null()).then(nw.lit(m)).otherwise(first)
        frame = frame.with_columns(first.alias("__cx_comment_on"))
    parts = []
    for m in metrics:
        columns = [
            nw.concat_str([text("response_id"), nw.lit(f"-{m}")]).alias("response_id"),
            nw.col("ts"),
            nw.lit(m).alias("metric"),
            nw.col(m).alias("score"),
            *[nw.col(c) for c in carried],
        ]
        if has_comment:
            columns.append(nw.when(nw.col("__cx_comment_on") == m).then(nw.col("comment")).alias("comment"))
        parts.append(frame.filter(~nw.col(m).is_null()).select(columns))
    return parts[0] if len(parts) == 1 else nw.concat(parts, how="vertical")
