"""Statuses an explorer is expected to show, built from the message catalogue (never
copied text): the one place the tests (unit and browser) and the latency benchmarks
write an explorer's settings as its status says them."""
import re

from dlskills.experiments.initialization import scale_text
from dlskills.explorers.base import _fmt
from dlskills.messages import catalogue, say


def settings_text(**settings):
    """The settings part of a status, as the explorer base writes it: each control's
    catalogue label (its key when the catalogue has none) and its value written as the
    base writes values (是/否, three significant digits, lists), e.g. "深度 10，BN 否"."""
    labels = catalogue()
    return say("explorer.settings_sep").join(
        say("explorer.setting", label=labels.get(f"control.{key}", key), value=_fmt(value))
        for key, value in settings.items())


def init_settings(init, activation, depth, std=1.0, bound=0.1, value=0.0, width=100, seed=0):
    """The settings part of chapter 3's initialization explorer's status: the initializer
    with the scale it used, then the other settings in use."""
    scale = scale_text(init, width, width, std, bound, value)
    return settings_text(init=say("init.scale.with", init=init, scale=scale),
                         activation=activation, depth=depth, width=width, seed=seed)


def init_status(*args, **kwargs):
    """The exact beginning of chapter 3's initialization explorer's status (a pattern);
    the arguments of :func:`init_settings`."""
    text = init_settings(*args, **kwargs)
    return re.compile("^" + re.escape(say("explorer.result", settings=text, finding="")))
