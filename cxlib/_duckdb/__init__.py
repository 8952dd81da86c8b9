"""The hand-written DuckDB fast paths, together behind one interface.

Every fast path is a function that takes the same inputs as the portable Narwhals step it
replaces and returns that step's result as a pandas DataFrame, or ``None`` when it does not
apply (another backend, a time zone other than UTC, too many periods, ...). The caller then
runs the portable step, which stays the reference: each fast path has a parity test in
``tests/_duckdb/`` that compares the two on the same data.

* :mod:`cxlib._duckdb.cohorts` — ``on_cells_duckdb``: customers per cohort and calendar age
  for :func:`cxlib.cohorts.retention_matrix` (``kind="on"``);
* :mod:`cxlib._duckdb.scorecard` — ``commerce_cells_duckdb``: order, customer and retention
  cells for :func:`cxlib.scorecard.scorecard`;
* :mod:`cxlib._duckdb.rfm` — ``rfm_per_customer_duckdb``: per-customer rows of
  :func:`cxlib.ltv.rfm_summary`.

The SQL helpers they share live with ingestion (:mod:`cxlib.data.engine_sql`: ``quote``,
``materialize``) and time (:mod:`cxlib.timestamps`: day and month arithmetic in SQL). The
user-facing switch is ``fast_path=`` of the analysis functions. This package imports nothing
on its own, so the analysis packages can import its modules without cycles.
"""
