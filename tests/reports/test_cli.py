"""The ``cxlab`` command line: run, list, sample, check; exit codes and readable output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from cxlib.cli import main

NB_PARAMS = 'n: int = 3  # number of rows to print\nword: str = "hi"  # what to print'


def _notebook(folder: Path, name: str, body: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(NB_PARAMS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {name.title()}"), params, nbformat.v4.new_code_cell(body)]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def test_list_shows_parameters_types_and_help(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _notebook(tmp_path, "alpha", "print(n)")
    assert main(["list", "--notebooks", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "alpha  —  Alpha" in out
    assert "n     int   = 3" in out and "number of rows to print" in out
    assert 'word  str   = "hi"' in out and "what to print" in out
    assert "1 notebook(s) in" in out


def test_list_real_notebooks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "00_data_health  —  Data health" in out
    assert 'data      str   = "data/sample"' in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run"], "name the notebooks to run, or use --all"),
        (["run", "x", "--all"], "not both"),
        (["run", "no_such_notebook"], "'no_such_notebook' is not a notebook"),
    ],
)
def test_run_usage_errors_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: cxlab" in capsys.readouterr().out


@pytest.mark.notebooks
def test_run_all_exit_codes_and_parameters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "nbs"
    _notebook(folder, "alpha", "print(word * n)")
    params = tmp_path / "p.yaml"
    params.write_text("word: yo\n")
    out = tmp_path / "reports"
    code = main(
        [
            "run",
            "--all",
            "--notebooks",
            str(folder),
            "--out",
            str(out),
            "--params",
            str(params),
            "-p",
            "n",
            "4",
        ]
    )
    assert code == 0
    assert "yoyoyoyo" in (out / "alpha.html").read_text()
    log = capsys.readouterr().out
    assert "[1/1] alpha: ok" in log and "1 report(s) ok" in log  # not a TTY: plain log lines
    _notebook(folder, "beta", "raise RuntimeError('nope')")
    assert main(["run", "--all", "--notebooks", str(folder), "--out", str(out), "--timeout", "120"]) == 1
    assert (out / "beta.error.html").exists() and (out / "alpha.html").exists()


def test_check_reports_problems(tiny_shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tiny_shop)]) == 0  # 1 of 60 orders: under the 5 % --max-drop
    out = capsys.readouterr().out
    assert "1 problem(s), 1 row(s) affected" in out
    assert "[1] orders, column 'revenue', file orders.parquet: 1 row(s)  [negative_value]" in out
    assert "order_id='o0005'" in out
    assert main(["check", str(tiny_shop), "--max-drop", "1"]) == 1
    assert "more than 1% of a table's rows (orders 1.7%)" in capsys.readouterr().out
    assert main(["check", str(tiny_shop), "--max-drop", "150"]) == 2


def test_check_clean_and_missing_sources(
    tiny_shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    clean = tmp_path / "clean"
    clean.mkdir()
    shutil.copy(tiny_shop / "events.parquet", clean / "events.parquet")
    assert main(["check", str(clean)]) == 0
    assert "no problems found" in capsys.readouterr().out
    assert main(["check", str(tmp_path / "nowhere")]) == 1
    assert "no such file or folder" in capsys.readouterr().out


def test_sample_calls_the_generator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import cxlib.sample as sample

    calls = []

    def fake(out_dir: Path, seed: int = 42, **kwargs: object) -> dict[str, Path]:
        calls.append((Path(out_dir), seed))
        path = Path(out_dir) / "orders.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 2000)
        return {"orders": path}

    monkeypatch.setattr(sample, "generate_sample", fake)
    assert main(["sample", "--seed", "7", "--out", str(tmp_path / "s")]) == 0
    assert calls == [(tmp_path / "s", 7)]
    assert "sample shop (seed 7)" in capsys.readouterr().out


def test_module_entry_point_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cxlib.cli", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stdout.startswith("cxlab ")
