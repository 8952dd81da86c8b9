"""``cxlab run``: every notebook → papermill → nbconvert → atomic HTML, plus the index.

One failing notebook does not stop the others: it gets ``<name>.error.html``, its previous
good ``<name>.html`` stays in place, and the run reports failure. A JSON manifest in the
output folder (``.cxlab-runs.json``) keeps the latest run of every notebook so that runs of
a few notebooks merge into one index.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import json
import logging
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cxlib.reports._atomic import atomic_write_text
from cxlib.reports.assets import plotly_js_name, write_plotly_js
from cxlib.reports.column_parameters import check_column_parameters
from cxlib.reports.execute import Execution, Failure, check_kernel, execute_notebook, kernel_env
from cxlib.reports.glossary import GLOSSARY_FILE, write_glossary
from cxlib.reports.params import NotebookInfo, load_params_file, notebook_info, parameters_for
from cxlib.reports.paths import default_notebooks_dir, find_notebooks, git_commit, list_notebooks
from cxlib.reports.scrub import mask_html, mask_json
from cxlib.reports.validation import validate_parameters
from cxlib.skipping import SKIP_NAME, split_message

__all__ = ["MANIFEST_NAME", "Page", "Progress", "ReportResult", "RunSummary", "plan_pages", "run"]

MANIFEST_NAME = ".cxlab-runs.json"
#: Where kept failed notebooks went before they moved out of the published folder.
LEGACY_FAILED_DIR = ".cxlab-failed"
WRITE_STEP = "Write the report"
DEFAULT_TIMEOUT = 600.0


@dataclass(frozen=True)
class ReportResult:
    """Outcome of one notebook.

    Attributes
    ----------
    name : str
        Notebook name (file stem).
    status : {"ok", "skipped", "failed"}
        ``skipped``: the notebook raised :class:`cxlib.skipping.NotebookSkipped` (the shop
        lacks what it needs); its page says why and what to add.
    html : Path or None
        The report page: the new one, or after a failure the previous good one if any.
    error_html : Path or None
        The error page (failures only).
    duration : float
        Seconds spent on the notebook (execution and export).
    failure : Failure or None
    record : dict
        The run record written to the manifest and shown on the index page.
    """

    name: str
    status: str
    html: Path | None
    error_html: Path | None
    duration: float
    failure: Failure | None
    record: dict[str, Any]

    @property
    def ok(self) -> bool:
        """The notebook ran and its report was written."""
        return self.status == "ok"


@dataclass(frozen=True)
class RunSummary:
    """All results of one ``run`` and where the index is."""

    results: list[ReportResult]
    index: Path
    out_dir: Path
    duration: float
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    strict: bool = False

    @property
    def ok(self) -> bool:
        """Nothing failed (and, when ``strict``, nothing was skipped)."""
        return not self.failed and not (self.strict and self.skipped)

    @property
    def exit_code(self) -> int:
        """Exit status of the command: 0 when :attr:`ok`, else 1."""
        return 0 if self.ok else 1


@dataclass(frozen=True)
class Page:
    """One report page a notebook run writes.

    A notebook writes one page named after itself; the A/B notebook, given no experiment,
    writes one page per experiment of the data (``<notebook>-<slug>``), each run with its
    ``experiment`` parameter.

    Attributes
    ----------
    name : str
        Page (and manifest) name: the notebook's, or ``<notebook>-<slug>``.
    family : str or None
        The notebook's name when it is one of several pages of one notebook.
    experiment : dict or None
        ``name``, ``first_exposure``, ``last_exposure``, ``units`` per variant of the
        experiment the page analyses (shown on the index).
    """

    name: str
    family: str | None = None
    experiment: dict[str, Any] | None = None

    def title(self, notebook_title: str) -> str:
        """Return the page's title: the notebook's, with the experiment's name for one of several pages."""
        if self.family is not None and self.experiment is not None:
            return f"{notebook_title}: {self.experiment['name']}"
        return notebook_title

    def record(self) -> dict[str, Any]:
        """Return what the page adds to its run record."""
        out: dict[str, Any] = {}
        if self.family is not None:
            out["family"] = self.family
        if self.experiment is not None:
            out["experiment"] = self.experiment
        return out


def plan_pages(
    info: NotebookInfo, passed: dict[str, Any], effective: dict[str, Any]
) -> list[tuple[Page, dict[str, Any]]]:
    """Return the pages a notebook run writes, each with the parameters passed to it.

    A notebook that declares ``data`` and ``experiment`` and runs with ``experiment`` empty
    on DuckDB is expanded into one run per experiment of its data when there are two or
    more (the experiments are listed by one grouped query before any kernel starts).
    Every name is checked as a value of the ``experiment`` parameter (text, no NUL); the
    page name uses a slug safe for file names (:func:`cxlib.experiments.catalogue.experiment_slugs`).
    Anything that prevents the listing leaves the notebook as one run: it reports the
    problem itself.

    Parameters
    ----------
    info : NotebookInfo
    passed, effective : dict
        Parameters passed to the notebook and the effective ones (see
        :func:`cxlib.reports.params.parameters_for`).

    Returns
    -------
    list of (Page, dict)
    """
    declared = {p.name: p for p in info.parameters}
    single = [(Page(info.name), passed)]
    if (
        "experiment" not in declared
        or "data" not in declared
        or effective.get("engine", "duckdb") != "duckdb"
    ):
        return single
    try:
        from cxlib.experiments.catalogue import read_experiments
        from cxlib.reports.paths import resolve_data

        listed = read_experiments(resolve_data(str(effective["data"]), "duckdb"))
    except Exception:  # the notebook's own run says what is wrong with the data
        return single
    found = {e.name: e for e in listed}
    chosen = str(effective.get("experiment") or "")
    if chosen or len(listed) < 2:
        one = found.get(chosen) if chosen else (listed[0] if listed else None)
        return [(Page(info.name, experiment=one.to_json() if one else None), passed)]
    from cxlib.experiments.catalogue import experiment_slugs
    from cxlib.reports.validation import ParameterError, validate_value

    usable = []
    for e in listed:
        try:
            validate_value(declared["experiment"], e.name, f"notebook {info.name}")
        except ParameterError:  # e.g. a NUL in the name: the table's problem, shown by one run
            return single
        usable.append(e)
    slugs = experiment_slugs([e.name for e in usable])
    return [
        (
            Page(f"{info.name}-{slugs[e.name]}", family=info.name, experiment=e.to_json()),
            {**passed, "experiment": e.name},
        )
        for e in usable
    ]


def _forget_pages(out_dir: Path, family: str, keep: set[str]) -> None:
    """Drop from the manifest the earlier pages of notebook ``family`` this run replaces."""

    def stale(reports: Mapping[str, Mapping[str, Any]]) -> list[str]:
        return [k for k, r in reports.items() if k not in keep and (k == family or r.get("family") == family)]

    if not stale(read_manifest(out_dir)):  # the usual case: nothing to drop, no lock file made
        return
    with _locked(out_dir):
        reports = read_manifest(out_dir)
        for k in stale(reports):
            del reports[k]
        payload = {"format": 1, "updated": _now(), "reports": dict(sorted(reports.items()))}
        atomic_write_text(out_dir / MANIFEST_NAME, json.dumps(payload, indent=1, default=str) + "\n")


# --------------------------------------------------------------------------- progress


class Progress:
    """Progress output: a live line per notebook on a terminal, plain log lines otherwise.

    On a terminal the current notebook(s) and their elapsed time are redrawn on one line
    every half second, and each finished notebook leaves one final line. Elsewhere (cron,
    CI, log files) every notebook gives a "running" and a result line with a timestamp, and
    nothing is redrawn.

    Parameters
    ----------
    stream : file, optional
        Default ``sys.stdout``.
    live : bool, optional
        Force the terminal mode on or off; default: ``stream.isatty()``.
    """

    def __init__(self, stream: IO[str] | None = None, live: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdout
        if live is None:
            isatty = getattr(self.stream, "isatty", None)
            live = bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"
        self.live = live
        self._running: dict[str, tuple[str, float]] = {}
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    @staticmethod
    def _stamp() -> str:
        return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def _status_line(self) -> str:
        now = time.monotonic()
        parts = [f"{label}  running  {now - t0:5.1f}s" for label, t0 in self._running.values()]
        width = shutil.get_terminal_size((100, 20)).columns - 1
        line = " · ".join(parts)
        if len(line) > width:  # a wrapped line could not be redrawn in place
            line = line[: max(width - 1, 10)] + "…"
        return "\r" + line + "\x1b[K" if parts else "\r\x1b[K"

    def _tick(self) -> None:
        while not self._stop.wait(0.5):
            with self._lock:
                if self._running:
                    self._write(self._status_line())

    def start(self, name: str, position: int, total: int) -> None:
        """Report that notebook ``name`` (``position`` of ``total``) started running."""
        label = f"[{position}/{total}] {name}"
        with self._lock:
            self._running[name] = (label, time.monotonic())
            if not self.live:
                self._write(f"{self._stamp()} cxlab {label}: running\n")
                return
            self._write(self._status_line())
            if self._ticker is None:
                self._stop.clear()
                self._ticker = threading.Thread(target=self._tick, name="cxlab-progress", daemon=True)
                self._ticker.start()

    def finish(self, result: ReportResult, position: int, total: int) -> None:
        """Report one notebook's outcome, its time and where its page is."""
        label = f"[{position}/{total}] {result.name}"
        if result.ok and result.html is not None:
            what = f"ok      {result.duration:5.1f}s  -> {_shown(result.html)}"
        elif result.status == "skipped":
            reason = (result.record.get("skip") or {}).get("reason", "")[:160]
            what = f"skipped {result.duration:5.1f}s  {reason}  -> {_shown(result.html)}"
        else:
            reason = result.failure.message.splitlines()[0][:160] if result.failure else "failed"
            what = f"FAILED  {result.duration:5.1f}s  {reason}  -> {_shown(result.error_html)}"
        with self._lock:
            self._running.pop(result.name, None)
            if self.live:
                self._write(f"\r{label}  {what}\x1b[K\n")
                if self._running:
                    self._write(self._status_line())
            else:
                self._write(f"{self._stamp()} cxlab {label}: {what}\n")

    def close(self) -> None:
        """Stop the live line (called by :meth:`summary`)."""
        if self._ticker is not None:
            self._stop.set()
            self._ticker.join()
            self._ticker = None
            with self._lock:
                if self._running:  # interrupted: clear the live line
                    self._write("\r\x1b[K")
                    self._running.clear()

    def summary(self, summary: RunSummary) -> None:
        """Stop the live line and write the closing lines of the run."""
        self.close()
        n = len(summary.results)
        skipped = (
            f", {len(summary.skipped)} skipped ({', '.join(summary.skipped)})" if summary.skipped else ""
        )
        text = (
            f"{n - len(summary.skipped)} report(s) ok{skipped} in {summary.duration:.1f}s; "
            f"index: {_shown(summary.index)}"
            if not summary.failed
            else f"{len(summary.failed)} of {n} report(s) FAILED ({', '.join(summary.failed)}){skipped}; "
            f"index: {_shown(summary.index)}"
        )
        with self._lock:
            self._write(text + "\n" if self.live else f"{self._stamp()} cxlab {text}\n")


class _Silent(Progress):
    def __init__(self) -> None:
        super().__init__(stream=io.StringIO(), live=False)


def _shown(path: Path | None) -> str:
    if path is None:
        return "-"
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- stopping


class Cancelled(Exception):
    """A notebook's run was stopped by Ctrl-C: nothing of it is written."""


class Interrupted(KeyboardInterrupt):
    """``run`` stopped by Ctrl-C: running notebooks killed, queued ones never started.

    Attributes
    ----------
    finished, stopped : int
        Notebooks completed before the interruption, and those stopped or never started.
    """

    def __init__(self, finished: int, stopped: int) -> None:
        super().__init__(finished, stopped)
        self.finished, self.stopped = finished, stopped

    def __str__(self) -> str:
        return (
            f"interrupted: {self.stopped} notebook(s) stopped or not started, "
            f"{self.finished} finished; earlier reports kept"
        )


# --------------------------------------------------------------------------- writing


def publish(path: Path, page: str) -> Path:
    """Write an HTML page under the output folder: personal data masked, atomically."""
    return atomic_write_text(path, mask_html(page))


def _write_asset(path: Path, text: str) -> Path:
    """Write a file shared by the reports (plotly.js, the glossary): atomic, not scrubbed."""
    return atomic_write_text(path, text)


def private_dir(out_dir: Path) -> Path:
    """Owner-only folder, outside the published output folder, for kept failed notebooks.

    ``$XDG_STATE_HOME/cxlab/failed/<out name>-<hash of its path>`` (default state home
    ``~/.local/state``); folders are created with mode 0700.
    """
    import hashlib

    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    digest = hashlib.sha256(str(out_dir).encode()).hexdigest()[:12]
    base = Path(state).expanduser() / "cxlab"
    folder = base / "failed" / f"{out_dir.name or 'out'}-{digest}"
    for part in (base, base / "failed", folder):
        part.mkdir(mode=0o700, parents=True, exist_ok=True)
        part.chmod(0o700)
    return folder


# --------------------------------------------------------------------------- manifest


@contextlib.contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(out_dir / ".cxlab-runs.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_manifest(out_dir: str | Path) -> dict[str, dict[str, Any]]:
    """Latest run record of every notebook in ``out_dir`` (empty if none or unreadable)."""
    path = Path(out_dir) / MANIFEST_NAME
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    reports = loaded.get("reports") if isinstance(loaded, dict) else None
    return {str(k): v for k, v in reports.items() if isinstance(v, dict)} if isinstance(reports, dict) else {}


def _save_record(out_dir: Path, record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    from cxlib.reports.html import index_page

    with _locked(out_dir):
        reports = read_manifest(out_dir)
        reports[record["name"]] = json.loads(json.dumps(record, default=str))
        reports = mask_json(reports)  # older records, written before masking, are masked too
        now = _now()
        payload = {"format": 1, "updated": now, "reports": dict(sorted(reports.items()))}
        atomic_write_text(out_dir / MANIFEST_NAME, json.dumps(payload, indent=1, default=str) + "\n")
        publish(out_dir / "index.html", index_page([reports[k] for k in sorted(reports)], generated=now))
    return reports


def write_index(out_dir: str | Path) -> Path:
    """(Re)write ``index.html`` from the manifest."""
    from cxlib.reports.html import index_page

    out = Path(out_dir)
    reports = read_manifest(out)
    return publish(out / "index.html", index_page([reports[k] for k in sorted(reports)], generated=_now()))


# --------------------------------------------------------------------------- run


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def default_jobs() -> int:
    """Parallel notebooks by default: ``$CXLAB_JOBS``, else min(2, CPUs)."""
    env = os.environ.get("CXLAB_JOBS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(2, os.cpu_count() or 1))


def cxlib_version() -> str:
    """Installed cxlib version, or ``"unknown"``."""
    try:
        import cxlib

        version = getattr(cxlib, "__version__", None)
        if version:
            return str(version)
    except ImportError:  # pragma: no cover
        pass
    try:
        from importlib.metadata import version as dist_version

        return dist_version("cxlib")
    except Exception:  # any metadata problem: the version is informational only
        return "unknown"


def _absolute_data(data: str | os.PathLike[str] | None) -> str | None:
    """Resolve a relative data path against where the command runs, not the notebook."""
    if data is None:
        return None
    text = os.fspath(data)
    if "://" in text:
        return text
    path = Path(text).expanduser()
    if not path.is_absolute() and path.exists():
        return str(path.resolve())
    return text


def _rerun_command(
    name: str,
    data: str | None,
    out_dir: Path,
    params_file: str | None = None,
    texts: Mapping[str, str] | None = None,
    notebooks_dir: str | None = None,
) -> str:
    """Return the ``cxlab run`` command that repeats one notebook's run, shell-quoted."""
    import shlex

    parts = ["cxlab", "run", name]
    if notebooks_dir is not None:
        parts += ["--notebooks", notebooks_dir]
    if data is not None:
        parts += ["--data", data]
    if params_file is not None:
        parts += ["--params", params_file]
    for key, value in (texts or {}).items():
        parts += ["-p", key, value]
    parts += ["--out", _shown(out_dir)]
    return " ".join(shlex.quote(part) for part in parts)


def _run_one(
    info: NotebookInfo,
    passed: dict[str, Any],
    effective: dict[str, Any],
    *,
    out_dir: Path,
    timeout: float | None,
    kernel_name: str | None,
    env: dict[str, str],
    previous: dict[str, Any] | None,
    common: dict[str, Any],
    data: str | None,
    params_file: str | None = None,
    texts: Mapping[str, str] | None = None,
    cancel: threading.Event | None = None,
    notebooks_arg: str | None = None,
    nav: Mapping[str, str] | None = None,
    page: Page | None = None,
) -> ReportResult:
    from cxlib.reports.html import error_page, export_report, notebook_question, page_links

    page = page or Page(info.name)
    name = page.name
    if page.experiment is not None:  # the rerun command names the experiment
        texts = {**(texts or {}), "experiment": page.experiment["name"]}
    started_wall = _now()
    t0 = time.monotonic()
    execution: Execution = execute_notebook(
        info.path,
        passed,
        timeout=timeout,
        kernel_name=kernel_name,
        cwd=info.path.parent,
        env=env,
        cancel=cancel,
    )
    if cancel is not None and cancel.is_set():
        raise Cancelled(info.name)
    meta = execution.outputs_meta
    title = meta.get("title") or info.title
    record: dict[str, Any] = {
        "name": name,
        "title": page.title(title),
        "notebook": str(info.path),
        "started": started_wall,
        "parameters": effective,
        "source": meta.get("source")
        or (str(effective["data"]) if effective.get("data") is not None else None),
        "period": meta.get("period"),
        "fingerprint": meta.get("fingerprint"),
        "question": meta.get("question") or (notebook_question(execution.nb) if execution.nb else None),
        "coverage": meta.get("coverage"),
        "headlines": meta.get("headlines") or [],
        **common,
        **page.record(),
    }
    html_path = out_dir / f"{name}.html"
    error_path = out_dir / f"{name}.error.html"
    failed_nb = private_dir(out_dir) / f"{name}.ipynb"
    (out_dir / LEGACY_FAILED_DIR / f"{name}.ipynb").unlink(missing_ok=True)
    failure = execution.failure
    if failure is None and execution.nb is not None:
        try:
            record["finished"] = _now()
            record["duration_s"] = round(time.monotonic() - t0, 2)
            exported = export_report(
                execution.nb,
                title=record["title"],
                run=record,
                **page_links(name, nav or {}, notebook=info.name),
            )
        except Exception as exc:  # export problems become an error page too
            failure = Failure(ename=type(exc).__name__, evalue=str(exc), step="Export to HTML")
        else:
            try:
                # the library and the glossary before the page that links them
                target = out_dir / plotly_js_name()
                if target.name in exported:
                    write_plotly_js(out_dir, write=_write_asset)
                target = out_dir / GLOSSARY_FILE
                write_glossary(out_dir, write=_write_asset)
                target = html_path
                publish(html_path, exported)
            except OSError as exc:
                failure = Failure(ename=type(exc).__name__, evalue=_os_message(exc, target), step=WRITE_STEP)
    if failure is None and execution.nb is not None:
        error_path.unlink(missing_ok=True)
        failed_nb.unlink(missing_ok=True)
        record.update(
            status="ok",
            html=html_path.name,
            error_html=None,
            error=None,
            duration_s=round(time.monotonic() - t0, 2),
            size_bytes=html_path.stat().st_size,
        )
        record["last_ok"] = {
            k: record.get(k) for k in ("started", "finished", "duration_s", "fingerprint", "parameters")
        }
        return ReportResult(name, "ok", html_path, None, record["duration_s"], None, record)

    assert failure is not None
    if failure.ename == SKIP_NAME:
        return _skipped(name, failure, record, html_path, error_path, failed_nb, t0)
    record.update(
        status="failed",
        finished=_now(),
        duration_s=round(time.monotonic() - t0, 2),
        html=html_path.name if html_path.exists() else None,
        error_html=error_path.name,
        error={
            "ename": failure.ename,
            "evalue": failure.evalue,
            "step": failure.step,
            "detail": failure.detail,
        },
        size_bytes=html_path.stat().st_size if html_path.exists() else None,
        last_ok=(previous or {}).get("last_ok") if html_path.exists() else None,
    )
    if execution.nb is not None:
        import nbformat

        with contextlib.suppress(OSError):  # a full disk must not hide the failure itself
            atomic_write_text(failed_nb, nbformat.writes(execution.nb), mode=0o600)
            record["failed_notebook"] = str(failed_nb)
    shown = error_page(
        record,
        previous=html_path.name if html_path.exists() else None,
        rerun=_rerun_command(info.name, data, out_dir, params_file, texts, notebooks_arg),
    )
    written = _try_publish(error_path, shown)
    record["error_html"] = error_path.name if written else None
    return ReportResult(
        name,
        "failed",
        html_path if html_path.exists() else None,
        error_path if written else None,
        record["duration_s"],
        failure,
        record,
    )


def _os_message(exc: OSError, path: Path | None = None) -> str:
    """One sentence for a file-system error: what could not be written, and why."""
    where = path if path is not None else (Path(exc.filename) if exc.filename else None)
    why = exc.strerror or str(exc)
    return f"could not write {where.name}: {why}" if where is not None else why


def _try_publish(path: Path, page: str) -> bool:
    """Publish a page; ``False`` when the file system refuses (e.g. the disk is full)."""
    try:
        publish(path, page)
    except OSError:
        return False
    return True


def _skipped(
    name: str,
    failure: Failure,
    record: dict[str, Any],
    html_path: Path,
    error_path: Path,
    failed_nb: Path,
    t0: float,
) -> ReportResult:
    """Record a notebook that raised ``NotebookSkipped``; its small page says why and what to add."""
    from cxlib.reports.html import skip_page

    reason, add = split_message(failure.evalue)
    record.update(
        status="skipped",
        finished=_now(),
        duration_s=round(time.monotonic() - t0, 2),
        html=html_path.name,
        error_html=None,
        error=None,
        skip={"reason": reason, "add": add},
        last_ok=None,
    )
    publish(html_path, skip_page(record))
    record["size_bytes"] = html_path.stat().st_size
    error_path.unlink(missing_ok=True)
    failed_nb.unlink(missing_ok=True)
    return ReportResult(name, "skipped", html_path, None, record["duration_s"], None, record)


def _unreadable(
    path: Path,
    exc: Exception,
    out_dir: Path,
    common: dict[str, Any],
    step: str = "Read the notebook",
    name: str | None = None,
) -> ReportResult:
    """Write the result and error page of a notebook that could not be read, run or written."""
    from cxlib.reports.html import error_page

    evalue = _os_message(exc) if isinstance(exc, OSError) and step != "Read the notebook" else str(exc)
    failure = Failure(ename=type(exc).__name__, evalue=evalue, step=step)
    name = name or path.stem
    html_path, error_path = out_dir / f"{name}.html", out_dir / f"{name}.error.html"
    record: dict[str, Any] = {
        "name": name,
        "title": name,
        "notebook": str(path),
        "status": "failed",
        "started": _now(),
        "finished": _now(),
        "duration_s": 0.0,
        "parameters": {},
        "html": html_path.name if html_path.exists() else None,
        "error_html": error_path.name,
        "error": {"ename": failure.ename, "evalue": failure.evalue, "step": failure.step, "detail": None},
        **common,
    }
    written = _try_publish(error_path, error_page(record, previous=record["html"]))
    record["error_html"] = error_path.name if written else None
    return ReportResult(
        name,
        "failed",
        html_path if html_path.exists() else None,
        error_path if written else None,
        0.0,
        failure,
        record,
    )


def _readable_infos(paths: Sequence[Path]) -> list[NotebookInfo]:
    """Read the declarations of the notebooks that can be read (the others fail on their own)."""
    infos = []
    for path in paths:
        try:
            infos.append(notebook_info(path))
        except Exception:  # an unreadable notebook gets its own error page
            continue
    return infos


def run(
    notebooks: Sequence[str | os.PathLike[str]] | None = None,
    *,
    data: str | os.PathLike[str] | None = None,
    params: str | os.PathLike[str] | Mapping[str, Any] | None = None,
    parameters: Mapping[str, Any] | None = None,
    parameter_texts: Mapping[str, str] | None = None,
    out: str | os.PathLike[str] = "reports",
    timeout: float | None = DEFAULT_TIMEOUT,
    notebooks_dir: str | os.PathLike[str] | None = None,
    kernel_name: str | None = None,
    progress: Progress | bool | None = None,
    jobs: int | None = None,
    strict: bool = False,
) -> RunSummary:
    """Render notebooks into HTML reports in ``out`` and update ``out/index.html``.

    Parameters
    ----------
    notebooks : sequence of str or path, optional
        Notebook paths, names or unique prefixes; default: every notebook in
        ``notebooks_dir`` (files not starting with ``_``).
    data : str or path, optional
        Data source passed as the ``data`` parameter to every notebook that declares it.
    params : path or mapping, optional
        YAML file (or the same structure as a mapping): top-level values go to every notebook
        declaring them; a ``notebooks:`` section holds per-notebook values.
    parameters : mapping, optional
        More shared values, already typed; they win over ``params``.
    parameter_texts : mapping, optional
        Shared values written as text (``cxlab run -p name value``), read as the type each
        notebook declares; they win over ``parameters``.
    out : str or path, default "reports"
        Output folder; created if missing.
    timeout : float, optional
        Time limit per notebook in seconds (default 600); ``None`` for none.
    notebooks_dir : str or path, optional
        Where to look for notebooks by name; default the project's ``notebooks/``.
    kernel_name : str, optional
        Jupyter kernel; default the notebook's own (``python3``).
    progress : Progress or bool, optional
        ``None``: progress on stdout (live on a terminal, log lines otherwise); ``False``:
        silent; or a :class:`Progress`.
    jobs : int, optional
        Notebooks executed at the same time (each in its own kernel); default
        :func:`default_jobs` (``$CXLAB_JOBS``, else 2 or the number of CPUs if fewer).
    strict : bool, default False
        Count skipped notebooks (the shop lacks what they need) as failures in
        ``.ok`` and ``.exit_code``; by default only failed notebooks do.

    Returns
    -------
    RunSummary
        ``.results`` per notebook, ``.ok``, ``.exit_code`` (0 or 1), ``.index``,
        ``.failed`` and ``.skipped`` (notebook names).

    Raises
    ------
    FileNotFoundError
        A named notebook does not exist.
    ParameterError
        A parameter name or value is not accepted by the notebooks (checked before any
        notebook starts; see :mod:`cxlib.reports.validation`), or a parameter naming a
        column (a segment) that the data do not have (read from the tables' schemas; see
        :mod:`cxlib.reports.column_parameters`).
    """
    t0 = time.monotonic()
    out_dir = Path(out).expanduser().resolve()
    folder = Path(notebooks_dir) if notebooks_dir is not None else default_notebooks_dir()
    paths = find_notebooks([os.fspath(n) for n in notebooks] if notebooks else None, folder)
    data_text = _absolute_data(data)
    infos = _readable_infos(paths)
    known = [i for i in _readable_infos(list_notebooks(folder)) if i.path not in {p.path for p in infos}]
    common_params, per_notebook = load_params_file(params)
    extra = dict(parameters or {})
    if data_text is not None and any(p.name == "data" for i in infos for p in i.parameters):
        extra["data"] = data_text
    common_params, per_notebook, extra = validate_parameters(
        infos,
        common=common_params,
        per_notebook=per_notebook,
        overrides=extra,
        texts=parameter_texts,
        known=known,
    )
    check_column_parameters(
        [
            (
                info.name,
                *parameters_for(info, common=common_params, per_notebook=per_notebook, overrides=extra),
            )
            for info in infos
        ]
    )
    if kernel_name is not None:
        check_kernel(kernel_name)
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"--out {_shown(out_dir)} is a file, not a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    reporter = (
        progress if isinstance(progress, Progress) else (_Silent() if progress is False else Progress())
    )
    env = kernel_env()
    common = {
        "cxlib_version": cxlib_version(),
        "git_commit": git_commit(folder if folder.is_dir() else None),
    }
    infos_by_path = {info.path: info for info in infos}
    planned: list[tuple[Path, Page | None, dict[str, Any] | None]] = []
    for path in paths:
        info = infos_by_path.get(path)
        if info is None:
            planned.append((path, None, None))
            continue
        passed, effective = parameters_for(
            info, common=common_params, per_notebook=per_notebook, overrides=extra
        )
        pages = plan_pages(info, passed, effective)
        _forget_pages(out_dir, info.name, {page.name for page, _ in pages})
        planned += [(path, page, page_passed) for page, page_passed in pages]
    total = len(planned)
    nav: dict[str, str] = {}
    for i in sorted([*infos, *known], key=lambda i: i.name):
        pages_of = [page for _, page, _ in planned if page is not None and page.family == i.name]
        nav.update({page.name: page.title(i.title) for page in pages_of} if pages_of else {i.name: i.title})

    cancel = threading.Event()

    def one(position: int, job: tuple[Path, Page | None, dict[str, Any] | None]) -> ReportResult | None:
        path, page, page_passed = job
        if cancel.is_set():
            return None  # queued when Ctrl-C came: never started
        label = page.name if page is not None else path.stem
        reporter.start(label, position, total)
        step = "Read the notebook"
        try:
            info = infos_by_path.get(path) or notebook_info(path)
            step = "Run the notebook"
            passed, effective = parameters_for(
                info, common=common_params, per_notebook=per_notebook, overrides=extra
            )
            if page_passed is not None:
                passed, effective = page_passed, {**info.defaults, **page_passed}
            result = _run_one(
                info,
                passed,
                effective,
                out_dir=out_dir,
                timeout=timeout,
                kernel_name=kernel_name,
                env=env,
                previous=read_manifest(out_dir).get(label),
                common=common,
                data=data_text,
                params_file=None if params is None or isinstance(params, Mapping) else _shown(Path(params)),
                texts=parameter_texts,
                cancel=cancel,
                notebooks_arg=None if notebooks_dir is None else _shown(folder),
                nav=nav,
                page=page,
            )
        except Cancelled:
            return None
        except Exception as exc:  # never let one notebook stop the others
            if cancel.is_set():
                return None
            if isinstance(exc, OSError) and step != "Read the notebook":
                step = WRITE_STEP  # e.g. the private folder for kept notebooks cannot be made
            result = _unreadable(path, exc, out_dir, common, step=step, name=label)
        try:
            _save_record(out_dir, result.record)
        except OSError as exc:  # the report may be written, but the index does not know it
            if result.ok:
                failure = Failure(ename=type(exc).__name__, evalue=_os_message(exc), step="Update the index")
                result = dataclasses.replace(result, status="failed", failure=failure)
        reporter.finish(result, position, total)
        return result

    workers = max(1, min(jobs or default_jobs(), total or 1))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cxlab-run")
    futures = [pool.submit(one, position, job) for position, job in enumerate(planned, start=1)]
    try:
        done = [future.result() for future in futures]
    except KeyboardInterrupt:
        cancel.set()  # queued notebooks never start; running kernels are killed
        logging.disable(logging.CRITICAL)  # papermill's complaints about the killed kernels
        try:
            for future in futures:
                future.cancel()
            pool.shutdown(wait=True)
        finally:
            logging.disable(logging.NOTSET)
            reporter.close()
        finished = sum(1 for f in futures if not f.cancelled() and f.result() is not None)
        raise Interrupted(finished, len(futures) - finished) from None
    pool.shutdown()
    results = [r for r in done if r is not None]
    index = out_dir / "index.html"
    if not results:
        write_index(out_dir)
    summary = RunSummary(
        results=results,
        index=index,
        out_dir=out_dir,
        duration=time.monotonic() - t0,
        failed=[r.name for r in results if r.status == "failed"],
        skipped=[r.name for r in results if r.status == "skipped"],
        strict=strict,
    )
    reporter.summary(summary)
    return summary
