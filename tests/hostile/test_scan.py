"""Every notebook rendered on a hostile copy of the sample: nothing personal under ``--out``.

The copy (:mod:`.hostile_shop`) carries e-mail addresses and phone numbers in several
spellings as customer ids, segment values and in texts, IBANs and card numbers in texts,
and markup in every text and segment column. Rendering all seven notebooks takes minutes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cxlib.reports import find_notebooks, run

from .hostile_shop import build
from .pii import leaks

pytestmark = [pytest.mark.slow, pytest.mark.notebooks]

#: Markup that would run if it reached a page unescaped.
LIVE_MARKUP = re.compile(r"<script>window\.__pwned|<img src=x onerror|<svg onload|href=\"javascript:", re.I)


def test_no_planted_personal_data_under_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    shop = build(tmp_path / "shop")
    out = tmp_path / "out"
    summary = run(data=str(shop), out=out, progress=False, timeout=1200)
    names = [p.stem for p in find_notebooks(None)]
    # a page per notebook, and one per experiment for the A/B notebook (06_ab_test-<slug>)
    assert sorted({r.name.split("-", 1)[0] for r in summary.results}) == sorted(names)
    statuses = {r.name: (r.status, r.failure.message[:200] if r.failure else "") for r in summary.results}
    assert leaks(out) == [], statuses
    pages = list(out.rglob("*.html"))
    assert len(pages) >= len(names) + 1  # a page per notebook (report or error page) and the index
    for page in pages:
        assert not LIVE_MARKUP.search(page.read_text()), page.name
    assert not list(out.rglob("*.ipynb"))
    # the hostile data still makes reports: every notebook ran to the end
    assert {name: status for name, (status, _) in statuses.items()} == dict.fromkeys(statuses, "ok"), statuses
