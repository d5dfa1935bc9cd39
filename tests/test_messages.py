"""The message catalogue: every key the code says exists, every language has the same
keys and placeholders, and every explorer control has its label."""

import ast
import importlib
import json
import pkgutil
import re
import string
from pathlib import Path

import pytest

import dlskills
from dlskills import messages
from dlskills.messages import Message, catalogue, say
from harness import course

PACKAGE = Path(dlskills.__file__).parent


def _languages():
    return [m.name for m in pkgutil.iter_modules([str(PACKAGE / "messages")])]


def placeholders(template):
    """Names of the values a template uses: ``"{a:.2f} {b}"`` -> ``{"a", "b"}``."""
    return {field.split(".")[0].split("[")[0]
            for _, field, _, _ in string.Formatter().parse(template) if field}


def _said_keys():
    """(file, key) of every say("literal", ...) and say(f"prefix.{...}") in the package."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "say"
                    and node.args):
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.append((path.name, arg.value, False))
                elif isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
                    found.append((path.name, arg.values[0].value, True))
    return found


def test_every_key_the_code_says_is_in_the_catalogue():
    keys = catalogue()
    assert len(_said_keys()) > 5
    for name, key, prefix in _said_keys():
        if prefix:
            assert any(k.startswith(key) for k in keys), f"{name}: no key starts with {key!r}"
        else:
            assert key in keys, f"{name} says {key!r}, which the catalogue lacks"



ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = course.chapters() + course.solutions()


def _notebook_sources(kind=None):
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if kind is None or cell["cell_type"] == kind:
                yield path.name, "".join(cell["source"])


def test_every_catalogue_key_is_said_somewhere():
    """No dead sentences: each key is a string in the package or tools/ (said, or chosen
    as in ``say("a" if ok else "b")``), the start of an f-string key the package says
    (``f"training.status.{name}"``), a control's label, or said by a notebook."""
    said = {node.value for path in [*PACKAGE.rglob("*.py"), *(ROOT / "tools").glob("*.py")]
            if path.parent.name != "messages" or path.name == "__init__.py"  # not the catalogues
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    prefixes = {key for _, key, prefix in _said_keys() if prefix} | {"control."}
    notebooks = "\n".join(source for _, source in _notebook_sources("code"))
    unused = [key for key in catalogue() if key not in said
              and not any(key.startswith(p) for p in prefixes) and f'"{key}"' not in notebooks]
    assert unused == []


def test_run_and_stop_are_named_as_their_buttons_read():
    """The notebooks' markdown, the teacher's guide and the catalogue name the training
    buttons exactly as they read (「Run 运行」, 「Stop 停止」), never a bare Run or Stop
    (JupyterLab's own menu, "Run → Run All Cells", is another thing)."""
    labels = {word: f"「{say(key)}」" for word, key in (("Run", "explorer.run"),
                                                       ("Stop", "explorer.stop"))}
    texts = [(name, source) for name, source in _notebook_sources("markdown")]
    texts.append(("teaching.md", (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")))
    texts += [(key, text) for key, text in catalogue().items()
              if key not in ("explorer.run", "explorer.stop")]
    mentions = 0
    for name, text in texts:
        for word, label in labels.items():
            bare = re.sub(re.escape(label), "", text)
            bare = re.sub(r"Run( →| All)", "", bare)
            mentions += text.count(label)
            assert not re.search(rf"\b{word}\b", bare), f"{name}: a bare {word!r} in {text!r}"
    assert mentions > 15

@pytest.mark.parametrize("language", _languages())
def test_every_language_has_the_same_keys_and_placeholders(language):
    reference, other = catalogue("zh"), catalogue(language)
    assert set(other) == set(reference)
    for key, text in reference.items():
        assert placeholders(other[key]) == placeholders(text), key


def test_say_returns_a_message_that_remembers_key_and_values():
    said = say("explorer.training", settings="x", fraction=0.5)
    assert isinstance(said, Message) and isinstance(said, str)
    assert said.key == "explorer.training" and said.values == {"settings": "x", "fraction": 0.5}
    assert "50%" in said
    with pytest.raises(KeyError, match="no.such.key"):
        say("no.such.key")
    with pytest.raises(KeyError, match="fraction"):
        say("explorer.training", settings="x")


def test_unknown_language_is_refused_and_the_default_stays():
    with pytest.raises(ValueError, match="no message catalogue for language 'xx'"):
        messages.set_language("xx")
    assert say("explorer.run") == catalogue("zh")["explorer.run"]     # still Chinese


def _explorer_classes():
    from dlskills.explorers.base import Explorer
    for info in pkgutil.iter_modules([str(PACKAGE / "explorers")]):
        module = importlib.import_module(f"dlskills.explorers.{info.name}")
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, Explorer)
                    and value.__module__ == module.__name__ and not value.__name__.startswith("_")
                    and "make_controls" in {k for c in value.__mro__ for k in vars(c)
                                            if c is not Explorer}):
                yield value


def test_every_explorer_control_has_a_catalogue_label():
    keys = catalogue()
    classes = list(_explorer_classes())
    assert len(classes) >= 7
    for cls in classes:
        controls = cls.make_controls(cls.__new__(cls))
        missing = [k for k in controls if f"control.{k}" not in keys]
        assert not missing, f"{cls.__name__}: no catalogue label for {missing}"
