"""Chapter 2: the course figures notebooks/fig/lr1..3.png are reproduced by their documented
command, and the schedules they show are the course text's examples."""

import subprocess
import sys
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest

from dlskills.messages import say
from dlskills.schedules import make_schedule
from dlskills.views import course_figures

REPO = Path(__file__).resolve().parents[1]
FIG = REPO / "notebooks" / "fig"


def pixels(path):
    image = mpimg.imread(path)
    return image[..., :3] if image.ndim == 3 else image


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """Run the documented command into a temporary folder."""
    folder = tmp_path_factory.mktemp("fig")
    done = subprocess.run([sys.executable, "-m", "dlskills.views.course_figures", str(folder)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return folder


@pytest.mark.parametrize("name", sorted(course_figures.FIGURES))
def test_committed_figure_matches_code(regenerated, name):
    committed, fresh = pixels(FIG / name), pixels(regenerated / name)
    assert committed.shape == fresh.shape, f"{name}: size changed"
    difference = np.abs(committed - fresh)
    # small tolerance for font rasterization differences between machines
    assert difference.mean() < 0.005, f"{name}: mean pixel difference {difference.mean():.4f}"
    assert (difference.max(axis=-1) > 0.25).mean() < 0.003, f"{name}: figure content differs"


def test_figures_are_referenced_from_the_notebook():
    text = (REPO / "notebooks" / "02_optimizers.ipynb").read_text(encoding="utf-8")
    for name in course_figures.FIGURES:
        assert f"![](fig/{name})" in text


def test_regenerated_figures_are_drawn(regenerated):
    for name in course_figures.FIGURES:
        image = pixels(regenerated / name)
        ink = (image.min(axis=-1) < 0.8).mean()
        assert 0.02 < ink < 0.5, f"{name}: ink share {ink:.3f}"


def test_usage_message_without_folder():
    assert course_figures.main([]) == 2


def test_course_schedule_examples():
    step = make_schedule("step", 1.0)
    assert [step.lr_at(e) for e in (0, 19, 20, 39, 40)] == pytest.approx([1, 1, .7, .7, .49])
    multi = make_schedule("multistep", 1.0)
    assert [multi.lr_at(e) for e in (9, 10, 49, 50, 199, 200)] == pytest.approx(
        [1, .7, .7, .49, .49, .343])
    expo = make_schedule("exponential", 2.0)
    assert expo.lr_at(100) == pytest.approx(2.0 * 0.99 ** 100)
    with pytest.raises(ValueError, match="valid names: step, multistep, exponential"):
        make_schedule("cosine", 1.0)
    assert make_schedule("Step", 1.0).lr_at(20) == pytest.approx(0.7)   # names ignore case
    with pytest.raises(ValueError, match="unknown schedule 3; valid names: step"):
        make_schedule(3, 1.0)


def test_figure_title_states_final_value():
    fig = course_figures.schedule_figure("step")
    title = fig.axes[0].get_title()
    final = 0.1 * 0.7 ** 15                         # epoch 300: 15 drops of x0.7
    said = say("optimizers.course.final", epochs=300, lr=final, ratio=final / 0.1)
    assert said.values["lr"] == pytest.approx(4.75e-4, rel=1e-3)
    assert title == say("optimizers.course.step") + "\n" + said
