"""JupyterHub for one class on one server: the dlskills course for every student.

Start it with ``deploy/jupyterhub/start.sh`` (README: "在 JupyterHub 上给全班上课"). What a
school chooses is read from environment variables (defaults in brackets):

  DLSKILLS_HUB_IP            address to listen on [all interfaces: ""]
  DLSKILLS_HUB_PORT          port students open [8000]
  DLSKILLS_HUB_AUTH          who may log in [pam]: "pam" (the server's Linux accounts),
                             "shared-password" (one class password in
                             DLSKILLS_HUB_PASSWORD, the teachers' in DLSKILLS_HUB_ADMIN_PASSWORD;
                             any user name, so with the "simple" spawner only),
                             "dummy" (any name, no password: 127.0.0.1 only, for tests)
  DLSKILLS_HUB_ADMINS        teachers' user names, comma-separated (hub admins) [none]
  DLSKILLS_HUB_SPAWNER       how a student's server runs [local]: "local" (as the
                             student's Linux account; the hub runs as root), "systemd"
                             (jupyterhub-systemdspawner: the one that ENFORCES the limits
                             below, as on The Littlest JupyterHub), "simple" (all as the
                             hub's own account, homes under DLSKILLS_HUB_HOMES; tests)
  DLSKILLS_HUB_HOMES         "simple" only: home folder template [/tmp/dlskills-hub/{username}]
  DLSKILLS_HUB_COURSE_DIR    the folder copied into each home [this repository's notebooks/]
  DLSKILLS_HUB_COURSE_NAME   the folder's name in the home [dlskills]
  DLSKILLS_HUB_SOLUTIONS     1: copy notebooks/solutions/ too; 0: not (graded class) [1]
  DLSKILLS_HUB_ENV           the course environment (venv/conda prefix with dlskills,
                             jupyterlab, ipykernel) every server and kernel runs from
                             [the environment running the hub]
  DLSKILLS_HUB_MEM_LIMIT     per-student memory limit [1G]      } numbers: README's
  DLSKILLS_HUB_MEM_GUARANTEE per-student memory guarantee [512M] } capacity table
  DLSKILLS_HUB_CPU_LIMIT     per-student CPU limit, cores [1]
  DLSKILLS_HUB_CPU_GUARANTEE per-student CPU guarantee, cores [0.1]
  DLSKILLS_HUB_CULL_TIMEOUT  stop a student's server idle this many seconds [3600]
  DLSKILLS_HUB_KERNEL_CULL   shut down a kernel idle this many seconds [1200]
  DLSKILLS_HUB_EXCHANGE      nbgrader's exchange folder (jupyter/nbgrader_config.py)
                             [/srv/nbgrader/exchange]
  DLSKILLS_HUB_STATE_DIR     the hub's database, cookie secret, proxy pid [./runtime
                             next to this file]
  DLSKILLS_HUB_PROXY         configurable-http-proxy [node_modules/.bin/ next to this
                             file: bash install_proxy.sh]

Limits: JupyterHub hands mem_limit/cpu_limit to the spawner; LocalProcessSpawner and
SimpleLocalProcessSpawner do NOT enforce them (they only set MEM_LIMIT/CPU_LIMIT in the
server's environment). SystemdSpawner (DLSKILLS_HUB_SPAWNER=systemd; The Littlest
JupyterHub uses it) enforces them with cgroups; on Kubernetes, Zero to JupyterHub does
(z2jh-values.yaml). They are set here so that the numbers live in one place.
"""
import os
import pwd
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from course_files import copy_course  # noqa: E402

c = get_config()  # noqa: F821 (JupyterHub defines it)


def setting(name, default):
    return os.environ.get(f"DLSKILLS_HUB_{name}", default)


def choice(name, default, allowed):
    value = setting(name, default)
    if value not in allowed:
        raise ValueError(f"DLSKILLS_HUB_{name}={value!r}: must be one of {', '.join(allowed)}")
    return value


IP = setting("IP", "")
AUTH = choice("AUTH", "pam", ("pam", "shared-password", "dummy"))
SPAWNER = choice("SPAWNER", "local", ("local", "systemd", "simple"))
ENV = Path(setting("ENV", sys.prefix))
COURSE_DIR = Path(setting("COURSE_DIR", HERE.parents[1] / "notebooks"))
COURSE_NAME = setting("COURSE_NAME", "dlskills")
SOLUTIONS = choice("SOLUTIONS", "1", ("0", "1")) == "1"
STATE_DIR = Path(setting("STATE_DIR", HERE / "runtime"))
ADMINS = {name.strip() for name in setting("ADMINS", "").split(",") if name.strip()}

# --- the hub and its proxy ----------------------------------------------------------
c.JupyterHub.ip = IP
c.JupyterHub.port = int(setting("PORT", "8000"))
STATE_DIR.mkdir(parents=True, exist_ok=True)
c.JupyterHub.db_url = f"sqlite:///{STATE_DIR / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE_DIR / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE_DIR / "jupyterhub-proxy.pid")
c.ConfigurableHTTPProxy.command = [setting(
    "PROXY", str(HERE / "node_modules" / ".bin" / "configurable-http-proxy"))]

# --- who logs in ----------------------------------------------------------------------
c.Authenticator.admin_users = ADMINS
c.Authenticator.allow_all = True          # every account the authenticator accepts
if AUTH == "dummy":
    if IP not in ("127.0.0.1", "localhost"):
        raise ValueError("DLSKILLS_HUB_AUTH=dummy lets anyone in: only with DLSKILLS_HUB_IP=127.0.0.1")
    c.JupyterHub.authenticator_class = "dummy"
elif AUTH == "shared-password":
    if SPAWNER != "simple":
        raise ValueError("DLSKILLS_HUB_AUTH=shared-password takes any user name, so no Linux "
                         "account stands behind it: only with DLSKILLS_HUB_SPAWNER=simple")
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = setting("PASSWORD", "")
    if ADMINS:
        c.SharedPasswordAuthenticator.admin_password = setting("ADMIN_PASSWORD", "")
else:
    c.JupyterHub.authenticator_class = "pam"

# --- each student's server: the course environment, the limits -------------------------
c.JupyterHub.spawner_class = {"local": "localprocess", "simple": "simple",
                              "systemd": "systemdspawner.SystemdSpawner"}[SPAWNER]
c.Spawner.cmd = [str(ENV / "bin" / "jupyterhub-singleuser")]
# Kernels run `python` from PATH (the default kernel spec): the course environment first.
# jupyter/nbgrader_config.py: the course id and nbgrader's exchange folder, for every server.
c.Spawner.environment = {
    "PATH": f"{ENV / 'bin'}:/usr/local/bin:/usr/bin:/bin",
    "JUPYTER_CONFIG_PATH": str(HERE / "jupyter"),
    "DLSKILLS_HUB_EXCHANGE": setting("EXCHANGE", "/srv/nbgrader/exchange"),
}
c.Spawner.default_url = f"/lab/tree/{COURSE_NAME}"
c.Spawner.mem_limit = setting("MEM_LIMIT", "1G")
c.Spawner.mem_guarantee = setting("MEM_GUARANTEE", "512M")
c.Spawner.cpu_limit = float(setting("CPU_LIMIT", "1"))
c.Spawner.cpu_guarantee = float(setting("CPU_GUARANTEE", "0.1"))
c.Spawner.http_timeout = 60               # a busy server (a class starting at once)
c.Spawner.start_timeout = 120
c.Spawner.args = [
    # A kernel nobody used for DLSKILLS_HUB_KERNEL_CULL seconds is shut down: a student
    # who opened five chapters does not keep five kernels' memory.
    f"--MappingKernelManager.cull_idle_timeout={int(setting('KERNEL_CULL', '1200'))}",
    "--MappingKernelManager.cull_interval=60",
]
if SPAWNER == "simple":
    c.SimpleLocalProcessSpawner.home_dir_template = setting(
        "HOMES", "/tmp/dlskills-hub/{username}")
    if os.geteuid() == 0:                 # every server runs as the hub's account
        c.Spawner.args.append("--allow-root")


def give_course(spawner):
    """pre_spawn_hook: the course's notebooks into the student's home (course_files.py)."""
    if SPAWNER == "simple":
        home, uid, gid = Path(spawner.home_dir), None, None
    else:
        account = pwd.getpwnam(spawner.user.name)
        home, uid, gid = Path(account.pw_dir), account.pw_uid, account.pw_gid
        if os.geteuid() != 0:
            uid = gid = None
    copied = copy_course(COURSE_DIR, home / COURSE_NAME, solutions=SOLUTIONS, uid=uid, gid=gid)
    spawner.log.info("dlskills: %d course files copied for %s", len(copied), spawner.user.name)


c.Spawner.pre_spawn_hook = give_course

# --- idle servers stopped: jupyterhub-idle-culler as a hub-managed service ------------------
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                f"--timeout={int(setting('CULL_TIMEOUT', '3600'))}"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
