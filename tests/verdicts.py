"""What every exercise check must return: one shared, one-line Verdict."""

from dlskills.exercises import Verdict


def verdict(result, ok, *fragments):
    """``result`` is a one-line Verdict, right or wrong as ``ok``, naming ``fragments``;
    returns its text."""
    text = str(result)
    assert isinstance(result, Verdict) and bool(result) is ok, text
    assert "\n" not in text and repr(result) == text
    assert text.startswith("✓ 正确: " if ok else "✗ 还不对: "), text
    for fragment in fragments:
        assert fragment in text, text
    return text
