"""Parameters checked before any kernel starts: names, types, choices and ranges.

Every value that ``cxlab run`` passes to a notebook (``--data``, ``-p NAME VALUE``, the
``--params`` file) is checked here against the notebook's ``parameters`` cell first. Nothing
unchecked reaches papermill, which writes ``name = value`` lines into the notebook: an
unchecked *name* would be executed as code.

The rules, from a parameter's declaration ``name: type = default  # help``:

* the name must be a Python identifier declared by the notebook (a typo is refused with a
  suggestion);
* the value must have the declared type: ``str`` text, ``int`` a whole number, ``float`` a
  finite number (``nan`` and ``inf`` are refused), ``bool`` true or false; an undeclared
  type accepts one plain scalar (text, number, true/false);
* the help comment may declare allowed values and a range, each as a clause ending at a
  semicolon, e.g. ``# one of: week, month, quarter; UTC calendar periods`` (``""`` stands
  for the empty text) or ``# range: 0..1; one minus the confidence level`` (either bound
  may be left out: ``range: 1..``); a text parameter declaring both takes one of the
  choices or a number in the range (``# one of: auto; range: 0..; weeks kept back``);
* a text parameter may declare a format that cxlib reads, e.g. ``# format: targets; ...``
  (see :data:`TEXT_FORMATS`); a value the reader refuses is refused here.
"""

from __future__ import annotations

import difflib
import importlib
import keyword
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cxlib.reports.params import NotebookInfo, NotebookParameter

__all__ = [
    "TEXT_FORMATS",
    "ParameterError",
    "choices_of",
    "coerce_text",
    "format_of",
    "range_of",
    "validate_parameters",
    "validate_value",
]

#: Longest text value accepted (a parameter is a setting, not a document).
MAX_TEXT = 10_000

_WORD = r'(?:"[^"]*"|[\w.+\-/:]+)'
_CHOICES = re.compile(rf"\bone of:\s*(?P<items>{_WORD}(?:\s*(?:,|\||\bor\b)\s*{_WORD})*)\s*(?:;|$)")
_RANGE = re.compile(
    r"\brange:\s*(?P<low>[-+]?[\d.]+(?:e[-+]?\d+)?)?\s*\.\.\s*(?P<high>[-+]?[\d.]+(?:e[-+]?\d+)?)?\s*(?:;|$)"
)
_FORMAT = re.compile(r"\bformat:\s*(?P<name>\w+)\s*(?:;|$)")
#: Text formats a help comment may declare (``# format: NAME;``): the function reading such a
#: text (``module:function``; it raises ``ValueError``, e.g. ``DataError``, naming the bad item).
TEXT_FORMATS: dict[str, str] = {
    "targets": "cxlib.scorecard.targets:parse_targets",
    "labels": "cxlib.viz.formats:parse_labels",
}
_INT_TEXT = re.compile(r"[-+]?\d+")
_FLOAT_TEXT = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_TRUE, _FALSE = {"true", "yes", "on", "1"}, {"false", "no", "off", "0"}


class ParameterError(ValueError):
    """A parameter name or value that a notebook does not accept (one line, no traceback)."""


def choices_of(param: NotebookParameter) -> tuple[str, ...] | None:
    """Return the values allowed by the help comment (``one of: a, b, c;``), else ``None``."""
    found = _CHOICES.search(param.help or "")
    if not found:
        return None
    items = re.split(r"\s*(?:,|\||\bor\b)\s*", found.group("items").strip())
    return tuple(item[1:-1] if item.startswith('"') else item for item in items if item)


def range_of(param: NotebookParameter) -> tuple[float | None, float | None]:
    """Return the bounds declared in the help comment (``range: LOW..HIGH;``); ``None`` where open."""
    found = _RANGE.search(param.help or "")
    if not found:
        return None, None
    low, high = found.group("low"), found.group("high")
    return (float(low) if low else None), (float(high) if high else None)


def format_of(param: NotebookParameter) -> str | None:
    """Return the text format declared in the help comment (``format: targets;``), else ``None``."""
    found = _FORMAT.search(param.help or "")
    return found.group("name") if found and found.group("name") in TEXT_FORMATS else None


def _read_format(name: str, value: str, head: str) -> None:
    module, function = TEXT_FORMATS[name].split(":")
    reader = getattr(importlib.import_module(module), function)
    try:
        reader(value)
    except ValueError as exc:
        raise ParameterError(f"{head}: {getattr(exc, 'detail', exc)}") from None


def coerce_text(param: NotebookParameter, text: str) -> Any:
    """Read a command-line value (``-p NAME VALUE``) as the declared type.

    Text stays text for ``str`` parameters (``-p start 2024-01-01`` is the text
    ``"2024-01-01"``); numbers and booleans are parsed strictly; an undeclared type reads
    the text as a YAML scalar.
    """
    kind = param.type
    stripped = text.strip()
    if kind == "str":
        return text
    if kind == "int" and _INT_TEXT.fullmatch(stripped):
        return int(stripped)
    if kind == "float" and _FLOAT_TEXT.fullmatch(stripped):
        return float(stripped)
    if kind == "bool" and stripped.lower() in _TRUE | _FALSE:
        return stripped.lower() in _TRUE
    if kind in ("int", "float", "bool"):
        return text  # refused with a readable message by validate_value
    import yaml

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return value if isinstance(value, (str, int, float, bool)) else text


def _shown(value: Any) -> str:
    text = (
        repr(value)
        if isinstance(value, str)
        else str(value).lower()
        if isinstance(value, bool)
        else str(value)
    )
    return text if len(text) <= 60 else text[:57] + "..."


def validate_value(param: NotebookParameter, value: Any, where: str) -> Any:
    """Check one value against a declared parameter; return it (ints given for floats as float).

    Raises
    ------
    ParameterError
        The value has the wrong type, is not a finite number, is not one of the declared
        choices, or is outside the declared range.
    """
    kind, name = param.type, param.name
    head = f"parameter '{name}' of {where}"
    choices = choices_of(param)
    low, high = range_of(param)
    ranged = low is not None or high is not None
    if kind == "str" and ranged and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)  # "auto or a number" parameters: a number from a YAML file is fine
    if kind == "str":
        if not isinstance(value, str):
            raise ParameterError(f"{head} must be text, got {_shown(value)}")
        if len(value) > MAX_TEXT:
            raise ParameterError(f"{head} is longer than {MAX_TEXT:,} characters")
        if "\x00" in value:
            raise ParameterError(f"{head} contains a NUL character")
        if (text_format := format_of(param)) is not None:
            _read_format(text_format, value, head)
    elif kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ParameterError(f"{head} must be a whole number, got {_shown(value)}")
    elif kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParameterError(f"{head} must be a number, got {_shown(value)}")
        if not math.isfinite(value):
            raise ParameterError(f"{head} must be a finite number, got {_shown(value)}")
        value = float(value)
    elif kind == "bool":
        if not isinstance(value, bool):
            raise ParameterError(f"{head} must be true or false, got {_shown(value)}")
    else:
        if not isinstance(value, (str, int, float, bool)) or (
            isinstance(value, float) and not math.isfinite(value)
        ):
            raise ParameterError(
                f"{head} must be one plain value (text, number, true/false), got {_shown(value)}"
            )
    bounds = f"{'' if low is None else f'{low:g}'}..{'' if high is None else f'{high:g}'}"
    if kind == "str" and choices is not None and ranged:
        # text that is one of the choices or a number in the range ("auto" or a count)
        if value in choices:
            return value
        number_text = _FLOAT_TEXT.fullmatch(value.strip())
        if number_text is None or not _inside(float(value), low, high):
            listed = ", ".join(f'"{c}"' if c == "" else c for c in choices)
            raise ParameterError(
                f"{head} must be one of {listed} or a number in the range {bounds}, got {_shown(value)}"
            )
        return value
    if choices is not None and str(value) not in choices:
        listed = ", ".join(f'"{c}"' if c == "" else c for c in choices)
        hint = difflib.get_close_matches(str(value), choices, n=1)
        extra = f" (did you mean '{hint[0]}'?)" if hint else ""
        raise ParameterError(f"{head} must be one of {listed}, got {_shown(value)}{extra}")
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and not _inside(value, low, high):
        raise ParameterError(f"{head} must be in the range {bounds}, got {_shown(value)}")
    return value


def _inside(value: float, low: float | None, high: float | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high) and math.isfinite(value)


def _check_name(name: Any, known: Sequence[str], where: str) -> str:
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ParameterError(f"{_shown(name)} in {where} is not a parameter name")
    if name not in known:
        hint = difflib.get_close_matches(name, known, n=1)
        extra = f" (did you mean '{hint[0]}'?)" if hint else " (see `cxlab list`)"
        raise ParameterError(f"unknown parameter '{name}' in {where}{extra}")
    return name


def validate_parameters(
    infos: Sequence[NotebookInfo],
    *,
    common: Mapping[Any, Any] | None = None,
    per_notebook: Mapping[Any, Mapping[Any, Any]] | None = None,
    overrides: Mapping[Any, Any] | None = None,
    texts: Mapping[Any, str] | None = None,
    known: Iterable[NotebookInfo] = (),
) -> tuple[dict[str, Any], dict[str, dict[str, Any]], dict[str, Any]]:
    """Check every parameter of a run against the notebooks' declarations.

    Parameters
    ----------
    infos : sequence of NotebookInfo
        The notebooks that will run.
    common : mapping, optional
        Values for every notebook declaring them (the top level of ``--params``).
    per_notebook : mapping, optional
        Values for one notebook each (the ``notebooks:`` section of ``--params``).
    overrides : mapping, optional
        Values already typed (e.g. the ``data`` source, or ``parameters=`` of ``run``).
    texts : mapping, optional
        Values written on the command line (``-p NAME VALUE``), read as the declared type.
    known : iterable of NotebookInfo, optional
        Further notebooks (the rest of the notebooks folder): a shared name they declare is
        accepted although none of ``infos`` uses it.

    Returns
    -------
    (common, per_notebook, overrides) : checked copies; command-line texts are typed and
    merged into ``overrides``.

    Raises
    ------
    ParameterError
        The first problem found, in one line.
    """
    by_name = {info.name: info for info in infos}
    declared: dict[str, list[tuple[NotebookInfo, NotebookParameter]]] = {}
    for info in infos:
        for param in info.parameters:
            declared.setdefault(param.name, []).append((info, param))
    universe = sorted({*declared, *(p.name for info in known for p in info.parameters)})

    def shared(values: Mapping[Any, Any], where: str, from_text: bool) -> dict[str, Any]:
        checked: dict[str, Any] = {}
        for name, value in values.items():
            _check_name(name, universe, where)
            typed = value
            for info, param in declared.get(name, []):
                typed = coerce_text(param, value) if from_text else value
                typed = validate_value(param, typed, f"{info.name} ({where})")
            if from_text and name not in declared:
                typed = value
            checked[name] = typed
        return checked

    common_ok = shared(common or {}, "the parameters file", from_text=False)
    overrides_ok = shared(overrides or {}, "the run", from_text=False)
    overrides_ok.update(shared(texts or {}, "-p", from_text=True))
    per_ok: dict[str, dict[str, Any]] = {}
    all_names = sorted({*by_name, *(info.name for info in known)})
    for nb_name, values in (per_notebook or {}).items():
        where = "'notebooks:' of the parameters file"
        if not isinstance(nb_name, str) or nb_name not in all_names:
            hint = difflib.get_close_matches(str(nb_name), all_names, n=1)
            extra = f" (did you mean '{hint[0]}'?)" if hint else ""
            raise ParameterError(f"unknown notebook {_shown(nb_name)} in {where}{extra}")
        info = by_name.get(nb_name) or next(i for i in known if i.name == nb_name)
        params = {p.name: p for p in info.parameters}
        checked: dict[str, Any] = {}
        for name, value in values.items():
            _check_name(name, sorted(params), f"{nb_name} ({where})")
            checked[name] = validate_value(params[name], value, f"{nb_name} ({where})")
        per_ok[nb_name] = checked
    return common_ok, per_ok, overrides_ok
