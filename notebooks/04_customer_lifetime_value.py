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
# # Customer lifetime value
#
# **Question:** what is each customer worth over the coming months, who is still active, and
# how good is the forecast? Purchase models (BG/NBD and Pareto/NBD) and a spend model
# (Gamma-Gamma) are fitted to the order history; the better purchase model in a holdout test
# values every customer.

# %% tags=["parameters"]
data: str = "data/sample"  # folder or file with the shop tables; a relative path starts at the working directory (`cxlab sample` writes data/sample), then the cxlab checkout
engine: str = "duckdb"  # one of: duckdb, spark; spark also reads Parquet folders, URLs or tables
unit: str = "W"  # one of: W, D; time unit of the models (weeks or days)
holdout_weeks: str = "auto"  # one of: auto; range: 0..; weeks kept back to test the forecast; auto: a quarter of the span, leaving 12+ weeks to fit; 0: no test
horizon_months: int = 12  # range: 1..; months of future value to predict
discount_rate: float = 0.01  # range: 0..1; monthly discount rate (0.008 is about 10 % a year)
margin: float = 1.0  # range: 0..1; share of revenue that is profit (1 means value in revenue)
segment: str = "auto"  # orders column (value on the first order); auto: first of channel, device, country, source with 2+ groups of min_n; empty: none
top_segments: int = 8  # range: 1..; segments shown by size, the others together as other
min_n: int = 30  # range: 1..; segments with fewer customers are not shown
currency: str = "EUR"  # label for money amounts; a currency column in the orders wins
timezone: str = ""  # IANA time zone of timestamps written without one; empty means reject them

# %%
# Load the orders, summarise each customer and fit the models
import pandas as pd
from IPython.display import display

import cxlib
from cxlib import defaults, ltv, viz
from cxlib.ltv import checks
from cxlib.reports import resolve_data
from cxlib.skipping import require_tables

viz.apply_theme()  # the cxlab look for every chart in this notebook

shop = cxlib.open_shop(resolve_data(data, engine), engine=engine, on_error="drop", timezone=timezone or None)
require_tables(shop, ["orders"], what="Customer lifetime value")
chosen_currency = defaults.shop_currency(shop.orders, currency)
currency = chosen_currency.value
chosen_segment = defaults.resolve_segment(shop.orders, segment, table_name="orders", min_n=min_n)
segment = chosen_segment.value
lumped = defaults.lump_segment(shop.orders, segment, top=top_segments)
orders = lumped.value
notes = [c.note for c in (chosen_currency, chosen_segment, lumped) if c.note]
by = [segment] if segment else None
rfm = ltv.rfm_summary(orders, unit, by=by)
first_purchase, observation_end = rfm.table["first_purchase"].min(), rfm.observation_end
why_not = checks.modelling_blocker(rfm)  # None when there are enough repeat buyers to model
holdout = defaults.auto_holdout_weeks(first_purchase, observation_end, holdout_weeks)
comparison = cumulative = verdict = None
chosen_model = "BG/NBD"
if why_not is None and holdout.value > 0:
    calibration_end = observation_end - pd.Timedelta(weeks=holdout.value)
    rfm_cal = ltv.rfm_summary(orders, unit, calibration_end, observation_end, by=by)
    too_few = checks.modelling_blocker(rfm_cal)
    if too_few is not None:
        holdout = defaults.Choice(
            0, f"No holdout test: before the last {holdout.value} weeks, {too_few[0].lower()}{too_few[1:]}"
        )
    else:
        calibrated = [ltv.fit_bgnbd(rfm_cal), ltv.fit_pareto_nbd(rfm_cal)]
        comparison = ltv.compare_models(rfm_cal, calibrated)
        usable = [m.NAME for m in calibrated if not checks.fit_problems(m)]
        judged = comparison.verdict(usable)  # a winner only beyond 2 % holdout error; a tie says so
        verdict, chosen_model = judged.sentence, judged.used or "BG/NBD"
        best = calibrated[[m.NAME for m in calibrated].index(chosen_model)]
        cumulative = ltv.repeat_transactions_over_time(best, orders, calibration_end, observation_end)
purchases = spend = value = experience = None
problems: list[str] = []
why_no_experience = None
warnings_found: list[str] = []
if why_not is None:
    fit = ltv.fit_pareto_nbd if chosen_model == "Pareto/NBD" else ltv.fit_bgnbd
    purchases = fit(rfm)
    spend = ltv.fit_gamma_gamma(rfm)
    problems = checks.fit_problems(purchases) + checks.fit_problems(spend)
    value = ltv.clv(
        purchases,
        spend,
        rfm,
        horizon_months=horizon_months,
        discount_rate=discount_rate,
        margin=margin,
        currency=currency,
    )
    segments = ltv.rfm_segments(rfm, clv=value, min_n=min_n)
    warnings_found = checks.sanity_warnings(value, segments)
    why_no_experience = defaults.absent(
        shop.surveys, ["customer_id"], table_name="surveys", purpose="value by NPS group"
    )
    experience = (
        ltv.clv_by_nps(value, shop.surveys, min_n=min_n, currency=currency)
        if why_no_experience is None
        else None
    )
else:
    segments = ltv.rfm_segments(rfm, min_n=min_n)
trusted = value is not None and not problems  # a fit that did not work never makes a headline

# %%
# Report header and key findings
display(viz.report_header(period=(first_purchase, observation_end), shop=shop))
findings = [why_not] if why_not else (value.summary() if trusted else problems[:2])
if verdict is not None:
    findings.append(verdict)
findings += segments.summary()[1:] if trusted else segments.summary()[:1]
if experience is not None and trusted:
    findings += experience.summary()
viz.key_findings(findings)

# %%
# What the report chose from the data, and warnings
for sentence in notes + ([holdout.note] if holdout.note and why_not is None else []):
    display(viz.note(sentence))
if problems or warnings_found:
    display(viz.key_findings(problems + warnings_found, title="Warnings: read these figures with care"))

# %%
# Headline numbers for the index (and the cards above the sections)
from cxlib.reports import headline, headlines
from cxlib.reports.report_headlines import clv_headlines

if trusted:  # a fit that did not work never makes a headline
    display(clv_headlines(value))
else:
    display(headlines(headline("CLV", "not estimated", verdict="needs attention", note="see the warnings")))

# %% [markdown]
# ## Customers and their purchases
#
# Orders on the same day count as one purchase. *Repeat purchases* are purchase days after a
# customer's first; the models learn from how many there were and how recent the last one is.

# %%
# Chart the customers by number of repeat purchases
rfm.figure().show()
viz.note(" ".join(rfm.summary()))

# %% [markdown]
# ## How good is the forecast?
#
# Both purchase models are fitted on the data before the holdout period and predict each
# customer's purchases in it. The chart compares the mean prediction with what customers
# actually did, by how often they had bought before; the table adds the fit (log-likelihood,
# AIC) and the error per customer.

# %%
# Compare the models on the holdout period
if comparison is None:
    display(viz.note(why_not or holdout.note or "The holdout test is switched off."))
else:
    comparison.figure().show()
    display(
        viz.format_table(
            comparison.table,
            decimals={
                "loglik": 1,
                "aic": 1,
                "bic": 1,
                "holdout_mae": 3,
                "holdout_rmse": 3,
                "predicted_total": 0,
                "actual_total": 0,
            },
            labels={
                "model": "Model",
                "parameters": "Parameters",
                "loglik": "Log-likelihood",
                "aic": "AIC",
                "bic": "BIC",
                "holdout_mae": "MAE per customer",
                "holdout_rmse": "RMSE per customer",
                "predicted_total": "Predicted purchases",
                "actual_total": "Actual purchases",
            },
        )
    )
    display(viz.note(" ".join([verdict, *comparison.validation(chosen_model).summary()])))

# %% [markdown]
# ### Repeat purchases over time
#
# Cumulative repeat purchases of the customers acquired before the holdout, week by week: what
# they did and what the better model expected, through the calibration period and the holdout.

# %%
# Chart cumulative repeat purchases, actual and expected
if cumulative is not None:
    cumulative.figure().show()
    display(viz.note(cumulative.summary()[0]))

# %% [markdown]
# ## Who is still active?
#
# The probability that a customer is still active, by number of repeat purchases (rows) and
# the customer's age at her last purchase (columns), for customers as old as the oldest. A
# frequent buyer who has not bought for a long time has probably left; rarely buying customers
# are not yet suspicious after the same silence.

# %%
# Chart P(alive) and expected purchases over frequency and recency
if purchases is None:
    display(viz.note(why_not))
else:
    purchases.figure("p_alive").show()
    purchases.figure(
        "expected_purchases", horizon=horizon_months * 365.25 / 12 / (7 if unit == "W" else 1)
    ).show()
    likely_gone = (value.table["p_alive"] < 0.3).mean()
    display(
        viz.note(
            f"{likely_gone:.0%} of customers have a probability below 30% of still being active; "
            f"they are expected to make {value.table.loc[value.table['p_alive'] < 0.3, 'expected_purchases'].sum():,.0f} "
            f"of the {value.table['expected_purchases'].sum():,.0f} purchases of the next {horizon_months} months."
        )
    )

# %% [markdown]
# ### The fitted models
#
# Parameters with standard errors and 95 % intervals. Purchase model: purchase rates vary
# across customers as Gamma(r, α) and dropout as Beta(a, b) (BG/NBD) or Gamma(s, β)
# (Pareto/NBD); spend model: the mean spend per purchase varies as in Gamma-Gamma (p, q, v).

# %%
# Show the parameters of the purchase and spend models
if value is None:
    display(viz.note(why_not))
else:
    for model in (purchases, spend):
        display(
            viz.format_table(
                model.table,
                caption=model.NAME,
                decimals=3,
                labels={
                    "parameter": "Parameter",
                    "estimate": "Estimate",
                    "se": "Standard error",
                    "ci_low": "95% CI from",
                    "ci_high": "to",
                },
            )
        )
    display(viz.note(" ".join(purchases.summary() + spend.summary() + problems)))

# %% [markdown]
# ## What are customers worth?
#
# Predicted value of the next months per customer: expected purchases × expected spend per
# purchase × margin, discounted monthly. Intervals reflect how well the models' parameters are
# known, not how much one customer's future can vary.

# %%
# Chart the CLV distribution and its concentration
if value is None:
    display(viz.note(why_not))
else:
    value.figure().show()
    display(
        viz.format_table(
            value.concentration(),
            percent_cols=["share_of_value", "cumulative_share"],
            decimals={"clv_total": 0},
            labels={
                "group": "Decile (1 = most valuable)",
                "customers": "Customers",
                "clv_total": f"CLV ({currency})",
                "share_of_value": "Share of value",
                "cumulative_share": "Cumulative share",
            },
        )
    )
    display(viz.note(value.summary()[1]))

# %% [markdown]
# ## Value by segment and cohort
#
# Total predicted value by the segment of each customer's first order and by the month of
# the first purchase (cohort), with 95 % intervals. Segments with fewer than `min_n` customers
# are not shown.

# %%
# Chart value by segment and by cohort
if value is None:
    display(viz.note(why_not))
else:
    labels = {
        "segment": "Segment",
        "customers": "Customers",
        "clv_total": f"CLV ({currency})",
        "clv_total_ci_low": "95% CI from",
        "clv_total_ci_high": "to",
        "clv_mean": "CLV per customer",
        "share_of_value": "Share of value",
        "p_alive_mean": "Mean P(alive)",
        "expected_purchases": "Expected purchases",
    }
    if not segment:
        display(viz.note(chosen_segment.note or "No segment split (the segment parameter is empty)."))
    elif value.by(segment, min_n=min_n)["suppressed"].all():
        display(viz.note(f"Every {segment} has fewer than {min_n} customers, so none is shown."))
    else:
        value.segment_figure(segment, min_n=min_n).show()
        by_segment = value.by(segment, min_n=min_n)
        display(
            viz.format_table(
                by_segment.drop(columns="suppressed"),
                percent_cols=["share_of_value", "p_alive_mean"],
                decimals={
                    "clv_total": 0,
                    "clv_total_ci_low": 0,
                    "clv_total_ci_high": 0,
                    "expected_purchases": 0,
                    "clv_mean": 2,
                },
                labels=labels,
            )
        )
        top = by_segment[~by_segment["suppressed"]].iloc[0]
        display(
            viz.note(
                f"{top['segment']} customers hold {top['share_of_value']:.0%} of the predicted value, "
                f"{top['clv_mean']:,.2f} {currency} per customer."
            )
        )
    cohorts = value.by("cohort", min_n=min_n).sort_values("segment")
    cohorts = cohorts[~cohorts["suppressed"]]
    if len(cohorts) < 2:
        display(
            viz.note(f"Fewer than two monthly cohorts have {min_n} or more customers, so none is compared.")
        )
    else:
        viz.bar(
            cohorts,
            "segment",
            "clv_mean",
            title="Mean predicted CLV by month of first purchase",
            labels={"segment": "Cohort", "clv_mean": f"CLV per customer ({currency})"},
        ).show()
        high, low = cohorts.loc[cohorts["clv_mean"].idxmax()], cohorts.loc[cohorts["clv_mean"].idxmin()]
        half = len(cohorts) // 2
        trend = ""
        if half and cohorts["clv_mean"].iloc[half:].mean() > cohorts["clv_mean"].iloc[:half].mean():
            trend = " The newer half of the cohorts is worth more per customer: fewer of their customers have left yet."
        display(
            viz.note(
                f"Customers first buying in {high['segment']} are worth most ({high['clv_mean']:,.2f} {currency} "
                f"each), those of {low['segment']} least ({low['clv_mean']:,.2f} {currency}).{trend}"
            )
        )

# %% [markdown]
# ## RFM segments
#
# Customers scored on recency (R) and frequency (F) and placed on the usual R × F grid:
# champions bought recently and often, hibernating customers neither. The predicted value shows
# which segments matter most.

# %%
# Chart and list the RFM segments
shown_columns = set(segments.table.columns)
segments.figure().show()
display(
    viz.format_table(
        segments.table.drop(columns="suppressed"),
        percent_cols=[c for c in ("share_of_customers", "share_of_value") if c in shown_columns],
        decimals={
            "revenue": 0,
            "clv_total": 0,
            "clv_mean": 2,
            "mean_days_since_last": 0,
            "mean_purchases": 2,
        },
        labels={
            "segment": "Segment",
            "customers": "Customers",
            "share_of_customers": "Share of customers",
            "mean_purchases": "Purchases per customer",
            "mean_days_since_last": "Days since last purchase",
            "revenue": f"Revenue so far ({currency})",
            "clv_total": f"Predicted CLV ({currency})",
            "clv_mean": "CLV per customer",
            "share_of_value": "Share of value",
        },
    )
)
viz.note(" ".join(segments.summary()))

# %% [markdown]
# ## Value and experience
#
# Mean predicted value of customers by their latest NPS answer (promoters 9–10, passives 7–8,
# detractors 0–6) and of customers who never answered. This is an association: unhappy
# customers may also be the ones who would buy less anyway.

# %%
# Chart predicted value by NPS group
if experience is None:
    display(viz.note(why_not or why_no_experience))
elif not trusted:
    display(viz.note("Not shown: the purchase or spend model did not work (see the warnings above)."))
else:
    experience.figure().show()
    display(viz.note(" ".join(experience.summary())))
