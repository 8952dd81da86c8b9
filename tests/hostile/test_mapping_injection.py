"""Mapping files cannot run code: YAML tags, SQL in column names, regular expressions."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxlib.cli import main

#: A column header that is SQL, quoted as CSV (a double quote doubled).
HOSTILE_HEADER = "x\"; COPY (SELECT 1) TO '{mark}'; --"


def _shop(tmp_path: Path, mark: Path) -> Path:
    folder = tmp_path / "shop"
    folder.mkdir()
    header = HOSTILE_HEADER.format(mark=mark).replace('"', '""')
    (folder / "orders.csv").write_text(
        f'Order,Customer,Created,Total,"{header}"\n'
        "o1,c1,2024-01-01T10:00:00Z,10.5,web\no2,c2,2024-01-02T11:00:00Z,20,app\n"
    )
    return folder


@pytest.mark.parametrize(
    ("mapping", "exit_code"),
    [
        ("orders: !!python/object/apply:os.system ['touch {mark}']\n", 1),
        ("!!python/object/new:os.system ['touch {mark}']\n", 1),
        (
            "orders:\n  Order: order_id\n  Customer: customer_id\n  Created: ts\n  Total: revenue\n"
            "  'x\"; COPY (SELECT 1) TO ''{mark}''; --': channel\n",
            0,
        ),
        ("orders:\n  match:\n    order_id: \"(?i)order'); COPY (SELECT 1) TO '{mark}'; --\"\n", 1),
        (
            "orders:\n  columns: {{Order: order_id, Customer: customer_id, Created: ts, Total: revenue}}\n"
            "  keep: ['x\"; COPY (SELECT 1) TO ''{mark}''; --']\n",
            0,
        ),
    ],
    ids=["yaml-tag", "yaml-tag-top", "sql-in-column-name", "sql-in-pattern", "sql-in-keep"],
)
def test_mapping_cannot_run_code(
    mapping: str, exit_code: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mark = tmp_path / "PWNED"
    file = tmp_path / "mapping.yaml"
    file.write_text(mapping.format(mark=mark))
    code = main(["check", "--data", str(_shop(tmp_path, mark)), "--mapping", str(file)])
    captured = capsys.readouterr()
    assert not mark.exists()
    assert code == exit_code, captured.out[-600:]
    assert "Traceback" not in captured.out + captured.err
