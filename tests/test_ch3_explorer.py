"""Chapter 3: the layer-statistics experiment and the initialization explorers."""
import warnings

import numpy as np
import pytest

import dlskills as dl
from dlskills.messages import say
from dlskills.experiments.initialization import (activation_finding, compare_initializers,
                                                distinct_units, init_options,
                                                layer_statistics, nonzero_gradients,
                                                scale_text, symmetry_report, train_small)
from dlskills.explorers.initialization import (INIT_KINDS, InitializationExplorer,
                                               InitTrainingExplorer)
from harness.statuses import init_settings
from tests.pictures import ink


@pytest.fixture(scope="module")
def explorer():
    return InitializationExplorer()


# --- the experiment behind the explorer ----------------------------------------------

def test_sigmoid_std1_saturates_at_0_and_1():
    s = layer_statistics("normal", "sigmoid", depth=5, std=1.0)
    for a in s.activations:
        assert np.mean((a < 0.1) | (a > 0.9)) > 0.5
    assert activation_finding("sigmoid", s.activations[-1]).key == "init.act.saturated"


def test_sigmoid_std001_collapses_to_half():
    s = layer_statistics("normal", "sigmoid", depth=5, std=0.01)
    for a in s.activations:
        assert np.mean(np.abs(a - 0.5) < 0.1) > 0.99
    finding = activation_finding("sigmoid", s.activations[-1])
    assert finding.key == "init.act.collapsed" and finding.values["centre"] == "0.5"
    assert finding.values["share"] > 0.5


def test_values_bunched_away_from_the_centre_are_not_called_spread():
    """Sigmoid from an identity start: every unit of layer 20 outputs about 0.66 (std
    1e-7); "分布较开" (spread out) would say the opposite of the heatmap."""
    s = layer_statistics("identity", "sigmoid", depth=20)
    finding = activation_finding("sigmoid", s.activations[-1])
    assert finding.key == "init.act.collapsed" and finding.values["centre"] == "0.66"
    assert finding.values["share"] == 1.0
    xavier = layer_statistics("xavier_normal", "sigmoid")
    assert activation_finding("sigmoid", xavier.activations[-1]).key == "init.act.spread"


def test_tanh_xavier_keeps_std_within_a_factor():
    s = layer_statistics("xavier_normal", "tanh", depth=5)
    ratio = s.act_std[4] / s.act_std[0]
    assert 0.3 < ratio <= 1.0
    assert 0.2 < s.grad_std[0] / s.grad_std[4] < 5          # gradients do not vanish


@pytest.mark.parametrize("depth", [5, 20])
def test_relu_he_keeps_std_and_std001_collapses(depth):
    he = layer_statistics("he_normal", "relu", depth=depth)
    assert 0.5 < he.act_std[-1] / he.act_std[0] < 2
    assert 0.3 < he.grad_std[0] / he.grad_std[-1] < 3
    small = layer_statistics("normal", "relu", depth=depth, std=0.01)
    assert small.act_std[-1] / small.act_std[0] < 1e-3
    assert small.grad_std[0] / small.grad_std[-1] < 1e-3
    xavier = layer_statistics("xavier_normal", "relu", depth=depth)
    per_layer = (xavier.act_std[-1] / xavier.act_std[0]) ** (1 / (depth - 1))
    assert 0.6 < per_layer < 0.8                              # about sqrt(1/2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stds_are_numpys_and_leave_the_values_alone(dtype):
    """The stds (computed in float64 on copies) are np.std's; the reported values are the
    network's own (sigmoid outputs, not shifted to mean 0 by the std's computation)."""
    s = layer_statistics("xavier_normal", "sigmoid", depth=3, dtype=dtype)
    assert all(a.dtype == dtype and 0 < a.min() and a.max() < 1 for a in s.activations)
    for values, stds in ((s.activations, s.act_std), (s.gradients, s.grad_std)):
        np.testing.assert_allclose(stds, [np.std(v, dtype=np.float64) for v in values],
                                   rtol=1e-12)


def test_sigmoid_xavier_gradient_shrinks_and_input_signal_fades():
    s = layer_statistics("xavier_normal", "sigmoid", depth=5, dtype=np.float64)
    per_layer = (s.grad_std[0] / s.grad_std[-1]) ** (1 / 4)
    assert per_layer < 0.3                                    # sigmoid' <= 0.25
    assert s.input_std[-1] < 0.01 * s.act_std[-1]             # the spread is unit offsets
    t = layer_statistics("xavier_normal", "tanh", depth=5, dtype=np.float64)
    np.testing.assert_allclose(t.input_std, t.act_std, rtol=0.01)


def test_sigmoid_xavier_comb_is_unit_offsets_not_binning():
    """The notebook says the comb-shaped histograms of sigmoid + Xavier (layers 3-5) are
    100 narrow peaks, one per neuron: with each unit's mean moved to the layer's mean the
    same values make one bump in the same bins, at any bin count."""
    for seed in (0, 1, 2):
        a = layer_statistics("xavier_normal", "sigmoid", depth=5, seed=seed,
                             dtype=np.float64).activations[-1]
        centred = a - a.mean(axis=0) + a.mean()
        for bins in (30, 40, 80):
            def peaks(values):
                h = np.histogram(values, bins, range=(0, 1))[0]
                return int(np.sum((h[1:-1] > h[:-2]) & (h[1:-1] > h[2:])))
            assert peaks(a) >= 3 and peaks(centred) <= 2, (seed, bins)
        assert a.std(axis=0).mean() < 0.01 * a.mean(axis=0).std()   # per unit: narrow


def test_constant_start_is_symmetric_random_is_not():
    assert layer_statistics("constant", "tanh", value=0.1, depth=3).symmetric
    assert not layer_statistics("normal", "tanh", std=0.1, depth=3).symmetric


def test_identity_needs_square_layers_and_keeps_relu_signal():
    s = layer_statistics("identity", "relu", depth=10, width=37)
    np.testing.assert_allclose(s.act_std, s.act_std[0], rtol=1e-5)
    with pytest.raises(ValueError, match="square"):
        dl.initialize("identity", (5, 4))


def test_same_seed_same_numbers_other_seed_other_numbers():
    a = layer_statistics("he_normal", "relu", seed=3)
    b = layer_statistics("he_normal", "relu", seed=3)
    c = layer_statistics("he_normal", "relu", seed=4)
    np.testing.assert_array_equal(a.act_std, b.act_std)
    assert not np.array_equal(a.act_std, c.act_std)


def test_overflow_is_a_result_not_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = layer_statistics("constant", "relu", value=1.0, depth=20)
    assert s.overflow_layer is not None and 1 < s.overflow_layer <= 20
    assert s.grad_overflow_layer == 20          # the NaN loss poisons every gradient
    ok = layer_statistics("he_normal", "relu", depth=20)
    assert ok.overflow_layer is None and ok.grad_overflow_layer is None


@pytest.mark.parametrize("kwargs, word", [
    ({"depth": 0}, "depth"), ({"width": 1}, "width"), ({"init": "kaiming"}, "valid names"),
    ({"activation": "gelu"}, "valid names"), ({"init": "normal", "std": -1}, "std"),
    ({"init": "uniform", "bound": -0.1}, "bound")])
def test_bad_settings_raise_value_error(kwargs, word):
    with pytest.raises(ValueError, match=word):
        layer_statistics(**kwargs)


# --- initializer settings as the explorer uses them ------------------------------------

def test_init_options_use_only_the_relevant_setting():
    assert init_options("normal", std=0.3, bound=9, value=9) == {"std": 0.3}
    assert init_options("uniform", std=9, bound=0.2, value=9) == {"low": -0.2, "high": 0.2}
    assert init_options("constant", std=9, bound=9, value=0.5) == {"value": 0.5}
    for name in ("identity", "xavier_normal", "xavier_uniform", "he_normal", "he_uniform",
                 "lecun_normal", "he", "xavier"):
        assert init_options(name, std=9, bound=9, value=9) == {}


@pytest.mark.parametrize("init", INIT_KINDS)
def test_weights_have_the_scale_the_status_states(init):
    n = 200
    text = scale_text(init, n, n, std=0.05, bound=0.08, value=0.3)
    w = dl.initialize(init, (n, n), rng=0, **init_options(init, std=0.05, bound=0.08,
                                                             value=0.3))
    setting = text.values.get("setting")
    if setting == "std":
        assert abs(w.std() / float(text.values["value"]) - 1) < 0.02
    elif setting == "bound":
        bound = float(text.values["value"])
        assert -1.005 * bound <= w.min() < -0.98 * bound     # the status rounds to 3 digits
        assert 0.98 * bound < w.max() <= 1.005 * bound
        assert abs(w.std() / (bound / np.sqrt(3)) - 1) < 0.02
    elif setting == "value":
        assert np.all(w == 0.3)
    else:
        assert text.key == "init.scale.diagonal"
        np.testing.assert_array_equal(w, np.eye(n))


def test_scale_text_formulas():
    for args, setting, value in ((("xavier_normal", 100, 100), "std", "0.1"),
                                 (("he_uniform", 100, 100), "bound", "0.245"),
                                 (("lecun_normal", 784, 100), "std", "0.0357")):
        text = scale_text(*args)
        assert text.key == "init.scale.formula"
        assert (text.values["setting"], text.values["value"]) == (setting, value)
    text = scale_text("normal", 100, 100, std=0.01)
    assert text.key == "init.scale.setting" and text.values["name"] == say("control.std")


# --- symmetry helpers ------------------------------------------------------------------

def test_distinct_units_and_nonzero_gradients():
    w = np.ones((5, 4))
    assert distinct_units(w) == 1
    w[0, 2] += 1e-3
    assert distinct_units(w) == 2
    assert nonzero_gradients({"a": np.zeros(3), "b": np.ones(3)}) == ["b"]
    assert nonzero_gradients({"a": np.zeros(3)}) == []


def test_symmetry_report_of_constant_and_random_nets():
    rng = np.random.default_rng(0)
    x, t = rng.standard_normal((30, 8)), rng.integers(0, 3, 30)
    const = dl.MLP(8, [6, 6], 3, activation="sigmoid", init="constant",
                   init_options={"value": 0.1})
    rows = symmetry_report(const, x, t)
    assert [r["distinct_weights"] for r in rows] == [1, 1, 1]
    rand = dl.MLP(8, [6, 6], 3, activation="sigmoid", init="xavier_normal")
    assert [r["distinct_weights"] for r in symmetry_report(rand, x, t)] == [6, 6, 3]


def test_zero_start_only_output_layer_gets_gradient():
    rng = np.random.default_rng(1)
    x, t = rng.standard_normal((20, 8)), rng.integers(0, 4, 20)
    expected = {"sigmoid": ["W3", "b3"], "tanh": ["b3"], "relu": ["b3"]}
    for activation, names in expected.items():
        net = dl.MLP(8, [5, 5], 4, activation=activation, init="constant")
        assert nonzero_gradients(net.gradient(x, t)) == names


# --- the explorer --------------------------------------------------------------------

def test_default_explorer_draws_with_exact_status(explorer):
    explorer.set(init="normal", std=1.0, activation="sigmoid", depth=5, width=100, seed=0)
    assert explorer.error is None
    assert explorer.status.key == "explorer.result"
    assert explorer.status.values["settings"] == init_settings("normal", "sigmoid", 5)
    assert explorer.status.values["finding"] == explorer.result.finding
    assert explorer.result.finding.key == "init.std_ratio"
    assert ink(explorer.png) > 0.05


@pytest.mark.parametrize("change", [
    {"init": "he_normal"}, {"std": 0.01}, {"activation": "tanh"}, {"depth": 12},
    {"width": 50}, {"seed": 3}, {"init": "uniform", "bound": 0.3},
    {"init": "constant", "value": 0.2}, {"init": "identity"}, {"init": "xavier_uniform"},
    {"init": "he_uniform", "activation": "relu"}, {"init": "lecun_normal"}])
def test_each_control_changes_the_figure(explorer, change):
    explorer.set(init="normal", std=1.0, bound=0.1, value=0.0, activation="sigmoid",
                 depth=5, width=100, seed=0)
    before, redraws = explorer.png, explorer.redraws
    explorer.set(**change)
    assert explorer.error is None, explorer.status
    assert explorer.redraws == redraws + 1
    assert explorer.png != before
    assert ink(explorer.png) > 0.05
    s = explorer.settings
    for key, asked in change.items():
        value = s[key]          # floats land on the slider's grid
        assert value == (pytest.approx(asked, rel=0.1) if isinstance(asked, float) else asked)
    assert explorer.status.values["settings"] == init_settings(**s)


def test_the_result_matches_the_experiment(explorer):
    explorer.set(init="he_normal", activation="relu", depth=7, width=60, seed=2)
    direct = layer_statistics("he_normal", "relu", depth=7, width=60, seed=2)
    np.testing.assert_allclose(explorer.result.act_std, direct.act_std)
    shares = explorer.result.act_shares
    assert shares.shape[0] == 7
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    assert 0.4 < shares[:, 0].mean() < 0.6          # ReLU: about half exactly 0


def test_unused_scale_sliders_are_disabled(explorer):
    used = {"normal": "std", "uniform": "bound", "constant": "value"}
    for init in INIT_KINDS:
        explorer.set(init=init)
        for key in ("std", "bound", "value"):
            assert explorer.controls[key].disabled == (used.get(init) != key), (init, key)
        width = explorer.settings["width"]
        scale = scale_text(init, width, width, **{k: explorer.settings[k]
                                                   for k in ("std", "bound", "value")})
        if init not in used:
            assert scale.key in ("init.scale.formula", "init.scale.diagonal")
        assert scale in explorer.status


def test_symmetry_and_overflow_are_reported_in_status(explorer):
    explorer.set(init="constant", value=0.0, activation="sigmoid", depth=5)
    finding = explorer.status.values["finding"]
    assert finding.key == "init.finding.symmetric"
    assert finding.values["ratios"].values["act"].key == "init.ratio.both_zero"
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        explorer.set(init="constant", value=1.0, activation="relu", depth=20, width=100)
    assert explorer.error is None
    assert explorer.status.values["finding"].key == "init.finding.act_overflow"
    explorer.set(depth=5, value=0.0, init="normal")
    assert explorer.status.values["finding"].key == "init.std_ratio"


def test_unknown_control_raises(explorer):
    with pytest.raises(ValueError, match="no control"):
        explorer.set(gain=2)


# --- training from several starts -----------------------------------------------------

@pytest.fixture(scope="module")
def tiny_mnist():
    (x, t), (xs, ts) = dl.load_mnist()
    rng = np.random.default_rng(0)          # the subset is in class order: pick at random
    train, test = rng.choice(len(x), 600, replace=False), rng.choice(len(xs), 200, replace=False)
    return (x[train], t[train]), (xs[test], ts[test])


def test_train_small_keeps_a_constant_start_symmetric(tiny_mnist):
    (x, t), test = tiny_mnist
    data = (x.astype(np.float64), t), (test[0].astype(np.float64), test[1])
    net, start, history = train_small("constant", value=0.05, iterations=30, data=data)
    assert history.status == "completed" and history.iterations == 30
    assert np.all(start["W1"] == 0.05) and not np.all(net.params["W1"] == 0.05)
    assert distinct_units(net.params["W1"]) == 1 and distinct_units(net.params["W2"]) == 1
    net, _, _ = train_small("xavier_normal", iterations=30, data=data)
    assert distinct_units(net.params["W1"]) == 16


def test_compare_initializers_he_beats_std001(tiny_mnist):
    histories = compare_initializers(iterations=60, data=tiny_mnist)
    assert list(histories) == ["normal", "xavier_normal", "he_normal"]
    assert all(h.status == "completed" and h.iterations == 60 for h in histories.values())
    assert np.mean(histories["normal"].loss[-10:]) > 2.29
    assert np.mean(histories["he_normal"].loss[-10:]) < np.mean(histories["normal"].loss[-10:])


def test_compare_initializers_progress_can_stop(tiny_mnist):
    calls = []

    def progress(histories, fraction):
        calls.append(fraction)
        return True

    histories = compare_initializers(iterations=50, data=tiny_mnist, progress=progress)
    assert histories["normal"].status == "stopped"
    assert histories["normal"].message.values == {"iteration": 10}
    assert histories["he_normal"].status == "not started"
    assert calls and 0 < calls[0] < 1


def test_training_explorer_run_draws_curves(monkeypatch, tiny_mnist):
    import dlskills.experiments.initialization as module
    monkeypatch.setattr(module, "mnist", lambda **_: tiny_mnist)
    ex = InitTrainingExplorer()
    assert ex.status.key == "explorer.press_run"
    empty = ex.png
    result = ex.run(wait=True, iterations=100, seed=1)
    assert ex.error is None, ex.status
    assert ex.status.key == "explorer.result"
    assert ex.status.values["settings"] == ex.describe_settings(ex.settings)
    finding = ex.status.values["finding"]
    assert finding == result.finding
    assert set(result.histories) == {"normal", "xavier_normal", "he_normal"}
    assert result.settings == ex.settings and ex.previous is result
    assert ex.png != empty and ink(ex.png) > 0.03
    drawn = ex.png
    ex.set(activation="tanh")        # the old run stays, marked as the previous run's
    assert ex.status.key == "explorer.press_run"
    assert ex.result.histories == {} and ex.previous is result
    lines = ex.view.curves.loss.lines
    dashed = lines["previous:he_normal"]
    assert dashed.get_visible() and dashed.get_linestyle() == "--"
    assert dashed.get_label() == say("curves.previous", label="he_normal")
    assert not lines["he_normal"].get_visible()
    assert ex.png != drawn
    ex.set(activation="relu")        # back at the settings it ran with: current again
    assert ex.result is result and lines["he_normal"].get_visible()
    assert not dashed.get_visible()
    second = ex.run(wait=True, seed=2)   # the new run drawn next to the last one, dashed
    assert ex.previous is second and dashed.get_visible()
    assert lines["he_normal"].get_linestyle() == "-"


def test_run_summary_names_each_outcome():
    from dlskills.experiments.initialization import run_summary
    from dlskills.training import History
    done = History(loss=[2.0, 1.0], status="completed")
    assert run_summary("he", done).key == "init.run.loss"
    assert run_summary("he", done).values["loss"] == pytest.approx(1.5)
    for status in ("diverged", "stopped", "running", "not started"):
        history = History(status=status, iterations=3)
        said = run_summary("he", history)
        assert said.key == "training.run" and said.values == {"label": "he",
                                                               "status": history.message}
    assert History(status="diverged", iterations=3).message.values["iteration"] == 4
    assert History(status="stopped", iterations=3).message.values["iteration"] == 3
