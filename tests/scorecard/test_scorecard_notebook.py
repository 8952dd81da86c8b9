"""The CX scorecard notebook: up to date with its builder, runs under papermill with other parameters.

(Every notebook also runs with its defaults under ``pytest --nbval-lax``: tests/notebooks.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.scorecard.shops import random_shop

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "01_cx_scorecard.ipynb"


def _text(path: Path) -> str:
    parts = []
    for cell in json.loads(path.read_text())["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            parts += ["".join(data[k]) for k in ("text/html", "text/plain") if k in data][:1]
            if "application/vnd.plotly.v1+json" in data:
                parts.append(
                    json.dumps(
                        data["application/vnd.plotly.v1+json"]["layout"].get("title"), ensure_ascii=False
                    )
                )
            if out.get("output_type") == "stream":
                parts.append("".join(out["text"]))
    return "\n".join(parts)


@pytest.mark.notebooks
def test_papermill_with_weekly_device_split_and_hostile_comments(tmp_path: Path) -> None:
    shop = random_shop(41, customers=200, orders=1_500, answers=1_200, sessions=600, days=90)
    shop["surveys"]["comment"] = "<script>window.__pwned=1</script> call +44 20 7946 0958"
    folder = tmp_path / "shop"
    folder.mkdir()
    for name, frame in shop.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    out = tmp_path / "out.ipynb"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            str(NOTEBOOK),
            str(out),
            "-p",
            "data",
            "shop",
            "-p",
            "period",
            "week",
            "-p",
            "by",
            "device",
            "-p",
            "min_n",
            "40",
            "-p",
            "ces_higher_is_better",
            "True",
            "-p",
            "currency",
            "USD",
            "--no-progress-bar",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = _text(out)
    assert "by device, per week" in text and "CES 2.0 (1–7 agreement, higher = easier)" in text
    assert "too few answers" in text and "Average order value (USD)" in text
    assert "Key findings" in text and "promoters" in text.lower()
    assert '<table class="cxlab-table cxsc">' in text and 'title="n = ' in text  # the manager-style cells
    assert '<div class="cxsc-bar" role="img"' in text  # promoters, passives, detractors
    assert "<script>window.__pwned" not in text and "7946" not in text
