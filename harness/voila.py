"""Voilà, the lecture mode, driven by headless Chromium: for tests and benchmarks.

The server is started exactly as the README says, ``voila notebooks/<chapter>.ipynb`` run
in the repository root (so Voilà reads the project's ``voila.json``), plus only what a
headless run needs (no browser, a free port on 127.0.0.1, a token). It is
:class:`harness.lab.JupyterLab`'s launcher with another command: the same private Jupyter
folders, kernel spec (this interpreter), environment, log and clean stop::

    from harness.lab import chromium
    from harness.voila import Voila, VoilaPage

    with Voila("01_vanishing_exploding_gradients.ipynb") as server, chromium() as browser:
        page = VoilaPage.new(browser)
        page.open(server)                       # waits for the page and every explorer
        print(page.timings, page.explorer_names())

Voilà runs the whole notebook before it shows the page ("Executing 7 of 46"). On this
kind of machine a start sometimes stops making progress; :meth:`VoilaPage.open` tells
that apart from a slow cell: if neither the page's progress text nor the kernel's CPU
time moves for ``stall`` seconds, it raises :class:`VoilaStalled` with the progress so
far and Voilà's log. It never retries.
"""
import contextlib
import json
import shutil
import socket
import time
from pathlib import Path

from harness import procs
from harness.lab import REPO_ROOT, ExplorerPage, JupyterLab, LabTimeout

NOTEBOOK_FOLDER = "notebooks/"


WIDGET = "application/vnd.jupyter.widget-view+json"


def removed_tags(cwd=REPO_ROOT):
    """The cell tags ``voila.json`` in ``cwd`` removes from the lecture page."""
    config = json.loads((Path(cwd) / "voila.json").read_text(encoding="utf-8"))
    return set(config.get("TagRemovePreprocessor", {}).get("remove_cell_tags", []))


def is_removed(cell, tags):
    return bool(tags.intersection(cell.get("metadata", {}).get("tags", [])))


def shown_explorers(notebook, cwd=REPO_ROOT, folder=NOTEBOOK_FOLDER):
    """How many explorers the lecture page of ``notebook`` shows: its cells that Voilà
    keeps and whose stored output is a widget."""
    path = Path(cwd) / folder / notebook
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    tags = removed_tags(cwd)
    return sum(1 for c in cells if c["cell_type"] == "code" and not is_removed(c, tags)
               and any(WIDGET in out.get("data", {}) for out in c.get("outputs", [])))


class VoilaStalled(LabTimeout):
    """Voilà stopped making progress while running the notebook (a hang, not a slow cell)."""


class Voila(JupyterLab):
    """``voila <folder><notebook>`` in ``cwd`` (default: ``notebooks/<notebook>`` in the
    repository root, as the README says). One page load = one kernel running the whole
    notebook. ``keep=True`` keeps the temp folder (the log) after ``stop()``."""

    def __init__(self, notebook, *, cwd=REPO_ROOT, folder=NOTEBOOK_FOLDER,
                 startup_timeout=60.0, python=None, keep=False):
        super().__init__(serve=folder, cwd=cwd, startup_timeout=startup_timeout,
                         python=python, keep=keep)
        if not (self.cwd / folder / notebook).is_file():
            raise FileNotFoundError(f"no notebook {self.cwd / folder / notebook}")
        self.notebook = notebook

    def _command(self):
        voila = Path(self.python).with_name("voila")
        if not voila.exists():
            voila = Path(shutil.which("voila") or "voila")
        return ([str(voila), f"{self.serve}{self.notebook}", "--no-browser",
                 "--Voila.ip=127.0.0.1", f"--port={self.port}", "--Voila.port_retries=0",
                 f"--token={self.token}"], self.cwd)

    def _answers(self):
        """Voilà's only page runs the notebook: readiness is the port accepting."""
        with contextlib.suppress(OSError), socket.create_connection(
                ("127.0.0.1", self.port), timeout=1):
            return True
        return False

    def _ask_to_stop(self, process):
        """Voilà stops its kernels on SIGTERM."""
        process.terminate()

    def page_url(self):
        return self.url("")

    def process_states(self):
        return "" if self.process is None else procs.thread_states(self.process.pid)

    def cpu_seconds(self):
        """CPU seconds used so far by Voilà and its running kernels (None: not running)."""
        return None if self.process is None else procs.cpu_seconds(self.process.pid)


_PAGE_STATE = """() => {
  const loading = document.getElementById('loading');
  const text = document.getElementById('loading_text');
  const cells = document.getElementById('rendered_cells');
  return {loading: !!loading, text: text ? text.textContent.trim() : null,
          shown: !!cells && cells.style.display !== 'none'};
}"""

# stderr outputs (a traceback, or Voilà's "There was an error when executing cell")
# and widgets that failed to render. The stored notebooks have no stderr at all.
_ERRORS = """() => {
  const found = [];
  for (const el of document.querySelectorAll('.jp-OutputArea-output')) {
    const text = el.textContent.trim();
    if (el.dataset.mimeType === 'application/vnd.jupyter.stderr'
        || /Error displaying widget|There was an error when executing cell/.test(text)) {
      found.push(text);
    }
  }
  return found;
}"""

_EXPLORERS_DRAWN = """(count) => {
  const roots = document.querySelectorAll('.dlskills-explorer');
  if (roots.length < count) return false;
  return [...roots].every(root => {
    const img = root.querySelector('img.dlskills-figure, .dlskills-figure img');
    return img && img.complete && img.naturalWidth > 0;
  });
}"""


class VoilaPage(ExplorerPage):
    """A Playwright page showing one notebook in Voilà (see :class:`ExplorerPage`).

    After :meth:`open`: ``timings`` (seconds from the request: ``executed`` when Voilà
    showed the page, ``explorers`` when every explorer showed its figure) and
    ``progress`` ([(seconds, progress text)], each change of Voilà's loading text)."""

    def __init__(self, page, default_timeout=30.0):
        super().__init__(page, default_timeout)
        self.timings = {}
        self.progress = []

    def open(self, server, explorers=1, timeout=900.0, stall=120.0):
        """Load the page and wait until Voilà ran the notebook and ``explorers`` explorers
        show a figure. Raises :class:`VoilaStalled` if neither the loading text nor the
        CPU time of Voilà and its kernel moved for ``stall`` s, :class:`LabTimeout` after
        ``timeout`` s in all."""
        self.lab = server
        start = time.monotonic()
        # the HTML streams while the cells run: do not wait for the load event
        self.page.goto(server.page_url(), wait_until="commit", timeout=timeout * 1000)
        last_text, moved_cpu = None, server.cpu_seconds()
        moved = start
        while True:
            now = time.monotonic()
            state = self.page.evaluate(_PAGE_STATE)
            if state["text"] != last_text and state["text"] is not None:
                last_text, moved = state["text"], now
                self.progress.append((round(now - start, 1), last_text))
            # CPU used since the last sign of progress (a starved kernel earns little a poll)
            cpu = server.cpu_seconds()
            if cpu is not None and (moved_cpu is None or cpu - moved_cpu > 0.5):
                moved, moved_cpu = now, cpu
            if not state["loading"] and state["shown"]:
                break
            if now - moved > stall:
                raise VoilaStalled(self._describe(
                    f"Voilà made no progress for {stall:.0f} s", start))
            if now - start > timeout:
                raise LabTimeout(self._describe(f"Voilà not done after {timeout:.0f} s", start))
            time.sleep(0.5)
        self.timings["executed"] = time.monotonic() - start
        try:
            self.page.wait_for_function(_EXPLORERS_DRAWN, arg=explorers,
                                        timeout=max(1.0, timeout - (time.monotonic() - start))
                                        * 1000)
        except Exception as error:
            raise LabTimeout(self._describe(
                f"fewer than {explorers} explorers with a figure", start)) from error
        self.timings["explorers"] = time.monotonic() - start
        return self

    def _describe(self, what, start):
        steps = ", ".join(f"{t:.0f} s: {text}" for t, text in self.progress[-6:])
        return (f"{what} ({time.monotonic() - start:.0f} s after the request; progress: "
                f"{steps or 'none'}; CPU of Voilà + kernel {self.lab.cpu_seconds()} s)\n"
                f"Processes (thread state:wait channel):\n{self.lab.process_states()}\n"
                f"Voilà log (tail):\n{self.lab.log_tail(40)}")

    def errors(self):
        """Texts of error outputs on the page (stderr, failed cells, failed widgets)."""
        return self.page.evaluate(_ERRORS)
