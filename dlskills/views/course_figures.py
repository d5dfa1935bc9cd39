"""The static figures that the course text refers to (``notebooks/fig/lr1.png`` ... ``lr3.png``),
drawn from dlskills code (the course text's three learning-rate-decay examples are
``dlskills.schedules.COURSE_EXAMPLES``).

Regenerate every figure into the repository's ``notebooks/fig/`` folder with one command, run
from the repository root::

    python -m dlskills.views.course_figures notebooks/fig

(any folder name works; it is created if missing). ``tests/test_ch2_figures.py``
regenerates them into a temporary folder and checks that the committed files match.

The course text's examples (section 二.3, "学习率衰减"), in epochs:

* ``lr1.png`` -- step decay, ``StepLR``: x0.7 every 20 epochs;
* ``lr2.png`` -- multi-step decay, ``MultiStepLR``: x0.7 at epochs 10, 50 and 200;
* ``lr3.png`` -- exponential decay, ``ExponentialLR``: lr = base lr x 0.99^epoch.

The course text gives no base learning rate; the figures use 0.1 (any other only moves
the curves up or down on the log axis).
"""

import sys
from pathlib import Path

import numpy as np

from ..messages import say
from ..schedules import make_schedule
from .axes import log_axis
from .style import PALETTE, new_figure, style

#: How each example is written as a formula (mathtext only: a string with "$" is drawn
#: all in the math font, which has no Chinese) in the figures; k(e), the number of
#: milestones (10, 50, 200) up to epoch e, is explained in a note on the figure.
SCHEDULE_FORMULAS = {
    "step": r"$\eta_e = \eta_0 \cdot 0.7^{\lfloor e/20 \rfloor}$",
    "multistep": r"$\eta_e = \eta_0 \cdot 0.7^{k(e)}$",
    "exponential": r"$\eta_e = \eta_0 \cdot 0.99^{e}$",
}

BASE_LR = 0.1
EPOCHS = 300

#: file name -> schedule name
FIGURES = {"lr1.png": "step", "lr2.png": "multistep", "lr3.png": "exponential"}


def schedule_figure(kind):
    """A figure (pyplot-free) of the course text's example ``kind``: the learning rate of
    each epoch (log y), every epoch where it drops marked, where it ends up in the title."""
    fig, ax = new_figure((7, 4.2), dpi=100, nrows=1, ncols=1)
    color = PALETTE["blue"]
    with style():
        lrs = make_schedule(kind, BASE_LR).values(EPOCHS + 1)
        e = np.arange(EPOCHS + 1)
        ax.step(e, lrs, where="post", color=color, label=SCHEDULE_FORMULAS[kind])
        drops = np.flatnonzero(lrs[1:] < lrs[:-1] * (1 - 1e-12)) + 1
        if len(drops) <= 20:   # the jumps of step/multi-step decay, not every epoch
            ax.plot(drops, lrs[drops], "o", color=color, markersize=5)
        log_axis(ax.yaxis)
        ax.set_xlim(0, EPOCHS)
        ax.set_ylim(1e-4, 0.2)
        ax.set_xlabel(say("axis.epoch"))
        ax.set_ylabel(say("optimizers.fig.lr_axis"))
        ax.set_title(say(f"optimizers.course.{kind}") + "\n" + say(
            "optimizers.course.final", epochs=EPOCHS, lr=lrs[-1], ratio=lrs[-1] / BASE_LR))
        ax.legend(loc="lower left")
        if kind == "multistep":     # what k(e) in the legend's formula is
            ax.text(0.98, 0.55, say("optimizers.course.multistep_k"), transform=ax.transAxes,
                    ha="right", va="center", fontsize=11)
    return fig


def make_course_figures(folder):
    """Write every course figure into ``folder``; return the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, kind in FIGURES.items():
        path = folder / filename
        fig = schedule_figure(kind)
        # no metadata: the same code writes the same bytes
        fig.savefig(path, format="png", metadata={"Software": None})
        written.append(path)
    return written


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0].startswith("-"):
        print("usage: python -m dlskills.views.course_figures FOLDER   (e.g. fig)",
              file=sys.stderr)
        return 2
    for path in make_course_figures(argv[0]):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
