"""Chapter 2's stored notebook, read from its JSON: the questions pause before their
answers, the MNIST trainer is stored in the state its text describes, every explorer
carries its figure, and the seed comparison is shown."""

import json
import re
from pathlib import Path

import pytest

from dlskills.explorers.optimizers import OptimizerTrainer
from dlskills.messages import say

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "02_optimizers.ipynb"
WIDGET = "application/vnd.jupyter.widget-view+json"
PAUSE = "想一想"


@pytest.fixture(scope="module")
def cells():
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]


def source(cell):
    return "".join(cell["source"])


def index_of(cells, text, kind=None, start=0):
    for i in range(start, len(cells)):
        if text in source(cells[i]) and (kind is None or cells[i]["cell_type"] == kind):
            return i
    raise AssertionError(f"no cell with {text!r}")


def shown(cell):
    return "\n".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                     for o in cell.get("outputs", []))


def test_double_well_question_pauses_before_the_answer(cells):
    question = index_of(cells, "先预测", "markdown")
    assert PAUSE not in source(cells[question])          # the question, on its own
    assert cells[question + 1]["cell_type"] == "markdown"
    assert PAUSE in source(cells[question + 1])            # then the pause, on its own
    answer = cells[question + 2]
    assert answer["cell_type"] == "code" and 'compare("local_minimum"' in source(answer)


@pytest.mark.parametrize("code, explanation", [
    ("COURSE_MOMENTUM_CODE)", "答案：最后一行"),
    ("COURSE_RMSPROP_CODE)", "答案：`for key in params.keys():`"),
])
def test_find_the_bug_lets_the_learner_look_first(cells, code, explanation):
    printed = index_of(cells, f"print(exercises.{code}", "code")
    pause = index_of(cells, PAUSE, "markdown", printed)
    answer = index_of(cells, explanation, "markdown", printed)
    assert printed < pause < answer
    heading = source(cells[printed - 1])
    assert "缩进" not in heading and "循环" not in heading  # the heading gives nothing away


def test_trainer_is_stored_after_the_run_its_text_describes(cells):
    i = index_of(cells, "trainer = OptimizerTrainer()", "code")
    (out,) = [o for o in cells[i]["outputs"] if WIDGET in o.get("data", {})]
    assert "image/png" in out["data"]
    status = "".join(out["data"]["text/plain"])
    trainer = OptimizerTrainer()
    assert status.startswith(trainer.describe_settings(trainer.settings))  # default settings
    for name in ("sgd", "momentum", "adagrad", "rmsprop", "adam"):
        assert f"{name}：" in status                   # all five trained, none diverged
    assert str(say("training.status.diverged", iteration=5)).split("5")[-1] not in status


def test_seed_spread_is_shown(cells):
    """Each optimizer's final loss in each of the three seeds, and the order that held."""
    i = index_of(cells, "compare_over_seeds(seeds=(0, 1, 2)", "code")
    lines = shown(cells[i]).strip().splitlines()
    for name in ("sgd", "momentum", "adagrad", "rmsprop", "adam"):
        assert any(re.match(rf"{name}\s+[\d.]+ / [\d.]+ / [\d.]+\s", line) for line in lines), name
    assert " < " in lines[-1] and "sgd" in lines[-1]       # the finding: an order
    assert "seed_spread_figure(spread)" in source(cells[i + 1])
    assert any("image/png" in o.get("data", {}) for o in cells[i + 1]["outputs"])
