"""Targets per metric: one line of text, read by cxlib, refused before any kernel when wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxlib import DataError
from cxlib.reports import notebook_info
from cxlib.reports.validation import ParameterError, format_of, validate_value
from cxlib.scorecard import parse_targets

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_cx_scorecard.ipynb"


def test_targets_are_read_in_the_scorecard_units() -> None:
    got = parse_targets(" nps: 40, csat=80% ; cart_abandonment: 0.65, aov: 59.9, ces: 3,")
    assert got == {"nps": 40.0, "csat": 0.8, "cart_abandonment": 0.65, "aov": 59.9, "ces": 3.0}
    assert list(got) == ["nps", "csat", "cart_abandonment", "aov", "ces"]
    assert parse_targets("") == {} and parse_targets(None) == {} and parse_targets(" , ;") == {}
    assert parse_targets("NPS: −5") == {"nps": -5.0}
    assert parse_targets("return_rate: 5%") == {"return_rate": pytest.approx(0.05)}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nps 40", "'nps 40' is not a pair like nps: 40"),
        ("nps:", "'nps:' is not a pair"),
        ("npss: 40", "'npss: 40' names no scorecard metric (did you mean nps?)"),
        ("happiness: 4", "'happiness: 4' names no scorecard metric (known: nps, csat"),
        ("nps: 40, nps: 50", "'nps: 50' gives a second target for nps"),
        ("nps: forty", "'nps: forty' has no number"),
        ("nps: nan", "'nps: nan' has no number"),
        ("csat: 80", "'csat: 80' is a share: write it between 0 and 1 or as a percentage"),
        ("csat: 120%", "'csat: 120%' is a share"),
        ("nps: 40%", "'nps: 40%' is not a share: write nps without %"),
        ("nps: 400", "'nps: 400' is outside the NPS range −100 to 100"),
        ("aov: -3", "'aov: -3' is negative"),
    ],
)
def test_bad_targets_name_the_item(text: str, message: str) -> None:
    with pytest.raises(DataError, match="bad_targets") as caught:
        parse_targets(text)
    assert message in str(caught.value)


def test_notebook_parameter_is_checked_before_the_kernel() -> None:
    (param,) = [p for p in notebook_info(NOTEBOOK).parameters if p.name == "targets"]
    assert param.type == "str" and param.value == "" and format_of(param) == "targets"
    assert validate_value(param, "nps: 40, csat: 80%", "01_cx_scorecard") == "nps: 40, csat: 80%"
    with pytest.raises(ParameterError) as caught:
        validate_value(param, "nps: 40, csta: 0.8", "01_cx_scorecard (-p)")
    assert str(caught.value) == (
        "parameter 'targets' of 01_cx_scorecard (-p): targets: 'csta: 0.8' names no scorecard metric "
        "(did you mean csat?)"
    )


def test_cxlab_run_refuses_bad_targets_before_any_kernel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cxlib.cli import main

    out = tmp_path / "out"
    assert main(["run", "01_cx_scorecard", "-p", "targets", "nps: 400", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "parameter 'targets' of 01_cx_scorecard (-p): targets: 'nps: 400' is outside the NPS range" in err
    assert not out.exists()
