"""The message catalogue: every sentence a learner reads that code produces.

Statuses, findings, verdicts, control descriptions, exercise messages, figure titles and
notes are looked up here by id, never written inline::

    from dlskills.messages import say
    say("gradients.finding.vanishing", ratio=3e-5)    # a str in the course language
    say("gradients.finding.vanishing", ratio=3e-5).key  # "gradients.finding.vanishing"

Chinese (``zh.py``) is the course language. Another language is one more module beside
it with the same keys (``en.py`` with ``MESSAGES = {...}``), chosen with
:func:`set_language`. Each text is a :meth:`str.format` template; the values a key needs
are its placeholders. A :class:`Message` is a ``str`` that also remembers its key and
values, so tests check *which* sentence was said and with *what* numbers, not copies of
its wording.
"""

import importlib

_language = "zh"


class Message(str):
    """A sentence from the catalogue: the text, plus ``key`` and ``values``."""

    key: str
    values: dict

    def __new__(cls, key, text, values):
        message = super().__new__(cls, text)
        message.key = key
        message.values = dict(values)
        return message

    def __reduce__(self):   # pickles and copies as what it is
        return (Message, (self.key, str(self), self.values))


def catalogue(language=None):
    """The ``{key: template}`` dict of ``language`` (default: the current one)."""
    code = language or _language
    try:
        module = importlib.import_module(f".{code}", __name__)
    except ModuleNotFoundError:
        raise ValueError(f"no message catalogue for language {code!r} "
                         f"(dlskills/messages/{code}.py)") from None
    return module.MESSAGES


def set_language(language):
    """Make ``language`` (a catalogue module's name, e.g. "zh") the one learners read."""
    global _language
    catalogue(language)         # fails clearly if it does not exist
    _language = language


def say(key, **values):
    """The sentence ``key`` of the current catalogue, filled with ``values``."""
    messages = catalogue()
    if key not in messages:
        raise KeyError(f"message {key!r} is not in the {_language!r} catalogue")
    try:
        text = messages[key].format(**values)
    except (KeyError, IndexError) as err:
        raise KeyError(f"message {key!r} needs the value {err}; got {sorted(values)}") \
            from None
    return Message(key, text, values)


def say_list(items):
    """Items joined as the course lists them: [1, 3] -> "1、3" (key ``list.sep``)."""
    return say("list.sep").join(map(str, items))


def say_yes_no(value):
    """A yes/no setting (a checkbox) as the course writes it: 是 / 否 (keys ``bool.*``)."""
    return say("bool.yes" if value else "bool.no")


def say_layers(layers):
    """Layer numbers as the course writes them: [4] -> "第 4 层", [1, 2, 3] -> "第 1–3 层",
    [1, 3] -> "第 1、3 层" (keys ``axis.layer*``)."""
    layers = [int(k) for k in layers]
    if len(layers) == 1:
        return say("axis.layer", layer=layers[0])
    if layers == list(range(layers[0], layers[-1] + 1)):
        return say("axis.layer_range", first=layers[0], last=layers[-1])
    return say("axis.layer_list", layers=say_list(layers))

