"""Presets for common exports, checked against row-by-row Python readings of the same files.

Shopify orders (line items → orders), survey exports (respondents → answers) and review
exports, read from the fixtures in tests/data/exports/ through ``open_shop``, must equal what
tests/data/exports/reference.py makes of the files with the csv module and hashlib; the same
export given as a pandas or polars frame must give the same table as the file read by DuckDB.
"""

from __future__ import annotations

import csv
import functools
import shutil
from pathlib import Path

import duckdb
import narwhals.stable.v2 as nw
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cxlib
from cxlib.data.pseudonyms import normalize_contact, pseudonymize_columns, pseudonymize_contacts
from cxlib.engine import duckdb_connection, to_pandas
from cxlib.privacy import pseudonymize
from tests.data.exports import reference as ref
from tests.data.exports.compare import assert_same, canon

SALT = "preset-test-salt"


@pytest.fixture(autouse=True)
def _salt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXLAB_SALT", SALT)


@functools.cache
def from_file(preset: str) -> pd.DataFrame:
    """The table a preset makes of its fixture file (read once per test session)."""
    path, table, key = {
        "shopify_orders": (ref.SHOPIFY, "orders", "order_id"),
        "survey_export": (ref.SURVEY, "surveys", "response_id"),
        "review_export": (ref.REVIEWS, "feedback", "feedback_id"),
    }[preset]
    return canon(getattr(cxlib.open_shop(path.parent, mapping=preset), table), key)


# ----------------------------------------------------------------------------- Shopify
def test_shopify_line_items_become_orders_as_a_python_loop_makes_them() -> None:
    orders = from_file("shopify_orders")
    expected = ref.shopify_orders(SALT)
    assert_same(orders, expected, "order_id")
    # 84 orders in the export, 2 cancelled; 176 line items
    assert len(orders) == 82 and orders["items"].sum() == pytest.approx(expected["items"].sum())
    assert orders["customer_id"].str.fullmatch(r"[0-9a-f]{16}").all()


def test_shopify_cancelled_orders_can_be_kept_with_a_flag() -> None:
    mapping = {"orders": {"preset": "shopify_orders", "options": {"cancelled": "keep"}}}
    orders = canon(cxlib.open_shop(ref.SHOPIFY, mapping=mapping).orders, "order_id")
    assert_same(orders, ref.shopify_orders(SALT, keep_cancelled=True), "order_id")
    assert orders["cancelled"].sum() == 2


def test_shopify_same_customer_across_spellings_gets_one_id() -> None:
    orders = from_file("shopify_orders")
    rows = list(csv.DictReader(ref.SHOPIFY.open(encoding="utf-8")))
    mixed = next(r["Email"] for r in rows if r["Email"] and r["Email"] != r["Email"].lower())
    ids = set(
        orders.loc[
            orders["order_id"].isin({r["Name"] for r in rows if r["Email"].lower() == mixed.lower()}),
            "customer_id",
        ]
    )
    assert ids == {ref.pseudonym(mixed.lower(), SALT)}


def test_no_raw_contact_reaches_any_table() -> None:
    shop = cxlib.open_shop(
        {"orders": ref.SHOPIFY, "surveys": ref.SURVEY, "feedback": ref.REVIEWS},
        mapping="shopify_orders,survey_export,review_export",
    )
    contacts = ref.raw_contacts()
    for name, frame in shop.tables().items():
        table = to_pandas(frame)
        for column in table.columns:
            if column in ("comment", "text"):  # customer-written text is masked when shown
                continue
            values = set(table[column].dropna().astype(str))
            assert not values & contacts, f"{name}.{column} holds raw contacts"
    # names, addresses and IP addresses of the exports are not carried along
    assert set(to_pandas(shop.orders).columns) == {
        "order_id",
        "customer_id",
        "ts",
        "revenue",
        "discount",
        "items",
        "returned",
        "channel",
        "country",
        "currency",
    }
    assert (
        "reviewer_name" not in to_pandas(shop.feedback).columns
        and "ip_address" not in to_pandas(shop.feedback).columns
    )


@pytest.mark.parametrize("reader", ["pandas_text", "pandas_typed", "polars"])
def test_shopify_in_memory_frames_give_the_file_result(reader: str) -> None:
    if reader == "pandas_text":
        frame = pd.read_csv(ref.SHOPIFY, dtype=str)
    elif reader == "pandas_typed":
        frame = pd.read_csv(ref.SHOPIFY)
    else:
        frame = pl.read_csv(ref.SHOPIFY, infer_schema=False)
    from_frame = canon(cxlib.open_shop({"orders": frame}, mapping="shopify_orders").orders, "order_id")
    pd.testing.assert_frame_equal(from_frame, from_file("shopify_orders"))


line_items = st.lists(
    st.tuples(
        st.integers(1, 6),  # order number
        st.integers(1, 4),  # quantity
        st.sampled_from(["a@x.example", "B@x.example", "+48 600 100 200"]),
        st.sampled_from(["web", "pos", "iphone"]),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=8, deadline=None)
@given(items=line_items, seed=st.randoms(use_true_random=False))
def test_shopify_orders_do_not_depend_on_row_order(
    items: list[tuple[int, int, str, str]], seed: object
) -> None:
    rows = []
    seen: set[int] = set()
    for number, quantity, contact, source in items:
        first = number not in seen
        seen.add(number)
        rows.append(
            {
                "Name": f"#{number}",
                "Email": contact if "@" in contact else "",
                "Created at": f"2024-03-0{number} 10:00:00 +0100",
                "Lineitem quantity": str(quantity),
                "Total": f"{number * 10}.50" if first else "",
                "Phone": "" if "@" in contact else (contact if first else ""),
                "Source": source if first else "",
            }
        )
    frame = pd.DataFrame(rows)
    shuffled = frame.sample(frac=1.0, random_state=seed.randint(0, 10_000)).reset_index(drop=True)  # type: ignore[attr-defined]
    orders = [
        canon(cxlib.open_shop({"orders": f}, mapping="shopify_orders").orders, "order_id")
        for f in (frame, shuffled)
    ]
    pd.testing.assert_frame_equal(orders[0], orders[1])
    assert orders[0]["items"].sum() == sum(q for _, q, _, _ in items)
    assert list(orders[0]["revenue"]) == [number * 10 + 0.5 for number in sorted({n for n, _, _, _ in items})]


def _shopify_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(ref.SHOPIFY.open(encoding="utf-8")))


def _write_shopify(path: Path, rows: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_shopify_two_totals_for_one_order_number_are_reported(tmp_path: Path) -> None:
    rows = _shopify_rows()
    first = next(r for r in rows if r["Total"])
    rows.append({**first, "Total": "1.00"})
    with pytest.raises(cxlib.DataError) as err:
        cxlib.open_shop(_write_shopify(tmp_path / "orders_export_1.csv", rows), mapping="shopify_orders")
    assert err.value.rule == "duplicate_id" and first["Name"] in str(err.value)


def test_shopify_mixed_currencies_are_refused(tmp_path: Path) -> None:
    rows = _shopify_rows()
    next(r for r in rows if r["Currency"])["Currency"] = "USD"
    with pytest.raises(cxlib.DataError, match="mixes currencies") as err:
        cxlib.open_shop(_write_shopify(tmp_path / "orders_export_1.csv", rows), mapping="shopify_orders")
    assert err.value.rule == "mixed_currency" and err.value.column == "currency"


def test_shopify_bad_quantity_names_the_order(tmp_path: Path) -> None:
    rows = _shopify_rows()
    rows[3]["Lineitem quantity"] = "two"
    with pytest.raises(cxlib.DataError) as err:
        cxlib.open_shop(_write_shopify(tmp_path / "orders_export_1.csv", rows), mapping="shopify_orders")
    assert err.value.rule == "not_numeric" and err.value.rows == [
        {"order_id": rows[3]["Name"], "line_quantity": "two"}
    ]


# ----------------------------------------------------------------------------- surveys and reviews
def test_survey_respondents_become_answers_as_a_python_loop_makes_them() -> None:
    answers = from_file("survey_export")
    expected = ref.survey_answers(SALT)
    assert_same(answers, expected, "response_id")
    assert set(answers["metric"]) == {"nps", "csat"}
    # every comment is kept exactly once
    with ref.SURVEY.open(encoding="utf-8") as handle:
        comments = [r[ref.COMMENT_QUESTION] for r in csv.DictReader(handle) if r[ref.COMMENT_QUESTION]]
    assert sorted(answers["comment"].dropna()) == sorted(comments)


def test_survey_headers_not_recognised_can_be_named(tmp_path: Path) -> None:
    text = ref.SURVEY.read_text(encoding="utf-8").replace(ref.NPS_QUESTION, "Q1", 1)
    (tmp_path / "survey_responses.csv").write_text(text, encoding="utf-8")
    plain = cxlib.open_shop(tmp_path, mapping="survey_export").surveys
    assert set(to_pandas(plain)["metric"]) == {"csat"}
    named = cxlib.open_shop(
        tmp_path, mapping={"surveys": {"preset": "survey_export", "columns": {"Q1": "nps"}}}
    )
    assert_same(canon(named.surveys, "response_id"), ref.survey_answers(SALT), "response_id")


def test_survey_two_matching_headers_ask_which_one(tmp_path: Path) -> None:
    text = ref.SURVEY.read_text(encoding="utf-8").replace("Network ID", "Any other comments?", 1)
    (tmp_path / "survey_responses.csv").write_text(text, encoding="utf-8")
    with pytest.raises(cxlib.DataError, match="several columns could be 'comment'") as err:
        cxlib.open_shop(tmp_path, mapping="survey_export")
    assert err.value.rule == "ambiguous_column" and "Any other comments?" in str(err.value)


def test_reviews_become_feedback_as_a_python_loop_makes_them() -> None:
    feedback = from_file("review_export")
    assert_same(feedback, ref.review_feedback(SALT), "feedback_id")


@pytest.mark.parametrize("export", ["survey", "reviews"])
@pytest.mark.parametrize("reader", ["pandas", "polars"])
def test_survey_and_review_frames_give_the_file_result(export: str, reader: str) -> None:
    path, mapping, table, key = {
        "survey": (ref.SURVEY, "survey_export", "surveys", "response_id"),
        "reviews": (ref.REVIEWS, "review_export", "feedback", "feedback_id"),
    }[export]
    frame = pd.read_csv(path, dtype=str) if reader == "pandas" else pl.read_csv(path, infer_schema=False)
    from_frame = canon(getattr(cxlib.open_shop({table: frame}, mapping=mapping), table), key)
    pd.testing.assert_frame_equal(from_frame, from_file(mapping))


# ----------------------------------------------------------------------------- pseudonyms
def test_contact_normalisation_examples() -> None:
    assert normalize_contact("  Jane.Doe@Example.COM ") == "jane.doe@example.com"
    assert normalize_contact("+48 (601) 234-567") == "+48601234567"
    assert normalize_contact("'+31 6 1234 5678") == "+31612345678"
    assert normalize_contact("C-0001 ") == "C-0001"
    assert (
        normalize_contact("   ") is None
        and normalize_contact(None) is None
        and normalize_contact(float("nan")) is None
    )


contacts = st.one_of(
    st.emails().map(lambda e: e.upper() if len(e) % 2 else " " + e),
    st.from_regex(r"\+?[0-9 ()./'-]{0,20}", fullmatch=True),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12),
    st.none(),
)


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(contacts, min_size=1, max_size=25),
    salt=st.text(alphabet="abcXYZ019_-", min_size=1, max_size=12),
)
def test_engine_pseudonyms_equal_privacy_pseudonymize(values: list[str | None], salt: str) -> None:
    expected = [ref.pseudonym(v, salt) for v in values]
    # the Python function is privacy.pseudonymize of the normalised key
    keys = [normalize_contact(v) for v in values]
    assert (
        pseudonymize_contacts(values, salt)
        == [None if k is None else pseudonymize([k], salt)[0] for k in keys]
        == expected
    )
    # the engine (DuckDB SQL) gives the same, from a DuckDB relation and from pandas and polars frames
    frame = pd.DataFrame({"key": pd.Series(values, dtype=object)})
    relation = duckdb_connection().from_arrow(
        pl.DataFrame({"key": values}, schema={"key": pl.String}).to_arrow()
    )
    for native in (frame, pl.from_pandas(frame.astype({"key": "string"})), relation):
        hashed = pseudonymize_columns(nw.from_native(native), ["key"], salt, table="t")
        got = to_pandas(hashed)["key"]
        assert [None if pd.isna(v) else v for v in got] == expected


def test_missing_salt_names_the_column_and_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CXLAB_SALT")
    with pytest.raises(cxlib.DataError) as err:
        cxlib.open_shop(ref.SURVEY, mapping="survey_export")
    assert (
        err.value.rule == "missing_salt"
        and err.value.column == "customer_id"
        and "CXLAB_SALT" in str(err.value)
    )
    # a salt in the mapping works too, and gives other pseudonyms than another salt
    mapping = {"salt": "other", "surveys": "survey_export"}
    answers = to_pandas(cxlib.open_shop(ref.SURVEY, mapping=mapping).surveys)
    assert set(answers["customer_id"]) == set(ref.survey_answers("other")["customer_id"])


def test_pseudonymize_key_works_for_a_plain_mapping_too() -> None:
    frame = pd.DataFrame(
        {
            "Order": ["A1", "A2"],
            "E-mail": ["Jane@Example.com", "jane@example.com "],
            "When": ["2024-01-01T10:00:00Z", "2024-01-02T10:00:00Z"],
            "Amount": [10.0, 12.5],
        }
    )
    before = frame.copy()
    mapping = {
        "orders": {
            "columns": {"Order": "order_id", "E-mail": "customer_id", "When": "ts", "Amount": "revenue"},
            "pseudonymize": ["customer_id"],
        }
    }
    orders = to_pandas(cxlib.open_shop({"orders": frame}, mapping=mapping).orders)
    assert list(orders["customer_id"]) == [ref.pseudonym("jane@example.com", SALT)] * 2
    pd.testing.assert_frame_equal(frame, before)  # nothing the user supplied is modified


def test_folder_with_all_exports_and_its_mapping_file(tmp_path: Path) -> None:
    for path in (ref.SHOPIFY, *ref.GA4, ref.SURVEY, ref.REVIEWS):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "mapping.yaml").write_text(
        "orders: shopify_orders\nevents: ga4_events\nsurveys: survey_export\nfeedback: review_export\n"
    )
    shop = cxlib.open_shop(tmp_path)
    assert set(shop.tables()) == {"orders", "events", "surveys", "feedback"}
    assert "mapping: mapping.yaml" in shop.source
    # the same customer joins across the shop platform and the survey tool
    orders, answers = to_pandas(shop.orders), to_pandas(shop.surveys)
    joined = answers.merge(orders, on="order_id", suffixes=("_survey", "_order"))
    assert len(joined) > 50 and (joined["customer_id_survey"] == joined["customer_id_order"]).all()
    # duckdb relations come back for files, read lazily
    assert all(isinstance(t, duckdb.DuckDBPyRelation) for t in shop.tables().values())
