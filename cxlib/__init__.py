"""cxlib — customer-experience analytics for e-commerce: the computing behind cxlab's notebooks.

Start with :func:`open_shop`, which reads and validates a shop's tables from files, a DuckDB
database or in-memory frames; the analysis modules take those tables.
"""

from importlib.metadata import PackageNotFoundError, version

from cxlib.data import Shop, check_shop, open_shop, open_table
from cxlib.errors import DataError, DataWarning
from cxlib.estimate import Estimate

try:
    __version__ = version("cxlib")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = [
    "DataError",
    "DataWarning",
    "Estimate",
    "Shop",
    "__version__",
    "check_shop",
    "open_shop",
    "open_table",
]
