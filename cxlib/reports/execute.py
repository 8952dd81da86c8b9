"""Run one notebook with papermill: parameters in, executed notebook (or a failure) out.

A small papermill engine (``"cxlab"``) wraps papermill's nbclient engine to

* start the kernel in the notebook's folder with a given environment (plotly renderer),
* send the kernel's own stderr (start-up chatter) to a file instead of the terminal,
* enforce one deadline for the whole notebook (``timeout`` seconds), and
* keep hold of the notebook being executed, so a failure can be explained afterwards.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

__all__ = ["Execution", "Failure", "check_kernel", "execute_notebook", "kernel_env"]

ENGINE_NAME = "cxlab"
#: Renderer that draws interactive charts in exported HTML, offline (plotly.js embedded).
PLOTLY_RENDERER = "plotly_mimetype+notebook"
_ERROR_MARKER_TAG = "papermill-error-cell-tag"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class Failure:
    """Why a notebook failed, in words.

    Attributes
    ----------
    ename, evalue : str
        Exception type and message (``evalue`` may hold data values: escape before showing).
    step : str or None
        Heading of the notebook section that failed (the nearest Markdown heading above).
    detail : str or None
        First comment line of the failing cell, if it has one (e.g. ``# Load the data``).
    cell_index : int or None
        Index of the failing cell in the notebook.
    traceback : tuple of str
        Plain-text traceback lines (kept for the saved notebook / logs, not for the page).
    """

    ename: str
    evalue: str
    step: str | None = None
    detail: str | None = None
    cell_index: int | None = None
    traceback: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        """Error name and value in one line (``ename: evalue``)."""
        return f"{self.ename}: {self.evalue}" if self.evalue else self.ename


@dataclass
class Execution:
    """Result of executing one notebook."""

    nb: nbformat.NotebookNode | None
    duration: float
    failure: Failure | None = None
    kernel_log: str = ""
    outputs_meta: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """The notebook ran to its end without an error."""
        return self.failure is None


def kernel_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment of report kernels: ours, plus the plotly renderer and cxlib on the path."""
    env = dict(os.environ)
    env["PLOTLY_RENDERER"] = PLOTLY_RENDERER
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    root = str(Path(__file__).resolve().parents[2])
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    if root not in paths:
        env["PYTHONPATH"] = os.pathsep.join([root, *paths])
    env.update(extra or {})
    return env


def check_kernel(name: str) -> None:
    """Refuse a Jupyter kernel name that is not installed (before any notebook starts).

    Raises
    ------
    ValueError
        One line naming the kernels that are installed.
    """
    from jupyter_client.kernelspec import KernelSpecManager

    installed = sorted(KernelSpecManager().find_kernel_specs())
    if name not in installed:
        raise ValueError(
            f"no Jupyter kernel named '{name}' (installed: {', '.join(installed) or 'none'}; "
            "see `jupyter kernelspec list`)"
        )


_REGISTER_LOCK = threading.Lock()
_REGISTERED = False


def _register_engine() -> None:
    global _REGISTERED
    with _REGISTER_LOCK:
        if not _REGISTERED:
            _register_engine_locked()
            _REGISTERED = True


def _register_engine_locked() -> None:
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    class CxlabEngine(NBClientEngine):
        """nbclient engine with kernel env/cwd/stderr control and a notebook deadline."""

        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man: Any,
            kernel_name: str,
            log_output: bool = False,
            stdout_file: Any = None,
            stderr_file: Any = None,
            start_timeout: int = 60,
            execution_timeout: Any = None,
            **kwargs: Any,
        ) -> Any:
            state = kwargs.pop("cxlab_state")
            kernel_kwargs = kwargs.pop("cxlab_kernel_kwargs")
            state["nb"] = nb_man.nb
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(
                kwargs,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            client = PapermillNotebookClient(nb_man, **final_kwargs)
            state["client"] = client
            return client.execute(**kernel_kwargs)

    papermill_engines.register(ENGINE_NAME, CxlabEngine)


def _strip(lines: Any) -> tuple[str, ...]:
    return tuple(_ANSI.sub("", str(line)) for line in (lines or ()))


def _heading_before(nb: nbformat.NotebookNode, index: int) -> str | None:
    for cell in reversed(nb.cells[: index + 1]):
        if cell.cell_type != "markdown":
            continue
        headings = [ln.lstrip("#").strip() for ln in cell.source.splitlines() if ln.startswith("#")]
        if headings:
            return headings[-1]
    return None


def _first_comment(cell: Any) -> str | None:
    if cell is None or cell.cell_type != "code":
        return None
    for ln in cell.source.splitlines():
        stripped = ln.strip()
        if not stripped:
            continue
        if stripped.startswith("#") and not stripped.startswith("#!"):
            text = stripped.lstrip("#").strip()
            if text:
                return text
        break
    return None


def _failing_cell(nb: nbformat.NotebookNode) -> tuple[int | None, dict[str, Any] | None]:
    """Index and error output of the failing cell; else the last cell that started."""
    last_started = None
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("papermill", {})
        if meta.get("start_time"):
            last_started = index
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return index, output
        if meta.get("exception"):
            return index, None
    return last_started, None


def _describe_failure(nb: nbformat.NotebookNode | None, exc: BaseException, timeout: float | None) -> Failure:
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    if nb is not None:
        nb.cells = [c for c in nb.cells if _ERROR_MARKER_TAG not in c.get("metadata", {}).get("tags", [])]
    index, output = _failing_cell(nb) if nb is not None else (None, None)
    if isinstance(exc, CellTimeoutError) or (
        isinstance(exc, TimeoutError) and "timed out" in str(exc).lower()
    ):
        ename, evalue = "Timeout", f"the notebook did not finish within the time limit of {timeout:g} seconds"
        trace: tuple[str, ...] = ()
    elif isinstance(exc, DeadKernelError):
        ename = "KernelDied"
        evalue = "the notebook's Python process stopped unexpectedly (out of memory or a crash)"
        trace = ()
    elif output is not None:
        ename, evalue = str(output.get("ename", "Error")), _ANSI.sub("", str(output.get("evalue", "")))
        trace = _strip(output.get("traceback"))
    else:
        ename = getattr(exc, "ename", None) or type(exc).__name__
        evalue = _ANSI.sub("", str(getattr(exc, "evalue", None) or exc)).strip()
        trace = _strip(getattr(exc, "traceback", None))
    cell = nb.cells[index] if nb is not None and index is not None and index < len(nb.cells) else None
    step = _heading_before(nb, index) if nb is not None and index is not None else None
    return Failure(
        ename=ename,
        evalue=evalue,
        step=step,
        detail=_first_comment(cell),
        cell_index=index,
        traceback=trace,
    )


def _report_meta(nb: nbformat.NotebookNode) -> dict[str, Any]:
    from cxlib.reports.headline_numbers import HEADLINES_MIME
    from cxlib.viz import REPORT_META_MIME

    meta: dict[str, Any] = {}
    headlines: list[Any] = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if REPORT_META_MIME in data and isinstance(data[REPORT_META_MIME], Mapping):
                meta.update({k: v for k, v in data[REPORT_META_MIME].items() if v is not None})
            published = data.get(HEADLINES_MIME)
            if isinstance(published, Mapping) and isinstance(published.get("headlines"), list):
                headlines.extend(published["headlines"])
    if headlines:
        meta["headlines"] = headlines
    return meta


def _kill_kernel(state: Mapping[str, Any]) -> bool:
    """Kill the kernel process of a running execution at once; ``False`` if none started yet."""
    km = getattr(state.get("client"), "km", None)
    process = getattr(getattr(km, "provisioner", None), "process", None)
    if process is None:
        return False
    with contextlib.suppress(OSError):  # already gone
        process.kill()
    return True


def _stop_on_cancel(cancel: threading.Event, done: threading.Event, state: Mapping[str, Any]) -> None:
    """Watch ``cancel`` while a notebook runs; when set, kill its kernel (now or once it exists)."""
    while not done.is_set():
        if cancel.wait(0.1) and _kill_kernel(state):
            return


def execute_notebook(
    path: str | Path,
    parameters: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = 600,
    kernel_name: str | None = None,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    start_timeout: int = 60,
    cancel: threading.Event | None = None,
) -> Execution:
    """Execute a notebook with papermill; never raises for notebook errors.

    Parameters
    ----------
    path : str or Path
        The notebook.
    parameters : mapping, optional
        Values for the ``parameters`` cell (papermill injects them after it).
    timeout : float, optional
        Time limit in seconds for the whole notebook; ``None``: no limit.
    kernel_name : str, optional
        Jupyter kernel; default: the notebook's own (``python3``).
    cwd : str or Path, optional
        Kernel working directory; default: the notebook's folder.
    env : mapping, optional
        Kernel environment; default :func:`kernel_env`.
    start_timeout : int, default 60
        Seconds to wait for the kernel to start.
    cancel : threading.Event, optional
        When set (Ctrl-C), the kernel is killed at once and the execution ends as failed.

    Returns
    -------
    Execution
        ``nb`` is the executed notebook (also when it failed), ``failure`` says why it failed.
    """
    import papermill as pm

    _register_engine()
    path = Path(path).resolve()
    cwd = Path(cwd) if cwd is not None else path.parent
    deadline = None if timeout is None else time.monotonic() + float(timeout)

    def cell_timeout(cell: Any) -> int | None:
        if deadline is None:
            return None
        return max(1, math.ceil(deadline - time.monotonic()))

    state: dict[str, Any] = {}
    done = threading.Event()
    if cancel is not None:
        watcher = threading.Thread(
            target=_stop_on_cancel, args=(cancel, done, state), name="cxlab-cancel", daemon=True
        )
        watcher.start()
    started = time.monotonic()
    with tempfile.TemporaryFile(mode="w+b") as kernel_log:
        kernel_kwargs = {
            "env": dict(env) if env is not None else kernel_env(),
            "cwd": str(cwd),
            "stdout": kernel_log,
            "stderr": kernel_log,
        }
        failure = None
        nb = None
        try:
            nb = pm.execute_notebook(
                str(path),
                None,
                parameters=dict(parameters or {}),
                engine_name=ENGINE_NAME,
                kernel_name=kernel_name,
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                start_timeout=start_timeout,
                timeout_func=cell_timeout,
                cxlab_state=state,
                cxlab_kernel_kwargs=kernel_kwargs,
            )
        except Exception as exc:  # any failure becomes an error page
            nb = state.get("nb")
            failure = _describe_failure(nb, exc, timeout)
        finally:
            done.set()
        kernel_log.seek(0)
        log_text = kernel_log.read()[-20000:].decode("utf-8", "replace")
    duration = time.monotonic() - started
    meta = _report_meta(nb) if nb is not None else {}
    return Execution(nb=nb, duration=duration, failure=failure, kernel_log=log_text, outputs_meta=meta)


def python_info() -> str:
    """Interpreter running the reports (for logs)."""
    return f"{sys.executable} (Python {sys.version.split()[0]})"
