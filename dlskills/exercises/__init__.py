"""Instant checks for the notebooks' exercises.

Every ``check_*`` function of the chapter modules takes the learner's answer (a value, a
function or a class), never raises, and returns a :class:`Verdict`: truthy when the answer
is right, shown in the notebook as one line, "✓ 正确: ..." or "✗ 还不对: <the first
mismatch>". Write checkers with :func:`checker` so that whatever the learner's code
raises becomes a verdict too.
"""

import functools
import math

from ..messages import say


class Verdict:
    """The outcome of a check: ``ok`` and the message shown to the learner."""

    def __init__(self, ok, message):
        self.ok = bool(ok)
        self.message = message      # a catalogue Message (its .key names the finding)

    def __bool__(self):
        return self.ok

    def __str__(self):
        return say("verdict.right" if self.ok else "verdict.wrong", message=self.message)

    __repr__ = __str__


def checker(check):
    """Decorator for a function returning a :class:`Verdict`: an exception raised inside
    (the learner's code failed) becomes a "✗" verdict naming it, not a traceback."""

    @functools.wraps(check)
    def safe_check(*args, **kwargs):
        try:
            return check(*args, **kwargs)
        except Exception as err:  # the learner's code: report it, don't raise
            return Verdict(False, say("verdict.raised", kind=type(err).__name__, error=err))

    return safe_check


def as_number(value):
    """The learner's answer as a float (a number, or text such as "0.7"), or None when it
    is not a real number (None, True/False, NaN, a list, words)."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number
