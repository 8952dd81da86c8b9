"""Data contracts and the one way in: :func:`open_shop`, :func:`open_table`, :func:`check_shop`."""

from cxlib.data.contracts import CONTRACTS, SCORE_SCALES, TABLES
from cxlib.data.mapping import available_presets, load_mapping
from cxlib.data.shop import Shop, check_shop, open_shop, open_table
from cxlib.data.validate import Finding

__all__ = [
    "CONTRACTS",
    "SCORE_SCALES",
    "TABLES",
    "Finding",
    "Shop",
    "available_presets",
    "check_shop",
    "load_mapping",
    "open_shop",
    "open_table",
]
