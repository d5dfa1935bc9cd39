"""Instant checks for the notebooks' exercises.

Every ``check_*`` function of the chapter modules takes the learner's answer (a value, a
function or a class), never raises, and returns a :class:`Verdict`: truthy when the answer
is right, shown in the notebook as one line, "✓ 正确: ..." or "✗ 还不对: <the first
mismatch>". Write checkers with :func:`checker`, call the learner's code with
:func:`attempt` and end a check early with ``raise Wrong(message)``: whatever the
learner's code raises becomes a verdict too.
"""

import functools
import math
from types import FunctionType

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


class Wrong(Exception):
    """Raised inside a :func:`checker` to end the check with the "✗" verdict ``message``
    (a catalogue Message), wherever in the check the mistake shows."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def checker(check):
    """Decorator for a function returning a :class:`Verdict`: a :class:`Wrong` raised
    inside ends the check with its message, and any other exception (the learner's code
    failed) becomes a "✗" verdict naming it, not a traceback."""

    @functools.wraps(check)
    def safe_check(*args, **kwargs):
        try:
            return check(*args, **kwargs)
        except Wrong as wrong:
            return Verdict(False, wrong.message)
        except Exception as err:  # the learner's code: report it, don't raise
            answer = args[0] if args else None   # named after the learner's function or
            name = answer.__name__ if isinstance(answer, (type, FunctionType)) \
                else check.__name__              # class, else after the check
            return Verdict(False, _raised(name, err))

    return safe_check


def _raised(call, err):
    return say("verdict.raised", call=call, kind=type(err).__name__, error=err)


def attempt(call, fn, *args, **kwargs):
    """The learner's ``fn(*args, **kwargs)``. Whatever it raises ends the check (raises
    :class:`Wrong`) with the sentence naming ``call`` (what ran, e.g. the call as code,
    "product_bound(1)") and the error."""
    try:
        return fn(*args, **kwargs)
    except Exception as err:  # the learner's code: report it, don't raise
        raise Wrong(_raised(call, err)) from None


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
