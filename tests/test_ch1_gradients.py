"""Chapter 1: parameter counts, gradient profiles, the two explorers and the exercise checks."""

import warnings
from pathlib import Path

import numpy as np
import pytest

import dlskills as dl
from dlskills.exercises import gradients as exercises
from dlskills.experiments import mnist
from dlskills.experiments.gradients import (GradientProfile, chain_param_count,
                                            gradient_profile, judge, param_growth)
from dlskills.explorers.gradients import DepthWidthExplorer, GradientExplorer
from dlskills.messages import say
from harness.statuses import settings_text
from tests.verdicts import verdict
from tests.pictures import ink


def said(message, key, **values):
    """``message`` is the catalogue sentence ``key`` said with at least ``values``."""
    assert message.key == key, (message.key, str(message))
    for name, value in values.items():
        assert message.values.get(name) == value, (name, message.values)


DEFAULT = dict(depth=10, activation="sigmoid", init="normal", scale="0.01", seed=0)


# --- parameter counts -------------------------------------------------------------------

@pytest.mark.parametrize("sizes", [[784, 5, 5], [784, 10], [3, 7, 2, 9], [10, 20, 30, 40]])
@pytest.mark.parametrize("biases", [False, True])
def test_chain_param_count_matches_mlp(sizes, biases):
    net = dl.MLP(sizes[0], sizes[1:-1], sizes[-1])
    assert chain_param_count(sizes, biases) == net.count_params(biases=biases)


@pytest.mark.parametrize("a", [1, 10, 784])
def test_course_text_numbers(a):
    deeper = chain_param_count([a, 5, 5, 5], False) - chain_param_count([a, 5, 5], False)
    wider = chain_param_count([a, 15], False) - chain_param_count([a, 10], False)
    assert deeper == 25
    assert wider == 5 * a
    # biases: one per added unit, the same 5 either way
    assert chain_param_count([a, 5, 5, 5]) - chain_param_count([a, 5, 5]) == 25 + 5
    assert chain_param_count([a, 15]) - chain_param_count([a, 10]) == 5 * a + 5


def test_param_growth_costs_and_finding():
    g = param_growth(input_size=784, width=5, depth=2)
    assert (g.deep_cost, g.wide_cost, g.bias_cost) == (25, 3920, 0)
    said(g.finding, "gradients.growth.deeper_cheaper", factor=3920 / 25)
    said(g.finding.values["head"], "gradients.growth.head", width=5, deep=25, wide=3920)
    g = param_growth(input_size=10, width=20, depth=3, biases=True)
    assert (g.deep_cost, g.wide_cost) == (20 * 20 + 20, 10 * 20 + 20)
    said(g.finding, "gradients.growth.wider_cheaper", factor=420 / 220)
    assert g.finding.values["head"].values["bias"].key == "gradients.growth.with_biases"
    said(param_growth(input_size=5, width=5, depth=2).finding, "gradients.growth.same")
    assert list(g.units) == [20 * d for d in g.depths]


@pytest.mark.parametrize("call, name", [
    (lambda: chain_param_count([784]), "sizes"),
    (lambda: chain_param_count([784, 0]), "layer size"),
    (lambda: param_growth(width=0), "width"),
    (lambda: param_growth(depth=1.5), "depth"),
])
def test_param_count_bad_input(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# --- gradient profiles ------------------------------------------------------------------

def test_deeper_sigmoid_has_smaller_first_layer_gradient():
    firsts = [gradient_profile(depth=d, activation="sigmoid", init="normal", scale=0.1)
              .grad_norms[0] for d in (2, 5, 10, 20)]
    assert all(a > 10 * b for a, b in zip(firsts, firsts[1:]))
    deep = gradient_profile(depth=10, activation="sigmoid", init="normal", scale=0.01)
    assert deep.verdict == "vanishing"
    assert deep.ratio < 1e-12
    assert deep.smallest_layer == 1 and deep.largest_layer == deep.depth + 1
    said(deep.finding, "gradients.finding.vanishing", ratio=deep.ratio)
    assert f"{deep.ratio:.0e}" == "4e-16" and "4e-16" in deep.finding


@pytest.mark.parametrize("activation, scale", [("sigmoid", 10.0), ("tanh", 1.0)])
def test_large_weights_explode(activation, scale):
    p = gradient_profile(depth=10, activation=activation, init="normal", scale=scale)
    assert p.grad_norms[0] > 100 * p.grad_norms[-1]
    assert p.verdict == "exploding"
    assert p.largest_layer == 1


def test_relu_large_weights_explode_in_size():
    p = gradient_profile(depth=10, activation="relu", init="normal", scale=1.0)
    healthy = gradient_profile(depth=10, activation="relu", init="he")
    assert p.verdict == "exploding"
    assert p.grad_norms.min() > 1e6 * healthy.grad_norms.max()


def test_relu_small_weights_vanish_in_size():
    p = gradient_profile(depth=12, activation="relu", init="normal", scale=0.01)
    assert 0.1 < p.ratio < 10                       # every layer shrinks alike ...
    assert p.grad_norms.max() < 1e-10               # ... to nothing
    assert p.verdict == "vanishing"
    said(p.finding, "gradients.finding.vanishing_size", peak=float(p.grad_norms.max()))


@pytest.mark.parametrize("depth", [20, 50])
def test_relu_he_keeps_norms_within_a_modest_factor(depth):
    p = gradient_profile(depth=depth, activation="relu", init="he")
    assert p.verdict == "stable"
    assert p.grad_norms.max() / p.grad_norms.min() < 10
    assert np.all((p.grad_norms > 0.01) & (p.grad_norms < 10))


def test_norms_are_the_norms_of_the_real_gradients():
    (x, t), _ = mnist(200, 3)
    p = gradient_profile(depth=4, activation="tanh", init="xavier", seed=3)
    net = dl.MLP(784, [100] * 4, 10, activation="tanh", init="xavier", seed=3,
                 dtype=np.float32)
    grads = net.gradient(x, t)
    expected = [np.linalg.norm(grads[f"W{i}"].astype(np.float64)) for i in range(1, 6)]
    np.testing.assert_allclose(p.grad_norms, expected, rtol=1e-6)
    assert p.loss == pytest.approx(net.loss(x, t, train=True), rel=1e-5)


def test_overflow_is_a_result_not_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = gradient_profile(depth=50, activation="relu", init="normal", scale=1.0)
    assert p.verdict == "overflow"
    assert p.overflow_activation_layer is not None
    said(p.finding, "gradients.finding.overflow_hidden", layer=p.overflow_activation_layer)
    said(p.finding.values["tail"], "gradients.finding.tail_nan")
    assert not np.isfinite(p.grad_norms).any()


def test_gradient_overflow_reports_the_layer():
    norms = np.array([np.inf, np.inf, np.nan, 3e37, 1.0])
    p = GradientProfile(depth=4, activation="tanh", init="normal", scale=30.0,
                        grad_norms=norms, loss=2.3, overflow_grad_layers=[1, 2, 3])
    verdict_, finding = judge(p)
    assert verdict_ == "overflow"
    said(finding, "gradients.finding.overflow_grads")
    said(finding.values["layers"], "axis.layer_range", first=1, last=3)


def test_huge_weights_saturate_to_exact_zeros():
    """tanh(z) rounds to exactly 1 in float32 for |z| > 9: its derivative is 0, so with
    huge weights the gradient is exactly 0, by saturation rather than by underflow."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = gradient_profile(depth=20, activation="tanh", init="normal", scale=100.0)
    assert p.verdict == "saturated" and p.zero_cause == "saturation"
    assert p.zero_layers == list(range(1, p.zero_layers[-1] + 1))
    assert p.hist_stats[-1]["flat"] > 0.99
    said(p.finding, "gradients.finding.saturated")
    said(p.finding.values["layers"], "axis.layer_range", first=1,
         last=p.zero_layers[-1])


def test_underflow_to_zero_is_reported():
    p = gradient_profile(depth=50, activation="sigmoid", init="normal", scale=0.01)
    assert p.verdict == "underflow" and p.zero_cause == "underflow"
    assert p.zero_layers[0] == 1
    assert np.all(p.grad_norms[:len(p.zero_layers)] == 0)
    assert p.grad_norms[-1] > 0.01
    said(p.finding, "gradients.finding.underflow")


def test_histograms():
    p = gradient_profile(depth=9, activation="sigmoid", init="normal", scale=10.0)
    assert p.hist_layers == [1, 5, 9]
    for counts, edges, stats in zip(p.hist_counts, p.hist_edges, p.hist_stats):
        assert edges[0] == 0 and edges[-1] == 1 and len(edges) == len(counts) + 1
        assert counts.sum() == pytest.approx(1.0)
        assert stats["flat"] > 0.8                 # large weights saturate sigmoid
    small = gradient_profile(depth=1, activation="sigmoid", init="normal", scale=0.01)
    assert small.hist_layers == [1]
    assert small.hist_stats[0]["flat"] == 0 and small.hist_stats[0]["mean"] == pytest.approx(
        0.5, abs=0.01)
    relu = gradient_profile(depth=3, activation="relu", init="he")
    stats = relu.hist_stats[0]
    assert stats["flat"] == pytest.approx(1 - relu.hist_counts[0].sum())   # zeros not drawn


def test_profile_is_deterministic_and_seeded():
    a = gradient_profile(depth=6, activation="tanh", init="xavier", seed=1)
    b = gradient_profile(depth=6, activation="tanh", init="xavier", seed=1)
    c = gradient_profile(depth=6, activation="tanh", init="xavier", seed=2)
    np.testing.assert_array_equal(a.grad_norms, b.grad_norms)
    assert not np.allclose(a.grad_norms, c.grad_norms)


@pytest.mark.parametrize("settings, name", [
    ({"depth": 0}, "depth"), ({"activation": "softplus"}, "activation"),
    ({"init": "magic"}, "initializer"), ({"scale": -1.0}, "scale"), ({"seed": -1}, "seed"),
])
def test_profile_bad_input(settings, name):
    with pytest.raises(ValueError, match=name):
        gradient_profile(**settings)


# --- the gradient explorer --------------------------------------------------------------

@pytest.fixture
def explorer():
    return GradientExplorer()


def test_explorer_starts_drawn(explorer):
    assert explorer.error is None
    said(explorer.status, "explorer.result", settings=settings_text(**DEFAULT))
    said(explorer.status.values["finding"], "gradients.finding.vanishing",
         ratio=explorer.result.ratio)
    assert ink(explorer.png) > 0.03
    assert explorer.fig.canvas.manager is None      # not a pyplot figure


@pytest.mark.parametrize("change, shown, finding", [
    ({"depth": 20}, {"depth": 20}, "vanishing"),
    ({"activation": "tanh"}, {"activation": "tanh"}, None),
    ({"init": "xavier"}, {"init": "xavier", "scale": None}, "vanishing"),
    ({"scale": 10.0}, {"scale": "10"}, "exploding"),
    ({"seed": 3}, {"seed": 3}, "vanishing"),
])
def test_each_control_redraws(explorer, change, shown, finding):
    before, redraws = explorer.png, explorer.redraws
    explorer.set(**change)
    assert explorer.error is None
    assert explorer.redraws == redraws + 1
    settings = {key: value for key, value in {**DEFAULT, **shown}.items() if value is not None}
    said(explorer.status, "explorer.result", settings=settings_text(**settings))
    if finding:
        assert explorer.status.values["finding"].key == f"gradients.finding.{finding}"
    assert explorer.png != before
    assert ink(explorer.png) > 0.03
    key, value = next(iter(change.items()))
    assert getattr(explorer.result, key, value) == value


def test_widget_change_redraws_like_set(explorer):
    before = explorer.png
    explorer.controls["depth"].value = 12           # what a slider release does
    assert explorer.status.startswith(settings_text(depth=12))
    assert explorer.result.depth == 12 and explorer.png != before


def test_explorer_numbers(explorer):
    explorer.set(depth=5)
    shallow = explorer.result.grad_norms[0]
    explorer.set(depth=15)
    assert explorer.result.grad_norms[0] < 1e-6 * shallow
    explorer.set(depth=10, activation="relu", init="he")
    assert explorer.result.verdict == "stable"
    explorer.set(activation="tanh", init="normal", scale=1.0)
    assert explorer.result.grad_norms[0] > explorer.result.grad_norms[-1]


def test_scale_is_disabled_when_init_is_named(explorer):
    explorer.set(init="he")
    assert explorer.controls["scale"].disabled
    assert say("control.scale") not in explorer.status
    explorer.set(init="normal")
    assert not explorer.controls["scale"].disabled


def test_overflow_shown_in_status_without_warnings(explorer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        explorer.set(depth=50, activation="relu", init="normal", scale=1.0)
    assert explorer.error is None
    assert explorer.status.values["finding"].key == "gradients.finding.overflow_hidden"
    assert ink(explorer.png) > 0.03


def test_error_is_shown_and_explorer_keeps_working(explorer, monkeypatch):
    before = explorer.png

    def broken(**settings):
        raise ValueError("scale must be > 0, got 0")

    monkeypatch.setattr(explorer, "compute", broken)
    explorer.set(depth=11)
    assert isinstance(explorer.error, ValueError)
    said(explorer.status, "explorer.error", kind="ValueError")
    assert str(explorer.status.values["error"]) == "scale must be > 0, got 0"
    assert explorer.png == before                   # the last good drawing stays
    monkeypatch.undo()
    explorer.set(depth=12)
    assert explorer.error is None and explorer.result.depth == 12
    assert explorer.png != before


def test_unknown_control_is_a_value_error(explorer):
    with pytest.raises(ValueError, match="controls: depth, activation, init, scale, seed"):
        explorer.set(width=5)


def test_heavy_sliders_update_on_release(explorer):
    for key in ("depth", "scale", "seed"):
        assert explorer.controls[key].continuous_update is False


def test_initial_settings_and_dom_classes():
    ex = GradientExplorer(depth=3, activation="relu", init="he")
    assert ex.result.depth == 3 and ex.result.activation == "relu"
    assert "dlskills-explorer-gradients" in ex.widget._dom_classes
    assert "dlskills-control-depth" in ex.controls["depth"]._dom_classes


# --- the depth-versus-width explorer ----------------------------------------------------

@pytest.mark.parametrize("change", [{"input_size": 10}, {"width": 20}, {"depth": 5},
                                    {"biases": True}])
def test_depth_width_explorer_controls(change):
    ex = DepthWidthExplorer()
    said(ex.status, "explorer.result", settings=settings_text(
        input_size=784, width=5, depth=2, biases=False))
    said(ex.status.values["finding"], "gradients.growth.deeper_cheaper")
    before = ex.png
    ex.set(**change)
    assert ex.error is None and ex.png != before and ink(ex.png) > 0.03
    key, value = next(iter(change.items()))
    assert settings_text(**{key: value}) in ex.status
    g = ex.result
    assert g.deep_cost == g.width ** 2 + g.bias_cost
    assert g.wide_cost == g.input_size * g.width + g.bias_cost


# --- exercise checkers ------------------------------------------------------------------

def test_check_reason():
    verdict(exercises.check_reason("B"), True, "gradients.ex.reason_right")
    verdict(exercises.check_reason(" b "), True)
    for wrong in ("A", "C", "D"):
        verdict(exercises.check_reason(wrong), False, f"gradients.ex.reason_wrong_{wrong}")
    verdict(exercises.check_reason(None), False, "gradients.ex.reason_invalid", answer=None)
    verdict(exercises.check_reason("AB"), False, "gradients.ex.reason_invalid")
    assert list(exercises.reasons()) == list("ABCD")


def test_option_b_states_only_what_is_bounded():
    """Option B (the right one) must not claim the gradient itself shrinks 4x per layer:
    a std-10 sigmoid network's layer 1 gets thousands of times the output layer's."""
    assert gradient_profile(depth=10, activation="sigmoid", scale=10.0).ratio > 1e3
    assert exercises.reasons()["B"] == say("gradients.reason.B")


def test_check_product_bound():
    verdict(exercises.check_product_bound(lambda n: 0.25 ** n), True,
            "gradients.ex.bound_right", ten=0.25 ** 10)
    verdict(exercises.check_product_bound(lambda n: 0.5 ** n), False,
            "gradients.ex.bound_wrong", call="product_bound(1)", got=0.5, want=0.25)
    verdict(exercises.check_product_bound(lambda n: None), False, "gradients.ex.not_a_number",
            value=None)
    message = verdict(exercises.check_product_bound(lambda n: 1 / 0), False,
                      "verdict.raised", call="product_bound(1)", kind="ZeroDivisionError")
    assert isinstance(message.values["error"], ZeroDivisionError)
    verdict(exercises.check_product_bound(lambda n: 0.25), False,     # right only for n = 1
            "gradients.ex.bound_wrong", call="product_bound(2)", got=0.25, want=0.0625)


def test_check_smallest_layer():
    verdict(exercises.check_smallest_layer(1, 9), True, "gradients.ex.layer_right")
    verdict(exercises.check_smallest_layer(9, 9), False, "gradients.ex.layer_wrong",
            name="small_sigmoid", layer=9)
    verdict(exercises.check_smallest_layer(1, 1), False, "gradients.ex.layer_wrong",
            name="large_tanh", layer=1)
    verdict(exercises.check_smallest_layer(1, 10), False, "gradients.ex.layer_invalid",
            name="large_tanh", top=9)
    verdict(exercises.check_smallest_layer(1.5, 9), False, "gradients.ex.layer_invalid",
            name="small_sigmoid")
    verdict(exercises.check_smallest_layer(None, None), False, "gradients.ex.layer_invalid",
            answer=None)


def test_check_param_count():
    def right(sizes, biases):
        return chain_param_count(sizes, biases)

    verdict(exercises.check_param_count(right), True, "gradients.ex.count_right",
            deeper=25, wider=3920)
    verdict(exercises.check_param_count(lambda s, b: 0), False, "gradients.ex.count_wrong",
            got=0, want=3945)
    verdict(exercises.check_param_count(lambda s, b: None), False,
            "gradients.ex.not_a_number", value=None)
    verdict(exercises.check_param_count(lambda s, b: chain_param_count(s, False)), False,
            "gradients.ex.count_wrong", call="count_params([2, 3], True)")
    verdict(exercises.check_param_count(lambda s: 0), False, "verdict.raised",
            call="count_params([784, 5, 5], False)", kind="TypeError")


def test_check_relu_std():
    verdict(exercises.check_relu_std(np.sqrt(0.02)), True, "gradients.ex.std_right",
            width=100)
    verdict(exercises.check_relu_std(0.1414), True)
    verdict(exercises.check_relu_std(1.0), False, "gradients.ex.std_explodes")
    verdict(exercises.check_relu_std(0.01), False, "gradients.ex.std_vanishes")
    verdict(exercises.check_relu_std("0.14x"), False, "gradients.ex.std_invalid")
    verdict(exercises.check_relu_std(-0.14), False, "gradients.ex.std_invalid")
    verdict(exercises.check_relu_std(None), False, "gradients.ex.std_invalid")


def test_a_checker_never_raises():
    class Unprintable:
        def __str__(self):
            raise RuntimeError("no text")

    verdict(exercises.check_reason(Unprintable()), False, "verdict.raised",
            kind="RuntimeError")


def test_every_chapter_1_key_is_used():
    """Each gradients.* catalogue key is said somewhere in chapter 1's code."""
    from dlskills.messages import catalogue
    root = Path(dl.__file__).parent
    code = "".join((root / area / "gradients.py").read_text(encoding="utf-8")
                   for area in ("experiments", "views", "explorers", "exercises"))
    dynamic = ("gradients.verdict.", "gradients.finding.", "gradients.reason.",
               "gradients.ex.reason_wrong_")
    unused = [key for key in catalogue() if key.startswith("gradients.")
              and f'"{key}"' not in code and not key.startswith(dynamic)]
    assert unused == []
