"""Ctrl-C in ``cxlab run``: stop at once, exit 130, one line, earlier reports intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import write_notebook

pytestmark = pytest.mark.notebooks

SLOW_BODY = (
    "import os, pathlib, time\n"
    "pathlib.Path(os.environ['CXLAB_TEST_MARKS'], name).write_text(str(os.getpid()))\n"
    "time.sleep(120)"
)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in state  # a zombie has stopped


@pytest.mark.slow
@pytest.mark.parametrize("group", [False, True], ids=["process", "process-group"])
def test_ctrl_c_stops_at_once(tmp_path: Path, group: bool) -> None:
    nbs, marks, out = tmp_path / "nbs", tmp_path / "marks", tmp_path / "out"
    marks.mkdir()
    for name in ("s1", "s2", "s3", "s4"):
        write_notebook(nbs / f"{name}.ipynb", f'name: str = "{name}"  # who I am', SLOW_BODY, title=name)
    out.mkdir()
    (out / "s1.html").write_text("OLD GOOD REPORT")
    env = {**os.environ, "CXLAB_TEST_MARKS": str(marks), "XDG_STATE_HOME": str(tmp_path / "state")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cxlib.cli",
            "run",
            "--all",
            "--notebooks",
            str(nbs),
            "--out",
            str(out),
            "-j",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=group,
    )
    deadline = time.monotonic() + 120
    while len(list(marks.iterdir())) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert sorted(p.name for p in marks.iterdir()) == ["s1", "s2"], proc.communicate(timeout=5)
    kernels = [int((marks / n).read_text()) for n in ("s1", "s2")]
    stopped = time.monotonic()
    if group:  # a terminal's Ctrl-C reaches the whole foreground process group, kernels included
        os.killpg(proc.pid, signal.SIGINT)
    else:
        os.kill(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    took = time.monotonic() - stopped
    assert proc.returncode == 130
    assert took < 10, took
    assert stderr.splitlines() == [
        "cxlab run: interrupted: 4 notebook(s) stopped or not started, 0 finished; earlier reports kept"
    ], stderr
    assert "Traceback" not in stdout and all(line.endswith(": running") for line in stdout.splitlines())
    assert sorted(p.name for p in marks.iterdir()) == ["s1", "s2"]  # queued ones never started
    assert not [pid for pid in kernels if _alive(pid)]  # running kernels stopped
    assert (out / "s1.html").read_text() == "OLD GOOD REPORT"
    assert sorted(p.name for p in out.iterdir()) == ["s1.html"]  # no error pages, no records
