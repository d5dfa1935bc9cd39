"""Chapter 4's stored notebooks: executed, answers only in the solutions notebook, every
explorer saved with a static figure, no maintainer markers in what a learner reads."""
import json
from pathlib import Path

import pytest

from dlskills.messages import say

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
CHAPTER = NOTEBOOKS / "04_regularization.ipynb"
SOLUTIONS = NOTEBOOKS / "solutions" / "04_solutions.ipynb"
LINK = "做完再看：[参考答案](solutions/04_solutions.ipynb)"


def settings_text(**values):
    """The settings part of a status as an explorer says it: the catalogue label of each
    control and its value."""
    from dlskills.explorers.base import _fmt
    return say("explorer.settings_sep").join(
        say("explorer.setting", label=say(f"control.{key}"), value=_fmt(value))
        for key, value in values.items())


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell):
    return "".join(cell["source"])


def text_outputs(cell):
    out = []
    for output in cell.get("outputs", []):
        if "text" in output:
            out.append("".join(output["text"]))
        out.append("".join(output.get("data", {}).get("text/plain", "")))
    return "".join(out)


def exercise_cells(nb):
    """The code cells that call an exercise check."""
    return [(i, c) for i, c in enumerate(nb)
            if c["cell_type"] == "code" and "ex4.check_" in source(c)]


@pytest.mark.parametrize("path", [CHAPTER, SOLUTIONS])
def test_stored_executed_without_errors_or_markers(path):
    nb = cells(path)
    code = [c for c in nb if c["cell_type"] == "code"]
    assert code and all(c["execution_count"] is not None for c in code)
    for c in code:
        assert "NBVAL" not in source(c)
        for output in c.get("outputs", []):
            assert output["output_type"] != "error"
            assert output.get("name") != "stderr", "".join(output.get("text", ""))


def test_chapter_exercises_are_stubs_followed_by_the_link():
    nb = cells(CHAPTER)
    found = exercise_cells(nb)
    assert len(found) == 4
    wrong = say("verdict.wrong", message="").split("：")[0]
    for i, cell in found:
        assert "参考答案" not in source(cell)
        assert text_outputs(cell).startswith(wrong)              # stored: not yet right
        assert source(nb[i + 1]).strip() == LINK
    assert not any("# 参考答案" in source(c) for c in nb if c["cell_type"] == "code")


def test_solutions_show_the_right_verdicts_and_are_checked():
    nb = cells(SOLUTIONS)
    assert source(nb[0]).startswith("# 第 4 章 练习参考答案")
    headings = [source(c) for c in nb if source(c).startswith("## 练习")]
    assert [h.split("：")[0] for h in headings] == [f"## 练习 {k}" for k in range(1, 5)]
    right = say("verdict.right", message="").split("：")[0]
    checks = exercise_cells(nb)
    assert len(checks) == 4
    for _, cell in checks:
        assert "nbval-check-output" in cell["metadata"].get("tags", [])
        assert text_outputs(cell).startswith(right)


def test_every_explorer_is_stored_with_a_static_figure():
    nb = cells(CHAPTER)
    explorers = [c for c in nb if any("application/vnd.jupyter.widget-view+json"
                                      in o.get("data", {}) for o in c.get("outputs", []))]
    assert len(explorers) == 2
    for cell in explorers:
        data = [o["data"] for o in cell["outputs"] if "data" in o][-1]
        assert "image/png" in data and len(data["image/png"]) > 1000
        assert "nbval-ignore-output" in cell["metadata"].get("tags", [])


def test_the_lab_is_stored_as_the_text_describes():
    nb = cells(CHAPTER)
    lab = next(c for c in nb if "OverfittingLab()" in source(c))
    status = "".join([o["data"] for o in lab["outputs"] if "data" in o][-1]["text/plain"])
    wanted = settings_text(n_train=300, batchnorm=False, weight_decay=0.1, dropout=0.0,
                           epochs=100)
    assert status.startswith(say("explorer.result", settings=wanted,
                                 finding=say("reg.status.completed")))
    assert say("reg.split.validation").split()[0] in status
