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
# # Cohort retention
#
# **Question:** do customers come back, and which acquisition months and channels bring
# customers who stay? Retention by acquisition cohort, retention curves by channel with a test
# of difference, revenue retention and lifetime value, and the time to a second order.

# %% tags=["parameters"]
data: str = "data/sample"  # folder or file with the shop tables; a relative path starts at the working directory (`cxlab sample` writes data/sample), then the cxlab checkout
engine: str = "duckdb"  # one of: duckdb, spark; spark also reads Parquet folders, URLs or tables
activity: str = "orders"  # one of: orders, events; table whose rows count as coming back
period: str = "month"  # one of: day, week, month, quarter; age unit and cohort period (UTC)
kind: str = "on"  # one of: on, on_or_after, rolling; active in period N, in N or later, fixed windows
by: str = "auto"  # attribute on the first order to compare; auto: first of channel, device, country, source with 2+ groups of min_n; empty: none
top_segments: int = 8  # range: 1..; segments shown by size, the others together as other
observed_until: str = ""  # last complete day of data (YYYY-MM-DD); empty means the day of the latest record
min_n: int = 20  # range: 1..; cells, cohorts and segments with fewer customers are hidden
currency: str = "EUR"  # label for money amounts; a currency column in the orders wins
timezone: str = ""  # IANA time zone of timestamps written without one; empty means reject them

# %%
# Load the shop and compute every view
from IPython.display import display

import cxlib
from cxlib import defaults, viz
from cxlib.cohorts import KINDS, compare_definitions, retention_matrix, revenue_retention, time_to_repeat
from cxlib.engine import to_narwhals
from cxlib.reports import resolve_data, tables_read
from cxlib.skipping import require_tables, skip

viz.apply_theme()  # the cxlab look for every chart in this notebook

shop = cxlib.open_shop(resolve_data(data, engine), engine=engine, on_error="drop", timezone=timezone or None)
require_tables(shop, ["orders", activity] if activity == "events" else ["orders"], what="Cohort retention")
chosen_currency = defaults.shop_currency(shop.orders, currency)
currency = chosen_currency.value
chosen_by = defaults.resolve_segment(shop.orders, by, table_name="orders", min_n=min_n)
lumped = defaults.lump_segment(shop.orders, chosen_by.value, top=top_segments)
orders = lumped.value
notes = [c.note for c in (chosen_currency, chosen_by, lumped) if c.note]
table = orders if activity == "orders" else shop.events
if table is not orders and chosen_by.value and chosen_by.value not in to_narwhals(table).columns:
    chosen_by = defaults.Choice(None, f"No breakdown: the events have no {chosen_by.value} column.")
    notes.append(chosen_by.note)
options = dict(period=period, observed_until=observed_until or None, min_n=min_n)
segments = chosen_by.value
repeaters = defaults.repeat_customers(orders)
try:
    matrix = retention_matrix(table, kind=kind, by=segments, **options)
except cxlib.DataError as problem:
    if problem.rule != "not_observable":
        raise
    skip(  # too short a span: say so instead of failing
        f"No customer has been followed for a whole {period} after their first order yet: "
        "the data cover too short a span for a retention matrix by this period.",
        add=f"a shorter period (day or week instead of {period}) or data that cover a longer span",
    )
overall = matrix.overall()
definitions = {
    name: overall if name == kind else retention_matrix(table, kind=name, **options) for name in KINDS
}
revenue = revenue_retention(orders, by=segments, currency=currency, **options)
repeat = (  # with nobody ordering twice there is no time to a repeat order to estimate
    time_to_repeat(orders, by=segments, observed_until=observed_until or None, min_n=min_n)
    if repeaters
    else None
)
why_no_repeat = (
    "Nobody has ordered twice yet, so there is no time to a second order to show." if not repeaters else None
)
comparison = matrix.compare() if segments and len(matrix.segments) > 1 else None

# %%
# Report header and key findings
import datetime as dt

last_day = (matrix.observed_until - dt.timedelta(days=1)).date()
display(
    viz.report_header(
        period=(matrix.first_activity, last_day),
        shop=shop,
        tables=tables_read("03_cohort_retention", {"activity": activity}),
    )
)
findings = overall.summary()[1:3]
if comparison is not None:
    findings += comparison.summary()[:1]
findings += revenue.summary()[:1] + (repeat.summary()[-1:] if repeat is not None else [why_no_repeat])
findings += notes
viz.key_findings(findings)

# %%
# Headline numbers for the index (and the cards above the sections)
from cxlib.reports.report_headlines import cohort_headlines

cohort_headlines(overall)

# %% [markdown]
# ## Retention by acquisition cohort
#
# Each row is the cohort of customers whose first order fell in that period (the number of
# customers in the hover); each column is the number of periods since acquisition (with many
# periods a selection: 1, 2, 3, 6, 9, 12 ...; every period is in the table in the appendix). A
# cell is the share of the cohort that came back in that period. Empty cells are not observable
# yet (the period has not ended) or rest on too few customers; they are never shown as 0.

# %%
# Chart the cohort matrix
overall.show(table=False)

# %% [markdown]
# ## Retention curves and differences between segments
#
# The curve pools the cohorts that have reached each age (a weighted average; bars are 95%
# confidence intervals; age 0 is 100% by definition and left out). Segments are compared at one age: the difference of shares with its
# confidence interval, a two-proportion test, and a Cochran–Mantel–Haenszel test that compares
# customers acquired in the same cohort.

# %%
# Chart the retention curves and test the differences
matrix.figure("curve").show()
if comparison is None:
    display(
        viz.note(
            f"Every customer has the same {segments} ({matrix.segments[0]}): there is nothing to compare."
            if segments and len(matrix.segments) == 1
            else f"Fewer than two {segments} groups have {min_n} or more customers: there is nothing to compare."
            if segments
            else chosen_by.note or "No breakdown chosen (set the by parameter to compare segments)."
        )
    )
else:
    comparison.show(figure=False)
    if comparison.left_out:
        display(
            viz.note(f"Left out (fewer than {min_n} customers observed): {', '.join(comparison.left_out)}.")
        )

# %% [markdown]
# ## Revenue retention and lifetime value
#
# Cumulative revenue per customer by cohort age is the observed lifetime value curve (no
# model; see the CLV report for predictions). Net revenue retention is the revenue a cohort
# brings in period N as a share of its revenue in its acquisition period (by cohort in the
# appendix).

# %%
# Chart the LTV curves and orders per customer
revenue.show(table=False)
revenue.figure("orders").show()

# %% [markdown]
# ## Time to a second order
#
# Kaplan–Meier estimate of the share of customers who placed a second order, by days since
# their first; customers without one are counted until the end of the data (censored). The
# log-rank test asks whether the curves differ between segments.

# %%
# Chart the time to a second order
if repeat is None:
    display(viz.note(why_no_repeat))
else:
    repeat.show()

# %% [markdown]
# ## Appendix: detailed matrices and definitions
#
# For analysts: every cohort and every age as tables (they scroll sideways on small screens),
# net revenue retention by cohort, and the three definitions of retention compared.

# %% [markdown]
# ### The cohort matrix in full
#
# Share of each cohort that came back, at every age since acquisition.

# %%
# List the whole retention matrix
overall.show(figure=False, sentences=False)

# %% [markdown]
# ### Net revenue retention by cohort
#
# Revenue of each cohort in period N as a share of its revenue in its acquisition period.

# %%
# Chart and list net revenue retention by cohort
revenue.overall().figure("heatmap").show()
revenue.overall().show(figure=False, sentences=False)

# %% [markdown]
# ### Three definitions of retention
#
# The same customers, counted three ways: **return on** (active in calendar period N),
# **return on or after** (active in period N or any later one; Amplitude's unbounded
# retention) and **rolling windows** (active in the N-th fixed window of 30 days for months,
# 7 for weeks, counted from each customer's own first order). Pick the one that matches the
# decision: on for habits, on or after for "still a customer", rolling for fair comparisons of
# customers acquired early and late in a month.

# %%
# Compare the three definitions
kinds = compare_definitions(definitions)
if kinds.curves.empty:
    display(viz.note(" ".join(kinds.summary())))
else:
    kinds.show()

# %% [markdown]
# ### Definitions and data notes
#
# - A customer is *acquired* at their first order; their segment is the value on that order.
# - Periods are UTC calendar periods; an age is counted only once its period (or window) has
#   ended, so recent cohorts have shorter rows.
# - Customers who bought before the data starts look new, so the first cohort may be inflated.
# - Cells, cohorts and segments with fewer customers than `min_n` are hidden.
