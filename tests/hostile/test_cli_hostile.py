"""Hostile command lines: ``cxlab sample`` over the user's files, ``cxlab list`` on broken notebooks."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import cxlib.sample
from cxlib.cli import main

from .conftest import write_notebook


@pytest.fixture
def fake_sample(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """``generate_sample`` replaced by a quick one writing one tagged table (as the real one tags)."""
    calls: list[Path] = []

    def generate(out_dir: str | Path, seed: int = 42) -> dict[str, Path]:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        table = pa.table({"order_id": ["o1"]}).replace_schema_metadata({"cxlib.sample.table": "orders"})
        pq.write_table(table, out / "orders.parquet")
        calls.append(out)
        return {"orders": out / "orders.parquet"}

    monkeypatch.setattr(cxlib.sample, "generate_sample", generate)
    return calls


@pytest.mark.parametrize(
    "user_file", ["orders.parquet", "orders.csv", "README.md", "notes.txt", "events"], ids=str
)
def test_sample_refuses_a_folder_with_the_users_files(
    user_file: str, tmp_path: Path, fake_sample: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "shop"
    target.mkdir()
    if user_file == "events":
        (target / user_file).mkdir()
    elif user_file.endswith(".parquet"):
        pq.write_table(pa.table({"order_id": ["mine"]}), target / user_file)  # no sample tag
    else:
        (target / user_file).write_text("my own data\n")
    before = {p.name: p.stat().st_mtime_ns for p in target.iterdir()}
    assert main(["sample", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"cxlab sample: {target} holds files the sample did not write ({user_file}); "
        "choose an empty folder, or add --force to write there anyway\n"
    )
    assert {p.name: p.stat().st_mtime_ns for p in target.iterdir()} == before and fake_sample == []


def test_sample_force_and_own_files(tmp_path: Path, fake_sample: list[Path]) -> None:
    target = tmp_path / "shop"
    target.mkdir()
    (target / "mine.csv").write_text("x\n")
    assert main(["sample", "--out", str(target), "--force"]) == 0
    assert fake_sample == [target]
    (target / "mine.csv").unlink()
    (target / ".gitkeep").write_text("")
    assert main(["sample", "--out", str(target)]) == 0  # only files the sample wrote (and hidden ones)
    assert main(["sample", "--out", str(tmp_path / "new")]) == 0
    assert len(fake_sample) == 3


def test_sample_refuses_a_file_as_folder(
    tmp_path: Path, fake_sample: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "f").write_text("x")
    assert main(["sample", "--out", str(tmp_path / "f")]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_committed_sample_folder_counts_as_written_by_the_sample() -> None:
    from cxlib.cli import _written_by_sample

    folder = Path(__file__).resolve().parents[2] / "data" / "sample"
    assert all(_written_by_sample(p) for p in folder.iterdir() if not p.name.startswith("."))


def test_list_survives_a_broken_notebook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_notebook(tmp_path / "a_good.ipynb", "x: int = 1  # a number")
    (tmp_path / "b_broken.ipynb").write_text("{ not json")
    assert main(["list", "--notebooks", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "a_good  —  Hostile" in out and "b_broken  —  cannot be read: " in out
    assert "Traceback" not in out and "2 notebook(s) in" in out


def test_list_of_a_missing_folder_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--notebooks", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no notebooks found in" in err
