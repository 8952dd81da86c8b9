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
# # CX scorecard
#
# **Question:** how are NPS, CSAT, effort, retention, cart abandonment and order value moving,
# per channel and period? What changed significantly, where do channels differ, and what is a
# promoter worth compared with a detractor?

# %% tags=["parameters"]
data: str = "data/sample"  # folder or file with the shop tables; a relative path starts at the working directory (`cxlab sample` writes data/sample), then the cxlab checkout
engine: str = "duckdb"  # one of: duckdb, spark; spark also reads Parquet folders, URLs or tables
period: str = "quarter"  # one of: week, month, quarter; UTC calendar periods, weeks start on Monday
by: str = "auto"  # segment column (orders, else surveys); auto: first of channel, device, country, source with 2+ groups of min_n; empty: none
top_segments: int = 8  # range: 1..; segments shown by size, the others together as other
min_n: int = 30  # range: 1..; cells with fewer answers, orders or customers are shown as too few answers
alpha: float = 0.05  # range: 0..0.5; one minus the confidence level, also the false discovery rate
ces_higher_is_better: bool = False  # False for the effort scale (lower is better); True for CES 2.0 agreement
currency: str = "EUR"  # label for money amounts; a currency column in the orders wins
timezone: str = ""  # IANA time zone of timestamps written without one; empty means reject them
targets: str = ""  # format: targets; per metric, e.g. nps: 40, csat: 80%; empty: no targets column

# %%
# Load the shop and compute the scorecard
import dataclasses

from IPython.display import display

import cxlib
from cxlib import defaults, viz
from cxlib.reports import resolve_data, tables_read
from cxlib.scorecard import consistency, impact_findings, parse_targets, scorecard, value_of_cx
from cxlib.skipping import require_tables, skip

viz.apply_theme()  # the cxlab look for every chart in this notebook

goals = parse_targets(targets)  # {"nps": 40.0, "csat": 0.8}; a bad item stops here, named
shop = cxlib.open_shop(resolve_data(data, engine), engine=engine, on_error="drop", timezone=timezone or None)
require_tables(shop, ["surveys", "orders"], what="The CX scorecard", any_of=True)
chosen_currency = defaults.shop_currency(shop.orders, currency)
currency = chosen_currency.value
home = "orders" if shop.orders is not None else "surveys"  # the table the segment column is taken from
chosen_by = defaults.resolve_segment(getattr(shop, home), by, table_name=home, min_n=min_n)
by = chosen_by.value
keep = defaults.top_values(getattr(shop, home), by, top=top_segments)  # the same values in every table
lumping = {name: defaults.lump_segment(table, by, keep=keep) for name, table in shop if name != "experiments"}
shop = dataclasses.replace(shop, **{name: choice.value for name, choice in lumping.items()})
notes = [c.note for c in (chosen_currency, chosen_by, lumping.get(home)) if c is not None and c.note]
card = scorecard(
    shop,
    by=by,
    period=period,
    min_n=min_n,
    alpha=alpha,
    ces_higher_is_better=ces_higher_is_better,
    currency=currency,
)
if card.table.empty:
    skip(
        "No scorecard metric could be computed from these data: " + " ".join(card.notes or ["too few rows"]),
        add="add survey answers (nps, csat, ces) or orders covering at least two full periods.",
    )
across = consistency(card) if card.by else None
why_no_value = defaults.absent(
    shop.surveys, ["customer_id"], table_name="surveys", purpose="the value of CX"
) or defaults.absent(shop.orders, [], table_name="orders", purpose="the value of CX")
value = (
    None
    if why_no_value
    else value_of_cx(shop.surveys, shop.orders, min_n=min_n, alpha=alpha, currency=currency)
)
shown = set(card.table["metric"])

# %%
# Report header and key findings
display(viz.report_header(period=card.span, shop=shop, tables=tables_read("01_cx_scorecard")))
findings = card.summary(["nps", "csat", "ces"], notes=False)
if across is not None and len(card.by) == 1:
    findings += impact_findings(across, card.latest())  # channel gaps by customers affected, not by p-value
if value is not None:
    findings += value.summary()[:1]
viz.key_findings(findings + notes)

# %%
# Headline numbers for the index (and the cards above the sections)
from cxlib.reports.report_headlines import scorecard_headlines

scorecard_headlines(card)

# %% [markdown]
# ## The scorecard, latest period
#
# Each cell: the value, then the change from the previous period (▲ up, ▼ down; green when
# significantly better, red when significantly worse, grey when there is no clear change; for
# effort and cart abandonment lower is better), then the confidence interval (CI) in small
# print. Hover a cell for how many answers, orders or customers it rests on; NPS cells show
# promoters, passives and detractors as a bar. The first column covers every segment together
# and counts each customer once.

# %%
# Show the latest period of every metric by segment
card.show(figure=False, sentences=False, targets=goals)

# %% [markdown]
# ## Trends and what changed
#
# One line per segment, with confidence intervals. A triangle marks a change from the previous
# period that is significant after adjusting for the number of comparisons
# (Benjamini–Hochberg); each metric uses the test that fits it (NPS: z test with the
# multinomial variance; shares: two-proportion z test; averages per customer or answer: Welch's
# t test; per-order figures such as order value, returns and delivery time: z test with each
# customer's orders counted together, since one customer's orders are not independent).

# %%
# Chart the trend of the survey metrics (their sentences are the key findings above)
for metric in [m for m in ("nps", "csat", "ces") if m in shown]:
    card.show(metric, table=False, sentences=False)

# %% [markdown]
# ### Behaviour: retention, cart abandonment, order value
#
# Retention rate is the share of last period's customers who bought again this period, i.e.
# (E − N)/S; cart abandonment counts carts (sessions with an add-to-cart) without a purchase.

# %%
# Chart the trend of the behavioural metrics
for metric in [m for m in ("retention_rate", "cart_abandonment", "aov") if m in shown]:
    card.show(metric, table=False)

# %% [markdown]
# ## Channel comparison
#
# Each metric across the segments in the latest period, with a heterogeneity test (NPS and
# per-order figures: Cochran's Q; shares: chi-square test of homogeneity; averages: Welch's
# ANOVA). The dashed line is the value over all segments.

# %%
# Compare the segments and chart the largest gaps (key findings above; every test in the appendix)
if across is None:
    display(viz.note(chosen_by.note or "Set the by parameter (for example channel) to compare segments."))
else:
    for metric in [m for m in ("nps", "cart_abandonment") if m in set(across.table["metric"])]:
        across.show(metric, table=False, sentences=False)

# %% [markdown]
# ## The value of CX
#
# Customers grouped by their first NPS answer. Revenue to date counts all their orders; the
# 12-month value counts orders in the year after the answer, only for customers whose whole
# year lies inside the data. The gap is an association, not proof that better experience
# causes more spending.

# %%
# Chart revenue per customer by NPS group
if value is None:
    display(viz.note(why_no_value))
else:
    value.show(table=False)

# %% [markdown]
# ## Notes on the data

# %%
# List what was left out and why
viz.key_findings(card.notes or ["Every metric could be computed."], title="What was left out")

# %% [markdown]
# ## Appendix
#
# Detailed tables for analysts: every significant change of the latest period, the tests
# across segments with a sentence on each metric, and revenue per NPS group.

# %%
# Significant changes of the latest period, tests across segments, value per NPS group
flagged = card.formatted_changes()
if flagged.empty:
    display(
        viz.note(
            f"No metric changed significantly in the latest period ({len(card.changes()):,} comparisons)."
        )
    )
else:
    display(viz.format_table(flagged, caption="Significant changes in the latest period", max_rows=None))
if across is not None:
    across.show(figure=False)
if value is not None:
    value.show(figure=False, sentences=False)
