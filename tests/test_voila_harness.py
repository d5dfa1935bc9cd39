"""harness/voila.py without a browser: the kernel websocket frames Voilà's page exchanges
are read in each layout jupyter_server sends them (JSON text, binary v1, binary legacy),
the widget manager's exchange is told in the lines a hang report shows, the widgets a
page shows but the manager cannot find are named, and requests leaving the server are
told apart."""
import json
import os
import subprocess
import sys
from pathlib import Path

from jupyter_server.services.kernels.connection.base import (serialize_binary_message,
                                                             serialize_msg_to_ws_v1)

from harness.voila import KernelMessage, VoilaPage, is_external, kernel_message


def message(msg_type, msg_id, parent=None, method=None, data=None, content=None):
    return {"header": {"msg_type": msg_type, "msg_id": msg_id, "session": "s"},
            "parent_header": {"msg_id": parent} if parent else {}, "metadata": {},
            "content": content or {"comm_id": "c", "data": {"method": method, **(data or {})}
                                   if method else {}},
            "channel": "shell", "buffers": []}


def test_frames_are_read_in_every_layout():
    states = {"w1": {"model_name": "VBoxModel", "state": {}},
              "w2": {"model_name": "ImageModel", "state": {}}}
    msg = message("comm_msg", "m2", parent="m1", method="update_states",
                  data={"states": states, "buffer_paths": [["w2", "value"]]})
    pack = lambda part: json.dumps(part).encode()              # noqa: E731
    frames = {"text": json.dumps(msg),
              "v1": serialize_msg_to_ws_v1(msg, "iopub", pack) + b"\x00" * 64,   # a buffer
              "legacy": serialize_binary_message({**msg, "buffers": [b"\x00" * 64]})}
    for layout, frame in frames.items():
        assert kernel_message(frame) == ("comm_msg", "update_states", "m2", "m1", "c", {
            "w1": "VBoxModel", "w2": "ImageModel"}), layout
    assert kernel_message(b"\x01\x02") is None and kernel_message("not json") is None


def test_a_comm_info_reply_names_the_comms_and_a_close_its_comm():
    reply = message("comm_info_reply", "r", parent="i", content={
        "status": "ok", "comms": {"w1": {"target_name": "jupyter.widget"}}})
    assert kernel_message(json.dumps(reply)).models == {"w1": "jupyter.widget"}
    close = message("comm_close", "x", content={"comm_id": "w3", "data": {}})
    assert kernel_message(json.dumps(close)) == ("comm_close", None, "x", None, "w3", None)


class Page:
    """What VoilaPage asks of a playwright page before it opens one."""
    def set_default_timeout(self, ms):
        pass

    def on(self, event, handler):
        pass

    def add_init_script(self, script):
        pass


def test_the_widget_protocol_says_what_was_answered():
    page = VoilaPage(Page())
    assert page.widget_protocol() == "none"
    page.widget_messages = [(t, way, KernelMessage(*m)) for t, way, *m in [
        (1.0, ">", "comm_msg", "request_states", "q", None),
        (5.0, ">", "comm_info_request", None, "i", None),          # 4 s passed: fallback
        (6.0, "<", "comm_info_reply", None, "r1", "i"),
        (6.1, ">", "comm_msg", "request_state", "a", None),
        (6.1, ">", "comm_msg", "request_state", "b", None),
        (6.5, "<", "comm_msg", "update", "r2", "a"),
    ]]
    lines = page.widget_protocol().splitlines()
    assert lines[0].startswith("> comm_msg request_states ×1, > comm_info_request ×1")
    assert lines[1] == "request_states sent at 1.0 s, update_states received at None s"
    assert lines[2] == "fallback: 2 request_state sent, 1 never answered"


def test_a_shown_widget_the_manager_cannot_find_is_named():
    page = VoilaPage(Page())
    page.widget_messages = [
        (1.0, "<", KernelMessage("comm_msg", "update_states", "u", "q", "ctl",
                                 {"w1": "VBoxModel", "w2": "VBoxModel"})),
        (1.5, "<", KernelMessage("comm_open", None, "o", None, "w3")),   # opened later
        (2.0, "<", KernelMessage("comm_close", None, "x", None, "w2")),
        (2.5, ">", KernelMessage("comm_close", None, "y", None, "w1")),
        (2.6, ">", KernelMessage("comm_close", None, "z", None, "ctl")),
    ]
    shown = [(10, "w1"), (25, "w2"), (30, "w3"), (40, "w4")]
    assert page.widgets_not_restored(shown) == [
        (10, "w1", "closed by the page at 2.5 s"),
        (25, "w2", "closed by the kernel at 2.0 s"),
        (40, "w4", "not among the 2 widgets the kernel named, never opened")]
    assert page.widgets_not_restored(shown[2:3]) == []


def test_only_requests_to_another_host_are_external():
    server = "http://127.0.0.1:8866/?token=t"
    assert is_external("https://cdn.jsdelivr.net/npm/x.css", server)
    assert is_external("ws://localhost:8866/api/kernels/k/channels", server)
    assert not is_external("http://127.0.0.1:8866/voila/static/voila.js", server)
    assert not is_external("ws://127.0.0.1:8866/api/kernels/k/channels", server)
    assert not is_external("data:image/png;base64,AAAA", server)
    assert not is_external("blob:http://127.0.0.1:8866/1234", server)


def test_the_lecture_command_gives_voila_the_lecture_template():
    """``python tools/lecture.py notebooks/<chapter>.ipynb`` in the root (README): Voilà
    reads voila.json and uses the course's template "lecture" (the lab template without
    Font Awesome from a CDN), found first in deploy/voila/templates. Checked by Voilà's
    own configuration step, in a child process (tools/lecture.py sets JUPYTER_PATH)."""
    root = Path(__file__).resolve().parents[1]
    code = ("import json, runpy, sys\n"
            "lecture = runpy.run_path('tools/lecture.py')\n"
            "import os; os.environ['JUPYTER_PATH'] = lecture['jupyter_path']('/elsewhere')\n"
            "from voila.app import Voila\n"
            "app = Voila()\n"
            "app.initialize(lecture['arguments'](\n"
            "    ['notebooks/01_vanishing_exploding_gradients.ipynb']))\n"
            "print(json.dumps([app.voila_configuration.template, app.template_paths[0],\n"
            "                  os.environ['JUPYTER_PATH']]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    template, first, jupyter_path = json.loads(out.stdout.strip().splitlines()[-1])
    assert template == "lecture"
    assert Path(first) == root / "deploy" / "voila" / "templates" / "lecture"
    assert jupyter_path == os.pathsep.join([str(root / "deploy"), "/elsewhere"])
    lecture = (Path(first) / "index.html.j2").read_text(encoding="utf-8")
    assert "extends 'lab/index.html.j2'" in lecture and "cdn.jsdelivr.net" in lecture
