"""Hostile parameters: names and values that must never reach papermill unchecked.

Every case runs ``cxlab run`` in-process and asserts the exact exit code, the one-line
message, that no output folder was created and that no injected code ran.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cxlib.cli import main
from cxlib.reports import notebook_info
from cxlib.reports.validation import ParameterError, choices_of, coerce_text, range_of, validate_value

from .conftest import write_notebook

MARK = "PWNED"


def _run(nbdir: Path, tmp_path: Path, *extra: str) -> list[str]:
    return ["run", "h1", "--notebooks", str(nbdir), "--out", str(tmp_path / "out"), *extra]


def _refused(capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], message: str) -> None:
    """Exit 2, one line on stderr holding ``message``, nothing written, nothing executed."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert message in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.rglob(MARK))


def _params_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "params.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


INJECTED_NAMES = [
    f"import os; os.system('touch {MARK}'); x",
    f"x=__import__('os').system('touch {MARK}')#",
    f"a\nimport os\nos.system('touch {MARK}')\nb",
    "class",
    "__import__",
    "1abc",
    "",
    "period ",
]


@pytest.mark.parametrize("name", INJECTED_NAMES)
def test_injected_name_in_params_file_is_refused(
    name: str, nbdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = _params_file(tmp_path, json.dumps({name: 1}))
    expected = "not a parameter name" if not name.isidentifier() or name == "class" else "unknown parameter"
    _refused(capsys, tmp_path, _run(nbdir, tmp_path, "--params", file), expected)


@pytest.mark.parametrize("name", INJECTED_NAMES[:3])
def test_injected_name_on_command_line_is_refused(
    name: str, nbdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _refused(capsys, tmp_path, _run(nbdir, tmp_path, "-p", name, "1"), "not a parameter name")


def test_injected_name_in_notebook_section_is_refused(
    nbdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = _params_file(tmp_path, json.dumps({"notebooks": {"h1": {INJECTED_NAMES[0]: 1}}}))
    _refused(capsys, tmp_path, _run(nbdir, tmp_path, "--params", file), "not a parameter name")


def test_unknown_notebook_in_section_is_refused_with_suggestion(
    nbdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = _params_file(tmp_path, "notebooks:\n  h2:\n    period: week\n")
    _refused(capsys, tmp_path, _run(nbdir, tmp_path, "--params", file), "unknown notebook 'h2' in")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-p", "perod", "week"], "unknown parameter 'perod' in -p (did you mean 'period'?)"),
        (["-p", "alpah", "0.1"], "(did you mean 'alpha'?)"),
        (["-p", "zzzzzz", "1"], "unknown parameter 'zzzzzz' in -p (see `cxlab list`)"),
        (["-p", "alpha", "abc"], "parameter 'alpha' of h1 (-p) must be a number, got 'abc'"),
        (["-p", "alpha", "nan"], "must be a number, got 'nan'"),
        (["-p", "alpha", "inf"], "must be a number, got 'inf'"),
        (["-p", "alpha", "1.5"], "must be in the range 0..1, got 1.5"),
        (["-p", "alpha", "-0.1"], "must be in the range 0..1, got -0.1"),
        (["-p", "min_n", "3.5"], "must be a whole number, got '3.5'"),
        (["-p", "min_n", "0"], "must be in the range 1.., got 0"),
        (["-p", "min_n", "1e400"], "must be a whole number"),
        (["-p", "cuped", "maybe"], "must be true or false, got 'maybe'"),
        (["-p", "period", "fortnight"], "must be one of week, month, quarter, got 'fortnight'"),
        (["-p", "period", "mnth"], "(did you mean 'month'?)"),
        (["-p", "segment", "email"], 'must be one of "", channel, device'),
        (["-p", "label", "x\x00y"], "contains a NUL character"),
        (["-p", "label", "x" * 10_001], "is longer than 10,000 characters"),
    ],
)
def test_bad_command_line_values_are_refused(
    argv: list[str], message: str, nbdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _refused(capsys, tmp_path, _run(nbdir, tmp_path, *argv), message)


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("alpha: .nan\n", "must be a finite number, got nan"),
        ("alpha: .inf\n", "must be a finite number, got inf"),
        ("alpha: -.inf\n", "must be a finite number, got -inf"),
        ("alpha: '0.1'\n", "must be a number, got '0.1'"),
        ("min_n: true\n", "must be a whole number, got true"),
        ("min_n: 3.0\n", "must be a whole number, got 3.0"),
        ("cuped: 1\n", "must be true or false, got 1"),
        ("label: [a, b]\n", "must be text, got ['a', 'b']"),
        ("label: {a: 1}\n", "must be text, got {'a': 1}"),
        ("label: null\n", "must be text, got None"),
        ("period: 7\n", "must be text, got 7"),
        ("notebooks:\n  h1:\n    period: fortnight\n", "must be one of week, month, quarter"),
        ("notebooks:\n  h1:\n    perod: week\n", "(did you mean 'period'?)"),
        ("alpha: [unclosed\n", "is not valid YAML (line 2, column 1)"),
        ("label: !!python/object/apply:os.system ['touch PWNED']\n", "is not valid YAML"),
        ("- a\n- b\n", "must hold a mapping of name: value"),
        ("notebooks: [h1]\n", "must map notebook names to parameter mappings"),
        ("\xff\xfe", "is not UTF-8 text"),
    ],
)
def test_bad_params_file_is_refused(
    yaml_text: str, message: str, nbdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "params.yaml"
    path.write_bytes(yaml_text.encode("latin-1") if yaml_text == "\xff\xfe" else yaml_text.encode())
    _refused(capsys, tmp_path, _run(nbdir, tmp_path, "--params", str(path)), message)


def test_missing_params_file_is_refused(
    nbdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = _run(nbdir, tmp_path, "--params", str(tmp_path / "nope.yaml"))
    _refused(capsys, tmp_path, argv, "cannot read the parameters file")


@pytest.mark.parametrize("value", ["-5", "nan", "inf", "soon"])
def test_bad_timeout_is_a_usage_error(
    value: str, nbdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(_run(nbdir, tmp_path, "--timeout", value))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "argument --timeout" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_bad_jobs_is_a_usage_error(
    value: str, nbdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(_run(nbdir, tmp_path, "--jobs", value))
    assert exit_info.value.code == 2
    assert "argument -j/--jobs" in capsys.readouterr().err


def test_unknown_kernel_is_refused_before_anything_runs(
    nbdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _refused(capsys, tmp_path, _run(nbdir, tmp_path, "--kernel", "bogus"), "no Jupyter kernel named 'bogus'")


def test_unknown_notebook_lists_the_available(
    nbdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["run", "nope", "--notebooks", str(nbdir), "--out", str(tmp_path / "out")]
    _refused(capsys, tmp_path, argv, "'nope' is not a notebook")


def test_shared_name_declared_by_another_notebook_is_accepted_but_not_passed(nbdir: Path) -> None:
    """A params file shared by several notebooks may hold names only some of them declare."""
    from cxlib.reports.validation import validate_parameters

    other = write_notebook(nbdir / "h2.ipynb", params="horizon: int = 12  # months")
    common, per, over = validate_parameters(
        [notebook_info(nbdir / "h1.ipynb")], common={"horizon": 6}, known=[notebook_info(other)]
    )
    assert common == {"horizon": 6} and per == {} and over == {}
    with pytest.raises(ParameterError, match="must be a whole number, got 'x'"):
        validate_parameters([notebook_info(other)], common={"horizon": "x"})


def test_declarations_parsed_from_help(nbdir: Path) -> None:
    params = {p.name: p for p in notebook_info(nbdir / "h1.ipynb").parameters}
    assert choices_of(params["period"]) == ("week", "month", "quarter")
    assert choices_of(params["segment"]) == ("", "channel", "device")
    assert choices_of(params["label"]) is None
    assert range_of(params["alpha"]) == (0.0, 1.0) and range_of(params["min_n"]) == (1.0, None)
    assert coerce_text(params["min_n"], " 12 ") == 12 and coerce_text(params["alpha"], "1e-3") == 0.001
    assert coerce_text(params["cuped"], "No") is False and coerce_text(params["label"], "007") == "007"
    assert validate_value(params["alpha"], 0, "h1") == 0.0 and isinstance(
        validate_value(params["alpha"], 0, "h1"), float
    )


@pytest.mark.notebooks
def test_hostile_values_arrive_as_plain_text(
    nbdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Quotes, backslashes, newlines and code in a text value reach the notebook as that text."""
    evil = f"\\\"; import os; os.system('touch {MARK}') #\n'''\"\"\"\\n"
    file = _params_file(tmp_path, json.dumps({"label": evil, "notebooks": {"h1": {"period": "week"}}}))
    argv = _run(
        nbdir, tmp_path, "--params", file, "-p", "alpha", "0.1", "-p", "cuped", "no", "--data", str(tmp_path)
    )
    assert main(argv) == 0, capsys.readouterr()
    received = json.loads((nbdir / "received.json").read_text())
    assert received == {
        "data": str(tmp_path),
        "period": "week",
        "segment": "",
        "alpha": 0.1,
        "min_n": 30,
        "cuped": False,
        "label": evil,
    }
    assert not list(tmp_path.rglob(MARK)) and not list(nbdir.rglob(MARK))


def test_real_notebook_defaults_pass_their_own_declarations() -> None:
    from cxlib.reports import find_notebooks

    checked = 0
    for path in find_notebooks(None):
        for param in notebook_info(path).parameters:
            assert validate_value(param, param.value, path.stem) == param.value
            checked += 1
    assert checked > 60


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["01_cx_scorecard", "-p", "period", "fortnight"],
            "must be one of week, month, quarter, got 'fortnight'",
        ),
        (
            ["01_cx_scorecard", "-p", "perod", "week"],
            "unknown parameter 'perod' in -p (did you mean 'period'?)",
        ),
        (
            ["01_cx_scorecard", "-p", "alpha", "abc"],
            "parameter 'alpha' of 01_cx_scorecard (-p) must be a number",
        ),
        (["03_cohort_retention", "-p", "kind", "onn"], "(did you mean 'on'?)"),
        (["06_ab_test", "-p", "target_power", "1.2"], "must be in the range 0..1, got 1.2"),
        (["04", "-p", "holdout_weeks", "-5"], "must be one of auto or a number in the range 0.., got '-5'"),
        (
            ["04", "-p", "holdout_weeks", "soon"],
            "must be one of auto or a number in the range 0.., got 'soon'",
        ),
        (["--all", "-p", "engine", "pandas"], "must be one of duckdb, spark, got 'pandas'"),
    ],
)
def test_real_notebooks_refuse_bad_values(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _refused(capsys, tmp_path, ["run", *argv, "--out", str(tmp_path / "out")], message)


@pytest.mark.notebooks
def test_error_page_rerun_command_repeats_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import html
    import shlex

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    folder = tmp_path / "nbs"
    write_notebook(folder / "h1.ipynb", body="raise ValueError('boom')")
    file = _params_file(tmp_path, "period: week\n")
    out = tmp_path / "out"
    argv = [
        "run",
        "h1",
        "--notebooks",
        str(folder),
        "--params",
        file,
        "-p",
        "alpha",
        "0.1",
        "-p",
        "label",
        "a b",
    ]
    assert main([*argv, "--data", str(tmp_path), "--out", str(out)]) == 1
    capsys.readouterr()
    page = html.unescape((out / "h1.error.html").read_text())
    command = page.split("To run it again: <code>")[1].split("</code>")[0]
    assert shlex.split(command) == [
        "cxlab", "run", "h1", "--notebooks", str(folder), "--data", str(tmp_path), "--params", file,
        "-p", "alpha", "0.1", "-p", "label", "a b", "--out", str(out),
    ]  # fmt: skip


BILLION_LAUGHS = (
    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))
    + "label: *i\n"
)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (BILLION_LAUGHS, "uses YAML aliases (*name); write the values out"),
        ("label: " + "x" * 1_000_001 + "\n", "is larger than 1,000 kB"),
        (None, "cannot read the parameters file"),
    ],
    ids=["billion-laughs", "huge", "directory"],
)
def test_hostile_params_files_are_refused_quickly(
    content: str | None, message: str, nbdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import time

    path = tmp_path / "params.yaml"
    if content is None:
        path.mkdir()
    else:
        path.write_text(content)
    started = time.monotonic()
    _refused(capsys, tmp_path, _run(nbdir, tmp_path, "--params", str(path)), message)
    assert time.monotonic() - started < 5


def test_out_that_is_a_file_is_refused(
    nbdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "out").write_text("not a folder")
    assert main(_run(nbdir, tmp_path)) == 2
    assert capsys.readouterr().err == f"cxlab run: --out {tmp_path / 'out'} is a file, not a folder\n"


def test_auto_or_number_text_parameter() -> None:
    from cxlib.reports.params import NotebookParameter

    weeks = NotebookParameter("holdout_weeks", "str", '"auto"', "one of: auto; range: 0..; weeks kept back")
    assert validate_value(weeks, "auto", "nb") == "auto" and validate_value(weeks, "12", "nb") == "12"
    assert validate_value(weeks, 12, "nb") == "12" and validate_value(weeks, "0", "nb") == "0"
    for bad in ("-1", "nan", "inf", "12 weeks", True, [12]):
        with pytest.raises(ParameterError):
            validate_value(weeks, bad, "nb")
