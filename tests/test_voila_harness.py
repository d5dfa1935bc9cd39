"""harness/voila.py without a browser: the kernel websocket frames Voilà's page exchanges
are read in each layout jupyter_server sends them (JSON text, binary v1, binary legacy),
and the widget manager's exchange is told in the lines a hang report shows."""
import json

from jupyter_server.services.kernels.connection.base import (serialize_binary_message,
                                                             serialize_msg_to_ws_v1)

from harness.voila import VoilaPage, kernel_message


def message(msg_type, msg_id, parent=None, method=None):
    return {"header": {"msg_type": msg_type, "msg_id": msg_id, "session": "s"},
            "parent_header": {"msg_id": parent} if parent else {}, "metadata": {},
            "content": {"comm_id": "c", "data": {"method": method} if method else {}},
            "channel": "shell", "buffers": []}


def test_frames_are_read_in_every_layout():
    msg = message("comm_msg", "m2", parent="m1", method="update_states")
    pack = lambda part: json.dumps(part).encode()              # noqa: E731
    frames = {"text": json.dumps(msg),
              "v1": serialize_msg_to_ws_v1(msg, "iopub", pack) + b"\x00" * 64,   # a buffer
              "legacy": serialize_binary_message({**msg, "buffers": [b"\x00" * 64]})}
    for layout, frame in frames.items():
        assert kernel_message(frame) == ("comm_msg", "update_states", "m2", "m1"), layout
    assert kernel_message(b"\x01\x02") is None and kernel_message("not json") is None


class Page:
    """What VoilaPage asks of a playwright page before it opens one."""
    def set_default_timeout(self, ms):
        pass

    def on(self, event, handler):
        pass


def test_the_widget_protocol_says_what_was_answered():
    page = VoilaPage(Page())
    assert page.widget_protocol() == "none"
    page.widget_messages = [
        (1.0, ">", "comm_msg", "request_states", "q", None),
        (5.0, ">", "comm_info_request", None, "i", None),          # 4 s passed: fallback
        (6.0, "<", "comm_info_reply", None, "r1", "i"),
        (6.1, ">", "comm_msg", "request_state", "a", None),
        (6.1, ">", "comm_msg", "request_state", "b", None),
        (6.5, "<", "comm_msg", "update", "r2", "a"),
    ]
    lines = page.widget_protocol().splitlines()
    assert lines[0].startswith("> comm_msg request_states ×1, > comm_info_request ×1")
    assert lines[1] == "request_states sent at 1.0 s, update_states received at None s"
    assert lines[2] == "fallback: 2 request_state sent, 1 never answered"
