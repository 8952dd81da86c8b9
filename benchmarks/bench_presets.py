"""Benchmark: reading common exports through the presets (GA4 events, Shopify orders, pseudonyms).

Issue 11 adds presets whose adapters reshape an export on the engine (DuckDB for files). This
script measures them on synthetic exports against hand-written DuckDB SQL doing the same
reshaping (the baseline; it does not validate), and the engine-side pseudonyms against
hashing the keys in Python:

* ``ga4_sql`` / ``ga4_cxlib`` — GA4 BigQuery export as nested Parquet (4 daily files) → the
  events table (flatten, microseconds → UTC, sessions, event names, channel group), materialised
  to Arrow; cxlib's time includes ``open_shop`` (validation);
* ``shopify_sql`` / ``shopify_cxlib`` — Shopify orders CSV (2 line items per order) → one row per
  order with pseudonymised customers, materialised to Arrow;
* ``pseudonyms_python`` / ``pseudonyms_sql`` — pseudonyms of e-mail addresses: Python
  (``pseudonymize_contacts``, a loop over the values) vs ``pseudonymize_columns`` on a DuckDB
  relation (SQL ``sha256``), materialised.

Each method runs in its own subprocess (peak RSS is its own): one warm-up, then the median of
``--repeat`` runs. Every pair is checked to give the same result (row counts and sums; the
pseudonyms exactly). Usage::

    .venv/bin/python benchmarks/bench_presets.py --events 2000000 --lines 1000000 --write-readme
    .venv/bin/python benchmarks/bench_presets.py --events 100000 --lines 50000   # quick check

Synthetic exports go to ``benchmarks/data/presets/`` (git-ignored) and are reused.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import _harness
from _harness import HERE

DATA = HERE / "data" / "presets"
SECTION = "## Presets (bring your own data)"
SALT = "bench-salt"

METHODS = {
    "ga4_sql": "GA4 nested Parquet → events: hand-written DuckDB SQL (baseline, no validation)",
    "ga4_cxlib": "GA4 nested Parquet → events: open_shop(mapping='ga4_events'), validation included",
    "shopify_sql": "Shopify CSV → orders: hand-written DuckDB SQL with sha256 (baseline, no validation)",
    "shopify_cxlib": "Shopify CSV → orders: open_shop(mapping='shopify_orders'), validation included",
    "pseudonyms_python": "pseudonyms of e-mails: pseudonymize_contacts in Python (baseline)",
    "pseudonyms_sql": "pseudonyms of e-mails: pseudonymize_columns on a DuckDB relation (SQL)",
}
BASELINES = {"ga4_cxlib": "ga4_sql", "shopify_cxlib": "shopify_sql", "pseudonyms_sql": "pseudonyms_python"}
EVENT_NAMES = (
    "['session_start', 'page_view', 'view_item', 'add_to_cart', 'begin_checkout', 'add_payment_info', "
    "'purchase', 'scroll']"
)


# ------------------------------------------------------------------------------------- data
def write_data(events: int, lines: int) -> dict[str, Path]:
    """Write the synthetic exports (reused when the sizes match)."""
    import duckdb

    ga4 = DATA / f"ga4_{events}"
    shopify = DATA / f"shopify_{lines}" / "orders_export_1.csv"
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    if not ga4.exists():
        ga4.mkdir(parents=True)
        per_day = events // 4
        for day in range(4):
            start = day * per_day
            con.execute(f"""
                COPY (
                  SELECT strftime(TIMESTAMP '2024-03-01' + INTERVAL (i) SECOND, '%Y%m%d') AS event_date,
                         epoch_us(TIMESTAMP '2024-03-01' + INTERVAL (i) SECOND) + i % 997 AS event_timestamp,
                         {EVENT_NAMES}[1 + i % 8] AS event_name,
                         [{{'key': 'ga_session_id',
                            'value': {{'string_value': NULL::VARCHAR,
                                       'int_value': (1709251200 + i // 8)::BIGINT,
                                       'float_value': NULL::DOUBLE, 'double_value': NULL::DOUBLE}}}},
                          {{'key': 'page_location',
                            'value': {{'string_value': 'https://shop.example/p/' || (i % 500),
                                       'int_value': NULL::BIGINT,
                                       'float_value': NULL::DOUBLE, 'double_value': NULL::DOUBLE}}}}]
                           AS event_params,
                         NULL::VARCHAR AS user_id,
                         (100000 + i // 24)::VARCHAR || '.1709251200' AS user_pseudo_id,
                         'WEB' AS platform,
                         {{'category': ['mobile', 'desktop', 'tablet'][1 + (i // 24) % 3],
                           'operating_system': 'iOS', 'language': 'en-gb'}} AS device,
                         {{'city': 'Warsaw', 'country': 'Poland', 'continent': 'Europe'}} AS geo,
                         {{'name': '(organic)',
                           'medium': ['organic', 'cpc', '(none)', 'email', 'referral'][1 + (i // 24) % 5],
                           'source': ['google', 'google', '(direct)', 'newsletter', 'facebook.com']
                                     [1 + (i // 24) % 5]}} AS traffic_source,
                         CASE WHEN i % 8 = 6
                              THEN {{'total_item_quantity': 1::BIGINT,
                                     'purchase_revenue': (10.0 + i % 90)::DOUBLE,
                                     'transaction_id': 'T' || i}} END AS ecommerce
                  FROM range({start}, {start + per_day}) t(i)
                ) TO '{ga4 / f"events_2024030{day + 1}.parquet"}' (FORMAT parquet)""")
    if not shopify.exists():
        shopify.parent.mkdir(parents=True)
        con.execute(f"""
            COPY (
              SELECT '#' || (1000 + i // 2) AS "Name",
                     'Customer' || ((i // 2) % {max(lines // 6, 1)}) || '@Example.com' AS "Email",
                     CASE WHEN i % 2 = 0 THEN 'paid' END AS "Financial Status",
                     CASE WHEN i % 2 = 0 THEN 'EUR' END AS "Currency",
                     CASE WHEN i % 2 = 0 THEN ((i // 2) % 200 + 9.99)::VARCHAR END AS "Total",
                     CASE WHEN i % 2 = 0 THEN '0.00' END AS "Discount Amount",
                     strftime(TIMESTAMP '2024-03-01' + INTERVAL (i // 2 * 60) SECOND, '%Y-%m-%d %H:%M:%S')
                       || ' +0100' AS "Created at",
                     (1 + i % 3)::VARCHAR AS "Lineitem quantity",
                     'Product ' || (i % 40) AS "Lineitem name",
                     CASE WHEN i % 2 = 0 THEN ['web', 'pos', 'iphone'][1 + (i // 2) % 3] END AS "Source",
                     CASE WHEN i % 2 = 0 THEN 'PL' END AS "Shipping Country",
                     CASE WHEN i % 2 = 0 AND (i // 2) % 50 = 0 THEN '2024-03-02 10:00:00 +0100' END
                       AS "Cancelled at"
              FROM range({lines}) t(i)
            ) TO '{shopify}' (FORMAT csv, HEADER true)""")
    con.close()
    return {"ga4": ga4, "shopify": shopify}


# ------------------------------------------------------------------------------------- methods
def _ga4_sql(folder: Path) -> object:
    from cxlib.engine import duckdb_connection

    files = "[" + ", ".join(f"'{p}'" for p in sorted(folder.glob("*.parquet"))) + "]"
    return (
        duckdb_connection()
        .sql(f"""
        SELECT user_pseudo_id AS customer_id,
               timezone('UTC', make_timestamp(event_timestamp)) AS ts,
               CASE event_name WHEN 'view_item' THEN 'product_view'
                    WHEN 'begin_checkout' THEN 'checkout_start'
                    WHEN 'add_payment_info' THEN 'payment' WHEN 'view_search_results' THEN 'search'
                    ELSE event_name END AS event,
               user_pseudo_id || '-'
                 || CAST(list_extract(list_filter(event_params, lambda p: p.key = 'ga_session_id'), 1)
                         .value.int_value AS VARCHAR) AS session_id,
               CASE upper(platform) WHEN 'WEB' THEN 'web' WHEN 'IOS' THEN 'app' WHEN 'ANDROID' THEN 'app'
                    ELSE platform END AS channel,
               lower(device.category) AS device,
               CASE WHEN traffic_source.source = '(direct)'
                         AND traffic_source.medium IN ('(none)', '(not set)') THEN 'direct'
                    WHEN traffic_source.medium = 'cpc' AND traffic_source.source = 'google' THEN 'paid_search'
                    WHEN traffic_source.medium = 'email' THEN 'email'
                    WHEN traffic_source.medium = 'organic' THEN 'organic_search'
                    WHEN traffic_source.source = 'facebook.com' THEN 'social' ELSE 'unassigned' END AS source,
               ecommerce.transaction_id AS order_id, ecommerce.purchase_revenue AS revenue,
               geo.country AS country
        FROM read_parquet({files})""")
        .to_arrow_table()
    )


def _ga4_cxlib(folder: Path) -> object:
    import cxlib

    return cxlib.open_shop(folder, mapping="ga4_events").events.to_arrow_table()


def _shopify_sql(path: Path) -> object:
    from cxlib.engine import duckdb_connection

    return (
        duckdb_connection()
        .sql(f"""
        WITH lines AS (SELECT * FROM read_csv('{path}', header = true, all_varchar = true)),
        orders AS (
          SELECT "Name" AS order_id,
                 max(left(sha256('{SALT}' || chr(0) || lower(trim("Email"))), 16)) AS customer_id,
                 max("Created at") AS created, max(CAST("Total" AS DOUBLE)) AS revenue,
                 max(CAST("Discount Amount" AS DOUBLE)) AS discount,
                 sum(CAST("Lineitem quantity" AS DOUBLE)) AS items,
                 max("Financial Status") AS status, max("Source") AS src, max("Shipping Country") AS country,
                 max("Currency") AS currency, max("Cancelled at") AS cancelled
          FROM lines GROUP BY 1)
        SELECT order_id, customer_id, CAST(replace(created, ' +', '+') AS TIMESTAMPTZ) AS ts,
               revenue, discount, items,
               status IN ('refunded', 'partially_refunded') AS returned,
               CASE src WHEN 'pos' THEN 'store' WHEN 'iphone' THEN 'app' ELSE src END AS channel,
               country, currency
        FROM orders WHERE cancelled IS NULL""")
        .to_arrow_table()
    )


def _shopify_cxlib(path: Path) -> object:
    import cxlib

    return cxlib.open_shop(path, mapping="shopify_orders").orders.to_arrow_table()


def _emails(n: int) -> list[str]:
    return [f" Customer.{i}@Example.COM" for i in range(n)]


def _pseudonyms_python(n: int) -> object:
    from cxlib.data.pseudonyms import pseudonymize_contacts

    return pseudonymize_contacts(_emails(n), SALT)


def _pseudonyms_sql(n: int) -> object:
    import narwhals.stable.v2 as nw

    from cxlib.data.pseudonyms import pseudonymize_columns
    from cxlib.engine import duckdb_connection

    relation = duckdb_connection().sql(
        f"SELECT ' Customer.' || i || '@Example.COM' AS email FROM range({n}) t(i)"
    )
    return (
        pseudonymize_columns(nw.from_native(relation), ["email"], SALT, table="bench")
        .to_native()
        .to_arrow_table()
    )


def _summary(method: str, result: object) -> dict[str, object]:
    if method.startswith("pseudonyms"):
        values = result if isinstance(result, list) else result.column("email").to_pylist()  # type: ignore[attr-defined]
        import hashlib

        return {"rows": len(values), "digest": hashlib.sha256("".join(values).encode()).hexdigest()[:16]}
    table = result
    out: dict[str, object] = {"rows": table.num_rows}  # type: ignore[attr-defined]
    for column in ("revenue", "items"):
        if column in table.column_names:  # type: ignore[attr-defined]
            out[column] = round(sum(v for v in table.column(column).to_pylist() if v is not None), 2)  # type: ignore[attr-defined]
    for column in ("session_id", "customer_id"):
        if column in table.column_names:  # type: ignore[attr-defined]
            out[f"distinct_{column}"] = len(set(table.column(column).to_pylist()))  # type: ignore[attr-defined]
    return out


def run_one(method: str, paths: dict[str, Path], n_keys: int, repeat: int) -> dict[str, object]:
    """Time one method in this process (called in a subprocess)."""
    os.environ["CXLAB_SALT"] = SALT
    target = {
        "ga4_sql": lambda: _ga4_sql(paths["ga4"]),
        "ga4_cxlib": lambda: _ga4_cxlib(paths["ga4"]),
        "shopify_sql": lambda: _shopify_sql(paths["shopify"]),
        "shopify_cxlib": lambda: _shopify_cxlib(paths["shopify"]),
        "pseudonyms_python": lambda: _pseudonyms_python(n_keys),
        "pseudonyms_sql": lambda: _pseudonyms_sql(n_keys),
    }[method]
    result = target()  # warm-up
    times = []
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    for _ in range(repeat):
        start = time.perf_counter()
        result = target()
        times.append(time.perf_counter() - start)
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime) / repeat
    peak = cpu1.ru_maxrss / 1024  # before the result is summarised for the comparison
    return {
        "method": method,
        "times": times,
        "cpu": cpu,
        "peak_mb": peak,
        "summary": _summary(method, result),
    }


# ------------------------------------------------------------------------------------- report
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2_000_000, help="GA4 events (default 2M)")
    parser.add_argument("--lines", type=int, default=1_000_000, help="Shopify line items (default 1M)")
    parser.add_argument(
        "--keys", type=int, default=1_000_000, help="e-mail addresses to pseudonymise (default 1M)"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument(
        "--write-readme", action="store_true", help="replace this benchmark's section of benchmarks/README.md"
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    paths = write_data(args.events, args.lines)
    if args.one:
        print(json.dumps(run_one(args.one, paths, args.keys, args.repeat)))
        return
    results = []
    for method in args.methods.split(","):
        results.append(
            _harness.run_child(
                [
                    sys.executable,
                    __file__,
                    "--one",
                    method,
                    "--events",
                    str(args.events),
                    "--lines",
                    str(args.lines),
                    "--keys",
                    str(args.keys),
                    "--repeat",
                    str(args.repeat),
                ],
                cwd=HERE.parent,
            )
        )
        r = results[-1]
        print(
            f"{method:<18} median {statistics.median(r['times']):7.2f} s  "
            f"peak {r['peak_mb']:6.0f} MB  {r['summary']}",
            flush=True,
        )
    by = {r["method"]: r for r in results}
    for method, base in BASELINES.items():
        if method in by and base in by:
            assert by[method]["summary"] == by[base]["summary"], (
                method,
                by[method]["summary"],
                by[base]["summary"],
            )
    print("results agree with their baselines")
    if args.write_readme:
        write_readme(results, args)


def write_readme(results: list[dict[str, object]], args: argparse.Namespace) -> None:
    by = {r["method"]: r for r in results}
    sizes = {
        "ga4": f"{args.events:,} events",
        "shopify": f"{args.lines:,} line items",
        "pseudonyms": f"{args.keys:,} keys",
    }
    rows = []
    for r in results:
        method = str(r["method"])
        median = statistics.median(r["times"])  # type: ignore[arg-type]
        base = BASELINES.get(method)
        ratio = f"{median / statistics.median(by[base]['times']):.2f}× {base}" if base in by else "baseline"  # type: ignore[arg-type]
        runs = ", ".join(f"{t:.2f}" for t in r["times"])  # type: ignore[attr-defined]
        rows.append(
            f"| {METHODS[method]} | {sizes[method.split('_')[0]]} | {median:.2f} | {runs} | {ratio} "
            f"| {r['cpu']:.2f} | {r['peak_mb']:.0f} |"
        )
    load = os.getloadavg()[0]
    section = "\n".join(
        [
            SECTION,
            "",
            "Reading synthetic exports through the presets (`benchmarks/bench_presets.py`): "
            "GA4 BigQuery export as nested Parquet (4 daily files) into the events table; "
            "a Shopify orders CSV (2 line items per order, 2 % cancelled) "
            "into one row per order with pseudonymised customers; pseudonyms of e-mail addresses. "
            "Each method runs in its own subprocess: one warm-up, "
            f"median of {args.repeat} runs (wall time; CPU s = user + system of all threads, "
            "per run), result materialised to Arrow. The hand-written SQL baselines do the same reshaping "
            "without validation; cxlib's times include `open_shop`'s validation "
            "(counts of every rule, duplicate ids). Each pair gives the same rows, sums and distinct ids "
            "(the pseudonyms exactly; checked by the script).",
            "",
            "Command: `.venv/bin/python benchmarks/bench_presets.py "
            f"--events {args.events} --lines {args.lines} --keys {args.keys} "
            f"--write-readme` ({time.strftime('%Y-%m-%d')}, {_harness.machine()}; "
            f"load average {load:.1f} when written: a shared, busy machine).",
            "",
            "| method | input | median s | runs (s) | ratio | CPU s | peak RSS (MB) |",
            "|---|---:|---:|---|---:|---:|---:|",
            *rows,
            "",
        ]
    )
    _harness.write_section(SECTION, section.splitlines())


if __name__ == "__main__":
    main()
