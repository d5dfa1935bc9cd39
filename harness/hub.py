"""The course's JupyterHub deployment, run on 127.0.0.1 for the classroom benchmark and the
smoke test: start the hub, add students, start their servers, run code in their kernels,
measure memory, clean up.

The hub is started from ``deploy/jupyterhub/jupyterhub_config.py`` (the file a teacher
runs), through a small extra config in a temp folder that sets only what a test run needs:
the dummy authenticator on 127.0.0.1, SimpleLocalProcessSpawner with homes under the temp
folder, free ports, and a service token to drive it by REST::

    from harness.hub import Hub

    with Hub() as hub:                          # hub + proxy + idle-culler service
        hub.start_server("student1")            # course copied into the home, server up
        kernel = hub.open_kernel("student1")    # a kernel through the proxy (websocket)
        reply = kernel.execute("1 + 1")
        print(reply.ok, reply.seconds, hub.processes(), hub.poller.peak)

Everything it starts is in the hub's process tree (its servers are in their own sessions):
:meth:`Hub.stop` (also on error and Ctrl-C, through ``with``) stops the hub with SIGTERM,
then kills every process of that tree it has seen and that is still alive, and deletes the
temp folder.
"""
import atexit
import contextlib
import functools
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from harness.course import REPO_ROOT, chapter_notebook
from harness.lab import free_port, request_json

DEPLOY = REPO_ROOT / "deploy" / "jupyterhub"
CONFIG = DEPLOY / "jupyterhub_config.py"
PROXY = DEPLOY / "node_modules" / ".bin" / "configurable-http-proxy"
PROXY_HINT = "bash deploy/jupyterhub/install_proxy.sh (tests/run.sh runs it)"
SERVICE = "classroom-driver"

# What a student moves after running each chapter: (explorer variable, settings to pass
# to its set(...) in turn; each differs from the one before, so each one redraws). For
# chapter 5 (training only) a move is a short run: run(...).
MOVES = {
    "01": ("gradient_explorer", "set", [{"depth": 20}, {"depth": 21}, {"activation": "tanh"},
                                        {"activation": "sigmoid"}]),
    "02": ("playground", "set", [{"lr": 0.1}, {"lr": 0.112}]),
    "03": ("ex", "set", [{"init": "he_normal", "activation": "relu"},
                         {"init": "normal", "std": 0.01}, {"activation": "tanh"},
                         {"init": "xavier_normal"}]),
    "04": ("bn_explorer", "set", [{"weight_scale": 0.1}, {"weight_scale": 0.01}]),
    "05": ("lab", "run", [{"epochs": 1, "depth": 10}, {"epochs": 1, "depth": 12}]),
}


def chapter_cells(chapter):
    """The chapter's code cells' sources in order, as a student runs them (Run All):
    [(source, expects_error)]; cells tagged nbval-skip are left out."""
    cells = json.loads(chapter_notebook(chapter).read_text(encoding="utf-8"))["cells"]
    found = []
    for cell in cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] != "code" or "nbval-skip" in tags:
            continue
        found.append(("".join(cell["source"]), "nbval-raises-exception" in tags))
    return found


@functools.cache
def missing_reason():
    """Why the real hub cannot run here (None when it can): jupyterhub, the idle culler,
    psutil, websocket-client or the proxy missing, or the proxy not starting. Asked once
    per process (the proxy's start takes about a second); every Hub.start asks."""
    for module in ("jupyterhub", "jupyterhub_idle_culler", "psutil", "websocket"):
        try:
            __import__(module)
        except ImportError:
            return f"Python package {module} missing: pip install -e '.[test]'"
    if not PROXY.exists():
        return f"configurable-http-proxy not installed at {PROXY}: {PROXY_HINT}"
    try:
        subprocess.run([str(PROXY), "--version"], check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as err:
        return f"configurable-http-proxy does not run ({err}); it needs Node.js >= 18"
    return None


def _default_sigint():
    """In the hub's process before it starts: SIGINT handled as usual. A program started in
    the background by a shell inherits SIGINT ignored; the hub stops its idle-culler
    service with SIGINT, and would wait for it in vain before escalating."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class HubError(RuntimeError):
    """The hub, a server or a kernel did not do what was asked (with the hub's log tail)."""


@dataclass
class Reply:
    """One execute_request: ok, wall seconds from the request to the kernel's idle, the
    error (ename: evalue) if any, what was printed on stdout and stderr."""
    ok: bool
    seconds: float
    error: str = ""
    stdout: str = ""
    stderr: str = ""


class Kernel:
    """A kernel in a student's server, driven over the server's websocket (the path a
    browser takes: through the proxy, authenticated with the service token)."""

    def __init__(self, url, kernel_id, token, timeout):
        import websocket

        self.id, self.session = kernel_id, uuid.uuid4().hex
        self.socket = websocket.create_connection(
            url, header=[f"Authorization: token {token}"], timeout=timeout)

    def execute(self, code, timeout=600.0):
        """Run ``code``; wait for the reply and the kernel's idle. A timeout is an error."""
        import websocket

        msg_id = uuid.uuid4().hex
        self.socket.send(json.dumps({
            "header": {"msg_id": msg_id, "session": self.session, "username": "student",
                       "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
        start = time.perf_counter()
        reply = Reply(ok=True, seconds=0.0)
        replied = idle = False
        while not (replied and idle):
            left = timeout - (time.perf_counter() - start)
            if left <= 0:
                return Reply(False, time.perf_counter() - start, f"timeout after {timeout:.0f} s",
                             reply.stdout, reply.stderr)
            self.socket.settimeout(left)
            try:
                message = _decode(self.socket.recv())
            except websocket.WebSocketTimeoutException:
                continue
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["header"]["msg_type"], message["content"]
            if kind == "execute_reply":
                replied = True
                if content["status"] != "ok":
                    reply.ok = False
                    reply.error = reply.error or f"{content.get('ename')}: {content.get('evalue')}"
            elif kind == "error":
                reply.ok = False
                reply.error = f"{content['ename']}: {content['evalue']}"
            elif kind == "stream":
                setattr(reply, content["name"], getattr(reply, content["name"]) + content["text"])
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
        reply.seconds = time.perf_counter() - start
        return reply

    def close(self):
        with contextlib.suppress(Exception):
            self.socket.close()


def _decode(frame):
    """A kernel message from one websocket frame: text is JSON; a binary frame (a message
    with buffers, e.g. a widget's image) is jupyter_server's layout: the number of parts
    and their offsets (big-endian uint32), the JSON message first."""
    if isinstance(frame, str):
        return json.loads(frame)
    count = int.from_bytes(frame[:4], "big")
    offsets = [int.from_bytes(frame[4 + 4 * i:8 + 4 * i], "big") for i in range(count)]
    end = offsets[1] if count > 1 else len(frame)
    return json.loads(frame[offsets[0]:end].decode("utf-8"))


class Hub:
    """The deployment's hub on 127.0.0.1 (see the module docstring). ``prefix``: the temp
    folder's name start (homes, the hub's database and log live there)."""

    def __init__(self, *, prefix="dlskills-hub-", startup_timeout=90.0, poll=0.2):
        self.prefix, self.startup_timeout, self.poll = prefix, startup_timeout, poll
        self.token = secrets.token_hex(24)
        self.folder = self.process = self.url = self.log_path = None
        self.killed = []                    # pids still alive after the hub's own shutdown
        # harness.procs.Poller of the hub's tree, from its start: every process it saw,
        # their peak RSS (high-water marks) and CPU seconds
        self.poller = None

    # --- start and stop -------------------------------------------------------------------
    def start(self):
        reason = missing_reason()
        if reason:
            raise HubError(reason)
        self.folder = Path(tempfile.mkdtemp(prefix=self.prefix))
        atexit.register(self.stop)          # a dying test worker still cleans up
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self):
        port, hub_port, api_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{port}"
        (self.folder / "homes").mkdir()
        config = self.folder / "test_config.py"
        config.write_text(
            f"c = get_config()\n"
            f"load_subconfig({str(CONFIG)!r})\n"
            f"c.JupyterHub.hub_ip = '127.0.0.1'\n"
            f"c.JupyterHub.hub_port = {hub_port}\n"
            f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{api_port}'\n"
            f"c.Spawner.ip = '127.0.0.1'\n"
            f"c.JupyterHub.services.append({{'name': {SERVICE!r}, 'api_token': {self.token!r}}})\n"
            f"c.JupyterHub.load_roles.append({{'name': {SERVICE!r}, 'services': [{SERVICE!r}],\n"
            f"    'scopes': ['admin:users', 'admin:servers', 'access:servers']}})\n",
            encoding="utf-8")
        env = {**os.environ,
               "DLSKILLS_HUB_IP": "127.0.0.1", "DLSKILLS_HUB_PORT": str(port),
               "DLSKILLS_HUB_AUTH": "dummy", "DLSKILLS_HUB_SPAWNER": "simple",
               "DLSKILLS_HUB_HOMES": str(self.folder / "homes" / "{username}"),
               "DLSKILLS_HUB_STATE_DIR": str(self.folder / "state"),
               "DLSKILLS_HUB_ENV": sys.prefix}
        env.pop("MPLBACKEND", None)         # kernels draw as a student's do (inline)
        # Kernels import this checkout's dlskills (as the benchmarks do), whatever the
        # environment's install points at; JupyterHub passes PYTHONPATH on to the servers.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
        self.log_path = self.folder / "jupyterhub.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=self.folder,
                env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, preexec_fn=_default_sigint)
        from harness.procs import Poller

        self.poller = Poller(self.process.pid, self.poll)
        self.poller.start()
        deadline = time.monotonic() + self.startup_timeout
        while True:
            if self.process.poll() is not None:
                raise HubError(f"jupyterhub exited with {self.process.returncode}\n{self.log_tail()}")
            with contextlib.suppress(OSError, HubError):
                if self.api("GET", "/hub/api/")["version"]:
                    break
            if time.monotonic() > deadline:
                raise HubError(f"hub not up after {self.startup_timeout:.0f} s\n{self.log_tail()}")
            time.sleep(0.5)

    def stop(self):
        """SIGTERM to the hub (it stops its proxy, servers and services), then SIGKILL to
        any process of its tree still alive, then the temp folder deleted."""
        try:                                # interrupted here (a second Ctrl-C): still clean
            if self.poller is not None:
                self.poller.stop()          # its last poll sees the whole tree
            if self.process is not None and self.process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGTERM)
                try:
                    self.process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    pass
        finally:
            if self.poller is not None:
                self._kill_leftovers()
            if self.folder is not None:
                shutil.rmtree(self.folder, ignore_errors=True)
            atexit.unregister(self.stop)

    def _kill_leftovers(self):
        """SIGKILL to every process of the tree still alive (``killed``), and wait."""
        import psutil
        from harness.procs import alive

        self.poller.poll()                  # the hub still running (it ignored SIGTERM)
        self.killed = self.poller.leftovers()
        for pid in self.killed:
            with contextlib.suppress(psutil.Error):
                psutil.Process(pid).kill()
        psutil.wait_procs([p for p in map(alive, self.poller.leftovers()) if p], timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def log_tail(self, lines=40):
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    # --- the hub's REST API -----------------------------------------------------------------
    def api(self, method, path, body=None, timeout=60):
        """JSON from the hub (or a server, through the proxy) at ``path``, with the token
        (None for an empty answer); an HTTP error is a HubError."""
        try:
            return request_json(self.url + path, self.token, method, body, timeout)
        except urllib.error.HTTPError as err:
            raise HubError(f"{method} {path}: HTTP {err.code} {err.read()[:300]!r}") from None

    def start_server(self, name, timeout=180.0):
        """Add student ``name`` and start their server; returns when it is ready."""
        with contextlib.suppress(HubError):        # 409: the user exists already
            self.api("POST", f"/hub/api/users/{name}")
        self.api("POST", f"/hub/api/users/{name}/server", timeout=timeout)
        deadline = time.monotonic() + timeout
        while True:
            server = self.api("GET", f"/hub/api/users/{name}").get("servers", {}).get("", {})
            if server.get("ready"):
                return server
            if time.monotonic() > deadline:
                raise HubError(f"{name}'s server not ready after {timeout:.0f} s\n{self.log_tail()}")
            time.sleep(0.5)

    def home(self, name):
        return self.folder / "homes" / name

    def open_kernel(self, name, path="dlskills", timeout=120.0):
        """A new kernel in ``name``'s server, its working folder ``path`` in their home."""
        model = self.api("POST", f"/user/{name}/api/kernels",
                         {"name": "python3", "path": path}, timeout=timeout)
        ws = self.url.replace("http", "ws", 1) + f"/user/{name}/api/kernels/{model['id']}/channels"
        return Kernel(ws, model["id"], self.token, timeout)

    # --- processes and memory --------------------------------------------------------------
    def processes(self):
        """{pid: (role, student or None)} for the hub's tree as it runs now: role one of
        hub, proxy, idle-culler, server, kernel, other. Their memory and CPU seconds are
        the poller's (``poller.peak``, ``poller.cpu``)."""
        import psutil

        found = {}
        for process in self.poller.poll()[0]:
            with contextlib.suppress(psutil.Error):
                found[process.pid] = self.role(process)
        return found

    def role(self, process):
        """(role, student) of one process of the tree."""
        import psutil

        command = " ".join(process.cmdline())
        if process.pid == self.process.pid:
            return "hub", None
        if "configurable-http-proxy" in command:
            return "proxy", None
        if "jupyterhub_idle_culler" in command:
            return "idle-culler", None
        student = None
        with contextlib.suppress(psutil.Error):
            student = process.environ().get("JUPYTERHUB_USER")
        if "jupyterhub-singleuser" in command:
            return "server", student
        if "ipykernel" in command:
            return "kernel", student
        return "other", student


# --- a student in a lecture ---------------------------------------------------------------
@dataclass
class StudentRun:
    """What one student's kernel did: its pid, the chapter's wall time (first cell sent to
    the last cell's idle), each explorer move's response time, and every error."""
    name: str
    chapter: str
    kernel_pid: int = 0
    chapter_seconds: float = 0.0
    cells: int = 0
    moves: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


def run_student(hub, name, chapter, rounds=2):
    """Start ``name``'s server, open a kernel in the course folder, run the chapter's code
    cells in order (Run All), then move its explorer: ``rounds`` passes over MOVES[chapter],
    each timed from execute_request to idle. Never raises for what the student saw: every
    failure is in ``errors``."""
    run = StudentRun(name, chapter)
    kernel = None
    try:
        hub.start_server(name)
        kernel = hub.open_kernel(name)
        reply = kernel.execute("import os\nprint(os.getpid())")
        if not reply.ok:
            run.errors.append(f"first cell: {reply.error}")
            return run
        run.kernel_pid = int(reply.stdout.split()[0])
        start = time.perf_counter()
        for index, (source, expects_error) in enumerate(chapter_cells(chapter)):
            reply = kernel.execute(source)
            run.cells += 1
            if reply.ok == expects_error:
                run.errors.append(f"cell {index}: {reply.error or 'no error where one was expected'}")
                return run
            if reply.stderr.strip():
                run.warnings.append(f"cell {index}: {reply.stderr.strip()[:200]}")
        run.chapter_seconds = time.perf_counter() - start
        variable, method, moves = MOVES[chapter]
        for settings in moves * rounds:
            reply = kernel.execute(f"{variable}.{method}(**{settings!r})\n"
                                   f"assert {variable}.error is None, {variable}.status")
            if not reply.ok:
                run.errors.append(f"{variable}.{method}(**{settings!r}): {reply.error}")
                return run
            run.moves.append(reply.seconds)
    except Exception as err:        # a dead kernel's websocket, the hub refusing, ...
        run.errors.append(f"{type(err).__name__}: {err}")
    finally:
        if kernel is not None:
            kernel.close()
    return run


def run_class(hub, students, chapter, rounds=2):
    """``students`` students (student01, ...) doing :func:`run_student` all at once, one
    thread each. Returns their StudentRuns in order."""
    names = [f"student{i + 1:02d}" for i in range(students)]
    runs = [None] * students

    def one(i):
        runs[i] = run_student(hub, names[i], chapter, rounds)

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(students)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return runs
