"""One glossary for every report: the terms, the glossary page and the "How to read this" box.

The terms live here once. ``docs/glossary.md`` is generated from them (a test keeps the two
equal: ``python -m cxlib.reports.glossary > docs/glossary.md``), ``cxlab run`` writes
``glossary.html`` next to the reports, and every report carries a short "How to read this"
box that links to the terms its page uses. Each retention-like measure has its own name, so
two numbers that look alike are never called the same thing.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cxlib.reports._atomic import atomic_write_text

__all__ = [
    "GLOSSARY",
    "PAGE_TERMS",
    "Term",
    "glossary_markdown",
    "glossary_page",
    "help_box",
    "write_glossary",
]

GLOSSARY_FILE = "glossary.html"


@dataclass(frozen=True)
class Term:
    """A glossary entry: anchor ``key``, the ``name`` readers see, a one-sentence ``meaning``."""

    key: str
    name: str
    meaning: str


GLOSSARY: tuple[Term, ...] = (
    Term(
        "interval",
        "95% interval (CI)",
        "The range the true value lies in with 95% confidence, written “42 (95% CI 38 to 46)”; "
        "a wide range means few data, and two ranges that overlap a lot mean the data cannot "
        "tell the values apart.",
    ),
    Term(
        "p-value",
        "p-value",
        "How surprising the observed difference would be if there were no real difference; "
        "below 0.05 we call a difference clear, and values below 0.001 are written “< 0.001”.",
    ),
    Term(
        "holm-bh",
        "Adjusted p-value (Holm, Benjamini–Hochberg)",
        "When many comparisons are made at once some look clear by chance; Holm and "
        "Benjamini–Hochberg raise each p-value so that the set of clear findings stays trustworthy.",
    ),
    Term(
        "no-clear-change",
        "No clear change",
        "The difference is smaller than the data's uncertainty (its interval includes zero), "
        "so the report does not call it better or worse.",
    ),
    Term(
        "pp",
        "Percentage points (pp)",
        "The difference between two percentages: from 30% to 33% is +3 pp (a rise of 10%). "
        "Changes of shares such as CSAT or retention are in pp; changes of NPS are in points.",
    ),
    Term(
        "nps",
        "NPS (Net Promoter Score)",
        "The share of promoters (9–10 on “would you recommend us?”) minus the share of "
        "detractors (0–6), from −100 to 100; a change in NPS is given in points of this scale.",
    ),
    Term(
        "promoter",
        "Promoter, passive, detractor",
        "Answers of 9–10, 7–8 and 0–6 to the recommendation question; they are the parts of NPS.",
    ),
    Term(
        "csat",
        "CSAT (customer satisfaction)",
        "The share of survey answers of 4 or 5 on a 1–5 satisfaction scale.",
    ),
    Term(
        "ces",
        "CES (customer effort score)",
        "The average answer to “how easy was it?” on a 1–7 scale where lower means less effort.",
    ),
    Term(
        "retention-rate",
        "Retention rate",
        "The share of a period's customers who buy again in the next period (scorecard).",
    ),
    Term(
        "month-n-retention",
        "Month-N retention",
        "The share of a cohort (customers who first bought in the same month) who buy again in "
        "their N-th month after the first order (cohort report).",
    ),
    Term(
        "came-back",
        "Came back at all",
        "The share of customers with a second order at any time after their first one.",
    ),
    Term(
        "repeat-rate",
        "Repeat purchase rate",
        "The share of a period's customers with two or more orders in that period; “All” can be "
        "higher than every channel because a customer who buys once in two channels is a repeat "
        "customer overall but a one-time customer in each channel.",
    ),
    Term(
        "cohort",
        "Cohort",
        "Customers grouped by the month of their first order, followed over the months after.",
    ),
    Term(
        "kaplan-meier",
        "Kaplan–Meier",
        "A way to estimate the share of customers still “alive” (not yet lapsed) over time that "
        "counts customers who were watched for a shorter time fairly instead of dropping them.",
    ),
    Term(
        "clv",
        "CLV (customer lifetime value)",
        "The money a customer is expected to spend over a future horizon (for example 12 months).",
    ),
    Term(
        "bg-nbd",
        "BG/NBD and Gamma–Gamma",
        "The two standard models behind CLV: BG/NBD predicts how many more orders a customer "
        "places, Gamma–Gamma how much each order is worth.",
    ),
    Term(
        "holdout",
        "Holdout check",
        "The model is fitted on older data and its predictions are compared with the weeks it did "
        "not see; the model with the smaller error there is the better one.",
    ),
    Term(
        "cart-abandonment",
        "Cart abandonment",
        "The share of sessions with an add-to-cart but no purchase.",
    ),
    Term(
        "funnel",
        "Funnel and step conversion",
        "The steps from visit to purchase; step conversion is the share of those reaching one "
        "step who reach the next.",
    ),
    Term(
        "attribution",
        "Attribution (last touch, first touch)",
        "Which channel gets credit for a purchase: the last one the customer came through, the "
        "first one, or a model of all of them.",
    ),
    Term(
        "removal-effect",
        "Removal effect (Markov attribution)",
        "How many purchases would be lost if a channel disappeared from customers' paths; "
        "channels are credited in proportion to it.",
    ),
    Term(
        "ab-test",
        "A/B test: control, treatment, unit",
        "Units (visitors or customers) are split at random between the current version (control) "
        "and a new one (treatment), so that a difference in results is caused by the change.",
    ),
    Term(
        "lift",
        "Lift",
        "The difference between treatment and control, in points of the rate (absolute) or as a "
        "share of the control's value (relative).",
    ),
    Term(
        "srm",
        "Sample ratio mismatch (SRM)",
        "The split between the groups differs from the planned one by more than chance allows, "
        "a sign that the assignment is broken and the result should not be trusted.",
    ),
    Term(
        "fixed-horizon",
        "Fixed-horizon test and interim looks",
        "The decision is taken once, when the planned sample is reached; looks at the data before "
        "that use a stricter threshold, so “not conclusive at a look” does not contradict a "
        "decision at the planned end.",
    ),
    Term(
        "mde",
        "Minimum detectable effect (MDE)",
        "The smallest lift the test was planned to detect reliably with its sample size.",
    ),
    Term(
        "cuped",
        "CUPED",
        "A variance reduction that uses each unit's behaviour before the test to remove noise, "
        "giving narrower intervals from the same sample.",
    ),
    Term(
        "delta-method",
        "Delta method",
        "The way to get a correct interval for a ratio such as revenue per order, whose top and "
        "bottom both vary from unit to unit.",
    ),
    Term(
        "bayesian",
        "Probability to be better, expected loss",
        "The Bayesian view of an A/B test: the chance that treatment beats control, and how much "
        "would be lost on average by choosing it if it does not.",
    ),
    Term(
        "aspect",
        "Aspect and sentiment",
        "Aspects are the topics customers write about (delivery, price, quality …); sentiment says "
        "whether a comment about the aspect is positive or negative.",
    ),
    Term(
        "driver",
        "Driver effect",
        "How much the score (for example the 0–10 recommendation answer) moves when an aspect is "
        "mentioned, holding the other aspects fixed; a negative effect pulls the score down.",
    ),
    Term(
        "lexicon-model",
        "Lexicon and trained model",
        "Two ways to read sentiment: a word list (lexicon), used for every language, and a "
        "trained model, used only where it was trained and checked.",
    ),
    Term(
        "control-limits",
        "Control limits",
        "The band a weekly number stays in when nothing unusual happens; a week outside the band "
        "is an alert worth a look.",
    ),
    Term(
        "rows-left-out",
        "Rows left out",
        "Rows that broke a data rule (wrong values, duplicates, future dates) and are not used in "
        "any number of the report.",
    ),
    Term(
        "fingerprint",
        "Data fingerprint",
        "A short code computed from the data; two reports with the same fingerprint used exactly "
        "the same data.",
    ),
)

_BY_KEY = {term.key: term for term in GLOSSARY}

#: The terms each report's "How to read this" box links to.
PAGE_TERMS: dict[str, tuple[str, ...]] = {
    "00_data_health": ("rows-left-out", "fingerprint", "control-limits"),
    "01_cx_scorecard": ("nps", "csat", "ces", "retention-rate", "repeat-rate", "pp", "holm-bh"),
    "02_journey_mapping": ("funnel", "cart-abandonment", "attribution", "removal-effect"),
    "03_cohort_retention": ("cohort", "month-n-retention", "came-back", "pp", "kaplan-meier"),
    "04_customer_lifetime_value": ("clv", "bg-nbd", "holdout", "promoter"),
    "05_voice_of_customer": ("aspect", "driver", "lexicon-model", "control-limits", "nps"),
    "06_ab_test": ("ab-test", "lift", "fixed-horizon", "srm", "cuped", "delta-method", "bayesian", "mde"),
}
_ALWAYS = ("interval", "p-value", "no-clear-change")


def help_box(name: str) -> str:
    """Write the "How to read this" box of a report: how the page reads, and links to its terms.

    Parameters
    ----------
    name : str
        Notebook name; its terms come from :data:`PAGE_TERMS` (the general ones otherwise).

    Returns
    -------
    str
        HTML (static text, nothing from data).
    """
    keys = [*PAGE_TERMS.get(name, ()), *_ALWAYS]
    links = ", ".join(
        f'<a href="{GLOSSARY_FILE}#{html.escape(k)}">{html.escape(_BY_KEY[k].name)}</a>'
        for k in keys
        if k in _BY_KEY
    )
    return (
        '<aside class="cxlab-help" aria-label="How to read this"><h2>How to read this</h2>'
        "<p>Each section answers first; the statistics follow in brackets: a 95% interval and, "
        "where a difference is tested, its p-value.</p>"
        f'<p>Terms: {links}. <a href="{GLOSSARY_FILE}">Full glossary</a></p></aside>'
    )


def glossary_markdown() -> str:
    """Return the glossary as Markdown (the content of ``docs/glossary.md``)."""
    lines = [
        "# Glossary",
        "",
        "The terms used in cxlab reports, one sentence each. Every report links here from its",
        '"How to read this" box; `cxlab run` writes the same text as `glossary.html` next to',
        "the reports. Generated from `cxlib/reports/glossary.py`",
        "(`python -m cxlib.reports.glossary > docs/glossary.md`).",
        "",
    ]
    for term in GLOSSARY:
        lines += [f'<a id="{term.key}"></a>', f"**{term.name}** — {term.meaning}", ""]
    return "\n".join(lines)


def glossary_page() -> str:
    """Return the glossary as a page of the report folder."""
    from cxlib.reports.html import glossary_html_page

    items = "".join(
        f'<dt id="{html.escape(t.key)}">{html.escape(t.name)}</dt><dd>{html.escape(t.meaning)}</dd>'
        for t in GLOSSARY
    )
    return glossary_html_page(f'<h1>Glossary</h1><dl class="cxlab-glossary">{items}</dl>')


def write_glossary(out_dir: str | Path, *, write: Callable[[Path, str], Path] = atomic_write_text) -> Path:
    """Write ``glossary.html`` into ``out_dir`` with ``write(path, text)`` unless it is the same."""
    path = Path(out_dir) / GLOSSARY_FILE
    page = glossary_page()
    try:
        if path.read_text(encoding="utf-8") == page:
            return path
    except (OSError, UnicodeDecodeError):
        pass
    return write(path, page)


if __name__ == "__main__":  # pragma: no cover - regenerates docs/glossary.md
    print(glossary_markdown(), end="")
