r"""Writes the export fixtures in this folder: what a small shop's exports look like on disk.

Run: ``.venv/bin/python tests/data/exports/build_fixtures.py`` (deterministic; the files are
committed, so tests never depend on this script). One invented shop, "Acme Home", March to May
2024, EUR, customers in Poland, the Netherlands and Germany:

- ``shopify/orders_export_1.csv`` — Shopify's orders export: the header row and column order of
  Admin → Orders → Export (CSV), one row per line item, order-level fields on an order's first
  row only, ``Created at`` as ``2024-03-05 14:22:11 +0100`` (offsets change at the DST switch
  on 2024-03-31), ZIP codes with a leading apostrophe, guest POS orders with a phone number
  and no e-mail, refunded, partially refunded and cancelled orders, and line-item names with
  commas and quotes.
- ``ga4/events_20240304.json``, ``ga4/events_20240305.json`` — GA4's BigQuery export
  (``events_YYYYMMDD``) extracted as newline-delimited JSON: nested records, repeated
  ``event_params``, INT64 values written as JSON strings, ``<``, ``>`` and ``&`` written as
  ``\u003c`` …, ``ecommerce`` null except on purchase events.
- ``survey/survey_responses.csv`` — a survey tool's export, one row per respondent: a 0–10
  "How likely are you to recommend" question, a 1–5 satisfaction question, a comment, the
  respondent's e-mail and first name, ``Submitted At`` as ``2024-03-05 18:02:11 UTC``.
- ``reviews/reviews.csv`` — a review app's export (Judge.me's columns plus ``language``).

Comments and reviews contain e-mail addresses, phone numbers and HTML, as real ones do.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
WARSAW = ZoneInfo("Europe/Warsaw")
START = dt.datetime(2024, 3, 1, 8, 0, tzinfo=WARSAW)

SHOPIFY_HEADER = [
    "Name",
    "Email",
    "Financial Status",
    "Paid at",
    "Fulfillment Status",
    "Fulfilled at",
    "Accepts Marketing",
    "Currency",
    "Subtotal",
    "Shipping",
    "Taxes",
    "Total",
    "Discount Code",
    "Discount Amount",
    "Shipping Method",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Lineitem compare at price",
    "Lineitem sku",
    "Lineitem requires shipping",
    "Lineitem taxable",
    "Lineitem fulfillment status",
    "Billing Name",
    "Billing Street",
    "Billing Address1",
    "Billing Address2",
    "Billing Company",
    "Billing City",
    "Billing Zip",
    "Billing Province",
    "Billing Country",
    "Billing Phone",
    "Shipping Name",
    "Shipping Street",
    "Shipping Address1",
    "Shipping Address2",
    "Shipping Company",
    "Shipping City",
    "Shipping Zip",
    "Shipping Province",
    "Shipping Country",
    "Shipping Phone",
    "Notes",
    "Note Attributes",
    "Cancelled at",
    "Payment Method",
    "Payment Reference",
    "Refunded Amount",
    "Vendor",
    "Outstanding Balance",
    "Employee",
    "Location",
    "Device ID",
    "Id",
    "Tags",
    "Risk Level",
    "Source",
    "Lineitem discount",
    "Tax 1 Name",
    "Tax 1 Value",
    "Tax 2 Name",
    "Tax 2 Value",
    "Tax 3 Name",
    "Tax 3 Value",
    "Tax 4 Name",
    "Tax 4 Value",
    "Tax 5 Name",
    "Tax 5 Value",
    "Phone",
    "Receipt Number",
    "Duties",
    "Billing Province Name",
    "Shipping Province Name",
    "Payment ID",
    "Payment Terms Name",
    "Next Payment Due At",
    "Payment References",
]
#: Columns Shopify repeats on every line-item row of an order.
REPEATED = {
    "Name",
    "Email",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Lineitem compare at price",
    "Lineitem sku",
    "Lineitem requires shipping",
    "Lineitem taxable",
    "Lineitem fulfillment status",
    "Vendor",
    "Lineitem discount",
}

PRODUCTS = [
    ('Stoneware mug "Morning", 350 ml', "MUG-350", 14.90, "Acme Ceramics"),
    ("Linen tea towel, set of 2", "TT-LIN-2", 19.50, "Acme Textiles"),
    ("Oak cutting board", "CB-OAK-L", 39.00, "Acme Wood"),
    ("Scented candle – fig & cedar", "CND-FIG", 24.00, "Acme Home"),
    ("Wool throw 130×170", "THR-WOOL", 89.00, "Acme Textiles"),
    ("Glass carafe 1 l", "CAR-1L", 29.90, "Acme Glass"),
]
FIRST = [
    "Anna",
    "Jan",
    "Maria",
    "Piotr",
    "Eva",
    "Lucas",
    "Sophie",
    "Daan",
    "Lena",
    "Jonas",
    "Zofia",
    "Bram",
    "Mila",
    "Tomasz",
    "Emma",
    "Noah",
    "Julia",
    "Kacper",
    "Fenna",
    "Felix",
    "Ola",
    "Sem",
    "Hanna",
    "Paul",
]
LAST = [
    "Kowalska",
    "Nowak",
    "de Vries",
    "Jansen",
    "Müller",
    "Schmidt",
    "Wiśniewska",
    "Bakker",
    "Wójcik",
    "Visser",
    "Fischer",
    "Lewandowski",
    "Smit",
    "Weber",
    "Kamińska",
    "Meyer",
]
CITIES = {
    "PL": [("Warszawa", "'00-950"), ("Kraków", "'31-042")],
    "NL": [("Amsterdam", "1012 AB"), ("Utrecht", "3511 LX")],
    "DE": [("Berlin", "10115"), ("Köln", "50667")],
}


def _customers(rng: random.Random, n: int = 36) -> list[dict[str, str]]:
    people = []
    for i in range(n):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        country = ("PL", "NL", "DE")[i % 3]
        city, zip_code = CITIES[country][i % 2]
        ascii_last = (
            last.lower()
            .replace(" ", "")
            .replace("ü", "ue")
            .replace("ś", "s")
            .replace("ń", "n")
            .replace("ó", "o")
        )
        email = f"{first.lower()}.{ascii_last}{i}@example.{'com' if i % 2 else 'org'}"
        prefix = {"PL": "+48", "NL": "+31", "DE": "+49"}[country]
        phone = f"{prefix} {600 + i} {rng.randint(100, 999)} {rng.randint(100, 999)}"
        people.append(
            {
                "first": first,
                "last": last,
                "email": email,
                "phone": phone,
                "country": country,
                "city": city,
                "zip": zip_code,
                "street": f"ul. Przykładowa {i + 1}" if country == "PL" else f"Voorbeeldstraat {i + 1}",
            }
        )
    return people


def _shopify_time(ts: dt.datetime) -> str:
    return ts.strftime("%Y-%m-%d %H:%M:%S %z")


def build_shopify(rng: random.Random, people: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Write the orders export; return the orders (for the other exports to refer to)."""
    rows: list[dict[str, str]] = []
    orders: list[dict[str, Any]] = []
    ts = START
    number = 1001
    for k in range(84):
        ts = ts + dt.timedelta(
            hours=rng.randint(8, 40), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59)
        )
        who = people[rng.choice([0, 0, 1, 2, 3, 3, 4, 5, 6, 7]) if k % 3 == 0 else rng.randrange(len(people))]
        source = rng.choices(["web", "pos", "iphone", "shopify_draft_order"], [16, 3, 2, 1])[0]
        guest_pos = source == "pos" and k % 2 == 0
        lines = [rng.choice(PRODUCTS) for _ in range(rng.choice([1, 1, 2, 2, 3, 4]))]
        qty = [rng.choice([1, 1, 1, 2, 3]) for _ in lines]
        gross = round(sum(p[2] * q for p, q in zip(lines, qty, strict=True)), 2)
        code = rng.choice(["", "", "", "WELCOME10", "SPRING15"])
        discount = round(gross * (0.10 if code == "WELCOME10" else 0.15 if code == "SPRING15" else 0.0), 2)
        subtotal = round(gross - discount, 2)
        shipping = 0.0 if source == "pos" or subtotal >= 60 else 4.99
        total = round(subtotal + shipping, 2)
        status = rng.choices(["paid", "refunded", "partially_refunded", "pending"], [30, 2, 2, 1])[0]
        cancelled = k in (17, 58)
        if cancelled:
            status = "voided"
        refunded = (
            total
            if status == "refunded"
            else round(lines[0][2], 2)
            if status == "partially_refunded"
            else 0.0
        )
        name = f"#{number}"
        number += 1
        email = "" if guest_pos else (who["email"].title() if k % 11 == 5 else who["email"])
        order_id = 5_600_000_000_000 + k * 7919
        for j, (product, q) in enumerate(zip(lines, qty, strict=True)):
            row = dict.fromkeys(SHOPIFY_HEADER, "")
            row.update(
                {
                    "Name": name,
                    "Email": email,
                    "Created at": _shopify_time(ts),
                    "Lineitem quantity": str(q),
                    "Lineitem name": product[0],
                    "Lineitem price": f"{product[2]:.2f}",
                    "Lineitem compare at price": "",
                    "Lineitem sku": product[1],
                    "Lineitem requires shipping": "true",
                    "Lineitem taxable": "true",
                    "Lineitem fulfillment status": "fulfilled" if status != "pending" else "pending",
                    "Vendor": product[3],
                    "Lineitem discount": "0.00",
                }
            )
            if j == 0:
                paid = ts + dt.timedelta(minutes=1)
                row.update(
                    {
                        "Financial Status": status,
                        "Paid at": "" if status in ("pending", "voided") else _shopify_time(paid),
                        "Fulfillment Status": "unfulfilled"
                        if status in ("pending", "voided")
                        else "fulfilled",
                        "Fulfilled at": ""
                        if status in ("pending", "voided")
                        else _shopify_time(ts + dt.timedelta(days=1)),
                        "Accepts Marketing": rng.choice(["yes", "no"]),
                        "Currency": "EUR",
                        "Subtotal": f"{subtotal:.2f}",
                        "Shipping": f"{shipping:.2f}",
                        "Taxes": f"{total - total / 1.23:.2f}",
                        "Total": f"{total:.2f}",
                        "Discount Code": code,
                        "Discount Amount": f"{discount:.2f}",
                        "Shipping Method": "" if source == "pos" else "Standard (2–4 working days)",
                        "Billing Name": f"{who['first']} {who['last']}",
                        "Billing Street": who["street"],
                        "Billing Address1": who["street"],
                        "Billing City": who["city"],
                        "Billing Zip": who["zip"],
                        "Billing Country": who["country"],
                        "Billing Phone": who["phone"],
                        "Shipping Name": "" if source == "pos" else f"{who['first']} {who['last']}",
                        "Shipping Street": "" if source == "pos" else who["street"],
                        "Shipping Address1": "" if source == "pos" else who["street"],
                        "Shipping City": "" if source == "pos" else who["city"],
                        "Shipping Zip": "" if source == "pos" else who["zip"],
                        "Shipping Country": "" if source == "pos" else who["country"],
                        "Shipping Phone": "" if source == "pos" else who["phone"],
                        "Notes": "Please leave at the door, call +48 601 222 333" if k == 9 else "",
                        "Cancelled at": _shopify_time(ts + dt.timedelta(hours=3)) if cancelled else "",
                        "Payment Method": "Shopify Payments" if source != "pos" else "Cash",
                        "Payment Reference": f"c{order_id}.1",
                        "Refunded Amount": f"{refunded:.2f}",
                        "Outstanding Balance": "0.00",
                        "Location": "Warszawa store" if source == "pos" else "",
                        "Id": str(order_id),
                        "Tags": "",
                        "Risk Level": "Low",
                        "Source": source,
                        "Tax 1 Name": "VAT 23%",
                        "Tax 1 Value": f"{total - total / 1.23:.2f}",
                        "Phone": who["phone"] if (guest_pos or k % 9 == 0) else "",
                        "Payment ID": f"c{order_id}.1",
                        "Payment References": f"c{order_id}.1",
                    }
                )
            rows.append(row)
        orders.append(
            {"name": name, "email": email, "ts": ts, "total": total, "who": who, "cancelled": cancelled}
        )
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SHOPIFY_HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    _write(HERE / "shopify" / "orders_export_1.csv", buffer.getvalue())
    return orders


def _param(key: str, value: object) -> dict[str, object]:
    slot: dict[str, object] = {
        "string_value": None,
        "int_value": None,
        "float_value": None,
        "double_value": None,
    }
    if isinstance(value, int):
        slot["int_value"] = str(value)  # BigQuery writes INT64 as a JSON string
    else:
        slot["string_value"] = value
    return {"key": key, "value": slot}


TRAFFIC = [
    ("(direct)", "(none)", "(direct)"),
    ("google", "organic", "(organic)"),
    ("google", "cpc", "spring_sale"),
    ("newsletter", "email", "march_newsletter"),
    ("l.instagram.com", "referral", "(referral)"),
    ("bing", "organic", "(organic)"),
    ("awin", "affiliate", "(affiliate)"),
    ("facebook.com", "referral", "(referral)"),
]


def build_ga4(rng: random.Random) -> None:
    """Write two days of GA4 events as newline-delimited JSON (BigQuery extract format)."""
    for day in (4, 5):
        lines = []
        date = dt.datetime(2024, 3, day, tzinfo=dt.UTC)
        for u in range(10):
            pseudo = f"{1_700_000_000 + u * 7_919}.{1_709_251_200 + u * 3_600}"
            source, medium, campaign = TRAFFIC[u % len(TRAFFIC)]
            category = ("mobile", "desktop", "mobile", "tablet")[u % 4]
            for s in range(1 + (u + day) % 2):
                session = 1_709_500_000 + day * 86_400 + u * 1_000 + s
                t = date + dt.timedelta(
                    hours=7 + (u * 37 + s * 5) % 14, minutes=(u * 13) % 60, seconds=u % 60
                )
                steps = [
                    "session_start",
                    "page_view",
                    "view_item",
                    "scroll",
                    "view_item",
                    "add_to_cart",
                    "begin_checkout",
                    "add_payment_info",
                    "purchase",
                ]
                depth = 3 + (u * 5 + s + day) % 7
                for i, name in enumerate(steps[:depth]):
                    t = t + dt.timedelta(
                        seconds=5 + (u * 7 + i * 11) % 90, microseconds=(u * 7919 + i) % 1_000_000
                    )
                    micros = int(t.timestamp()) * 1_000_000 + t.microsecond
                    purchase = name == "purchase"
                    event = {
                        "event_date": t.strftime("%Y%m%d"),
                        "event_timestamp": str(micros),
                        "event_name": name,
                        "event_params": [
                            _param("ga_session_id", session),
                            _param("ga_session_number", s + 1),
                            _param(
                                "page_location",
                                f"https://acme-home.example/products/mug?utm_source={source}&utm_medium={medium}",
                            ),
                            _param("page_title", "Stoneware mug <Morning> & more | Acme Home"),
                        ],
                        "event_previous_timestamp": None,
                        "event_value_in_usd": None,
                        "event_bundle_sequence_id": str(1000 + i),
                        "event_server_timestamp_offset": str(500 + u),
                        "user_id": None,
                        "user_pseudo_id": pseudo,
                        "privacy_info": {
                            "analytics_storage": "Yes",
                            "ads_storage": "No",
                            "uses_transient_token": "No",
                        },
                        "user_properties": [],
                        "user_first_touch_timestamp": str(micros - 86_400_000_000),
                        "user_ltv": None,
                        "device": {
                            "category": category,
                            "mobile_brand_name": "Apple" if category != "desktop" else None,
                            "mobile_model_name": "iPhone" if category == "mobile" else None,
                            "mobile_marketing_name": None,
                            "mobile_os_hardware_model": None,
                            "operating_system": "iOS" if category != "desktop" else "Windows",
                            "operating_system_version": "iOS 17.3" if category != "desktop" else "Windows 11",
                            "vendor_id": None,
                            "advertising_id": None,
                            "language": ("pl-pl", "nl-nl", "de-de")[u % 3],
                            "is_limited_ad_tracking": "No",
                            "time_zone_offset_seconds": None,
                            "browser": None,
                            "browser_version": None,
                            "web_info": {
                                "browser": "Safari" if category != "desktop" else "Chrome",
                                "browser_version": "17.3",
                                "hostname": "acme-home.example",
                            },
                        },
                        "geo": {
                            "city": ("Warsaw", "Amsterdam", "Berlin")[u % 3],
                            "country": ("Poland", "Netherlands", "Germany")[u % 3],
                            "continent": "Europe",
                            "region": ("Masovian Voivodeship", "North Holland", "Berlin")[u % 3],
                            "sub_continent": ("Eastern Europe", "Western Europe", "Western Europe")[u % 3],
                            "metro": "(not set)",
                        },
                        "app_info": None,
                        "traffic_source": {"name": campaign, "medium": medium, "source": source},
                        "stream_id": "4178923652",
                        "platform": "WEB",
                        "event_dimensions": None,
                        "ecommerce": {
                            "total_item_quantity": str(1 + u % 3),
                            "purchase_revenue_in_usd": round((29.9 + u) * 1.08, 2),
                            "purchase_revenue": round(29.9 + u, 2),
                            "refund_value_in_usd": None,
                            "refund_value": None,
                            "shipping_value_in_usd": None,
                            "shipping_value": None,
                            "tax_value_in_usd": None,
                            "tax_value": None,
                            "unique_items": "1",
                            "transaction_id": "(not set)" if (u == 3 and day == 4) else f"T{day}{u:02d}{s}",
                        }
                        if purchase
                        else None,
                        "items": [
                            {
                                "item_id": "MUG-350",
                                "item_name": "Stoneware mug",
                                "price": 14.9,
                                "quantity": "1",
                            }
                        ]
                        if purchase
                        else [],
                        "collected_traffic_source": None,
                        "is_active_user": True,
                        "batch_event_index": str(i),
                        "batch_page_id": str(1_709_500_000_000 + session),
                        "batch_ordering_id": str(i + 1),
                    }
                    text = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
                    lines.append(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
        _write(HERE / "ga4" / f"events_202403{day:02d}.json", "\n".join(lines) + "\n")


COMMENTS = [
    "Fast delivery, the mug is lovely.",
    "Parcel arrived damaged, the carafe was broken. Call me on +48 601 234 567.",
    "Bardzo szybka dostawa, polecam!",
    "De levering duurde te lang.",
    "",
    "Great quality <b>linen</b>!",
    "<script>alert('x')</script> checkout kept failing",
    "Write to me at piotr.private@example.net about the refund",
    "",
    "Nice packaging, but shipping was expensive.",
    "Świetny kontakt z obsługą.",
    "",
]


def build_survey(rng: random.Random, orders: list[dict[str, Any]]) -> None:
    """Write the survey export: one row per respondent, sent after delivery."""
    header = [
        "Response ID",
        "Submitted At",
        "Email",
        "First name",
        "Order Number",
        "How likely are you to recommend Acme Home to a friend or colleague?",
        "How satisfied were you with your delivery?",
        "Anything else you would like to tell us?",
        "Language",
        "Network ID",
    ]
    rows = []
    langs = {"PL": "pl", "NL": "nl", "DE": "de"}
    for i, order in enumerate([o for o in orders if o["email"] and not o["cancelled"]][:64]):
        who = order["who"]
        submitted = (order["ts"] + dt.timedelta(days=3, hours=rng.randint(1, 30))).astimezone(dt.UTC)
        nps = rng.choices(range(11), [2, 1, 1, 1, 2, 2, 3, 5, 8, 9, 10])[0]
        csat = "" if i % 9 == 4 else str(rng.choices([1, 2, 3, 4, 5], [1, 1, 2, 5, 6])[0])
        rows.append(
            [
                f"r{9_000 + i * 13}",
                submitted.strftime("%Y-%m-%d %H:%M:%S UTC"),
                who["email"].upper() if i % 10 == 3 else who["email"],
                who["first"],
                order["name"],
                "" if i % 17 == 8 else str(nps),
                csat,
                COMMENTS[i % len(COMMENTS)],
                langs[who["country"]],
                f"{rng.getrandbits(40):010x}",
            ]
        )
    _write_csv(HERE / "survey" / "survey_responses.csv", header, rows)


REVIEWS = [
    ("Lovely mug", "Exactly as pictured, keeps tea warm.", 5),
    ("Broken on arrival", "The carafe was shattered. Contact me: +31 6 1234 5678", 1),
    ("Świetna jakość", "Ręcznik jest miękki i dobrze chłonie wodę.", 5),
    ("Te duur", "Mooi, maar de verzendkosten zijn hoog.", 3),
    ("", "Good board, a bit smaller than expected.", 4),
    ("Smells amazing", "Fig & cedar is my new favourite.", 5),
    ("Meh", "<img src=x onerror=alert(1)> the throw sheds a lot", 2),
    ("Schön", "Sehr schöne Decke, schnelle Lieferung.", 5),
]


def build_reviews(rng: random.Random, people: list[dict[str, str]]) -> None:
    """Write the review export (Judge.me's columns plus a language column)."""
    header = [
        "title",
        "body",
        "rating",
        "review_date",
        "source",
        "curated",
        "reviewer_name",
        "reviewer_email",
        "product_id",
        "product_handle",
        "reply",
        "reply_date",
        "picture_urls",
        "ip_address",
        "location",
        "language",
    ]
    langs = ["en", "en", "pl", "nl", "en", "en", "en", "de"]
    rows = []
    when = dt.datetime(2024, 3, 6, 9, 0, tzinfo=dt.UTC)
    for i in range(48):
        title, body, rating = REVIEWS[i % len(REVIEWS)]
        who = people[(i * 5) % len(people)]
        when = when + dt.timedelta(hours=rng.randint(10, 40), minutes=rng.randint(0, 59))
        product = PRODUCTS[i % len(PRODUCTS)]
        rows.append(
            [
                title,
                body,
                str(rating),
                when.strftime("%Y-%m-%d %H:%M:%S UTC"),
                rng.choice(["web", "email"]),
                "ok",
                f"{who['first']} {who['last'][0]}.",
                who["email"],
                str(7_000_000_000 + i % len(PRODUCTS)),
                product[1].lower(),
                "Thank you!" if rating <= 2 else "",
                "",
                "",
                f"203.0.113.{i + 10}",
                who["city"],
                langs[i % len(langs)],
            ]
        )
    _write_csv(HERE / "reviews" / "reviews.csv", header, rows)


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    _write(path, buffer.getvalue())


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")


def main() -> None:
    rng = random.Random(2024)
    people = _customers(rng)
    orders = build_shopify(rng, people)
    build_ga4(rng)
    build_survey(rng, orders)
    build_reviews(rng, people)


if __name__ == "__main__":
    main()
