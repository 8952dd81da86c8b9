"""Files shared by the reports of one output folder: plotly.js, written once.

Notebooks render charts with plotly's ``notebook`` renderer, which puts the whole plotly.js
library (about 4.8 MB) into the first chart output of every notebook. :func:`strip_plotly_js`
takes it out of a page's outputs, :func:`write_plotly_js` writes the library once next to the
reports, and every page loads it with a relative ``<script src>`` — so the folder still works
from ``file://`` with no internet, and a report weighs what its own charts and tables weigh.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from cxlib.reports._atomic import atomic_write_text

__all__ = ["plotly_js_name", "plotly_script_tag", "strip_plotly_js", "write_plotly_js"]

#: An inline ``<script>`` whose code is the plotly.js library (its licence banner comes first).
_LIBRARY_START = re.compile(r"<script\b[^>]*>\s*/\*\*?\s*\*?\s*plotly\.js v\d", re.IGNORECASE)
_SCRIPT_END = re.compile(r"</script\s*>", re.IGNORECASE)


def plotly_js_name() -> str:
    """File name of the plotly.js library in an output folder, e.g. ``plotly-4.1.1.min.js``."""
    from plotly.offline import get_plotlyjs_version

    return f"plotly-{get_plotlyjs_version()}.min.js"


def plotly_script_tag() -> str:
    """Return the ``<script src>`` tag that loads the folder's plotly.js (relative, works offline)."""
    return f'<script src="{plotly_js_name()}" charset="utf-8"></script>'


def strip_plotly_js(text: str) -> tuple[str, bool]:
    """Remove inline copies of the plotly.js library from an HTML output.

    Parameters
    ----------
    text : str
        HTML of one notebook output.

    Returns
    -------
    (str, bool)
        The HTML without the library, and whether anything was removed.
    """
    parts: list[str] = []
    position = 0
    while (start := _LIBRARY_START.search(text, position)) is not None:
        end = _SCRIPT_END.search(text, start.end())
        if end is None:  # not a complete script: leave the rest alone
            break
        parts.append(text[position : start.start()])
        position = end.end()
    if not parts:
        return text, False
    parts.append(text[position:])
    return "".join(parts), True


def write_plotly_js(out_dir: str | Path, *, write: Callable[[Path, str], Path] = atomic_write_text) -> Path:
    """Write plotly.js into ``out_dir`` unless the same file is already there.

    The library is the one of the installed plotly (the version the notebooks' figures
    were made for); it is written atomically and never passes the HTML scrubber, which
    only masks pages.

    Parameters
    ----------
    out_dir : str or Path
        The report folder.
    write : callable, optional
        ``write(path, text)``; default an atomic write.

    Returns
    -------
    Path
        The library file.
    """
    from plotly.offline import get_plotlyjs

    path = Path(out_dir) / plotly_js_name()
    code = get_plotlyjs()
    if path.is_file() and path.stat().st_size == len(code.encode("utf-8")):
        return path
    return write(path, code)
