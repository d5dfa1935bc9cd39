"""Copy as code: ``ex.code()`` run in a fresh namespace gives the explorer's result (the
same numbers) and a figure drawn by the same view, for every explorer and several
settings chosen to differ."""

import ast
import dataclasses

import numpy as np
import pytest
from matplotlib.figure import Figure

from dlskills.explorers.deep import DeepLab
from dlskills.explorers.gradients import DepthWidthExplorer, GradientExplorer
from dlskills.explorers.initialization import InitializationExplorer, InitTrainingExplorer
from dlskills.explorers.optimizers import OptimizerPlayground, OptimizerTrainer
from dlskills.explorers.regularization import BatchNormExplorer, OverfittingLab
from dlskills.messages import say

#: explorer -> settings tried in turn (small: the whole file stays fast)
CASES = {
    GradientExplorer: [dict(depth=5), dict(depth=12, activation="relu", init="he", seed=3)],
    DepthWidthExplorer: [dict(), dict(input_size=100, width=20, depth=6, biases=True)],
    OptimizerPlayground: [
        dict(surface="saddle", optimizers=("sgd", "adam")),
        dict(optimizers=("momentum", "rmsprop"), tuned_lr=False, lr=0.03, momentum=0.5,
             schedule="step", noise=0.5, steps=40)],
    InitializationExplorer: [
        dict(init="he_normal", activation="relu", depth=7, width=60),
        dict(init="uniform", bound=0.3, activation="tanh", depth=4, width=30, seed=2)],
    OptimizerTrainer: [dict(optimizers=("sgd",), iterations=50),
                       dict(optimizers=("momentum", "adam"), lr=0.01,
                            schedule="exponential", iterations=50)],
    InitTrainingExplorer: [dict(iterations=100),
                           dict(activation="tanh", std=0.1, lr=0.1, seed=3, iterations=100)],
    OverfittingLab: [dict(n_train=100, epochs=10),
                     dict(n_train=200, batchnorm=True, weight_decay=0.1, dropout=0.3,
                          epochs=10)],
    BatchNormExplorer: [dict(epochs=2),
                        dict(weight_scale=1.0, activation="sigmoid", batchnorm=True,
                             epochs=2)],
    DeepLab: [dict(depth=3, epochs=1),
              dict(relu=True, he=True, residual=True, clip=True, standardize=True, depth=5,
                   epochs=2)],
}

#: fields that are not results: the trained network object and the seconds it took
NOT_COMPARED = {"net", "seconds"}


def run_code(code):
    """Execute ``code`` as a notebook cell in a fresh namespace: the statements, then the
    last expression's value (what Jupyter would show). Returns (namespace, value)."""
    tree = ast.parse(code)
    last = tree.body.pop()
    assert isinstance(last, ast.Expr), "the code ends with the figure as an expression"
    namespace = {}
    exec(compile(tree, "<ex.code()>", "exec"), namespace)
    return namespace, eval(compile(ast.Expression(last.value), "<ex.code()>", "eval"),
                           namespace)


def assert_same(a, b, where="result"):
    """``a`` and ``b`` hold the same numbers (close: the widget computes on one BLAS
    thread, a cell on several) and the same everything else."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), where
        for f in dataclasses.fields(a):
            if f.name not in NOT_COMPARED:
                assert_same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), where
        for key in a:
            assert_same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)) and not all(isinstance(v, (int, float, np.number))
                                                  for v in a):
        assert isinstance(b, (list, tuple)) and len(a) == len(b), where
        for k, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{k}]")
    elif isinstance(a, (np.ndarray, list, tuple, float, np.floating)):
        x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        assert x.shape == y.shape, where
        np.testing.assert_allclose(y, x, rtol=1e-5, atol=1e-6, equal_nan=True, err_msg=where)
    elif hasattr(a, "formula"):                  # a surface: the same one
        assert (a.name, a.formula) == (b.name, b.formula), where
    else:
        assert a == b, where


def titles(fig):
    """Every title of ``fig``: the figure's and each axes' (left, centre, right)."""
    suptitle = fig._suptitle.get_text() if fig._suptitle is not None else ""
    return [suptitle] + [ax.get_title(loc) for ax in fig.axes
                         for loc in ("left", "center", "right")]


def check_round_trip(ex):
    """``ex.code()`` reproduces ``ex.result`` and a figure of it by the explorer's view."""
    code = ex.code()
    assert "dlskills.explorers" not in code          # the public API, not the explorer
    namespace, fig = run_code(code)
    assert_same(ex.result, namespace["result"])
    assert isinstance(fig, Figure)
    assert len(fig.axes) == len(ex.fig.axes)
    return fig


@pytest.mark.parametrize("cls", list(CASES), ids=lambda cls: cls.__name__)
def test_code_reproduces_what_the_explorer_shows(cls):
    ex = cls()
    for settings in CASES[cls]:
        if hasattr(ex, "run"):
            ex.run(**settings)
        else:
            ex.set(**settings)
        assert ex.error is None, ex.status
        fig = check_round_trip(ex)
        if not hasattr(ex, "run"):      # the same picture: the same titles, from the numbers
            assert titles(fig) == titles(ex.fig)


def test_code_before_a_run_trains_as_run_would():
    """Nothing trained yet: the code says so and trains with the current settings."""
    lab = OverfittingLab(n_train=100, epochs=10)
    code = lab.code()
    assert code.startswith(f"# {say('explorer.code_untrained')}\n")
    namespace, _ = run_code(code)
    lab.run()
    assert_same(lab.result, namespace["result"])
    assert not lab.code().startswith("#")


def test_code_shows_the_last_run_until_run_again():
    """A control moved after a run: the figure still shows that run, and so does the code."""
    lab = OverfittingLab(n_train=100, epochs=10)
    lab.run()
    shown = lab.code()
    lab.set(epochs=20, dropout=0.5)
    assert lab.code() == shown
    bn = BatchNormExplorer(epochs=2)
    bn.run()
    bn.set(batchnorm=True)              # a preview of the new settings: code for them
    assert "batchnorm=True" in bn.code() and bn.code().startswith("#")


def test_code_of_a_stopped_run_says_it_trains_the_whole_run():
    lab = OverfittingLab(n_train=100, epochs=400)
    lab.run(wait=False)
    lab.stop()
    lab.wait(60)
    assert lab.result.status.startswith("stopped")
    assert lab.code().startswith(f"# {say('explorer.code_untrained')}\n")


def test_a_compute_that_differs_from_its_code_fails_the_round_trip():
    """The comparison can fail: an explorer whose compute does not do what its code
    says (here: one layer deeper) is caught."""

    class Drifted(GradientExplorer):
        def compute(self, **settings):
            return super().compute(**{**settings, "depth": settings["depth"] + 1})

    ex = Drifted(depth=4)
    with pytest.raises(AssertionError):
        check_round_trip(ex)


def test_the_code_button_shows_and_hides_the_code():
    ex = DepthWidthExplorer()
    assert ex.code_box.layout.display == "none"
    ex.code_button.click()
    assert ex.code_box.layout.display != "none" and ex.code_box.value == ex.code()
    ex.set(depth=5)                     # the shown code follows the figure
    assert "depth=5" in ex.code_box.value
    ex.code_button.click()
    assert ex.code_box.layout.display == "none"
    assert ex.code_button.description == say("explorer.code")


def test_arguments_without_a_literal_spelling_are_refused():
    class Bad(DepthWidthExplorer):
        def arguments(self, settings):
            return {**settings, "width": object()}

    with pytest.raises(TypeError, match="'width'"):
        Bad().code()
