"""What every exercise check must return: one shared, one-line Verdict."""

from dlskills.exercises import Verdict
from dlskills.messages import Message


def verdict(result, ok, key=None, **values):
    """``result`` is a one-line Verdict, right or wrong as ``ok``, whose message is the
    catalogue sentence ``key`` (when given) said with at least ``values``; returns it."""
    text = str(result)
    assert isinstance(result, Verdict) and bool(result) is ok, text
    assert "\n" not in text and repr(result) == text
    assert text.key == ("verdict.right" if ok else "verdict.wrong"), text
    if key is not None:
        assert isinstance(result.message, Message), text
        assert result.message.key == key, (result.message.key, text)
        for name, value in values.items():
            assert result.message.values.get(name) == value, (name, result.message.values)
    return result.message
