"""Voilà, the lecture mode, driven by headless Chromium: for tests and benchmarks.

The server is started exactly as the README says, ``python tools/lecture.py
notebooks/<chapter>.ipynb`` run in the repository root (so Voilà reads the project's
``voila.json`` and finds its lecture template), plus only what a headless run needs (no
browser, a free port on 127.0.0.1, a token). It is
:class:`harness.lab.JupyterLab`'s launcher with another command: the same private Jupyter
folders, kernel spec (this interpreter), environment, log and clean stop::

    from harness.lab import chromium
    from harness.voila import Voila, VoilaPage

    with Voila("01_vanishing_exploding_gradients.ipynb") as server, chromium() as browser:
        page = VoilaPage.new(browser)
        page.open(server)                       # waits for the page and every explorer
        print(page.timings, page.explorer_names())

Voilà runs the whole notebook before it shows the page ("Executing 7 of 46"), then the
page's widget manager fetches every widget's state from the kernel and draws the views.
On this kind of machine a start sometimes stops making progress; :meth:`VoilaPage.open`
tells that apart from a slow cell or a slow page: if nothing moves for ``stall`` seconds
(the page's progress text; the widgets drawn or still loading; the widget messages; the
CPU time of Voilà and its kernel), it raises :class:`VoilaStalled` with what it saw:
the progress, the widgets, the widget manager's exchange with the kernel, the console's
errors and Voilà's log. It never retries.
"""
import contextlib
import json
import socket
import time
from collections import Counter
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from harness import procs
from harness.lab import REPO_ROOT, ExplorerPage, JupyterLab, LabTimeout

NOTEBOOK_FOLDER = "notebooks/"
LECTURE = REPO_ROOT / "tools" / "lecture.py"          # the README's command


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
    """``python tools/lecture.py <folder><notebook>`` (Voilà with the lecture template)
    in ``cwd`` (default: ``notebooks/<notebook>`` in the repository root, as the README
    says). One page load = one kernel running the whole notebook. ``keep=True`` keeps
    the temp folder (the log) after ``stop()``."""

    def __init__(self, notebook, *, cwd=REPO_ROOT, folder=NOTEBOOK_FOLDER,
                 startup_timeout=60.0, python=None, keep=False):
        super().__init__(serve=folder, cwd=cwd, startup_timeout=startup_timeout,
                         python=python, keep=keep)
        if not (self.cwd / folder / notebook).is_file():
            raise FileNotFoundError(f"no notebook {self.cwd / folder / notebook}")
        self.notebook = notebook

    def _command(self):
        return ([self.python, str(LECTURE), f"{self.serve}{self.notebook}", "--no-browser",
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
# and widgets that failed to render (ipywidgets' text, or its error widget). The stored
# notebooks have no stderr at all.
_ERRORS = """() => {
  const found = [];
  for (const el of document.querySelectorAll('.jp-OutputArea-output')) {
    const text = el.textContent.trim();
    if (el.dataset.mimeType === 'application/vnd.jupyter.stderr'
        || /Error displaying widget|There was an error when executing cell/.test(text)) {
      found.push(text);
    }
  }
  for (const el of document.querySelectorAll('.jupyter-widgets-error-widget')) {
    found.push('error widget: ' + el.textContent.trim());
  }
  return found;
}"""

# The widgets after Voilà showed the page: explorer roots, those showing a decoded figure,
# outputs still saying ipywidgets' "Loading widget..." (the view waits for its model).
_WIDGETS = """() => {
  const roots = [...document.querySelectorAll('.dlskills-explorer')];
  const drawn = roots.filter(root => {
    const img = root.querySelector('img.dlskills-figure, .dlskills-figure img');
    return img && img.complete && img.naturalWidth > 0;
  });
  const waiting = [...document.querySelectorAll('.jp-OutputArea-output')]
    .filter(el => el.textContent.trim() === 'Loading widget...');
  return {explorers: roots.length, drawn: drawn.length, loading: waiting.length};
}"""

# Whether the page still paints: its visibility and whether requestAnimationFrame ticks.
_PAINTS = """async () => ({visibility: document.visibilityState, raf_ticks: await Promise.race([
  new Promise(done => requestAnimationFrame(() => done(true))),
  new Promise(done => setTimeout(() => done(false), 2000))])})"""

# the messages of the widget manager's protocol (and the kernel connection's start)
_WIDGET_PROTOCOL = ("kernel_info_request", "kernel_info_reply", "comm_open", "comm_msg",
                    "comm_close", "comm_info_request", "comm_info_reply")

# Records, from the first byte of the page, each cell output Voilà streams in (a
# <script type="application/vnd.voila.cell-output+json"> inside <div cell-index="N">):
# the page replaces these scripts by the rendered outputs, so they are kept here, each
# once (the page moves its cells into its shell, which adds them again).
_RECORD_OUTPUTS = """(() => {
  const kept = window.__dlskillsOutputs = [];
  const seen = new Set();
  const selector = 'script[type="application/vnd.voila.cell-output+json"]';
  const keep = (script) => {
    if (seen.has(script)) return;
    seen.add(script);
    const cell = script.closest('[cell-index]');
    kept.push({script, cell: cell ? Number(cell.getAttribute('cell-index')) : null});
  };
  new MutationObserver(records => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType !== 1) continue;
        if (node.matches(selector)) keep(node);
        node.querySelectorAll(selector).forEach(keep);
      }
    }
  }).observe(document, {childList: true, subtree: true});
})()"""

# [{cell, model}]: the widget each recorded output shows (its model id), in page order
_SHOWN_WIDGETS = """() => (window.__dlskillsOutputs || []).map(({script, cell}) => {
  try {
    const view = (JSON.parse(script.textContent).data || {})[
      'application/vnd.jupyter.widget-view+json'];
    return view ? {cell, model: view.model_id} : null;
  } catch (error) {
    return null;
  }
}).filter(Boolean)"""

# the kernel Voilà started for this page (its page config)
_PAGE_KERNEL = """() => {
  const config = document.getElementById('jupyter-config-data');
  try { return JSON.parse(config.textContent).kernelId; } catch (error) { return null; }
}"""

# the cells (cell-index) of the outputs showing ipywidgets' "model not found"
_MODEL_NOT_FOUND = """() => [...document.querySelectorAll('.jp-OutputArea-output')]
  .filter(el => /model not found/.test(el.textContent))
  .map(el => { const cell = el.closest('[cell-index]');
               return cell ? Number(cell.getAttribute('cell-index')) : null; })"""


# The icon (Font Awesome) of a button: the font family its ::before glyph asks for, the
# glyph, and whether a font face of that family is loaded (document.fonts.check alone
# says true when no face of the family was ever declared).
_ICON = """async (button) => {
  const icon = button.querySelector('i.fa, .fa');
  if (!icon) return null;
  const style = getComputedStyle(icon, '::before');
  const family = style.fontFamily.split(',')[0].trim().replace(/^["']|["']$/g, '');
  await document.fonts.load(`${style.fontWeight} 16px "${family}"`).catch(() => null);
  const faces = [...document.fonts].filter(face =>
    face.family.replace(/^["']|["']$/g, '') === family);
  return {family, glyph: style.content,
          loaded: faces.some(face => face.status === 'loaded')};
}"""


class KernelMessage(NamedTuple):
    """What the harness keeps of one kernel websocket message: its type, the content's
    ``method``, its id and its parent's, the comm it belongs to, and ``models``: the
    widgets a reply names (``update_states``: model id -> widget class;
    ``comm_info_reply``: comm id -> target), else None."""
    msg_type: str
    method: str | None
    msg_id: str | None
    parent: str | None
    comm_id: str | None = None
    models: dict | None = None


def kernel_message(payload):
    """The :class:`KernelMessage` of one frame of a kernel websocket: JSON text, or
    binary in the ``v1.kernel.websocket.jupyter.org`` layout (a part count and offsets,
    8 bytes each, then channel, header, parent header, metadata, content, buffers) or
    the legacy one (4-byte big-endian count and offsets, the message's JSON first).
    None when it is none of these."""
    try:
        if isinstance(payload, str):
            message = json.loads(payload)
        elif int.from_bytes(payload[:8], "little") < 64:
            count = int.from_bytes(payload[:8], "little")
            offsets = [int.from_bytes(payload[8 * k:8 * k + 8], "little")
                       for k in range(1, count + 1)]
            message = {part: json.loads(payload[a:b]) for part, a, b in zip(
                ("header", "parent_header", "metadata", "content"), offsets[1:5], offsets[2:6])}
        else:
            count = int.from_bytes(payload[:4], "big")
            offsets = [int.from_bytes(payload[4 * k:4 * k + 4], "big")
                       for k in range(1, count + 1)]
            message = json.loads(payload[offsets[0]:offsets[1] if count > 1 else None])
        header = message["header"]
        parent, content = message.get("parent_header") or {}, message.get("content") or {}
        data = content.get("data") or {}
        method, models = data.get("method"), None
        if method == "update_states":
            models = {key: state.get("model_name") for key, state in data["states"].items()}
        elif header["msg_type"] == "comm_info_reply":
            models = {key: comm.get("target_name") for key, comm in content["comms"].items()}
        return KernelMessage(header["msg_type"], method, header.get("msg_id"),
                             parent.get("msg_id"), content.get("comm_id"), models)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None


def is_external(url, server):
    """Whether the page's request for ``url`` leaves ``server``'s host (data: and blob:
    URLs ask no host)."""
    parts = urlsplit(url)
    return (parts.scheme in ("http", "https", "ws", "wss")
            and parts.hostname != urlsplit(server).hostname)


class VoilaPage(ExplorerPage):
    """A Playwright page showing one notebook in Voilà (see :class:`ExplorerPage`).

    After :meth:`open`: ``timings`` (seconds from the request: ``executed`` when Voilà
    showed the page, ``explorers`` when every explorer showed its figure) and
    ``progress`` ([(seconds, progress text)], each change of Voilà's loading text).
    Kept as evidence for a failure report: ``console`` (the page's console errors and
    uncaught exceptions), ``requests`` (the URL of every request the page made; see
    :meth:`external_requests`) and ``widget_messages`` ((seconds, ">" sent or "<"
    received, :class:`KernelMessage`) of the kernel connection's widget protocol)."""

    def __init__(self, page, default_timeout=30.0):
        super().__init__(page, default_timeout)
        self.timings = {}
        self.progress = []
        self.console = []
        self.requests = []
        self.widget_messages = []
        self.kernel_sockets = []
        self._clock = time.monotonic()
        page.add_init_script(_RECORD_OUTPUTS)
        page.on("console", lambda message: message.type == "error" and self.console.append(
            (self._seconds(), message.text[:300])))
        page.on("pageerror", lambda error: self.console.append(
            (self._seconds(), f"uncaught: {str(error)[:300]}")))
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("websocket", self._watch)

    def _seconds(self):
        return round(time.monotonic() - self._clock, 1)

    def _watch(self, socket):
        if "/channels" not in socket.url:             # the kernel's, not Voilà's others
            return
        self.kernel_sockets.append(socket.url.split("?")[0])

        def keep(direction, payload):
            message = kernel_message(payload)
            if message is not None and message.msg_type in _WIDGET_PROTOCOL:
                self.widget_messages.append((self._seconds(), direction, message))

        socket.on("framesent", lambda payload: keep(">", payload))
        socket.on("framereceived", lambda payload: keep("<", payload))

    def icon(self, explorer, key):
        """The icon of button ``key`` of an explorer: {family, glyph, loaded} (None: it
        has none). ``loaded`` False: the icon font never arrived, the button shows a
        box or nothing where its icon should be."""
        return self.control(explorer, key).evaluate(_ICON)

    def external_requests(self):
        """The URLs the page asked of a host other than the Voilà server's: a classroom
        without internet would wait for these, or lose what they carry."""
        return [url for url in self.requests if is_external(url, self.lab.page_url())]

    def open(self, server, explorers=1, timeout=900.0, stall=120.0):
        """Load the page and wait until Voilà ran the notebook and ``explorers`` explorers
        show a figure. Each wait fails as :class:`VoilaStalled` when nothing moved for
        ``stall`` s (neither the page: Voilà's loading text, the widgets drawn or loading,
        the widget messages; nor the CPU time of Voilà and its kernel), as
        :class:`LabTimeout` after ``timeout`` s in all, or as soon as the page shows an error
        (see :meth:`errors`) while the widgets draw."""
        self.lab = server
        self._clock = start = time.monotonic()
        # the HTML streams while the cells run: do not wait for the load event
        self.page.goto(server.page_url(), wait_until="commit", timeout=timeout * 1000)

        def executed():
            state = self.page.evaluate(_PAGE_STATE)
            if state["text"] is not None and (not self.progress
                                              or state["text"] != self.progress[-1][1]):
                self.progress.append((self._seconds(), state["text"]))
            return not state["loading"] and state["shown"], state["text"]

        def drawn():
            state = self.page.evaluate(_WIDGETS)
            errors = self.errors()
            if errors:
                raise LabTimeout(self._describe(f"the page shows an error: {errors}", start))
            return (state["drawn"] >= explorers,
                    (tuple(state.values()), len(self.widget_messages)))

        self._wait(executed, "Voilà did not finish running the notebook", start, timeout,
                   stall)
        self.timings["executed"] = time.monotonic() - start
        self._wait(drawn, f"fewer than {explorers} explorers with a figure", start, timeout,
                   stall)
        self.timings["explorers"] = time.monotonic() - start
        return self

    def _wait(self, step, what, start, timeout, stall):
        """Poll ``step()`` -> (done, sign) until done. Progress: a new sign, or the CPU
        time of Voilà and its kernel moving (a starved kernel earns little a poll)."""
        last_sign, last_cpu, moved = None, self.lab.cpu_seconds(), time.monotonic()
        while True:
            now = time.monotonic()
            done, sign = step()
            if done:
                return
            if sign != last_sign:
                last_sign, moved = sign, now
            cpu = self.lab.cpu_seconds()
            if cpu is not None and (last_cpu is None or cpu - last_cpu > 0.5):
                moved, last_cpu = now, cpu
            if now - moved > stall:
                raise VoilaStalled(self._describe(f"{what}: no progress for {stall:.0f} s",
                                                  start))
            if now - start > timeout:
                raise LabTimeout(self._describe(f"{what} after {timeout:.0f} s", start))
            time.sleep(0.5)

    def widget_protocol(self):
        """The widget manager's exchange with the kernel in a few lines: how many messages
        of each kind went each way; when its one request for every widget's state
        (``request_states``, given 4 s by ipywidgets 8) was answered; how many requests of
        its fallback, one a widget (``request_state``), were never answered."""
        messages = self.widget_messages
        counts = Counter(f"{way} {m.msg_type}" + (f" {m.method}" if m.method else "")
                         for _, way, m in messages)
        lines = [", ".join(f"{name} ×{n}" for name, n in counts.items()) or "none"]
        first = {}
        for t, way, m in messages:
            first.setdefault((way, m.method), t)
        if (">", "request_states") in first:
            lines.append(f"request_states sent at {first['>', 'request_states']} s, "
                         f"update_states received at {first.get(('<', 'update_states'))} s")
        replied = {m.parent for _, way, m in messages if way == "<"}
        fallback = [m.msg_id for _, way, m in messages
                    if way == ">" and m.method == "request_state"]
        if fallback:
            lines.append(f"fallback: {len(fallback)} request_state sent, "
                         f"{sum(m not in replied for m in fallback)} never answered")
        return "\n".join(lines)

    def shown_widgets(self):
        """[(cell index, model id)]: the widget of each output the page received, in page
        order (recorded as Voilà streamed the page; the rendered page no longer says)."""
        return [(item["cell"], item["model"]) for item in self.page.evaluate(_SHOWN_WIDGETS)]

    def widgets_not_restored(self, shown=None):
        """The shown widgets (``shown``: default :meth:`shown_widgets`) the widget manager
        could not have found: named neither in the kernel's answer to its request for
        every widget (``update_states``, or the fallback's ``comm_info_reply``) nor opened
        by the kernel later, or closed afterwards, by the kernel or by the page (a closed
        model leaves the manager's registry). A view asking for one shows "model not found". ->
        [(cell index, model id, why)]."""
        known, opened, closed = {}, set(), {}
        for t, way, m in self.widget_messages:
            if m.msg_type == "comm_close":
                closed.setdefault(m.comm_id, (t, "the kernel" if way == "<" else "the page"))
            elif way == "<" and m.models is not None:
                known.update(m.models)
            elif way == "<" and m.msg_type == "comm_open":
                opened.add(m.comm_id)
        missing = []
        for cell, model in self.shown_widgets() if shown is None else shown:
            if model in closed:
                t, by = closed[model]
                missing.append((cell, model, f"closed by {by} at {t} s"))
            elif model not in known and model not in opened:
                missing.append((cell, model, f"not among the {len(known)} widgets the "
                                             "kernel named, never opened"))
        return missing

    def widget_report(self):
        """Lines for a failure report: the widgets the outputs show, the ones the manager
        could not have found, and the cells whose output says "model not found" with the
        model each asked for (its class, if the kernel named it)."""
        shown = self.shown_widgets()
        named = {}
        for _, way, m in self.widget_messages:
            if way == "<" and m.models:
                named.update(m.models)
        kernel = self.page.evaluate(_PAGE_KERNEL)
        lines = [f"the page's kernel: {kernel}; kernel connections: "
                 f"{', '.join(self.kernel_sockets) or 'none'}",
                 f"outputs showing a widget: {len(shown)} "
                 f"({', '.join(f'cell {c}: {m}' for c, m in shown) or 'none'}); "
                 f"the kernel named {len(named)} widgets"]
        lines += [f"not restorable: cell {c}: {m}: {why}"
                  for c, m, why in self.widgets_not_restored(shown)]
        for cell in self.page.evaluate(_MODEL_NOT_FOUND):
            models = [m for c, m in shown if c == cell]
            lines.append(f'"model not found" in cell {cell}, which shows '
                         + (", ".join(f"{m} ({named.get(m, 'not named by the kernel')})"
                                      for m in models) or "no recorded widget"))
        return "\n".join(lines)

    def _describe(self, what, start):
        steps = ", ".join(f"{t:.0f} s: {text}" for t, text in self.progress[-6:])
        widgets = paints = report = "unknown (the page did not answer)"
        with contextlib.suppress(Exception):
            widgets, paints = self.page.evaluate(_WIDGETS), self.page.evaluate(_PAINTS)
            report = self.widget_report()
        console = "\n".join(f"  {t} s: {text}" for t, text in self.console[-10:])
        return (f"{what} ({time.monotonic() - start:.0f} s after the request; progress: "
                f"{steps or 'none'}; CPU of Voilà + kernel {self.lab.cpu_seconds()} s)\n"
                f"Widgets on the page: {widgets}; painting: {paints}\n"
                f"Widget messages with the kernel:\n{self.widget_protocol()}\n"
                f"Widgets:\n{report}\n"
                f"Console errors (last 10):\n{console or '  none'}\n"
                f"Processes (thread state:wait channel):\n{self.lab.process_states()}\n"
                f"Voilà log (tail):\n{self.lab.log_tail(40)}")

    def errors(self):
        """Texts of error outputs on the page (stderr, failed cells, failed widgets)."""
        return self.page.evaluate(_ERRORS)
