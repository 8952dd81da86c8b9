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
# # Journey mapping
#
# **Question:** how do customers move from browsing to buying, where do they leave and what do
# they do instead, why are carts abandoned, and which marketing channels deserve credit for the
# purchases?

# %% tags=["parameters"]
data: str = "data/sample"  # folder or file with the shop tables; a relative path starts at the working directory (`cxlab sample` writes data/sample), then the cxlab checkout
engine: str = "duckdb"  # one of: duckdb, spark; spark also reads Parquet folders, URLs or tables
start: str = ""  # first day to include (YYYY-MM-DD); empty means from the first record
end: str = ""  # last day to include (YYYY-MM-DD); empty means up to the last record
funnel_steps: str = "auto"  # steps in order, comma-separated, a bar between alternatives; auto: the view, cart, checkout, payment, purchase events present
window: str = "1D"  # conversion window from the first funnel step (30min, 1D, 7D ...); empty means no limit
order: str = "strict"  # one of: strict, direct, any; strict lets other events come between steps, direct does not, any ignores order
count: str = "sessions"  # one of: sessions, customers; unit of funnel, paths and carts (customers when there is no session_id)
segment: str = "auto"  # event column to split the funnel by; auto: first of device, channel, country, source with 2+ groups of min_n; empty: none
top_segments: int = 8  # range: 1..; segments shown by size, the others together as other
path_steps: int = 5  # range: 2..; events per path in the path analysis and the Sankey diagram
attribution_channel: str = "source"  # event column naming each touchpoint's channel (left out with a note when absent); empty skips attribution
lookback: str = "30D"  # attribution lookback window before each purchase
min_n: int = 30  # range: 1..; segments with fewer sessions or customers are not shown
currency: str = "EUR"  # label for money amounts; a currency column in the orders wins
timezone: str = ""  # IANA time zone of timestamps written without one; empty means reject them
labels: str = ""  # format: labels; event and channel names as words, e.g. product_view: Product page

# %%
# Load the events and compute the journey analyses
import narwhals.stable.v2 as nw
from IPython.display import display

import cxlib
from cxlib import defaults, journey, viz
from cxlib.engine import to_narwhals, to_pandas
from cxlib.health import filter_period
from cxlib.reports import resolve_data, tables_read
from cxlib.skipping import require_tables, skip

viz.apply_theme()  # the cxlab look for every chart in this notebook
viz.set_labels(viz.parse_labels(labels))  # the analyst's names for events and channels, if any

shop = cxlib.open_shop(resolve_data(data, engine), engine=engine, on_error="drop", timezone=timezone or None)
require_tables(shop, ["events"], what="Journey mapping")
nothing = defaults.empty_period(shop, ["events"], start, end)
if nothing:
    skip(nothing, add="choose start and end inside the span of the data, or leave them empty.")
events = filter_period(shop.events, start or None, end or None)
columns = set(to_narwhals(events).columns)
span = to_pandas(
    to_narwhals(events).select(nw.col("ts").min().alias("first"), nw.col("ts").max().alias("last"))
)
chosen_steps = defaults.funnel_steps_present(events, funnel_steps)
if not chosen_steps.value:
    skip(
        chosen_steps.note,
        add="name the funnel steps in the funnel_steps parameter (e.g. -p funnel_steps 'view, buy').",
    )
notes = [chosen_steps.note] if chosen_steps.note else []
if count == "sessions" and "session_id" not in columns:
    count = "customers"
    notes.append("The events have no session_id column, so the journeys are counted per customer.")
chosen_segment = defaults.resolve_segment(
    events, segment, table_name="events", min_n=min_n, candidates=("device", *defaults.SEGMENT_CANDIDATES)
)
split = chosen_segment.value
lumped = defaults.lump_segment(events, split, top=top_segments)
events = lumped.value
notes += [c.note for c in (chosen_segment, lumped) if c.note]
steps = journey.parse_steps(chosen_steps.value)
flow = journey.funnel(events, steps, window=window or None, order=order, count=count, min_n=min_n)
by_segment = (
    journey.funnel(
        events, steps, window=window or None, order=order, count=count, by=split, next_events=0, min_n=min_n
    )
    if split
    else None
)
last_step = steps[-1] if isinstance(steps[-1], str) else None
to_purchase = (
    journey.paths(events, end=last_step, steps=path_steps, count=count, top=10) if last_step else None
)
first_steps = journey.paths(events, steps=path_steps, count=count, top=10)
moves = journey.transitions(events, count=count)
positions = journey.step_matrix(events, steps=max(path_steps, 2) + 3, count=count)
breakdowns = [c for c in ("device", "channel") if c in columns]
if {"device", "channel"} <= columns:
    breakdowns.append(("channel", "device"))
named = [
    s for s in steps if isinstance(s, str)
]  # cart abandonment uses the funnel's own cart and purchase steps
cart_step = next((s for s in named if s in defaults.FUNNEL_STAGES[1]), None)
purchase_step = next(
    (s for s in reversed(named) if s in defaults.FUNNEL_STAGES[4]), named[-1] if named else None
)
carts = (
    journey.cart_abandonment(
        events,
        by=breakdowns,
        count=count,
        min_n=min_n,
        cart_event=cart_step,
        purchase_event=purchase_step,
        checkout_steps=named[named.index(cart_step) : named.index(purchase_step)],
        window=(window or None)
        if count == "customers"
        else None,  # a customer's cart: bought within the window
    )
    if cart_step and purchase_step in named and named.index(cart_step) < named.index(purchase_step)
    else None
)
why_no_carts = (
    None
    if carts is not None
    else "Cart abandonment is left out: the funnel has no cart step before a purchase."
)
why_no_credit = (
    "Attribution is skipped (attribution_channel is empty)."
    if not attribution_channel
    else defaults.absent(events, [attribution_channel], table_name="events", purpose="attribution")
)
currency = defaults.shop_currency(shop.orders, currency).value
credit = (
    journey.attribution(events, "all", channel=attribution_channel, lookback=lookback, currency=currency)
    if why_no_credit is None
    else None
)

# %%
# Report header and key findings
display(
    viz.report_header(
        period=(start or span["first"].iloc[0], end or span["last"].iloc[0]),
        shop=shop,
        tables=tables_read("02_journey_mapping"),
    )
)
findings = flow.summary()[:2] + (carts.summary()[:2] if carts is not None else [])
if credit is not None:
    findings += [s for s in credit.summary() if s.startswith(("Last touch", "Markov"))]
viz.key_findings(findings + notes)

# %%
# Headline numbers for the index (and the cards above the sections)
from cxlib.reports.report_headlines import journey_headlines

journey_headlines(flow, carts)

# %% [markdown]
# ## The funnel
#
# How many sessions (or customers) reach each step. Each unit's first attempt counts: the
# window runs from its first step-1 event, and a later step may happen at the same moment as
# the previous one. *Strict* order allows other events between steps, *direct* order does
# not, *any* order accepts the steps in any sequence inside the window.

# %%
# Chart the funnel and list its steps
flow.show()

# %% [markdown]
# ### How long it takes
#
# Time from the first step to each later step, among those who got there: the bar is the
# median, the whiskers the middle half (quartiles).

# %%
# Chart the time to convert
if flow.table.loc[flow.table["step"] > 1, "entrants"].fillna(0).sum() > 0:
    flow.time_figure().show()
viz.note(" ".join(flow.time_summary()))

# %% [markdown]
# ### What they did instead
#
# For units that stopped after a step: the first event that followed it (any event), or no
# event at all.

# %%
# List what drop-outs did next
if flow.next_events.empty:
    display(viz.note("Every unit that started the funnel finished it."))
else:
    flow.dropouts().show(figure=False)

# %% [markdown]
# ### The funnel by segment
#
# The same funnel split by the `segment` column (the segment of each unit's first step).
# Segments smaller than `min_n` are not shown.

# %%
# Compare the funnel across segments
if by_segment is None:
    display(viz.note(chosen_segment.note or "No segment split (the segment parameter is empty)."))
else:
    by_segment.figure().show()
    if by_segment.segment_summary():
        display(viz.note(" ".join(by_segment.segment_summary())))

# %% [markdown]
# ## Paths
#
# The most common sequences of events (runs of the same event merged), first those that end in
# the last funnel step, then how journeys start, drawn as a Sankey diagram of the first steps
# (rare events grouped as “other”).

# %%
# Show the top paths to the last funnel step and the Sankey of first steps
if to_purchase is not None and not to_purchase.table.empty:
    to_purchase.show(figure=False)
first_steps.show(table=False)

# %% [markdown]
# ## Cart abandonment
#
# Carts (units with an add-to-cart) that end without a purchase, with 95% Wilson intervals,
# by device, channel and both. Below: how far abandoned carts got in the checkout.

# %%
# Chart cart abandonment by segment and checkout step
if carts is None:
    display(viz.note(why_no_carts))
else:
    carts.show()
    carts.steps_figure().show()
    if not carts.last_events.empty:
        display(viz.note(" ".join(carts.last_event_summary())))

# %% [markdown]
# ## Which channels deserve credit
#
# Each purchase's path is the marketing touchpoints (one per session and channel) in the
# `lookback` window before it. Heuristic models share the credit by position (first, last,
# equal, 40/20/40, time decay with a 7-day half-life); the Markov model credits each channel by
# its removal effect: how much the chance of converting drops when the channel is taken out
# of the journey graph, computed exactly.

# %%
# Chart attribution across models and list the removal effects
if credit is None:
    display(viz.note(why_no_credit))
else:
    credit.show()

# %% [markdown]
# ## Appendix: matrices and detailed tables
#
# For analysts: the transition and position matrices behind the paths above, and the paths
# the attribution models were fitted on.

# %% [markdown]
# ### Which event comes next
#
# The transition matrix: each row is an event, each cell the share of times it is directly
# followed by the column's event (or by the end of the journey).

# %%
# Chart the transition matrix
moves.show(table=False)

# %% [markdown]
# ### What happens at each position
#
# Share of units whose k-th event is each event; “(ended)” counts the journeys that were over.

# %%
# Chart the step matrix
positions.show(table=False)

# %% [markdown]
# ### Converting paths
#
# The most common paths of marketing touchpoints before a purchase, as the attribution models
# read them.

# %%
# List the most common converting paths
if credit is None:
    display(viz.note(why_no_credit))
else:
    display(
        viz.format_table(
            credit.paths.head(10),
            max_rows=None,
            caption="Most common converting paths",
            labels={
                "path": "Path",
                "conversions": "Conversions",
                "value": f"Value ({currency})",
                "nulls": "Journeys without purchase",
            },
        )
    )
