"""A throwaway JupyterLab driven by headless Chromium, for tests and benchmarks.

Plain module (no pytest), imported by ``tests/browser/`` and by the ``benchmarks/``
scripts (run from the repository root, or with the root on ``sys.path``)::

    from harness.lab import JupyterLab, NotebookPage, chromium

    with JupyterLab() as lab, chromium() as browser:
        nb = NotebookPage.new(browser)
        nb.open(lab, "01_vanishing_exploding_gradients.ipynb")
        nb.run_all()
        old = nb.figure_src("gradients")
        nb.press_slider("gradients", "depth")            # one step right
        nb.wait_status("gradients", "depth=11")
        nb.wait_new_figure("gradients", old)
        assert nb.figure_ink("gradients") > 0.01
        seconds = nb.time_change(lambda: nb.press_slider("gradients", "depth"),
                                 "gradients", "depth=12")

Explorers are found through DOM classes (the contract every explorer follows):

- root widget: ``dlskills-explorer`` and ``dlskills-explorer-<name>``
- status text: an HTML widget with class ``dlskills-status``
- figure: an ``ipywidgets.Image`` with class ``dlskills-figure`` (an ``<img>``)
- each control: class ``dlskills-control-<key>``
"""
import atexit
import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from harness.course import NOTEBOOKS, REPO_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}
# Page waits poll on a timer, every POLL_MS ms. Playwright's default polls on
# requestAnimationFrame, which headless Chromium may stop ticking: the page is then right
# and the wait never sees it (only time_change keeps rAF, to time the frame shown).
POLL_MS = 100
INSTALL_HINT = "Chromium not installed: run bash tests/run.sh as root or apt-get install chromium"

# JupyterLab user settings written for every test server: no news/update
# toasts covering the notebook. Keys are plugin ids.
DEFAULT_SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def readme_served_folder(readme=None):
    """The folder the README's first command opens (``... && jupyter lab notebooks/``)."""
    readme = Path(readme) if readme is not None else REPO_ROOT / "README.md"
    match = re.search(r"^\s*python -m pip install .*&&\s*jupyter lab\s+(\S+)\s*$",
                      readme.read_text(encoding="utf-8"), re.MULTILINE)
    if not match:
        raise AssertionError(f"{readme} has no 'pip install ... && jupyter lab <folder>' command")
    return match.group(1)


# Added for a server on a folder served in place: never write into it.
IN_PLACE_SETTINGS = {
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
}


class LabTimeout(AssertionError):
    """Something expected in the page did not happen in time."""


# --------------------------------------------------------------------------
# Chromium
# --------------------------------------------------------------------------

def chromium_executable():
    """Path of the Chromium to use, or None.

    $DLSKILLS_CHROMIUM wins; then /usr/bin/chromium (Debian); then
    `chromium` / `chromium-browser` on PATH.
    """
    override = os.environ.get("DLSKILLS_CHROMIUM")
    if override:
        return override if os.access(override, os.X_OK) else None
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def browser_missing_reason():
    """None when the browser tests can run, else why not (one line)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return 'playwright not installed: python -m pip install -e ".[test]"'
    if chromium_executable() is None:
        return INSTALL_HINT
    return None


@contextlib.contextmanager
def chromium(headless=True, **launch_options):
    """Start Playwright and the system Chromium; yield a playwright Browser."""
    from playwright.sync_api import sync_playwright

    executable = chromium_executable()
    if executable is None:
        raise RuntimeError(INSTALL_HINT)
    # Chromium keeps crash-report settings and a dconf cache under
    # ~/.config and ~/.cache whatever its profile dir: point them at a temp dir.
    with tempfile.TemporaryDirectory(prefix="dlskills-chromium-", ignore_cleanup_errors=True) as tmp:
        env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(tmp, "config"),
                   XDG_CACHE_HOME=os.path.join(tmp, "cache"))
        env.update(launch_options.pop("env", {}))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=headless,
                args=CHROMIUM_ARGS, env=env, **launch_options)
            try:
                yield browser
            finally:
                browser.close()


# --------------------------------------------------------------------------
# JupyterLab server
# --------------------------------------------------------------------------

def request_json(url, token, method="GET", body=None, timeout=10):
    """The JSON a Jupyter server (or JupyterHub) answers at ``url``, ``body`` sent as JSON,
    authenticated with ``token``; None for an empty answer. An HTTP error raises urllib's
    HTTPError."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method=method,
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        text = response.read().decode()
    return json.loads(text) if text.strip() else None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class JupyterLab:
    """A JupyterLab server on a private copy of a folder of notebooks.

    ``notebooks``: folder to copy (default: the repository's ``notebooks/``).
    It is copied to ``<tmp>/root/<folder name>/``; for the repository's
    notebooks, ``siblings`` names folders beside it to copy too, so relative
    links such as ``../x/y.png`` resolve. Nothing is written to the
    checkout or to $HOME: all Jupyter/IPython config, data, runtime, settings
    and workspace folders live in the temp folder. Kernels run on the
    current interpreter (``python``, default ``sys.executable``), import the
    checkout's ``dlskills`` first, and use the inline matplotlib backend.

    ``serve`` and ``cwd`` (together): serve that folder in place instead of a copy,
    started the way the README says, ``jupyter lab <serve>`` run in ``cwd`` (e.g.
    ``serve="notebooks/", cwd=REPO_ROOT``), so the server root is what a learner gets.
    Nothing is written there: checkpoints go to the temp folder and autosave is off.

    ``settings``: extra JupyterLab user settings, ``{plugin_id: {key: value}}``,
    e.g. ``{"@jupyterlab/apputils-extension:kernels-settings":
    {"commsOverSubshells": "disabled"}}``. ``keep=True`` leaves the temp
    folder (server log, copied notebooks) in place after ``stop()``.
    """

    def __init__(self, notebooks=None, *, siblings=None, settings=None,
                 startup_timeout=60.0, python=None, keep=False, serve=None, cwd=None):
        if (serve is None) != (cwd is None):
            raise ValueError("serve and cwd go together")
        self.serve = serve
        self.cwd = Path(cwd) if cwd is not None else None
        if serve is not None:
            if notebooks is not None or siblings:
                raise ValueError("serve/cwd serve in place: no notebooks or siblings to copy")
            notebooks = self.cwd / serve
            settings = {**IN_PLACE_SETTINGS, **(settings or {})}
        self.source = Path(notebooks) if notebooks is not None else NOTEBOOKS
        if siblings is None:
            siblings = ()
        self.siblings = tuple(siblings)
        self.settings = {**DEFAULT_SETTINGS, **(settings or {})}
        self.startup_timeout = startup_timeout
        self.python = python or sys.executable
        self.keep = keep
        self.token = secrets.token_hex(16)
        self.port = None
        self.tmp = None
        self.root = None
        self.notebook_dir = None
        self.process = None
        self._log_path = None

    # -- lifecycle ---------------------------------------------------------

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def start(self):
        if self.process is not None:
            return self
        if not self.source.is_dir():
            raise FileNotFoundError(f"no notebook folder {self.source}")
        self.tmp = Path(tempfile.mkdtemp(prefix="dlskills-lab-"))
        atexit.register(self.stop)
        try:
            self._prepare()
            for _ in range(3):
                self.port = free_port()
                self._launch()
                if self._wait_ready():
                    return self
            raise RuntimeError("JupyterLab could not bind a port:\n" + self.log_tail())
        except BaseException:
            self.stop()
            raise

    def stop(self):
        """Shut kernels and server down (politely, then terminate, then kill)."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            self._ask_to_stop(process)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if self.tmp is not None and not self.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None
        atexit.unregister(self.stop)

    def _ask_to_stop(self, process):
        """JupyterLab: the shutdown API (it stops its kernels, then exits)."""
        try:
            self._request("POST", "api/shutdown", timeout=5)
        except OSError:
            pass

    # -- setup -------------------------------------------------------------

    def _prepare(self):
        ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
        if self.serve is not None:                 # in place: the server root is the folder
            self.root = self.notebook_dir = self.source.resolve()
        else:
            self.root = self.tmp / "root"
            self.notebook_dir = self.root / self.source.name
            shutil.copytree(self.source, self.notebook_dir, ignore=ignore)
        for name in self.siblings:
            sibling = self.source.parent / name
            if sibling.is_dir():
                shutil.copytree(sibling, self.root / name, ignore=ignore)

        home = self.tmp / "jupyter"
        self.dirs = {
            "JUPYTER_CONFIG_DIR": home / "config",
            "JUPYTER_DATA_DIR": home / "data",
            "JUPYTER_RUNTIME_DIR": home / "runtime",
            "JUPYTERLAB_SETTINGS_DIR": home / "lab-settings",
            "JUPYTERLAB_WORKSPACES_DIR": home / "lab-workspaces",
            "IPYTHONDIR": home / "ipython",
        }
        for folder in self.dirs.values():
            folder.mkdir(parents=True)

        # The only "python3" kernel this server sees: the current interpreter.
        spec_dir = self.dirs["JUPYTER_DATA_DIR"] / "kernels" / "python3"
        spec_dir.mkdir(parents=True)
        spec = {
            "argv": [self.python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
            "metadata": {"debugger": True},
        }
        (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))

        for plugin_id, values in self.settings.items():
            package, _, plugin = plugin_id.partition(":")
            path = self.dirs["JUPYTERLAB_SETTINGS_DIR"] / package / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values, indent=1))

        self._log_path = self.tmp / "server.log"

    def _environment(self):
        env = dict(os.environ)
        env.update({key: str(path) for key, path in self.dirs.items()})
        # Our data dir first, even if JUPYTER_PATH points elsewhere.
        data = str(self.dirs["JUPYTER_DATA_DIR"])
        env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [data, env.get("JUPYTER_PATH")]))
        # Kernels import this checkout's dlskills, even over another install.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
        # ipykernel chooses the inline backend only when MPLBACKEND is unset.
        env.pop("MPLBACKEND", None)
        # The server runs `npm prefix -g` at start; keep npm's logs out of $HOME.
        env["npm_config_cache"] = str(self.tmp / "npm")
        return env

    def _command(self):
        """(argv, cwd) of the server: on a private copy (``python -m jupyterlab`` rooted
        there), or, with ``serve``, as the README says: ``jupyter lab <serve>`` in ``cwd``,
        checkpoints kept in the temp folder so the served folder stays untouched."""
        if self.serve is None:
            command, cwd = [self.python, "-m", "jupyterlab"], self.root
            extra = [f"--ServerApp.root_dir={self.root}",
                     "--ServerApp.terminals_enabled=False",
                     "--KernelSpecManager.ensure_native_kernel=False"]
        else:
            jupyter = Path(self.python).with_name("jupyter")
            if not jupyter.exists():
                jupyter = Path(shutil.which("jupyter") or "jupyter")
            command, cwd = [str(jupyter), "lab", self.serve], self.cwd
            extra = [f"--FileCheckpoints.checkpoint_dir={self.tmp / 'checkpoints'}"]
        # only what a headless test needs: no browser, our port and token, root allowed
        command += ["--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
                    "--ServerApp.port_retries=0", f"--ServerApp.token={self.token}",
                    "--allow-root", *extra]
        return command, cwd

    def _launch(self):
        command, cwd = self._command()
        log = open(self._log_path, "wb")
        try:
            self.process = subprocess.Popen(
                command, cwd=cwd, env=self._environment(),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        finally:
            log.close()

    def _wait_ready(self):
        """True when /api/status answers; False if the port was taken."""
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                if "address already in use" in self.log().lower():
                    self.process = None
                    return False
                raise RuntimeError(f"{type(self).__name__} exited with code "
                                   f"{self.process.returncode}:\n" + self.log_tail())
            if self._answers():
                return True
            time.sleep(0.2)
        raise RuntimeError(
            f"{type(self).__name__} did not answer within {self.startup_timeout:.0f} s:\n"
            + self.log_tail())

    def _answers(self):
        """Whether the server is up (JupyterLab: /api/status answers)."""
        try:
            self._request("GET", "api/status", timeout=2)
            return True
        except (OSError, ValueError):
            return False

    # -- use ---------------------------------------------------------------

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def url(self, path="lab", **query):
        """Full URL with the token, e.g. ``url("lab/tree/x.ipynb", reset=True)``.

        A query value ``True`` is written as a bare key (``&reset``).
        """
        parts = [f"token={self.token}"]
        for key, value in query.items():
            parts.append(key if value is True else f"{key}={value}")
        return f"{self.base_url}/{path.lstrip('/')}?{'&'.join(parts)}"

    def notebook_path(self, name):
        """Server path of a notebook of the served folder."""
        if self.serve is not None:
            return name
        return f"{self.notebook_dir.name}/{name}"

    def notebook_url(self, name):
        """URL opening notebook ``name`` in a fresh workspace (``&reset``)."""
        return self.url(f"lab/tree/{self.notebook_path(name)}", reset=True)

    def _request(self, method, path, body=None, timeout=10):
        return request_json(f"{self.base_url}/{path.lstrip('/')}", self.token, method, body,
                            timeout)

    def api(self, method, path, body=None):
        """Call the Jupyter REST API, e.g. ``api("GET", "kernelspecs")``."""
        return self._request(method, f"api/{path.lstrip('/')}", body)

    def shutdown_kernels(self):
        """Close every session and kernel (between tests, to free the CPU)."""
        if self.process is None:
            return
        with contextlib.suppress(OSError, ValueError):
            for session in self.api("GET", "sessions") or []:
                with contextlib.suppress(OSError):
                    self.api("DELETE", f"sessions/{session['id']}")
            for kernel in self.api("GET", "kernels") or []:
                with contextlib.suppress(OSError):
                    self.api("DELETE", f"kernels/{kernel['id']}")

    def log(self):
        if self._log_path is None or not self._log_path.exists():
            return ""
        return self._log_path.read_text(errors="replace")

    def log_tail(self, lines=60):
        return "\n".join(self.log().splitlines()[-lines:])


# --------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------

# Share of pixels that are ink: not near-white once composited on white, and
# not the colour of the top-left pixel (the figure background). A blank or
# fully transparent image gives 0. Returns -1 if the image is not loaded.
_INK_FUNCTION = """
function dlskillsInk(img) {
  if (!img || !img.complete || !img.naturalWidth) return -1;
  const w = img.naturalWidth, h = img.naturalHeight;
  const canvas = document.createElement('canvas');
  canvas.width = w; canvas.height = h;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, w, h);
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, w, h).data;
  const r0 = d[0], g0 = d[1], b0 = d[2];
  let ink = 0;
  for (let i = 0; i < d.length; i += 4) {
    const r = d[i], g = d[i + 1], b = d[i + 2];
    if (r > 235 && g > 235 && b > 235) continue;
    if (Math.abs(r - r0) < 24 && Math.abs(g - g0) < 24 && Math.abs(b - b0) < 24) continue;
    ink++;
  }
  return ink / (w * h);
}
"""

_FIND_FUNCTIONS = """
function dlskillsFigure(root) {
  const el = document.querySelector(root);
  if (!el) return null;
  return el.querySelector('img.dlskills-figure, .dlskills-figure img');
}
function dlskillsStatus(root) {
  const el = document.querySelector(root);
  const status = el && el.querySelector('.dlskills-status');
  if (!status) return null;
  const content = status.querySelector('.widget-html-content') || status;
  return content.textContent.replace(/\\s+/g, ' ').trim();
}
function dlskillsMatches(text, want) {
  if (text === null) return false;
  if (want.regex) return new RegExp(want.pattern, want.flags).test(text);
  return text.includes(want.pattern);
}
"""

_FIGURE_INK = "async (root) => {" + _INK_FUNCTION + _FIND_FUNCTIONS + """
  for (let attempt = 0; attempt < 5; attempt++) {
    const img = dlskillsFigure(root);
    if (!img) return null;
    try {
      await img.decode();
    } catch (e) {  // replaced by a newer image meanwhile: try that one
      await new Promise(r => setTimeout(r, 50));
      continue;
    }
    return dlskillsInk(img);
  }
  return -1;
}"""

_STATUS_MATCHES = "(args) => {" + _FIND_FUNCTIONS + """
  return dlskillsMatches(dlskillsStatus(args.root), args.want);
}"""

_NEW_FIGURE = "(args) => {" + _FIND_FUNCTIONS + """
  const img = dlskillsFigure(args.root);
  if (!img || !img.src || img.src === args.old) return false;
  return img.complete && img.naturalWidth > 0 ? img.src : false;
}"""

# Arms a one-shot listener: the time of the first user input event after
# arming (key, pointer, select change) is the start of a latency measurement.
_ARM = """() => {
  window.__dlskillsT0 = null;
  if (!window.__dlskillsArmed) {
    window.__dlskillsArmed = true;
    const mark = (event) => {
      if (window.__dlskillsT0 === null) window.__dlskillsT0 = performance.now();
    };
    for (const type of ['keydown', 'pointerdown', 'mousedown', 'input', 'change']) {
      document.addEventListener(type, mark, true);
    }
  }
}"""

# Done when the status matches AND a new, loaded image with ink is shown.
_CHANGED = "(args) => {" + _INK_FUNCTION + _FIND_FUNCTIONS + """
  if (!dlskillsMatches(dlskillsStatus(args.root), args.want)) return false;
  const img = dlskillsFigure(args.root);
  if (!img || !img.src || img.src === args.old || !img.complete || !img.naturalWidth) {
    return false;
  }
  window.__dlskillsInkCache = window.__dlskillsInkCache || {};
  if (!(img.src in window.__dlskillsInkCache)) {
    window.__dlskillsInkCache[img.src] = dlskillsInk(img);
  }
  if (window.__dlskillsInkCache[img.src] < args.minInk) return false;
  return {t1: performance.now(), t0: window.__dlskillsT0,
          ink: window.__dlskillsInkCache[img.src]};
}"""

# The current notebook is idle: kernel status "Idle" and no cell queued or
# running ("[*]"), continuously for `quiet` ms.
_IDLE = """(quiet) => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return false;
  // The status bar says "<kernel name> | Idle" (and not "No Kernel | ...": the
  // toolbar indicator alone reads idle before the kernel exists), and the
  // notebook toolbar's kernel indicator agrees.
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator[data-status]');
  let idle = (!indicator || indicator.dataset.status === 'idle')
    && [...document.querySelectorAll('#jp-main-statusbar .jp-StatusBar-TextItem')]
         .some(item => /^(?!No Kernel).*\\|\\s*Idle\\s*$/.test(item.textContent.trim()));
  if (idle) {
    for (const prompt of panel.querySelectorAll('.jp-InputArea-prompt')) {
      if (prompt.textContent.includes('*')) { idle = false; break; }
    }
  }
  if (!idle) { window.__dlskillsIdleSince = null; return false; }
  if (!window.__dlskillsIdleSince) window.__dlskillsIdleSince = performance.now();
  return performance.now() - window.__dlskillsIdleSince >= quiet;
}"""

_KERNEL_STATE = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return 'no notebook open';
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator[data-status]');
  const prompts = [...panel.querySelectorAll('.jp-InputArea-prompt')].map(p => p.textContent.trim());
  const items = [...document.querySelectorAll('#jp-main-statusbar .jp-StatusBar-TextItem')]
    .map(item => item.textContent.trim()).filter(text => text.includes('|'));
  return `kernel indicator ${indicator ? indicator.dataset.status : '?'}, status bar `
    + `${JSON.stringify(items)}, prompts ${prompts.join(' ')}`;
}"""

_ANY_RUNNING = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return false;
  return [...panel.querySelectorAll('.jp-InputArea-prompt')]
    .some(p => p.textContent.includes('*'));
}"""

# Error outputs render like stderr (same mime type in the DOM), so a
# traceback is recognised by its text: "Traceback (most recent call last)" or a
# last line such as "ZeroDivisionError: division by zero". Widgets that failed
# to render show "Error displaying widget".
_ERRORS = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return [];
  const found = [];
  for (const el of panel.querySelectorAll('.jp-OutputArea-output')) {
    const text = el.textContent.trim();
    const lines = text.split('\\n').filter(line => line.trim());
    const last = lines.length ? lines[lines.length - 1].trim() : '';
    const traceback = el.dataset.mimeType === 'application/vnd.jupyter.stderr'
      && (text.includes('Traceback (most recent call last)')
          || /^[A-Za-z_][\\w.]*(Error|Exception|Interrupt|Exit)(:|$)/.test(last));
    if (traceback || /Error displaying widget/.test(text)) found.push(text);
  }
  return found;
}"""


_NUMBER_EXPLORERS = """() => [...document.querySelectorAll('.dlskills-explorer')].map((el, n) => {
  el.dataset.dlskillsN = n;
  const name = [...el.classList].find(c => c.startsWith('dlskills-explorer-'));
  return name ? name.slice('dlskills-explorer-'.length) : null;
})"""


def _want(expected):
    """Python str (substring) or compiled regex -> argument for the page."""
    if isinstance(expected, re.Pattern):
        flags = ""
        if expected.flags & re.IGNORECASE:
            flags += "i"
        if expected.flags & re.MULTILINE:
            flags += "m"
        if expected.flags & re.DOTALL:
            flags += "s"
        return {"regex": True, "pattern": expected.pattern, "flags": flags}
    return {"regex": False, "pattern": str(expected), "flags": ""}


def starts_with(text):
    """A status pattern: begins with exactly ``text``."""
    return re.compile("^" + re.escape(text))


def exactly(text):
    """A status pattern: is exactly ``text``."""
    return re.compile("^" + re.escape(text) + "$")


class ExplorerPage:
    """A Playwright page showing explorers (in JupyterLab: :class:`NotebookPage`; in
    Voilà: :class:`harness.voila.VoilaPage`).

    Explorer arguments are explorer names (``"depth"`` for
    ``dlskills-explorer-depth``), or an int: the n-th explorer of the page, once
    :meth:`explorer_names` has numbered them; control keys are the ``<key>`` of
    ``dlskills-control-<key>``. Timeouts are in seconds. ``lab`` is the server
    the page was opened on.
    """

    def __init__(self, page, default_timeout=30.0):
        self.page = page
        self.lab = None
        self.default_timeout = default_timeout
        page.set_default_timeout(default_timeout * 1000)

    @classmethod
    def new(cls, browser, viewport=None, **context_options):
        """A fresh browser context (no shared storage) with one page."""
        context = browser.new_context(viewport=viewport or VIEWPORT, locale="en-US",
                                      **context_options)
        return cls(context.new_page())

    def close(self):
        self.page.context.close()

    # -- locating ----------------------------------------------------------

    @staticmethod
    def root_selector(explorer):
        if isinstance(explorer, int):
            return f'.dlskills-explorer[data-dlskills-n="{explorer}"]'
        return f".dlskills-explorer.dlskills-explorer-{explorer}"

    def explorer_names(self):
        """Names of the explorers on the page, in page order; numbers their roots so that
        ``n`` (an int) addresses the n-th one."""
        return self.page.evaluate(_NUMBER_EXPLORERS)

    def explorer(self, explorer):
        """Locator of an explorer's root widget."""
        return self.page.locator(self.root_selector(explorer))

    def control(self, explorer, key):
        """Locator of control ``dlskills-control-<key>`` inside an explorer."""
        return self.explorer(explorer).locator(f".dlskills-control-{key}")

    def figure(self, explorer):
        return self.explorer(explorer).locator("img.dlskills-figure, .dlskills-figure img")

    def status(self, explorer):
        return self.explorer(explorer).locator(".dlskills-status")

    # -- controls ----------------------------------------------------------

    def _ready(self, locator):
        locator.wait_for(state="attached")
        locator.scroll_into_view_if_needed()
        return locator

    def press_slider(self, explorer, key, keypress="ArrowRight", times=1, handle=0):
        """Focus the slider's (noUi) handle and press ``keypress`` ``times`` times."""
        knob = self._ready(self.control(explorer, key).locator(".noUi-handle").nth(handle))
        knob.focus()
        for _ in range(times):
            knob.press(keypress)

    def slider_value(self, explorer, key):
        """The slider's readout text."""
        return self.control(explorer, key).locator(".widget-readout").first.text_content().strip()

    def select(self, explorer, key, label):
        """Choose ``label`` in a Dropdown / Select, ToggleButtons or RadioButtons."""
        control = self._ready(self.control(explorer, key))
        if control.locator("select").count():
            control.locator("select").select_option(label=label)
        elif control.locator("input[type=radio]").count():
            control.get_by_label(label, exact=True).check()
        else:
            control.get_by_role("button", name=label, exact=True).click()

    def toggle(self, explorer, key):
        """Flip a Checkbox or ToggleButton."""
        control = self._ready(self.control(explorer, key))
        if control.evaluate("el => el.tagName") == "BUTTON":
            control.click()
        else:
            control.locator("input[type=checkbox]").click()

    def click(self, explorer, key):
        """Click a Button."""
        control = self._ready(self.control(explorer, key))
        if control.evaluate("el => el.tagName") == "BUTTON":
            control.click()
        else:
            control.locator("button").first.click()

    def fill(self, explorer, key, value):
        """Type into a Text / IntText / FloatText box and press Enter."""
        box = self._ready(self.control(explorer, key)).locator("input, textarea").first
        box.fill(str(value))
        box.press("Enter")

    # -- status and figure -------------------------------------------------

    def status_text(self, explorer):
        """The status widget's text, whitespace collapsed."""
        self.status(explorer).wait_for(state="attached")
        return self.page.evaluate(
            "(root) => {" + _FIND_FUNCTIONS + "return dlskillsStatus(root); }",
            self.root_selector(explorer))

    def wait_status(self, explorer, expected, timeout=30.0):
        """Wait until the status contains ``expected`` (str) or matches it (compiled regex)."""
        try:
            self.page.wait_for_function(
                _STATUS_MATCHES,
                arg={"root": self.root_selector(explorer), "want": _want(expected)},
                polling=POLL_MS, timeout=timeout * 1000)
        except Exception as error:
            raise LabTimeout(
                f"status of explorer {explorer!r} did not match {expected!r} within "
                f"{timeout} s; it shows {self._status_or_none(explorer)!r}") from error
        return self.status_text(explorer)

    def _status_or_none(self, explorer):
        with contextlib.suppress(Exception):
            return self.page.evaluate(
                "(root) => {" + _FIND_FUNCTIONS + "return dlskillsStatus(root); }",
                self.root_selector(explorer))
        return None

    def figure_src(self, explorer):
        """The figure's current ``src`` (a blob: URL); waits for the image to exist."""
        figure = self.figure(explorer)
        figure.wait_for(state="attached")
        return figure.get_attribute("src")

    def wait_new_figure(self, explorer, old_src, timeout=30.0):
        """Wait for a loaded image whose src differs from ``old_src``; return its src."""
        try:
            handle = self.page.wait_for_function(
                _NEW_FIGURE, arg={"root": self.root_selector(explorer), "old": old_src},
                polling=POLL_MS, timeout=timeout * 1000)
        except Exception as error:
            raise LabTimeout(
                f"figure of explorer {explorer!r} did not change within {timeout} s") from error
        return handle.json_value()

    def figure_ink(self, explorer):
        """Share of the shown image's pixels that are not background (0..1).

        The image is decoded in the page and drawn into a canvas; a blank or
        fully transparent image gives ~0.
        """
        self.figure(explorer).wait_for(state="attached")
        ink = self.page.evaluate(_FIGURE_INK, self.root_selector(explorer))
        if ink is None or ink < 0:
            raise LabTimeout(f"figure of explorer {explorer!r} could not be decoded")
        return ink

    def change_and_check(self, explorer, action, expected, timeout=60.0, min_ink=0.02):
        """Do ``action()``; wait for the status ``expected`` (see :meth:`wait_status`) and
        a newly drawn figure with at least ``min_ink`` ink. Returns the status text."""
        before = self.figure_src(explorer)
        action()
        status = self.wait_status(explorer, expected, timeout)
        self.wait_new_figure(explorer, before, timeout)
        ink = self.figure_ink(explorer)
        assert ink >= min_ink, f"blank figure ({ink:.4f} ink) after status {status!r}"
        return status

    def screenshot(self, path, explorer=None, full_page=False):
        """Save a PNG of the page (or of one explorer); return the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if explorer is None:
            self.page.screenshot(path=str(path), full_page=full_page)
        else:
            self.explorer(explorer).screenshot(path=str(path))
        return path

    # -- latency -----------------------------------------------------------

    def time_change(self, action, explorer, expected_status, timeout=30.0, min_ink=0.002):
        """Seconds from the user input of ``action()`` until the status matches
        ``expected_status`` AND a new, decoded image with ink >= ``min_ink`` is shown.

        Timed in the page with performance.now(), from the first key / pointer /
        change event ``action`` causes; if it causes none, the Python clock is
        used from just before ``action()``.
        """
        old = self.figure_src(explorer)
        self.page.evaluate(_ARM)
        started = time.perf_counter()
        action()
        try:
            handle = self.page.wait_for_function(
                _CHANGED,
                arg={"root": self.root_selector(explorer), "want": _want(expected_status),
                     "old": old, "minInk": min_ink},
                polling="raf", timeout=timeout * 1000)
        except Exception as error:
            raise LabTimeout(
                f"explorer {explorer!r}: no status {expected_status!r} with a new inked figure "
                f"within {timeout} s; status is {self._status_or_none(explorer)!r}") from error
        finished = time.perf_counter()
        result = handle.json_value()
        if result.get("t0") is None:
            return finished - started
        return (result["t1"] - result["t0"]) / 1000.0


class NotebookPage(ExplorerPage):
    """A Playwright page showing one notebook in JupyterLab (see :class:`ExplorerPage`)."""

    # -- notebook ----------------------------------------------------------

    def open(self, lab, name, timeout=90.0):
        """Open ``name`` (relative to the lab's notebook folder); wait for an idle kernel."""
        self.lab = lab
        self.page.goto(lab.notebook_url(name), timeout=timeout * 1000)
        basename = name.rsplit("/", 1)[-1]
        tab = self.page.locator(".lm-TabBar-tab.jp-mod-current", has_text=basename)
        tab.first.wait_for(timeout=timeout * 1000)
        self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first.wait_for(
            timeout=timeout * 1000)
        self._accept_kernel_dialog()
        self.wait_idle(timeout)
        return self

    def _accept_kernel_dialog(self):
        """If JupyterLab asks which kernel to use, take its suggestion."""
        dialog = self.page.locator(".jp-Dialog")
        if dialog.count():
            dialog.locator(".jp-mod-accept").first.click()

    def run_all(self, timeout=120.0, raise_on_error=True):
        """Run menu -> Run All Cells; wait until done. Raise if a cell failed."""
        self.page.locator(".lm-MenuBar-item", has_text=re.compile(r"^\s*Run\s*$")).click()
        self.page.locator('li.lm-Menu-item[data-command="runmenu:run-all"]').click()
        with contextlib.suppress(Exception):  # very fast notebooks may finish first
            self.page.wait_for_function(_ANY_RUNNING, polling=POLL_MS, timeout=10_000)
        self.wait_idle(timeout)
        if raise_on_error:
            errors = self.errors()
            if errors:
                raise AssertionError("a cell failed:\n" + "\n---\n".join(errors))
        return self

    def wait_idle(self, timeout=60.0, quiet=0.3):
        """Wait for kernel Idle and no running/queued cell for ``quiet`` s."""
        self.page.evaluate("() => { window.__dlskillsIdleSince = null; }")
        try:
            self.page.wait_for_function(_IDLE, arg=quiet * 1000, polling=POLL_MS,
                                        timeout=timeout * 1000)
        except Exception as error:
            state = self.page.evaluate(_KERNEL_STATE)
            raise LabTimeout(f"notebook not idle after {timeout} s: {state}") from error

    def errors(self):
        """Texts of error outputs (tracebacks, 'Error displaying widget')."""
        return self.page.evaluate(_ERRORS)
