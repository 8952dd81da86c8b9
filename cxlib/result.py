"""One protocol for every analysis result: ``.table``, ``.figure()``, ``.summary()``, HTML.

Every analysis function of cxlib returns a result object (a frozen dataclass) that
satisfies :class:`Result`:

* ``.table`` — the main result as a pandas DataFrame (documented columns and dtypes);
* ``.figure()`` — a plotly Figure with the cxlab look (arguments, if any, have defaults);
* ``.summary()`` — a few plain-language sentences with the numbers. This is the only
  meaning of "summary" on a result;
* ``_repr_html_()`` — escaped table, figure and sentences, so a result shows itself.

Result classes inherit :class:`ResultBase`, which supplies the HTML, :meth:`~ResultBase.show`
(figure, formatted table and note in a notebook or report) and one place for the display
settings of the table (:class:`Display`: percent and currency columns, labels, decimals).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Protocol, cast, runtime_checkable

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

__all__ = ["Display", "Result", "ResultBase"]


@runtime_checkable
class Result(Protocol):
    """What every cxlib result offers (structural: any object with these members fits)."""

    @property
    def table(self) -> pd.DataFrame:
        """Return the main result table (pandas)."""
        ...

    def figure(self) -> go.Figure:
        """Draw the main chart (plotly, cxlab look)."""
        ...

    def summary(self) -> list[str]:
        """Say what the result shows, in plain-language sentences with the numbers."""
        ...

    def _repr_html_(self) -> str:
        """Render escaped table, figure and sentences as one HTML fragment."""
        ...


@dataclass(frozen=True)
class Display:
    """How a result's table is shown in notebooks and reports.

    Parameters
    ----------
    columns : tuple, optional
        Column names (str, or int ages of a matrix) to show, in this order (default: all,
        as in ``.table``; names absent from the table are skipped).
    percent_cols : tuple
        Columns holding shares in [0, 1], shown as percentages.
    currency_cols : tuple
        Columns holding money; their heading gets the currency label and 2 decimals
        (unless ``decimals`` says otherwise).
    labels : mapping
        Column headings by column name.
    decimals : int or mapping, optional
        Decimals for float columns, globally or per column.
    index : bool, default False
        Show the index as the first column (matrices indexed by cohort or event).
    max_rows : int, optional, default 50
        Show at most this many rows.
    caption : str, optional
        Table caption.
    """

    columns: tuple[Hashable, ...] | None = None
    percent_cols: tuple[Hashable, ...] = ()
    currency_cols: tuple[Hashable, ...] = ()
    labels: Mapping[Hashable, str] = field(default_factory=dict)
    decimals: int | Mapping[Hashable, int] | None = None
    index: bool = False
    max_rows: int | None = 50
    caption: str | None = None


class ResultBase:
    """Base class of cxlib's result dataclasses (behaviour only, no fields).

    Subclasses are frozen dataclasses with a ``table`` (field or property), a ``figure()``
    and a ``summary()``; they declare how their table is shown in :attr:`DISPLAY` or, when
    it depends on the instance (a currency, the ``by`` columns), by overriding
    :meth:`display_settings`; a result whose shown table derives columns (minutes from
    seconds, p-values as text, another frame than ``.table``) overrides :meth:`display_table`.
    """

    #: Table display settings shared by every instance of the class.
    DISPLAY: ClassVar[Display] = Display()

    def display_settings(self) -> Display:
        """Return the display settings of this result's table (default: the class's :attr:`DISPLAY`)."""
        return self.DISPLAY

    def display_table(self) -> pd.DataFrame:
        """Return the table that :meth:`show` and the HTML format (default: ``.table``).

        Results whose ``.table`` holds one row per input (per text, per customer) override
        it with the summary a reader needs; the display settings apply to this table.
        """
        return cast("Result", self).table

    def _repr_html_(self) -> str:
        from cxlib.viz.results import result_html

        return result_html(cast("Result", self))

    def _ipython_display_(self) -> None:
        self.show()

    def show(self, *, figure: bool = True, table: bool = True, sentences: bool = True) -> None:
        """Display the figure, the formatted table and the sentences (notebooks and reports).

        Parameters
        ----------
        figure, table, sentences : bool, default True
            Which parts to show. The figure goes through plotly's configured renderer
            (interactive in JupyterLab and in cxlab reports); table and note are escaped,
            PII-masked HTML.
        """
        from cxlib.viz.results import show_result

        show_result(cast("Result", self), figure=figure, table=table, sentences=sentences)
