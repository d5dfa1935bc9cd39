"""The JupyterHub deployment (deploy/jupyterhub/).

- the config file loads as a traitlets config, with the limits, the idle culler service,
  the course copy hook and the course environment in it, and refuses what it must;
- the copy step never overwrites a student's file;
- a smoke test of the real thing: the hub from PyPI and configurable-http-proxy from
  ``deploy/jupyterhub/install_proxy.sh``, two students each running chapter 1 top to bottom
  in a kernel behind the proxy and moving its explorer, then everything stopped and
  deleted. Without the proxy (or jupyterhub) it is skipped with the reason, except in CI
  (CI set) or with DLSKILLS_REQUIRE_HUB=1, where it fails — as the browser tests do.
"""
import os
import sys
import types
from pathlib import Path

import pytest

from tools.make_course import COURSE_ID
from harness.hub import (CONFIG, DEPLOY, MOVES, PROXY, Hub, chapter_cells, missing_reason,
                         run_class)

sys.path.insert(0, str(DEPLOY))
from course_files import copy_course, course_files  # noqa: E402


def load_config(monkeypatch, tmp_path, **settings):
    """The deployment's config as JupyterHub loads it, with DLSKILLS_HUB_<key>=value."""
    from traitlets.config.loader import PyFileConfigLoader

    for key in [k for k in os.environ if k.startswith("DLSKILLS_HUB_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("DLSKILLS_HUB_STATE_DIR", str(tmp_path / "state"))
    for key, value in settings.items():
        monkeypatch.setenv(f"DLSKILLS_HUB_{key}", value)
    return PyFileConfigLoader(CONFIG.name, str(CONFIG.parent)).load_config()


def test_config_loads_with_limits_culler_and_copy_hook(monkeypatch, tmp_path):
    from traitlets.config.loader import PyFileConfigLoader

    c = load_config(monkeypatch, tmp_path)
    assert c.JupyterHub.authenticator_class == "pam"
    assert c.JupyterHub.spawner_class == "localprocess"
    assert c.JupyterHub.port == 8000 and c.JupyterHub.ip == ""
    # limits: in the config whichever spawner enforces them
    assert c.Spawner.mem_limit == "1G" and c.Spawner.mem_guarantee == "512M"
    assert c.Spawner.cpu_limit == 1.0 and c.Spawner.cpu_guarantee == 0.1
    assert any(a.startswith("--MappingKernelManager.cull_idle_timeout=1200") for a in c.Spawner.args)
    # the idle culler: a hub-managed service, with the scopes it needs
    (culler,) = c.JupyterHub.services
    assert culler["command"][1:] == ["-m", "jupyterhub_idle_culler", "--timeout=3600"]
    (role,) = c.JupyterHub.load_roles
    assert role["services"] == ["idle-culler"]
    assert set(role["scopes"]) == {"list:users", "read:users:activity", "read:servers",
                                   "delete:servers"}
    # the course environment: servers and kernels run from it
    assert Path(c.Spawner.cmd[0]) == Path(sys.prefix) / "bin" / "jupyterhub-singleuser"
    assert Path(c.Spawner.cmd[0]).exists()
    assert c.Spawner.environment["PATH"].startswith(f"{sys.prefix}/bin:")
    assert callable(c.Spawner.pre_spawn_hook)
    # nbgrader: every server reads the course id and the exchange folder
    nbgrader = Path(c.Spawner.environment["JUPYTER_CONFIG_PATH"]) / "nbgrader_config.py"
    monkeypatch.setenv("DLSKILLS_HUB_EXCHANGE", c.Spawner.environment["DLSKILLS_HUB_EXCHANGE"])
    grading = PyFileConfigLoader(nbgrader.name, str(nbgrader.parent)).load_config()
    assert grading.CourseDirectory.course_id == COURSE_ID       # the teacher's course
    assert grading.Exchange.root == "/srv/nbgrader/exchange"
    assert c.ConfigurableHTTPProxy.command == [str(PROXY)]      # the one harness.hub checks
    assert c.JupyterHub.db_url == f"sqlite:///{tmp_path / 'state' / 'jupyterhub.sqlite'}"


def test_config_takes_the_schools_choices(monkeypatch, tmp_path):
    c = load_config(monkeypatch, tmp_path, PORT="9000", MEM_LIMIT="600M", CPU_LIMIT="0.5",
                    CULL_TIMEOUT="900", AUTH="shared-password", PASSWORD="a-class-pass",
                    ADMINS="teacher", ADMIN_PASSWORD="the-teachers-pass", SPAWNER="simple",
                    HOMES="/srv/class/{username}")
    assert c.JupyterHub.port == 9000
    assert c.Spawner.mem_limit == "600M" and c.Spawner.cpu_limit == 0.5
    assert c.JupyterHub.services[0]["command"][-1] == "--timeout=900"
    assert c.JupyterHub.authenticator_class == "shared-password"
    assert c.SharedPasswordAuthenticator.user_password == "a-class-pass"
    assert c.Authenticator.admin_users == {"teacher"}
    assert c.JupyterHub.spawner_class == "simple"
    assert c.SimpleLocalProcessSpawner.home_dir_template == "/srv/class/{username}"
    c = load_config(monkeypatch, tmp_path, SPAWNER="systemd")
    assert c.JupyterHub.spawner_class == "systemdspawner.SystemdSpawner"


@pytest.mark.parametrize("settings, message", [
    ({"AUTH": "dummy"}, "only with DLSKILLS_HUB_IP=127.0.0.1"),
    ({"AUTH": "nobody"}, "DLSKILLS_HUB_AUTH='nobody': must be one of pam"),
    ({"SPAWNER": "docker"}, "DLSKILLS_HUB_SPAWNER='docker'"),
    ({"SOLUTIONS": "yes"}, "DLSKILLS_HUB_SOLUTIONS='yes'"),
    ({"AUTH": "shared-password", "PASSWORD": "a-class-pass"}, "only with DLSKILLS_HUB_SPAWNER=simple"),
])
def test_config_refuses(monkeypatch, tmp_path, settings, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        load_config(monkeypatch, tmp_path, **settings)


def make_course(folder):
    for name, text in {"01_a.ipynb": "course 1", "fig/x.png": "png", "solutions/s.ipynb": "answers",
                       ".ipynb_checkpoints/01_a-checkpoint.ipynb": "old",
                       "__pycache__/m.pyc": "cache"}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def test_copy_gives_missing_files_and_never_overwrites(tmp_path):
    source = make_course(tmp_path / "course")
    home = tmp_path / "home" / "dlskills"
    assert course_files(source) == [Path("01_a.ipynb"), Path("fig/x.png"), Path("solutions/s.ipynb")]
    assert copy_course(source, home) == course_files(source)
    assert (home / "solutions" / "s.ipynb").read_text() == "answers"
    (home / "01_a.ipynb").write_text("the student's work")
    (home / "fig" / "x.png").write_text("")                     # emptied: still theirs
    (home / "solutions" / "s.ipynb").unlink()                   # deleted: copied again
    (source / "02_b.ipynb").write_text("course 2")              # the teacher adds a chapter
    assert copy_course(source, home) == [Path("02_b.ipynb"), Path("solutions/s.ipynb")]
    assert (home / "01_a.ipynb").read_text() == "the student's work"
    assert (home / "fig" / "x.png").read_text() == ""
    assert copy_course(source, home) == []


def test_copy_without_solutions_and_as_the_students_account(tmp_path, monkeypatch):
    source = make_course(tmp_path / "course")
    home = tmp_path / "home"
    home.mkdir()
    chowned = []
    monkeypatch.setattr(os, "chown", lambda path, uid, gid: chowned.append((path, uid, gid)))
    copied = copy_course(source, home / "dlskills", solutions=False, uid=1234, gid=5678)
    assert copied == [Path("01_a.ipynb"), Path("fig/x.png")]
    assert not (home / "dlskills" / "solutions").exists()
    # every folder and file it made is the student's, and nothing it did not make
    made = [home / "dlskills", home / "dlskills" / "01_a.ipynb", home / "dlskills" / "fig",
            home / "dlskills" / "fig" / "x.png"]
    assert sorted(chowned) == sorted((path, 1234, 5678) for path in made)
    with pytest.raises(ValueError, match="uid and gid"):
        copy_course(source, home, uid=os.getuid())
    with pytest.raises(ValueError, match="source: no such folder"):
        copy_course(tmp_path / "nowhere", home)


def test_the_configs_hook_copies_into_the_spawners_home(monkeypatch, tmp_path):
    source = make_course(tmp_path / "course")
    c = load_config(monkeypatch, tmp_path, SPAWNER="simple", COURSE_DIR=str(source),
                    SOLUTIONS="0", COURSE_NAME="course")
    logged = []
    spawner = types.SimpleNamespace(
        home_dir=str(tmp_path / "homes" / "ana"), user=types.SimpleNamespace(name="ana"),
        log=types.SimpleNamespace(info=lambda *args: logged.append(args)))
    c.Spawner.pre_spawn_hook(spawner)
    assert sorted(p.name for p in (tmp_path / "homes" / "ana" / "course").iterdir()) == \
        ["01_a.ipynb", "fig"]
    assert logged and logged[0][1:] == (2, "ana")
    assert c.Spawner.default_url == "/lab/tree/course"


def test_z2jh_values_match_the_one_server_config(monkeypatch, tmp_path):
    """The Kubernetes values carry the same limits and culling as the config's defaults,
    and copy the notebooks from where the Dockerfile puts them with the same copy step."""
    import yaml

    c = load_config(monkeypatch, tmp_path)
    values = yaml.safe_load((DEPLOY / "z2jh-values.yaml").read_text(encoding="utf-8"))
    user = values["singleuser"]
    assert user["memory"] == {"limit": c.Spawner.mem_limit, "guarantee": c.Spawner.mem_guarantee}
    assert user["cpu"] == {"limit": c.Spawner.cpu_limit, "guarantee": c.Spawner.cpu_guarantee}
    assert user["defaultUrl"] == c.Spawner.default_url
    assert values["cull"]["enabled"] is True
    assert f"--timeout={values['cull']['timeout']}" == c.JupyterHub.services[0]["command"][-1]
    culling = user["extraFiles"]["kernel-culling"]["data"]["MappingKernelManager"]
    assert f"--MappingKernelManager.cull_idle_timeout={culling['cull_idle_timeout']}" in c.Spawner.args
    command = user["lifecycleHooks"]["postStart"]["exec"]["command"]
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert f"COPY notebooks {command[2]}\n" in dockerfile
    assert f"COPY deploy/jupyterhub/course_files.py {command[1]}\n" in dockerfile


def dockerfile_instructions():
    """(instruction, arguments) of each line of the Dockerfile, continuations joined."""
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.split(None, 1) for line in text.splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    return [(words[0].upper(), words[1] if len(words) > 1 else "") for words in lines]


def test_image_gives_servers_what_the_one_server_config_gives(monkeypatch, tmp_path):
    """Every variable the config puts into a server's environment (PATH aside: the image's
    own Python) is an ENV of the image with the same value, with the config's folders
    copied to where the ENV points; so nbgrader on Kubernetes reads the course's id and
    exchange folder as on one server."""
    c = load_config(monkeypatch, tmp_path)
    image_env = {}
    for instruction, arguments in dockerfile_instructions():
        if instruction == "ENV":
            image_env.update(pair.split("=", 1) for pair in arguments.split())
    copies = {source: target for instruction, arguments in dockerfile_instructions()
              if instruction == "COPY" for source, target in [arguments.split()]}
    wanted = {key: value for key, value in c.Spawner.environment.items() if key != "PATH"}
    assert set(wanted) == {"JUPYTER_CONFIG_PATH", "DLSKILLS_HUB_EXCHANGE"}
    for key, value in wanted.items():
        folder = Path(value)
        if folder.is_relative_to(DEPLOY):          # a folder of the deployment: copied in
            source = folder.relative_to(DEPLOY.parents[1]).as_posix()
            assert key in image_env and copies.get(source) == image_env[key], (key, copies)
        else:
            assert image_env.get(key) == value, key


DEBIAN_NODE = (18, 20, 4)       # Debian 12's apt nodejs: what a fresh CI machine gets


def node_range_admits(spec, version):
    """Whether an npm ``engines.node`` range admits ``version``: the forms the lock holds
    (``*``, ``>=X``, ``^X``, alternatives with ``||``); any other form fails the test, for
    a person to read."""
    def parse(text):
        numbers = [int(n) for n in text.strip().split(".")]
        return tuple(numbers + [0] * (3 - len(numbers)))

    for alternative in spec.split("||"):
        alternative = alternative.strip()
        if alternative == "*":
            return True
        if alternative.startswith(">="):
            if version >= parse(alternative[2:]):
                return True
        elif alternative.startswith("^"):
            low = parse(alternative[1:])
            if low <= version and version[0] == low[0]:
                return True
        else:
            raise AssertionError(f"engines.node range {spec!r}: a form this test cannot read")
    return False


def test_the_proxy_lock_runs_on_debians_node():
    """Every package the lock installs declares support for Node 18.20 (Debian 12's apt
    nodejs; configurable-http-proxy >= 5.2 and commander >= 14 want Node 20 or 22), as
    package.json's engines says; the proxy itself was run on it (tests/run.sh)."""
    import json

    assert not node_range_admits(">=22.12.0", DEBIAN_NODE)       # commander 15's range
    assert node_range_admits("^16 || ^18 || >=20", DEBIAN_NODE)
    package = json.loads((DEPLOY / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((DEPLOY / "package-lock.json").read_text(encoding="utf-8"))
    assert package["engines"]["node"] == ">=18"
    assert lock["packages"][""]["engines"] == package["engines"]
    assert lock["packages"][""]["dependencies"] == package["dependencies"]
    refused = {name: entry["engines"]["node"] for name, entry in lock["packages"].items()
               if "node" in entry.get("engines", {})
               and not node_range_admits(entry["engines"]["node"], DEBIAN_NODE)}
    assert refused == {}


def test_copy_step_command_line(tmp_path, capsys):
    from course_files import main

    source = make_course(tmp_path / "course")
    main([str(source), str(tmp_path / "home"), "--no-solutions"])
    assert capsys.readouterr().out == f"2 course files copied into {tmp_path / 'home'}\n"
    main([str(source), str(tmp_path / "home")])
    assert capsys.readouterr().out.startswith("1 course files copied")


def hub_required():
    ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return ci or os.environ.get("DLSKILLS_REQUIRE_HUB") == "1"


@pytest.mark.hub
def test_two_students_run_chapter_1_on_the_real_hub():
    reason = missing_reason()
    if reason:
        if hub_required():
            pytest.fail(f"{reason} (the hub test is required: CI or DLSKILLS_REQUIRE_HUB=1)",
                        pytrace=False)
        pytest.skip(reason)
    hub = Hub(prefix="dlskills-hub-test-")
    with hub:
        runs = run_class(hub, 2, "01", rounds=1)
        roles = hub.processes()
        kernel = hub.open_kernel(runs[0].name)     # an error is seen as one
        failed = kernel.execute("1 / 0")
        kernel.close()
        assert not failed.ok and failed.error.startswith("ZeroDivisionError"), failed
        homes = [hub.home(run.name) for run in runs]
        assert all((home / "dlskills" / "01_vanishing_exploding_gradients.ipynb").is_file()
                   for home in homes)
    for run in runs:
        assert run.errors == [], (run.name, run.errors, hub.log_tail())
        assert run.cells == len(chapter_cells("01"))
        assert len(run.moves) == len(MOVES["01"][2]) and all(s > 0 for s in run.moves)
        assert roles[run.kernel_pid] == ("kernel", run.name)
    kinds = sorted(role for role, _ in roles.values())
    assert kinds.count("server") == 2 and {"hub", "proxy", "idle-culler"} <= set(kinds)
    # the hub's own shutdown stopped its proxy, servers and kernels (nothing was left for
    # stop()'s SIGKILL), and nothing is alive or on disk afterwards
    assert hub.killed == [], [roles.get(pid) for pid in hub.killed]
    assert hub.poller.leftovers() == []
    assert not hub.folder.exists()
