"""The sample shop carries every planted truth, deterministically.

Statistical checks run on the committed sample (``data/sample``, seed 42, 20,000
customers; generated in memory if the files are absent) and compare with the closed forms
or planted parameters in :data:`cxlib.sample.TRUTH`. Tolerances are a stated number of
standard errors (``K_SE``), computed from the data; with fixed seeds the tests are
deterministic, and a correct generator would fail one of them only with a probability of
about 1e-4 per check if the seed were changed.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from scipy import stats

from cxlib.sample.generate import (
    SCHEMAS,
    TABLE_NAMES,
    TRUTH,
    generate_arrow_tables,
    generate_sample,
    generate_tables,
)
from cxlib.sample.truth import (
    bgnbd_expected_repeats,
    bgnbd_p_no_repeat,
    expected_clipped_score,
    nps_latent_mean,
    score_probabilities,
)

K_SE = 4.0  # tolerance in standard errors (two-sided p ≈ 6e-5 per check)
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"
SPAN_START = pd.Timestamp(TRUTH.span.start)
SPAN_END = pd.Timestamp(TRUTH.span.end)
WEEK = pd.Timedelta(weeks=1)
ALL_FILES = (*TABLE_NAMES, "truth_feedback_aspects")


@pytest.fixture(scope="module")
def shop() -> dict[str, pd.DataFrame]:
    """The committed sample (or the same data generated in memory)."""
    if all((SAMPLE_DIR / f"{name}.parquet").exists() for name in ALL_FILES):
        return {name: pq.read_table(SAMPLE_DIR / f"{name}.parquet").to_pandas() for name in ALL_FILES}
    return generate_tables(seed=42)


@pytest.fixture(scope="module")
def small() -> dict[str, pd.DataFrame]:
    return generate_tables(seed=11, n_customers=3000)


def _within(observed: float, expected: float, se: float, what: str, k: float = K_SE) -> None:
    assert abs(observed - expected) <= k * se, (
        f"{what}: observed {observed:.4g}, expected {expected:.4g}, |diff| > {k}·SE = {k * se:.3g}"
    )


def _sessions(events: pd.DataFrame) -> pd.DataFrame:
    """One row per session: has cart / purchase, channel, device, source."""
    flags = events.assign(
        cart=events["event"].eq("add_to_cart"),
        buy=events["event"].eq("purchase"),
        shop=events["event"].isin(["product_view", "search", "add_to_cart"]),
    )
    return flags.groupby("session_id", sort=True).agg(
        cart=("cart", "max"),
        buy=("buy", "max"),
        shop=("shop", "max"),
        channel=("channel", "first"),
        device=("device", "first"),
        source=("source", "first"),
    )


# ---------------------------------------------------------------------------------------------
# Structure, schema, time span
# ---------------------------------------------------------------------------------------------


def test_tables_and_columns(small):
    assert set(small) == set(ALL_FILES)
    for name, frame in small.items():
        assert list(frame.columns) == SCHEMAS[name].names, name


def test_committed_files_have_fixed_schema_and_fit_budget():
    if not (SAMPLE_DIR / "events.parquet").exists():
        pytest.skip("data/sample not generated")
    total = 0
    for name in ALL_FILES:
        path = SAMPLE_DIR / f"{name}.parquet"
        schema = pq.read_schema(path)
        assert schema.remove_metadata().equals(SCHEMAS[name]), name
        assert b"pandas" not in (schema.metadata or {}), name
        if name in TABLE_NAMES:
            total += path.stat().st_size
    assert total <= 15 * 2**20
    assert pq.ParquetFile(SAMPLE_DIR / "events.parquet").metadata.num_rows <= 1_200_000


def test_ids_are_unique_strings(shop):
    for name, key in (("orders", "order_id"), ("surveys", "response_id"), ("feedback", "feedback_id")):
        ids = shop[name][key]
        assert ids.is_unique, name
        assert ids.str.match(r"^[ORF]\d{6,}$").all(), name
    assert shop["experiments"][["experiment", "unit_id"]].duplicated().sum() == 0
    assert shop["orders"]["customer_id"].str.match(r"^C\d{5,}$").all()
    assert shop["events"]["session_id"].str.match(r"^S\d{7,}$").all()


def test_timestamps_in_span_and_not_in_future(shop):
    now = pd.Timestamp.now(tz="UTC")
    for name, col in (
        ("events", "ts"),
        ("orders", "ts"),
        ("surveys", "ts"),
        ("feedback", "ts"),
        ("experiments", "exposed_ts"),
    ):
        ts = shop[name][col]
        assert str(ts.dtype) == "datetime64[us, UTC]", name
        assert ts.notna().all(), name
        assert ts.min() >= SPAN_START and ts.max() <= SPAN_END, name
        assert ts.max() <= now, name


def test_value_ranges(shop):
    o = shop["orders"]
    assert (o["revenue"] > 0).all() and (o["discount"] >= 0).all() and (o["items"] >= 1).all()
    assert set(o["channel"]) == {"web", "app", "marketplace", "store"}
    store = o["channel"].eq("store")
    assert o.loc[store, "device"].eq("store").all() and o.loc[store, "delivery_days"].isna().all()
    assert o.loc[~store, "device"].isin(["desktop", "mobile"]).all()
    assert o.loc[o["channel"].eq("app"), "device"].eq("mobile").all()
    assert (o.loc[~store, "delivery_days"] >= 1).all()
    s = shop["surveys"]
    for metric, (low, high) in {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}.items():
        scores = s.loc[s["metric"].eq(metric), "score"]
        assert scores.between(low, high).all() and scores.max() == high, metric
        assert scores.nunique() >= high - low, metric  # (a latent-normal NPS rarely gives 0)
    assert s["resolved"].notna().eq(s["metric"].eq("csat")).all()
    x = shop["experiments"]
    assert (x["revenue"] >= 0).all() and (x["pre_revenue"] >= 0).all()
    assert (x["revenue"] > 0).eq(x["converted"]).all() and (x["orders"] > 0).eq(x["converted"]).all()
    assert shop["feedback"]["rating"].between(1, 5).all()


# ---------------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["shop", "small"])
def test_purchase_events_match_orders_one_to_one(which, request):
    t = request.getfixturevalue(which)
    ev, orders = t["events"], t["orders"]
    purchases = ev[ev["event"].eq("purchase")]
    assert purchases["order_id"].is_unique and len(purchases) == len(orders)
    other = ev[~ev["event"].eq("purchase")]
    assert other["order_id"].isna().all() and other["revenue"].isna().all()
    merged = orders.merge(purchases, on="order_id", suffixes=("", "_ev"), validate="one_to_one")
    assert len(merged) == len(orders)
    for col in ("customer_id", "ts", "revenue", "channel", "device"):
        assert (merged[col] == merged[f"{col}_ev"]).all(), col


def test_event_vocabulary_and_session_order(small):
    ev = small["events"]
    assert set(ev["event"]) == {
        "session_start",
        "product_view",
        "search",
        "add_to_cart",
        "checkout_start",
        "payment",
        "purchase",
        "return_request",
        "support_contact",
    }
    first = ev.sort_values(["session_id", "ts"]).groupby("session_id")["event"].first()
    assert first.eq("session_start").all()
    store = ev["channel"].eq("store")
    assert ev.loc[store, "source"].isna().all()
    assert set(ev.loc[~store, "source"]) == set(TRUTH.events.source_share)


def test_cart_abandonment_rates(shop):
    sess = _sessions(shop["events"])
    carts = sess[sess["cart"]]
    planted = TRUTH.events.cart_abandonment
    by_seg = carts.groupby(["channel", "device"])["buy"].agg(["size", "sum"])
    # Per segment: abandonment = K/(K + 1) with K ~ Poisson(A/(1 − A)) per purchase.
    for (channel, device), row in by_seg.iterrows():
        a = planted[f"{channel}/{device}"]
        rate = 1 - row["sum"] / row["size"]
        se = np.sqrt(a * (1 - a) / row["size"])
        _within(rate, a, se, f"abandonment {channel}/{device}")
    # Overall ≈ 70 %, expected from the planted odds and the observed purchase mix.
    buys = by_seg["sum"]
    odds = np.array([planted[f"{c}/{d}"] / (1 - planted[f"{c}/{d}"]) for c, d in by_seg.index])
    expected = float((buys * odds).sum() / (buys * (1 + odds)).sum())
    overall = 1 - carts["buy"].mean()
    _within(overall, expected, np.sqrt(expected * (1 - expected) / len(carts)), "abandonment overall")
    assert 0.66 < overall < 0.74
    dev = 1 - carts.groupby("device")["buy"].mean()
    ch = 1 - carts.groupby("channel")["buy"].mean()
    assert dev["mobile"] > dev["desktop"] + 0.05
    assert ch["web"] > ch["marketplace"] > ch["app"]


def test_session_conversion_by_source(shop):
    sess = _sessions(shop["events"])
    online = sess[sess["channel"].ne("store")]
    conv = online.groupby("source")["buy"].agg(["mean", "size"])
    for source, row in conv.iterrows():
        c = TRUTH.events.source_conversion[source]
        _within(row["mean"], c, np.sqrt(c * (1 - c) / row["size"]), f"conversion {source}")
    share = online["source"].value_counts(normalize=True)
    for source, pi in TRUTH.events.source_share.items():
        _within(share[source], pi, np.sqrt(pi * (1 - pi) / len(online)), f"share {source}")
    c = TRUTH.events.session_conversion
    _within(online["buy"].mean(), c, np.sqrt(c * (1 - c) / len(online)), "session conversion")


# ---------------------------------------------------------------------------------------------
# Orders: BG/NBD, Gamma-Gamma, channels
# ---------------------------------------------------------------------------------------------


def _customer_summary(orders: pd.DataFrame) -> pd.DataFrame:
    o = orders.sort_values(["customer_id", "ts", "order_id"])
    first = o.groupby("customer_id").first()
    summary = pd.DataFrame(
        {
            "x": o.groupby("customer_id").size() - 1,
            "T": (SPAN_END - first["ts"]) / WEEK,
            "channel": first["channel"],
            "first_value": first["revenue"],
        }
    )
    return summary


@pytest.mark.parametrize("which", ["shop", "small"])
def test_bgnbd_repeat_share_and_mean_repeats(which, request):
    orders = request.getfixturevalue(which)["orders"]
    cs = _customer_summary(orders)
    o = TRUTH.orders
    p0 = bgnbd_p_no_repeat(cs["T"].to_numpy(), o.bgnbd_r, o.bgnbd_alpha)
    share = float((cs["x"] > 0).mean())
    expected = float(1 - p0.mean())
    _within(share, expected, np.sqrt((p0 * (1 - p0)).sum()) / len(cs), "repeat share")
    if which == "shop":
        # Repeat purchase rate (customers with ≥ 2 orders / customers) is realistic.
        assert 0.28 < share < 0.40
        aov = orders["revenue"].mean()
        assert 50 < aov < 80
    for channel, (a, b) in o.bgnbd_ab.items():
        g = cs[cs["channel"].eq(channel)]
        ex = bgnbd_expected_repeats(g["T"].to_numpy(), o.bgnbd_r, o.bgnbd_alpha, a, b)
        resid = g["x"].to_numpy() - ex
        _within(g["x"].mean(), ex.mean(), resid.std(ddof=1) / np.sqrt(len(g)), f"E[X(T)] {channel}")


def test_retention_differs_by_acquisition_channel(shop):
    cs = _customer_summary(shop["orders"])
    o = TRUTH.orders
    # Expected repeat purchases per customer, standardised to each channel's own T.
    stats_ = {}
    for channel, (a, b) in o.bgnbd_ab.items():
        g = cs[cs["channel"].eq(channel)]
        stats_[channel] = (
            g["x"].mean(),
            g["x"].std(ddof=1) / np.sqrt(len(g)),
            bgnbd_expected_repeats(g["T"].to_numpy(), o.bgnbd_r, o.bgnbd_alpha, a, b).mean(),
        )
    for other in ("web", "app"):
        diff = stats_[other][0] - stats_["marketplace"][0]
        se = np.hypot(stats_[other][1], stats_["marketplace"][1])
        assert diff > 3 * se, f"{other} vs marketplace: {diff:.3f} (se {se:.3f})"
        assert stats_[other][2] > stats_["marketplace"][2]
    # Among repeaters, marketplace customers more often stop after their first repeat.
    rep = cs[cs["x"] >= 1]
    more = rep.groupby("channel")["x"].apply(lambda x: (x >= 2).mean())
    n = rep.groupby("channel").size()
    se = np.sqrt(more * (1 - more) / n)
    assert more["app"] - more["marketplace"] > 3 * np.hypot(se["app"], se["marketplace"])


def test_gamma_gamma_mean_spend(shop):
    cs = _customer_summary(shop["orders"])
    o = TRUTH.orders
    # First orders are one independent draw per customer: E[z] = p·v/(q − 1).
    z = cs["first_value"].to_numpy()
    _within(z.mean(), TRUTH.gamma_gamma_mean, z.std(ddof=1) / np.sqrt(len(z)), "Gamma-Gamma mean")
    # Var(z) = E[p/ν²] + Var(p/ν) with E[1/ν] = v/(q−1), E[1/ν²] = v²/((q−1)(q−2)).
    e1, e2 = o.gg_v / (o.gg_q - 1), o.gg_v**2 / ((o.gg_q - 1) * (o.gg_q - 2))
    var = o.gg_p * e2 + o.gg_p**2 * e2 - (o.gg_p * e1) ** 2
    assert 0.8 < z.var(ddof=1) / var < 1.25
    # Spend is independent of frequency (a Gamma-Gamma assumption).
    rho = stats.spearmanr(cs["x"], cs["first_value"]).statistic
    assert abs(rho) < K_SE / np.sqrt(len(cs))


def test_order_attributes(shop):
    o = shop["orders"]
    late_share = TRUTH.orders.delivery_late_share
    online = o[o["channel"].ne("store")]
    base = online["country"].map(TRUTH.orders.delivery_base_days)
    extra = online["delivery_days"] - base
    assert (extra >= 0).all()
    on_time_mean = TRUTH.orders.delivery_on_time_mean
    expected_extra = (1 - late_share) * on_time_mean + late_share * (1 + TRUTH.orders.delivery_late_mean)
    _within(extra.mean(), expected_extra, extra.std() / np.sqrt(len(extra)), "extra delivery days")
    # Returns, away from the censored end of the span.
    closed = o[o["ts"] < SPAN_END - pd.Timedelta(days=40)]
    for channel, rate in TRUTH.orders.return_rate.items():
        r = closed.loc[closed["channel"].eq(channel), "returned"]
        _within(r.mean(), rate, np.sqrt(rate * (1 - rate) / len(r)), f"return rate {channel}")
    allowed = set(TRUTH.customers.country_mix)
    assert set(o["country"]) == allowed
    assert o.groupby("customer_id")["country"].nunique().eq(1).all()
    store_countries = set(o.loc[o["channel"].eq("store"), "country"])
    assert store_countries == set(TRUTH.customers.store_countries)


# ---------------------------------------------------------------------------------------------
# Surveys
# ---------------------------------------------------------------------------------------------


def _survey_orders(shop, metric):
    s = shop["surveys"]
    s = s[s["metric"].eq(metric)]
    return s.merge(
        shop["orders"][["order_id", "delivery_days", "returned", "device"]],
        on="order_id",
        validate="many_to_one",
    )


def test_nps_drivers_recovered_by_ols(shop):
    d = _survey_orders(shop, "nps")
    d = d[d["channel"].ne("store")]
    sv = TRUTH.surveys
    X = np.column_stack(
        [
            np.ones(len(d)),
            d["delivery_days"],
            d["returned"].astype(float),
            d["channel"].eq("app").astype(float),
            d["channel"].eq("marketplace").astype(float),
        ]
    )
    y = d["score"].to_numpy(float)
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    xtx_inv = np.linalg.inv(X.T @ X)
    se = np.sqrt(np.diag(xtx_inv @ (X.T * resid**2) @ X @ xtx_inv))  # HC0
    # What OLS estimates on the observed 0–10 scale: regress E[score | x] on x.
    mu = nps_latent_mean(d["delivery_days"], d["returned"], d["channel"])
    target, *_ = np.linalg.lstsq(X, expected_clipped_score(mu, sv.nps_sigma, 0, 10), rcond=None)
    latent = np.array(
        [
            sv.nps_intercept,
            sv.nps_delivery_day,
            sv.nps_returned,
            sv.nps_channel["app"],
            sv.nps_channel["marketplace"],
        ]
    )
    names = ["intercept", "delivery_days", "returned", "app", "marketplace"]
    for j, name in enumerate(names):
        _within(beta[j], target[j], se[j], f"NPS OLS {name}")
        if j:  # the ceiling at 10 attenuates latent effects a little
            assert 0.75 < target[j] / latent[j] <= 1.0, name
    assert len(d) > 3000
    # Observed NPS per segment ≈ the planted model.
    probs = score_probabilities(mu, sv.nps_sigma, 0, 10)
    exp_nps = 100 * (probs[:, 9:].sum(1) - probs[:, :7].sum(1))
    obs = 100 * (np.where(y >= 9, 1, 0) - np.where(y <= 6, 1, 0))
    for returned in (False, True):
        g = d["returned"].to_numpy() == returned
        pp, pd_ = (y[g] >= 9).mean(), (y[g] <= 6).mean()
        se_nps = 100 * np.sqrt((pp + pd_ - (pp - pd_) ** 2) / g.sum())
        _within(obs[g].mean(), exp_nps[g].mean(), se_nps, f"NPS returned={returned}")


def test_csat_by_resolution(shop):
    d = _survey_orders(shop, "csat")
    sv = TRUTH.surveys
    ch = d["channel"].map(sv.csat_channel).to_numpy()
    mu = (
        sv.csat_intercept
        + sv.csat_resolved * d["resolved"].astype(float).to_numpy()
        + sv.csat_returned * d["returned"].to_numpy(float)
        + ch
    )
    p_top2 = score_probabilities(mu, sv.csat_sigma, 1, 5)[:, 3:].sum(1)
    top2 = d["score"].to_numpy() >= 4
    resolved = d["resolved"].astype(bool).to_numpy()
    for flag in (True, False):
        g = resolved == flag
        p = p_top2[g].mean()
        _within(top2[g].mean(), p, np.sqrt(p * (1 - p) / g.sum()), f"CSAT top-2 resolved={flag}")
    assert top2[resolved].mean() - top2[~resolved].mean() > 0.3
    rate = d.groupby("channel")["resolved"].mean()
    assert rate["marketplace"] < rate["web"] < rate["app"]


def test_ces_by_touchpoint_and_device(shop):
    d = _survey_orders(shop, "ces")
    sv = TRUTH.surveys
    chk = d[d["touchpoint"].eq("checkout")]
    mu = (
        sv.ces_checkout_intercept
        + sv.ces_checkout_mobile * chk["device"].eq("mobile").to_numpy()
        + chk["channel"].map(sv.ces_checkout_channel).to_numpy()
    )
    expected = expected_clipped_score(mu, sv.ces_sigma, 1, 7)
    for device in ("desktop", "mobile"):
        g = chk["device"].eq(device).to_numpy()
        y = chk["score"].to_numpy(float)[g]
        _within(y.mean(), expected[g].mean(), y.std(ddof=1) / np.sqrt(g.sum()), f"CES checkout {device}")
    means = chk.groupby("device")["score"].mean()
    assert means["mobile"] > means["desktop"] + 0.4
    ret = d[d["touchpoint"].eq("return")]
    assert ret["score"].mean() > chk["score"].mean() + 0.4


def test_survey_comments_and_languages(shop):
    s = shop["surveys"]
    assert set(s["lang"]) == {"en", "pl", "nl", "sk", "zh", "ar"}
    share = s["comment"].notna().mean()
    assert 0.15 < share < 0.45
    assert s["comment"].dropna().str.len().ge(2).all()  # Chinese comments can be short


# ---------------------------------------------------------------------------------------------
# Feedback
# ---------------------------------------------------------------------------------------------


def test_feedback_languages_match_countries(shop):
    f = shop["feedback"]
    assert 6000 <= len(f) <= 10000
    assert set(f["lang"]) == {"en", "pl", "nl", "sk", "zh", "ar"}
    assert set(f["variant"]) == {"en", "pl", "nl", "sk", "zh-Hans", "zh-Hant", "ar"}
    assert set(f["source"]) == {"review", "ticket", "chat", "social"}
    country = shop["orders"].groupby("customer_id")["country"].first()
    merged = f.join(country, on="customer_id")
    for c, mix in TRUTH.customers.language_mix.items():
        seen = set(merged.loc[merged["country"].eq(c), "variant"])
        assert seen <= set(mix), c
    zh = merged[merged["variant"].str.startswith("zh")]
    assert (zh["variant"].eq("zh-Hans") == zh["country"].eq("CN")).all()


def test_feedback_ratings_follow_order_experience(shop):
    f = shop["feedback"]
    fb = TRUTH.feedback
    rev = f[f["source"].eq("review")].merge(
        shop["orders"][["order_id", "delivery_days", "returned"]], on="order_id", validate="many_to_one"
    )
    days = rev["delivery_days"].fillna(0).to_numpy()
    mu = (
        fb.review_intercept
        + fb.review_delivery_day * days
        + fb.review_returned * rev["returned"].to_numpy()
        + rev["channel"].map(fb.review_channel).to_numpy()
    )
    expected = expected_clipped_score(mu, fb.review_sigma, 1, 5)
    y = rev["rating"].to_numpy(float)
    for flag in (False, True):
        g = rev["returned"].to_numpy() == flag
        _within(
            y[g].mean(), expected[g].mean(), y[g].std(ddof=1) / np.sqrt(g.sum()), f"review returned={flag}"
        )
    slope = np.polyfit(days[~rev["returned"].to_numpy()], y[~rev["returned"].to_numpy()], 1)[0]
    assert slope < -0.1
    assert f.loc[f["source"].eq("social"), "order_id"].isna().all()
    assert f.loc[~f["source"].eq("social"), "order_id"].notna().all()


def test_pii_and_html_are_where_truth_says(shop):
    f = shop["feedback"].set_index("feedback_id")
    truth = shop["truth_feedback_aspects"].set_index("feedback_id")
    assert truth.index.equals(f.index)
    fb = TRUTH.feedback
    numbers = f.index.str[1:].astype(int)
    pii_ids = set(f.index[[fb.pii_feedback_number(n) for n in numbers]])
    assert set(truth.index[truth["pii_kind"].notna()]) == pii_ids
    assert 0.02 < len(pii_ids) / len(f) < 0.06
    assert set(truth["pii_kind"].dropna()) == {"email", "phone"}
    for fid in pii_ids:
        value = truth.at[fid, "pii_value"]
        assert value in f.at[fid, "text"]
        if truth.at[fid, "pii_kind"] == "email":
            assert re.fullmatch(r"[\w.]+@(mail\.)?example\.(com|org|net)", value, flags=re.I)
        else:
            assert re.fullmatch(r"[+()\d][\d ()-]{7,}", value)
    others = f.loc[~f.index.isin(pii_ids), "text"]
    assert not others.str.contains("@").any()
    assert not others.str.contains(r"\+\d", regex=True).any()
    html_ids = set(fb.html_ids)
    assert set(truth.index[truth["html_fragment"].notna()]) == html_ids
    for fid in html_ids:
        assert truth.at[fid, "html_fragment"] in f.at[fid, "text"]
    assert f.loc[list(html_ids), "text"].str.contains("<script", regex=False).sum() >= 3
    assert not f.loc[~f.index.isin(html_ids), "text"].str.contains("<", regex=False).any()


def test_feedback_aspect_truth(shop):
    truth = shop["truth_feedback_aspects"]
    aspects = truth["aspects"].map(list)
    assert aspects.map(len).between(1, 3).all()
    allowed = {"delivery", "returns", "service", "checkout", "quality", "price", "website"}
    assert set().union(*aspects) == allowed
    f = shop["feedback"].merge(truth, on="feedback_id")
    tickets = f[f["source"].isin(["ticket", "chat"])]
    assert tickets["aspects"].map(lambda a: "service" in a).all()


# ---------------------------------------------------------------------------------------------
# Experiments
# ---------------------------------------------------------------------------------------------


def _arms(shop, name):
    x = shop["experiments"]
    return x[x["experiment"].eq(name)].groupby("variant")


def test_sample_ratio_mismatch(shop):
    x = TRUTH.experiments
    for name, planned, srm in (
        ("checkout_redesign", x.checkout_treatment_share, False),
        ("free_shipping_banner", x.banner_planned_share, True),
    ):
        counts = _arms(shop, name).size()
        n = counts.sum()
        p = stats.chisquare(counts[["control", "treatment"]], [n * (1 - planned), n * planned]).pvalue
        assert (p < 0.001) if srm else (p > 0.001), (name, counts.to_dict(), p)
    counts = _arms(shop, "free_shipping_banner").size()
    share = counts["treatment"] / counts.sum()
    _within(share, x.banner_treatment_share, np.sqrt(0.25 / counts.sum()), "banner treatment share")
    assert _arms(shop, "checkout_redesign").size().sum() == x.checkout_units


def test_checkout_lift_is_planted_and_detectable(shop):
    x = TRUTH.experiments
    g = _arms(shop, "checkout_redesign")["converted"].agg(["mean", "var", "size"])
    c, t = g.loc["control"], g.loc["treatment"]
    lift = t["mean"] / c["mean"] - 1
    # Delta method (Deng, Knoblich & Lu 2018).
    se = np.sqrt(
        t["var"] / (t["size"] * c["mean"] ** 2) + t["mean"] ** 2 * c["var"] / (c["size"] * c["mean"] ** 4)
    )
    _within(lift, x.checkout_relative_lift, se, "checkout relative lift")
    exp_c, exp_t = x.checkout_conversion
    _within(c["mean"], exp_c, np.sqrt(exp_c * (1 - exp_c) / c["size"]), "control conversion")
    z = (t["mean"] - c["mean"]) / np.sqrt(t["var"] / t["size"] + c["var"] / c["size"])
    assert stats.norm.sf(z) * 2 < 0.05
    # Power of the planted design at α = 0.05 is high.
    se_planned = np.sqrt(exp_c * (1 - exp_c) / 20_000 + exp_t * (1 - exp_t) / 20_000)
    assert stats.norm.sf(1.96 - (exp_t - exp_c) / se_planned) > 0.8


def test_banner_has_no_effect(shop):
    g = _arms(shop, "free_shipping_banner")["converted"].agg(["mean", "var", "size"])
    c, t = g.loc["control"], g.loc["treatment"]
    _within(t["mean"] - c["mean"], 0.0, np.sqrt(t["var"] / t["size"] + c["var"] / c["size"]), "banner effect")


def test_revenue_correlates_with_pre_revenue(shop):
    x = TRUTH.experiments
    for name, arms in shop["experiments"].groupby("experiment"):
        ctrl = arms[arms["variant"].eq("control")]
        r = np.corrcoef(ctrl["revenue"], ctrl["pre_revenue"])[0, 1]
        sd = x.revenue_pre_corr_sd_20k * np.sqrt(20_000 / len(ctrl))
        _within(r, x.revenue_pre_corr, sd, f"corr(revenue, pre_revenue) {name}")
    # CUPED with θ = Cov/Var removes ρ² of the variance.
    arm = shop["experiments"]
    y, cov = arm["revenue"].to_numpy(), arm["pre_revenue"].to_numpy()
    theta = np.cov(y, cov)[0, 1] / cov.var(ddof=1)
    reduction = 1 - (y - theta * cov).var(ddof=1) / y.var(ddof=1)
    assert 0.15 < reduction < 0.35


# ---------------------------------------------------------------------------------------------
# Determinism and the committed files
# ---------------------------------------------------------------------------------------------


def test_byte_identical_for_same_seed(tmp_path):
    a = generate_sample(tmp_path / "a", seed=7, n_customers=1500)
    b = generate_sample(tmp_path / "b", seed=7, n_customers=1500)
    c = generate_sample(tmp_path / "c", seed=8, n_customers=1500)
    assert set(a) == set(ALL_FILES)
    for name in a:
        assert a[name].read_bytes() == b[name].read_bytes(), name
    assert a["orders"].read_bytes() != c["orders"].read_bytes()


def test_tables_do_not_shift_when_customers_change():
    """Each table draws from its own generator: experiments ignore n_customers."""
    a = generate_arrow_tables(seed=3, n_customers=300)
    b = generate_arrow_tables(seed=3, n_customers=400)
    assert a["experiments"].equals(b["experiments"])


@pytest.mark.slow
def test_committed_sample_matches_fresh_generation(tmp_path):
    if not (SAMPLE_DIR / "events.parquet").exists():
        pytest.skip("data/sample not generated")
    fresh = generate_sample(tmp_path, seed=42)
    for name, path in fresh.items():
        committed = SAMPLE_DIR / path.name
        if committed.read_bytes() == path.read_bytes():
            continue
        # Another pyarrow version writes other bytes for the same data; then compare content.
        made_by = (pq.ParquetFile(committed).metadata.created_by, pq.ParquetFile(path).metadata.created_by)
        assert made_by[0] != made_by[1], f"{name}: committed file differs from generate_sample(seed=42)"
        assert pq.read_table(committed).equals(pq.read_table(path)), name
