"""The sample shop: a realistic, deterministic shop with planted truths (like ``lifelines.datasets``).

:func:`generate_sample` writes the five contract tables as Parquet files; :data:`TRUTH` holds every
parameter the generator plants, so analyses and tests can check that they recover it.

Modules
-------
generate
    Customers and orders; the entry points :func:`generate_sample` and :func:`generate_tables`.
events, voc, experiments
    Sessions and events; surveys and feedback; the two A/B tests.
texts
    Deterministic feedback texts in seven language variants.
truth
    The planted parameters (:data:`TRUTH`) and their closed forms.
"""

from cxlib.sample.generate import TABLE_NAMES, generate_arrow_tables, generate_sample, generate_tables
from cxlib.sample.truth import TRUTH, SampleTruth

__all__ = [
    "TABLE_NAMES",
    "TRUTH",
    "SampleTruth",
    "generate_arrow_tables",
    "generate_sample",
    "generate_tables",
]
