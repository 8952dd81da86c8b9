# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Voice of the customer
#
# **Question:** what do customers write about, in every language they write in, how do they
# feel about it, which experiences move NPS, and did anything change recently?

# %% tags=["parameters"]
data: str = "data/sample"  # folder or file with the shop tables; a relative path starts at the working directory (`cxlab sample` writes data/sample), then the cxlab checkout
engine: str = "duckdb"  # one of: duckdb, spark; spark also reads Parquet folders, URLs or tables
start: str = ""  # first day to include (YYYY-MM-DD); empty means from the first record
end: str = ""  # last day to include (YYYY-MM-DD); empty means up to the last record
languages: str = "en,pl,nl,sk,cs,zh,ar,de,fr,es,it,pt"  # ISO 639-1 codes to detect, comma-separated
min_rated: int = 500  # range: 1..; rated reviews a language needs before its own model replaces the lexicon
min_n: int = 20  # range: 1..; groups, weeks and quote pools with fewer texts are not shown
period: str = "week"  # one of: week, day, month; period of the trends
quotes: int = 2  # range: 0..; representative quotes per aspect and sentiment
fast_language_check: bool = True  # check stated languages with Lingua's fast mode (less exact on short texts)
timezone: str = ""  # IANA time zone of timestamps written without one; empty means reject them

# %%
# Load the shop and analyse its customer texts
from IPython.display import display

import cxlib
from cxlib import defaults, viz, voc
from cxlib.engine import to_narwhals
from cxlib.privacy import suppress_small
from cxlib.reports import resolve_data
from cxlib.skipping import skip
from cxlib.viz.formats import language_name

viz.apply_theme()  # the cxlab look for every chart in this notebook

shop = cxlib.open_shop(resolve_data(data, engine), engine=engine, on_error="drop", timezone=timezone or None)
if shop.feedback is None and (shop.surveys is None or "comment" not in to_narwhals(shop.surveys).columns):
    skip(
        "Voice of the customer needs customer texts: a feedback table or survey answers with a comment, "
        "and the data have neither.",
        add="add feedback.csv (feedback_id, ts, text; optional rating, lang) or a comment column to surveys.",
    )
nothing = defaults.empty_period(shop, ["feedback", "surveys"], start, end)
if nothing:
    skip(nothing, add="choose start and end inside the span of the data, or leave them empty.")
result = voc.voice_of_customer(
    shop,
    start=start or None,
    end=end or None,
    languages=[code.strip() for code in languages.split(",") if code.strip()],
    min_rated=min_rated,
    min_n=min_n,
    low_accuracy=fast_language_check,
)

# %%
# Report header and key findings
display(viz.report_header(question=None, period=result.period, shop=shop))
viz.key_findings(result.findings())

# %%
# Headline numbers for the index (and the cards above the sections)
from cxlib.reports.report_headlines import voc_headlines

voc_headlines(result)

# %% [markdown]
# ## Languages
#
# Languages detected offline (Lingua) among the candidate languages for up to 2,000 texts
# spread evenly over the period, compared with the language the data states where it does
# (with `fast_language_check`, Lingua's quicker low-accuracy mode). The analysis itself uses
# the stated language and detects only texts without one, in high-accuracy mode.

# %%
# Chart the language mix
if result.languages is None:
    display(viz.note("The shop has no feedback table."))
else:
    result.languages.figure().show()
    display(viz.note(" ".join(result.languages.summary())))

# %% [markdown]
# ## Sentiment
#
# Each text is scored, in this order of preference, by a model trained on this shop's own
# ratings (languages with at least `min_rated` star-rated reviews; 1–2★ negative, 4–5★
# positive), by the model shipped with cxlib (English and Chinese), or by the curated
# multilingual e-commerce lexicon. Texts in a language none of them covers are counted as
# unsupported and never scored. The first chart compares the shop's model with the others on
# its rated reviews (cross-validated, with 95 % intervals); the table after the chart gives each
# backend's accuracy measured on held-out real reviews.

# %%
# Compare the backends and chart sentiment by language
scored, model = result.sentiment, result.model
if scored is None:
    display(viz.note("The shop has no feedback table."))
else:
    if model is not None and model.table["trained"].any():
        model.figure().show()
        display(viz.note(" ".join(model.summary())))
    scored.figure().show()
    shares = scored.by_language()
    shares = suppress_small(shares, "n", min_n, columns=["neg", "neu", "pos", "mean_score", "no_term_share"])
    display(
        viz.format_table(
            shares.drop(columns=["suppressed"]),
            percent_cols=["neg", "neu", "pos", "no_term_share"],
            decimals={"mean_score": 2},
            labels={
                "lang": "Language",
                "n": "Texts",
                "neg": "Negative",
                "neu": "Neutral",
                "pos": "Positive",
                "mean_score": "Mean score",
                "no_term_share": "No lexicon term",
                "backend": "Backend",
            },
        )
    )
    display(viz.note(" ".join(scored.summary()[1:])))
    accuracy = scored.measured_accuracy()
    accuracy["lang"] = accuracy["lang"].map(language_name)
    display(
        viz.format_table(
            accuracy,
            percent_cols=["accuracy", "ci_low", "ci_high"],
            labels={
                "lang": "Language",
                "backend": "Backend",
                "n_texts": "Texts here",
                "corpus": "Measured on",
                "n": "Reviews in the test",
                "accuracy": "Accuracy",
                "ci_low": "95 % CI from",
                "ci_high": "to",
            },
        )
    )

# %% [markdown]
# ## What customers talk about
#
# Aspects (delivery, returns, service, checkout, quality, price, website, availability,
# packaging) found by multilingual keywords; each mention takes the sentiment of its sentence,
# split at words such as "but".

# %%
# Chart the aspects and their sentiment
topics = result.aspects
if topics is None:
    display(viz.note("The shop has no feedback table."))
else:
    topics.figure().show()
    table = topics.shares(min_n=min_n)
    table = table[table["n_mentions"].fillna(0) > 0]
    display(
        viz.format_table(
            table[["label", "n_mentions", "share", "neg", "pos", "net"]],
            percent_cols=["share", "neg", "pos", "net"],
            labels={
                "label": "Aspect",
                "n_mentions": "Texts",
                "share": "Share of texts",
                "neg": "Negative",
                "pos": "Positive",
                "net": "Net sentiment",
            },
        )
    )
    display(viz.note(" ".join(topics.summary())))

# %% [markdown]
# ## What moves NPS
#
# NPS comments: which aspects, spoken of negatively, go with lower scores. Importance is each
# aspect's share of the explained variance (relative weights, Johnson 2000, with bootstrap
# intervals); performance is the aspect's net sentiment. Aspects top-left matter most and fare
# worst: fix those first. The table adds the OLS and ordinal-logit effects.

# %%
# Chart the key drivers of NPS
key_drivers = result.drivers
if key_drivers is None:
    display(viz.note("Too few NPS answers with a comment for a key-driver analysis."))
else:
    key_drivers.figure(performance_label="Net sentiment of mentions").show()
    key_drivers.importance_figure().show()
    view = key_drivers.table[
        [
            "label",
            "n_nonzero",
            "importance",
            "ols_coef",
            "ols_ci_low",
            "ols_ci_high",
            "ordinal_coef",
            "ordinal_p",
        ]
    ]
    view = view[view["n_nonzero"] >= min_n]
    display(
        viz.format_table(
            view,
            percent_cols=["importance"],
            decimals={"ols_coef": 2, "ols_ci_low": 2, "ols_ci_high": 2, "ordinal_coef": 2, "ordinal_p": 3},
            labels={
                "label": "Aspect",
                "n_nonzero": "Negative mentions",
                "importance": "Importance",
                "ols_coef": "NPS points",
                "ols_ci_low": "CI low",
                "ols_ci_high": "CI high",
                "ordinal_coef": "Ordinal logit",
                "ordinal_p": "p-value",
            },
        )
    )
    display(viz.note(" ".join(key_drivers.summary())))

# %% [markdown]
# ## Trends and alerts
#
# Share of negative texts and of negative aspect mentions per period, with p-chart control
# limits (±3σ for each period's number of texts). Periods with fewer than `min_n` texts are
# not shown or judged.

# %%
# Chart the trends and list the alerts
if scored is None or "ts" not in result.keep:
    display(viz.note("Trends need feedback texts with timestamps."))
else:
    trend = voc.sentiment_trend(scored, period=period, min_n=min_n)
    trend.figure(["neg"], title="Share of negative texts").show()
    display(viz.note(" ".join(trend.summary())))
    aspect_alarm = voc.aspect_trend(topics, value="negative", period=period, min_n=min_n)
    alerts = aspect_alarm.alerts()
    if len(alerts):
        display(
            viz.format_table(
                alerts[["period", "label", "n", "share", "lcl", "ucl", "alert"]],
                percent_cols=["share", "lcl", "ucl"],
                labels={
                    "period": "Period",
                    "label": "Negative mentions of",
                    "n": "Texts",
                    "share": "Share",
                    "lcl": "Lower limit",
                    "ucl": "Upper limit",
                    "alert": "Alert",
                },
            )
        )
    display(viz.note(" ".join(aspect_alarm.summary())))

# %% [markdown]
# ## In the customers' words
#
# The most typical texts of each aspect and sentiment. E-mail addresses, phone numbers, card
# numbers and customer ids are masked; texts are shown as plain text.

# %%
# Show representative quotes
if topics is None:
    display(viz.note("The shop has no feedback table."))
else:
    shown = topics.shares().sort_values("n_mentions", ascending=False)["aspect"].head(5).tolist()
    picked = voc.verbatims(topics, n=quotes, aspects=shown, min_n=min_n)
    display(picked if len(picked.table) else viz.note("Too few texts per aspect to quote."))
