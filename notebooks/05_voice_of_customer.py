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
min_rated: int = 500  # range: 1..; texts rated 1–2★ or 4–5★ a language needs before its own model scores it
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
from cxlib.reports import resolve_data, tables_read
from cxlib.skipping import skip
from cxlib.viz.formats import format_p, language_name

viz.apply_theme()  # the cxlab look for every chart in this notebook

shop = cxlib.open_shop(resolve_data(data, engine), engine=engine, on_error="drop", timezone=timezone or None)
feedback_texts = shop.feedback is not None and "text" in to_narwhals(shop.feedback).collect_schema().names()
if not feedback_texts and (shop.surveys is None or "comment" not in to_narwhals(shop.surveys).columns):
    skip(
        "Voice of the customer needs customer texts: a feedback table with texts or survey answers with a "
        "comment, and the data have neither.",
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
display(
    viz.report_header(
        question=None, period=result.period, shop=shop, tables=tables_read("05_voice_of_customer")
    )
)
display(viz.key_findings(result.findings()))
if result.coverage():
    display(viz.note(" ".join(result.coverage())))

# %%
# Headline numbers for the index (and the cards above the sections)
from cxlib.reports.report_headlines import voc_headlines

voc_headlines(result)

# %% [markdown]
# ## Languages
#
# The languages customers write in: the language the data states, else the one detected
# offline (Lingua). Detection is also checked against the stated languages on up to 2,000 texts
# spread evenly over the period; the check per language is in the appendix.

# %%
# Chart the language mix of every text analysed
mix = result.language_mix()
if mix is None:
    display(viz.note("The shop has no feedback texts."))
else:
    mix.show(table=False)

# %% [markdown]
# ## Star ratings
#
# Every rated review counts here, also the star-only ones without text (the text analyses
# below leave those out).

# %%
# Chart the star ratings
if result.ratings is None:
    display(viz.note("The feedback has no star ratings."))
else:
    result.ratings.show()

# %% [markdown]
# ## Sentiment
#
# Each text is scored, in this order of preference, by a model trained on this shop's own
# ratings (languages with at least `min_rated` texts rated 1–2★, taken as negative, or 4–5★,
# taken as positive; 3★ texts train no model), else by whichever shipped model scored best on
# real labelled reviews in that language: the multilingual embedding model, a one-language
# model shipped with cxlib (Chinese, Czech, English, Polish, Slovak), a blend of the two, or the
# curated lexicon. In "nice, but it broke" the part after "but" weighs more.
# Texts in a language none of them covers are counted as unsupported and never scored. The
# table says which of them scored each language; their measured accuracy is in the appendix.

# %%
# Chart sentiment by language
if result.sentiment is None:
    display(viz.note("The shop has no feedback texts."))
else:
    result.sentiment.show()

# %% [markdown]
# ## What customers talk about
#
# Aspects (delivery, returns, service, checkout, quality, price, website, availability,
# packaging) found by multilingual keywords; each mention takes the sentiment of its sentence,
# split at words such as "but".

# %%
# Chart the aspects and their sentiment
if result.aspects is None:
    display(viz.note("The shop has no feedback texts."))
else:
    result.aspects.show()

# %% [markdown]
# ## What moves NPS
#
# NPS comments: which aspects, spoken of negatively, go with lower answers to the 0–10
# recommendation question. Importance is each aspect's share of the explained variance
# (relative weights, Johnson 2000); performance is the aspect's net sentiment. Aspects top-left
# matter most and fare worst: fix those first. Effects are points on the 0–10 scale of the
# answer, not NPS points.

# %%
# Chart the key drivers of NPS
if result.drivers is None:
    display(viz.note("Too few NPS answers with a comment for a key-driver analysis."))
else:
    result.drivers.show()

# %% [markdown]
# ## Trends and alerts
#
# Share of negative texts and of negative aspect mentions per period, with p-chart control
# limits (±3σ for each period's number of texts). Periods with fewer than `min_n` texts are
# not shown or judged.

# %%
# Chart the trends and list the alerts
if result.sentiment is None or "ts" not in result.keep:
    display(viz.note("Trends need feedback texts with timestamps."))
else:
    trend = voc.sentiment_trend(result.sentiment, period=period, min_n=min_n)
    trend.select(["neg"], what="share of negative texts").show()
    if result.aspects is not None:
        voc.aspect_trend(result.aspects, value="negative", period=period, min_n=min_n).show(figure=False)

# %% [markdown]
# ## In the customers' words
#
# The most typical texts of each aspect and sentiment. E-mail addresses, phone numbers, card
# numbers and customer ids are masked; texts are shown as plain text.

# %%
# Show representative quotes
if result.aspects is None:
    display(viz.note("The shop has no feedback texts."))
else:
    shown = result.aspects.display_table()["aspect"].head(5).tolist()
    voc.verbatims(result.aspects, n=quotes, aspects=shown, min_n=min_n).show()

# %% [markdown]
# ## Appendix
#
# Material for analysts: the check of stated languages, the sentiment backends' accuracy, the
# shop's own models against the lexicon, and the full key-driver models.

# %%
# Language detection against the languages the data states
if result.languages is not None:
    agreement = result.languages.agreement()
    if len(agreement):
        display(
            viz.format_table(
                agreement.assign(
                    lang_given=agreement["lang_given"].map(language_name),
                    most_common_other=agreement["most_common_other"].map(
                        lambda code: language_name(code) if isinstance(code, str) else "—"
                    ),
                ),
                percent_cols=["agree"],
                labels={
                    "lang_given": "Stated language",
                    "n": "Texts checked",
                    "agree": "Detected as stated",
                    "most_common_other": "Most common other detection",
                },
            )
        )

# %%
# Accuracy of the sentiment backends, and the shop's own models against the lexicon
if result.sentiment is not None:
    display(viz.note(result.sentiment.accuracy_sentence()))
    display(
        viz.format_table(
            result.sentiment.accuracy_table(),
            percent_cols=["accuracy", "ci_low", "ci_high"],
            labels={
                "lang": "Language",
                "backend": "Scored by",
                "n_texts": "Texts here",
                "corpus": "Measured on",
                "n": "Reviews in the test",
                "accuracy": "Accuracy",
                "ci_low": "95% CI from",
                "ci_high": "to",
            },
        )
    )
    model_chart = result.model_figure()
    if model_chart is not None:
        model_chart.show()
    if result.model_summary():
        display(viz.note(" ".join(result.model_summary())))

# %%
# Key-driver models in full: importance intervals, OLS and ordinal-logit effects
if result.drivers is not None:
    result.drivers.importance_figure().show()
    models = result.drivers.display_table()
    models = models.assign(ols_p=models["ols_p"].map(format_p), ordinal_p=models["ordinal_p"].map(format_p))
    display(
        viz.format_table(
            models[
                [
                    "label",
                    "ols_coef",
                    "ols_p",
                    "ordinal_coef",
                    "ordinal_ci_low",
                    "ordinal_ci_high",
                    "ordinal_p",
                ]
            ],
            decimals=2,
            labels={
                "label": "Driver",
                "ols_coef": "OLS: points on the 0–10 scale",
                "ols_p": "OLS p-value",
                "ordinal_coef": "Ordinal logit (log-odds)",
                "ordinal_ci_low": "95% CI from",
                "ordinal_ci_high": "to",
                "ordinal_p": "Ordinal p-value",
            },
        )
    )
