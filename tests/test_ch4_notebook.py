"""Chapter 4 as stored: what only this chapter must say (what every chapter must show is
checked in tests/test_notebooks.py)."""
import json
from pathlib import Path

from dlskills.messages import say
from harness.statuses import settings_text

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
CHAPTER = NOTEBOOKS / "04_regularization.ipynb"


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell):
    return "".join(cell["source"])


def test_the_lab_is_stored_as_the_text_describes():
    nb = cells(CHAPTER)
    lab = next(c for c in nb if "OverfittingLab()" in source(c))
    status = "".join([o["data"] for o in lab["outputs"] if "data" in o][-1]["text/plain"])
    wanted = settings_text(n_train=300, batchnorm=False, weight_decay=0.1, dropout=0.0,
                           epochs=100)
    assert status.startswith(say("explorer.result", settings=wanted,
                                 finding=say("training.status.completed")))
    assert say("curves.split.validation").split()[0] in status
