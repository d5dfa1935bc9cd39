"""Statuses an explorer is expected to show, built from the message catalogue (never
copied text): shared by the browser tests and the latency benchmarks."""
import re

from dlskills.experiments.initialization import scale_text
from dlskills.messages import say


def settings_text(settings):
    """The settings part of a status, as the explorer base writes it."""
    return say("explorer.settings_sep").join(
        say("explorer.setting", label=say(f"control.{key}"), value=str(value))
        for key, value in settings.items())


def init_status(init, activation, depth, std=1.0, bound=0.1, value=0.0, width=100, seed=0):
    """The exact beginning of chapter 3's initialization explorer's status."""
    scale = scale_text(init, width, width, std, bound, value)
    text = settings_text({"init": say("init.scale.with", init=init, scale=scale),
                          "activation": activation, "depth": depth, "width": width,
                          "seed": seed})
    return re.compile("^" + re.escape(say("explorer.result", settings=text, finding="")))
