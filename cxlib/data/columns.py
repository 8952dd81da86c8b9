"""The column names of a shop's tables, read from their schemas without loading any rows."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from cxlib.data.adapters import apply_spec
from cxlib.data.mapping import MappingSource, folder_mapping, load_mapping
from cxlib.data.pipeline import _folder_of, read_source
from cxlib.data.reshape import run_steps
from cxlib.data.shop import Source, resolve_sources
from cxlib.engine import to_narwhals

__all__ = ["table_columns"]


def table_columns(
    source: Source,
    tables: Sequence[str] | None = None,
    mapping: MappingSource = None,
    encoding: str = "utf-8",
) -> dict[str, list[str]]:
    """Return the columns each table will have after its mapping, from the schemas alone.

    The tables are opened lazily (DuckDB reads only the file headers and Parquet footers)
    and the first steps of :func:`cxlib.data.pipeline.load_table` (read, reshape, map) are
    applied to the schema; no row is counted, filtered or validated. Use it to check a column name before
    a long run; :func:`cxlib.open_shop` remains the judge of the data themselves.

    Parameters
    ----------
    source : path, dict or frame
        As in :func:`cxlib.open_shop` (not a Spark catalog name).
    tables : sequence of str, optional
        The tables wanted (default: every table of the source). Absent tables are left out.
    mapping : dict, YAML path, preset name(s), optional
        As in :func:`cxlib.open_shop`; default the folder's ``mapping.yaml`` if present.
    encoding : str, default "utf-8"
        Encoding of CSV files.

    Returns
    -------
    dict
        Table name -> column names in table order.

    Raises
    ------
    cxlib.DataError
        The source or a table cannot be read (as :func:`cxlib.open_shop` would say).
    """
    loaded = load_mapping(mapping if mapping is not None else folder_mapping(source))
    sources, _ = resolve_sources(source, loaded)
    out: dict[str, list[str]] = {}
    for name, src in sources.items():
        if tables is not None and name not in tables:
            continue
        spec = loaded.get(name)
        frame = read_source(src, name, spec, encoding)
        if spec is not None:  # a 'where' filter keeps the columns: skip it (it would count rows)
            frame, _ = run_steps(frame, dataclasses.replace(spec, where=None), name, _folder_of(src))
        frame = apply_spec(frame, spec, salt=loaded.salt)
        columns = list(to_narwhals(frame).collect_schema().names())
        if name == "experiments" and "experiment" not in columns:
            columns.append("experiment")  # named after its file when the column is absent
        out[name] = columns
    return out
