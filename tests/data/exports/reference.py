"""Independent reference readings of the export fixtures, written row by row in plain Python.

The preset tests compare what cxlib makes of an export (DuckDB / Narwhals on the engine) with
what these loops make of the same file with the ``csv`` and ``json`` modules. Nothing here
imports cxlib: pseudonyms are computed with ``hashlib`` from the rule in words (trim spaces;
e-mail lower-cased; phone number reduced to digits and '+'; SHA-256 of salt, NUL, key; first
16 hex characters).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd

HERE = Path(__file__).resolve().parent
SHOPIFY = HERE / "shopify" / "orders_export_1.csv"
GA4 = sorted((HERE / "ga4").glob("events_*.json"))
SURVEY = HERE / "survey" / "survey_responses.csv"
REVIEWS = HERE / "reviews" / "reviews.csv"
NPS_QUESTION = "How likely are you to recommend Acme Home to a friend or colleague?"
CSAT_QUESTION = "How satisfied were you with your delivery?"
COMMENT_QUESTION = "Anything else you would like to tell us?"
UTC = dt.UTC

#: GA4 traffic sources of the fixture and the channel group each must get.
CHANNEL_GROUPS = {
    ("(direct)", "(none)"): "direct",
    ("google", "organic"): "organic_search",
    ("google", "cpc"): "paid_search",
    ("newsletter", "email"): "email",
    ("l.instagram.com", "referral"): "social",
    ("bing", "organic"): "organic_search",
    ("awin", "affiliate"): "affiliate",
    ("facebook.com", "referral"): "social",
}
GA4_EVENT_NAMES = {
    "view_item": "product_view",
    "view_search_results": "search",
    "begin_checkout": "checkout_start",
    "add_payment_info": "payment",
}
SHOPIFY_CHANNELS = {
    "web": "web",
    "pos": "store",
    "iphone": "app",
    "android": "app",
    "shopify_draft_order": "draft_order",
}


def contact_key(value: str) -> str | None:
    value = value.strip(" ")
    if not value:
        return None
    if "@" in value:
        return value.lower()
    if all(ch in "+0123456789 ()./'-" for ch in value):
        digits = "".join(ch for ch in value if ch in "+0123456789")
        return digits or None
    return value


def pseudonym(value: str | None, salt: str) -> str | None:
    key = contact_key(value or "")
    if key is None:
        return None
    return hashlib.sha256(salt.encode() + b"\x00" + key.encode()).hexdigest()[:16]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def shopify_orders(salt: str, *, keep_cancelled: bool = False) -> pd.DataFrame:
    """One row per order, made by looping over the line items."""
    orders: dict[str, dict[str, Any]] = {}
    for row in _rows(SHOPIFY):
        order = orders.setdefault(row["Name"], {"items": 0})
        order["items"] += int(row["Lineitem quantity"])
        for key, value in row.items():
            if value and key not in order:
                order[key] = value
    out = []
    for name, o in orders.items():
        cancelled = bool(o.get("Cancelled at"))
        if cancelled and not keep_cancelled:
            continue
        record = {
            "order_id": name,
            "customer_id": pseudonym(o.get("Email") or o.get("Phone"), salt),
            "ts": dt.datetime.strptime(o["Created at"], "%Y-%m-%d %H:%M:%S %z").astimezone(UTC),
            "revenue": float(o["Total"]),
            "discount": float(o["Discount Amount"]),
            "items": float(o["items"]),
            "returned": o["Financial Status"] in ("refunded", "partially_refunded"),
            "channel": SHOPIFY_CHANNELS.get(o["Source"], o["Source"]),
            "country": o.get("Shipping Country") or o.get("Billing Country"),
            "currency": o["Currency"],
        }
        if keep_cancelled:
            record["cancelled"] = cancelled
        out.append(record)
    return _frame(out, "order_id")


def ga4_events() -> pd.DataFrame:
    """The events table, made by looping over the JSON lines."""
    out = []
    epoch = dt.datetime(1970, 1, 1, tzinfo=UTC)
    for path in GA4:
        for line in path.read_text(encoding="utf-8").splitlines():
            event = json.loads(line)
            session = next(
                p["value"]["int_value"] for p in event["event_params"] if p["key"] == "ga_session_id"
            )
            commerce = event["ecommerce"] or {}
            transaction = commerce.get("transaction_id")
            source = event["traffic_source"]
            out.append(
                {
                    "customer_id": event["user_pseudo_id"],
                    "ts": epoch + dt.timedelta(microseconds=int(event["event_timestamp"])),
                    "event": GA4_EVENT_NAMES.get(event["event_name"], event["event_name"]),
                    "session_id": f"{event['user_pseudo_id']}-{session}",
                    "channel": {"WEB": "web", "IOS": "app", "ANDROID": "app"}[event["platform"]],
                    "device": event["device"]["category"],
                    "source": CHANNEL_GROUPS[(source["source"], source["medium"])],
                    "order_id": transaction if transaction and transaction != "(not set)" else None,
                    "revenue": commerce.get("purchase_revenue"),
                    "country": event["geo"]["country"],
                }
            )
    return _frame(out, ["customer_id", "ts", "event"])


def survey_answers(salt: str) -> pd.DataFrame:
    """One row per answer, made by looping over the respondents."""
    out = []
    for row in _rows(SURVEY):
        answered = [
            (m, row[q].strip()) for m, q in (("nps", NPS_QUESTION), ("csat", CSAT_QUESTION)) if row[q].strip()
        ]
        for i, (metric, score) in enumerate(answered):
            comment = row[COMMENT_QUESTION] if i == 0 and row[COMMENT_QUESTION] else None
            out.append(
                {
                    "response_id": f"{row['Response ID']}-{metric}",
                    "ts": dt.datetime.strptime(row["Submitted At"], "%Y-%m-%d %H:%M:%S UTC").replace(
                        tzinfo=UTC
                    ),
                    "metric": metric,
                    "score": float(score),
                    "customer_id": pseudonym(row["Email"], salt),
                    "order_id": row["Order Number"],
                    "lang": row["Language"],
                    "comment": comment,
                }
            )
    return _frame(out, "response_id")


def review_feedback(salt: str) -> pd.DataFrame:
    """The feedback table, made by looping over the reviews."""
    out = []
    for row in _rows(REVIEWS):
        title, body = row["title"].strip(), row["body"].strip()
        customer = pseudonym(row["reviewer_email"], salt)
        content = "\x00".join(["review", row["review_date"], customer or "", title, body])
        out.append(
            {
                "feedback_id": hashlib.sha256(content.encode()).hexdigest()[:16],
                "ts": dt.datetime.strptime(row["review_date"], "%Y-%m-%d %H:%M:%S UTC").replace(tzinfo=UTC),
                "text": f"{title}\n\n{body}" if title else body,
                "source": "review",
                "rating": float(row["rating"]),
                "customer_id": customer,
                "lang": row["language"],
                "product": row["product_handle"],
            }
        )
    return _frame(out, "feedback_id")


def raw_contacts() -> set[str]:
    """Every e-mail address and phone number in the exports (they must never come out)."""
    found: set[str] = set()
    for row in _rows(SHOPIFY):
        found.update(v for k, v in row.items() if v and (k == "Email" or "Phone" in k))
    for row in _rows(SURVEY):
        found.add(row["Email"])
    for row in _rows(REVIEWS):
        found.add(row["reviewer_email"])
    return {v for v in found if v}


def _frame(records: list[dict[str, Any]], by: str | list[str]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records)
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True).astype("datetime64[us, UTC]")
    return frame.sort_values(by).reset_index(drop=True)
