"""Parameters are parsed one at a time, whatever the number of run workers.

CPython 3.11 keeps the AST constructor's recursion depth in state shared by threads, so two
parses at once can fail with a spurious ``SystemError: AST constructor recursion depth
mismatch`` (python/cpython#106905); a CI run of ``cxlab run`` with two workers failed on it
once. ``cxlib.reports.params.literal`` therefore parses under a lock.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from cxlib.reports import params


def test_literals_are_parsed_one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    inside, most = 0, 0
    guard = threading.Lock()
    real = params.ast.literal_eval

    def slow_parse(source: str) -> Any:
        nonlocal inside, most
        with guard:
            inside += 1
            most = max(most, inside)
        time.sleep(0.02)  # long enough for the other workers to arrive
        with guard:
            inside -= 1
        return real(source)

    monkeypatch.setattr(params.ast, "literal_eval", slow_parse)
    with ThreadPoolExecutor(max_workers=4) as pool:
        values = list(pool.map(params.literal, ["1", "'a'", "[2, 3]", "{'k': 4}", "x + 1"] * 2))
    assert most == 1
    assert values[:5] == [1, "a", [2, 3], {"k": 4}, "x + 1"]
