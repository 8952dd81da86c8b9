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
# # Data health
#
# **Question:** can we trust the shop data for this period? What each table holds, how complete
# it is, which rows broke a validation rule, and whether daily volume by channel looks normal.

# %% tags=["parameters"]
data: str = "data/sample"  # folder or file with the shop tables; a relative path starts at the working directory (`cxlab sample` writes data/sample), then the cxlab checkout
engine: str = "duckdb"  # one of: duckdb, spark; spark also reads Parquet folders, URLs or tables
start: str = ""  # first day to include (YYYY-MM-DD); empty means from the first record
end: str = ""  # last day to include (YYYY-MM-DD); empty means up to the last record
timezone: str = ""  # IANA time zone of timestamps written without one; empty means reject them

# %%
# Load and validate the shop tables
from IPython.display import display

import cxlib
from cxlib import defaults, health, viz
from cxlib.reports import resolve_data, tables_read
from cxlib.skipping import skip

viz.apply_theme()  # the cxlab look for every chart in this notebook

source = resolve_data(data, engine)
shop = cxlib.open_shop(source, engine=engine, on_error="drop", timezone=timezone or None)
nothing = defaults.empty_period(shop, ["events", "orders", "surveys", "feedback", "experiments"], start, end)
if nothing:
    skip(nothing, add="choose start and end inside the span of the data, or leave them empty.")
result = health.data_health(shop, start=start or None, end=end or None)
period = (start or result.first_ts, end or result.last_ts)

# %%
# Report header and key findings
display(viz.report_header(question=None, period=period, shop=shop, tables=tables_read("00_data_health")))
viz.key_findings(result.summary())

# %%
# Headline numbers for the index (and the cards above the sections)
from cxlib.reports.report_headlines import health_headlines

health_headlines(result)

# %% [markdown]
# ## What is in each table
#
# Rows, time range and distinct customers per table (experiments count units, which are
# visitors or sessions rather than customers), after dropping the rows that broke a validation
# rule (they are listed in the next section).

# %%
# Summarise each table
result.show(figure=False, sentences=False)
largest = result.table.sort_values("rows", ascending=False).iloc[0]
viz.note(
    f"The largest table is {largest['table']} with {int(largest['rows']):,} rows; "
    f"together the tables cover {result.first_ts:%Y-%m-%d} to {result.last_ts:%Y-%m-%d}."
    if result.first_ts is not None
    else "No table has timestamps."
)

# %% [markdown]
# ## Validation findings
#
# Rows that broke a data-contract rule (wrong values, future timestamps, duplicate ids, ...).
# They were left out of everything in this report.

# %%
# List the validation findings
if result.findings.empty:
    display(viz.note("Every row of every table passed validation."))
else:
    display(
        viz.format_table(
            result.findings,
            labels={
                "table": "Table",
                "column": "Column",
                "rule": "Rule",
                "n_rows": "Rows",
                "message": "What is wrong",
            },
        )
    )
    dropped = int(result.findings["n_rows"].sum())
    share = dropped / max(dropped + int(result.table["rows"].sum()), 1)
    display(viz.note(f"{dropped:,} row(s) left out, {share:.2%} of all rows read."))

# %% [markdown]
# ## Missing values
#
# Share of empty values per column. Required columns never have missing values; optional ones
# (channel, device, comments, ...) may. Order id and revenue belong to purchase events only: on
# other events they are empty by design and not counted.

# %%
# Chart the missing values per column
incomplete = result.missing[result.missing["n_missing"] > 0]
if incomplete.empty:
    display(viz.note("No column has missing values."))
else:
    result.missing_figure().show()
    display(
        viz.format_table(
            incomplete.sort_values("share", ascending=False)[
                ["table", "column", "applies_to", "n_missing", "share"]
            ],
            percent_cols=["share"],
            labels={
                "table": "Table",
                "column": "Column",
                "applies_to": "Rows that must have it",
                "n_missing": "Missing",
                "share": "Share",
            },
        )
    )
    worst = incomplete.sort_values("share", ascending=False).iloc[0]
    display(
        viz.note(
            f"{len(incomplete)} of {len(result.missing)} columns have gaps; the emptiest is "
            f"{worst['table']}.{worst['column']} with {worst['share']:.1%} missing."
        )
    )

# %% [markdown]
# ## Daily volume by channel
#
# Rows per day (UTC) and channel. Sudden drops to zero or spikes usually mean a broken data
# load rather than customer behaviour; a short last day usually means the export stopped during
# that day. Experiments run one after another: the days between them are not drawn.

# %%
# Chart the daily volume of each table
for name in [t for t in ("events", "orders") if t in set(result.daily["table"])]:
    result.figure(name).show()
    gaps = result.gaps(name)
    last = result.last_day(name)
    display(
        viz.note(
            (
                f"{name}: every day of the period has data."
                if gaps == 0
                else f"{name}: {viz.plural(gaps, 'day')} without any rows inside the period; check the data loads."
            )
            + (f" {last.sentence()}" if last is not None else "")
        )
    )
others = sorted(set(result.daily["table"]) - {"events", "orders"})
if others:
    result.tables_figure(others).show()

# %% [markdown]
# ## Customer texts
#
# The newest feedback texts, to check that text arrives readable (encoding, language). E-mail
# addresses and phone numbers are masked.

# %%
# Show the newest feedback texts
if shop.feedback is None:
    display(viz.note("The shop has no feedback table."))
else:
    feedback = health.filter_period(shop.feedback, start or None, end or None)
    examples = health.text_examples(feedback, n=5)
    labels = {
        "ts": "Time",
        "text": "Text",
        "rating": "Rating",
        "source": "Source",
        "lang": "Language",
        "channel": "Channel",
    }
    display(viz.format_table(examples, labels=labels))
    bad = health.unreadable_texts(feedback)
    display(
        viz.note(
            "No text contains unreadable characters."
            if bad == 0
            else f"{bad:,} texts contain unreadable characters: check the file encoding."
        )
    )
