"""The voice-of-the-customer notebook under papermill with non-default parameters, from another
folder, on a small shop whose complaints carry scripts, e-mail addresses and phone numbers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import tiny_shop_frames, write_shop

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "05_voice_of_customer.ipynb"

HOSTILE = [
    "<script>window.__pwned=1</script> The delivery was late, mail me at jane.doe@example.com",
    '<img src=x onerror="window.__pwned=2"> Delivery late again, call +44 20 7946 0958',
    "Parcel arrived late and damaged, my card 4111 1111 1111 1111 was charged twice",
    "Przesyłka spóźniona, proszę dzwonić 600 123 456",
]
PRAISE = [
    "Fast delivery and great quality, thank you!",
    "Bardzo szybka dostawa, polecam!",
    "Great price, happy customer",
]


def voc_shop(folder: Path) -> Path:
    frames = tiny_shop_frames(days=60)
    rng = np.random.default_rng(4)
    n = 80
    texts = [HOSTILE[(i // 2) % len(HOSTILE)] if i % 2 else PRAISE[(i // 2) % len(PRAISE)] for i in range(n)]
    start = pd.Timestamp("2024-03-01", tz="UTC")
    frames["feedback"] = pd.DataFrame(
        {
            "feedback_id": [f"f{i}" for i in range(n)],
            "ts": start + pd.to_timedelta(np.arange(n) * 0.7, unit="D"),
            "text": texts,
            "customer_id": [f"C{i:05d}" for i in range(n)],
            "rating": [1 if i % 2 else 5 for i in range(n)],
            "source": "review",
        }
    )
    frames["surveys"] = pd.DataFrame(
        {
            "response_id": [f"r{i}" for i in range(n)],
            "ts": start + pd.to_timedelta(np.arange(n) * 0.7, unit="D"),
            "metric": "nps",
            "score": [int(rng.integers(0, 5)) if i % 2 else int(rng.integers(8, 11)) for i in range(n)],
            "comment": texts,
        }
    )
    return write_shop(folder, frames)


@pytest.mark.notebooks
def test_notebook_runs_with_non_default_parameters_and_shows_no_raw_customer_markup(tmp_path):
    voc_shop(tmp_path / "shop")
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
            "start",
            "2024-03-01",
            "-p",
            "end",
            "2024-05-31",
            "-p",
            "languages",
            "en,pl",
            "-p",
            "min_n",
            "3",
            "-p",
            "period",
            "month",
            "-p",
            "quotes",
            "2",
            "--no-progress-bar",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    nb = json.loads(out.read_text())
    html = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error"
            data = output.get("data", {})
            html.append("".join(data.get("text/html", "")))
            html.append(json.dumps(data.get("application/vnd.plotly.v1+json", "")))
    text = "\n".join(html)
    assert "Key findings" in text and "cxlab-verbatims" in text
    # Customer markup appears only escaped, as text.
    assert "<img src=x" not in text and "<script>window" not in text and 'onerror="window' not in text
    assert "&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;" in text
    for secret in ("jane.doe@example.com", "7946 0958", "4111 1111 1111 1111", "600 123 456", "C00001"):
        assert secret not in text, secret
    # one vocabulary: effects of the 0-10 answer are not NPS points; languages by name
    assert "NPS points" not in text and "Points on the 0–10 scale" in text
    assert "(English)" in text and "(en)" not in text
    markdown = ["".join(cell["source"]) for cell in nb["cells"] if cell["cell_type"] == "markdown"]
    headings = [line for source in markdown for line in source.splitlines()]
    sections = [line for line in headings if line.startswith("## ")]
    assert sections[-1] == "## Appendix"  # analyst tables last, folded by the report template
    appendix = next(i for i, cell in enumerate(nb["cells"]) if "## Appendix" in "".join(cell["source"]))
    later = "\n".join(
        "".join(o.get("data", {}).get("text/html", ""))
        for cell in nb["cells"][appendix:]
        for o in cell.get("outputs", [])
    )
    assert "Accuracy measured on held-out real reviews" in later and "Ordinal logit" in later
