"""The engine against the course text's formulas, worked by hand."""

import math
import warnings

import numpy as np
import pytest

import dlskills as dl
from dlskills.layers import Affine, BatchNorm, Dropout


# --- math ---------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_cross_entropy_finite_and_silent_for_huge_logits(dtype):
    x = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [0.0, 1e4, 1e4]], dtype=dtype)
    t = np.array([1, 0, 2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        probs, loss = dl.softmax_cross_entropy(x, t)
        layer = dl.SoftmaxWithLoss()
        layer_loss = layer.forward(x, t)
        dx = layer.backward()
    assert probs.dtype == dtype and np.all(np.isfinite(probs))
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-6)
    # the first sample puts all mass on class 0 but the label is 1: loss 2e4 / 3 samples
    assert math.isfinite(loss) and loss == pytest.approx((2e4 + math.log(3) + math.log(2)) / 3,
                                                         rel=1e-6)
    assert layer_loss == pytest.approx(loss)
    assert np.all(np.isfinite(dx))


def test_activations_and_derivatives():
    x = np.array([-800.0, -1.0, 0.0, 2.0, 800.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = dl.sigmoid(x)
    np.testing.assert_allclose(s, [0, 1 / (1 + math.e), 0.5, 1 / (1 + math.exp(-2)), 1])
    assert dl.sigmoid_grad(np.array([0.0]))[0] == pytest.approx(0.25)
    assert np.max(dl.sigmoid_grad(np.linspace(-10, 10, 1001))) <= 0.25
    np.testing.assert_allclose(dl.tanh_grad(x), 1 - np.tanh(x) ** 2)
    np.testing.assert_array_equal(dl.relu(x), [0, 0, 0, 2, 800])
    np.testing.assert_array_equal(dl.relu_grad(x), [0, 0, 0, 1, 1])
    assert dl.get_activation("ReLU").name == "relu"


# --- initializers ---------------------------------------------------------------------
@pytest.mark.parametrize("name, n_in, n_out, expected_std", [
    ("xavier_normal", 300, 200, math.sqrt(2 / 500)),
    ("xavier_uniform", 300, 200, math.sqrt(2 / 500)),
    ("he_normal", 400, 300, math.sqrt(2 / 400)),
    ("he_uniform", 400, 300, math.sqrt(2 / 400)),
    ("lecun_normal", 400, 300, math.sqrt(1 / 400)),
])
def test_initializer_std(name, n_in, n_out, expected_std):
    w = dl.initialize(name, (n_in, n_out), rng=0)
    assert w.shape == (n_in, n_out)
    assert abs(w.mean()) < 0.02 * expected_std * 10
    assert w.std() == pytest.approx(expected_std, rel=0.02)


@pytest.mark.parametrize("name, n_in, n_out, bound", [
    ("xavier_uniform", 300, 200, math.sqrt(6 / 500)),
    ("he_uniform", 400, 300, math.sqrt(6 / 400)),
])
def test_uniform_bounds(name, n_in, n_out, bound):
    w = dl.initialize(name, (n_in, n_out), rng=1)
    assert np.abs(w).max() <= bound
    assert np.abs(w).max() > 0.99 * bound


def test_simple_initializers():
    np.testing.assert_array_equal(dl.initialize("constant", (2, 3)), np.zeros((2, 3)))
    np.testing.assert_array_equal(dl.initialize("constant", (2, 3), value=0.5), np.full((2, 3), .5))
    np.testing.assert_array_equal(dl.initialize("identity", (3, 3)), np.eye(3))
    w = dl.initialize("normal", (500, 400), rng=0, mean=1.0, std=0.1)
    assert w.mean() == pytest.approx(1.0, abs=0.002) and w.std() == pytest.approx(0.1, rel=0.02)
    u = dl.initialize("uniform", (500, 400), rng=0, low=-0.2, high=0.6)
    assert u.min() >= -0.2 and u.max() <= 0.6 and u.mean() == pytest.approx(0.2, abs=0.005)
    assert dl.initialize("he", (10, 5), rng=3, dtype=np.float32).dtype == np.float32
    np.testing.assert_array_equal(dl.initialize("he", (10, 5), rng=3),
                                  dl.initialize("he_normal", (10, 5), rng=3))


# --- optimizers, by hand from the course text's formulas -------------------------------
def run(opt, grads_seq, w0=1.0):
    params = {"w": np.array([w0])}
    values = []
    for g in grads_seq:
        opt.update(params, {"w": np.array([g])})
        values.append(params["w"][0])
    return values


def test_sgd():
    assert run(dl.SGD(lr=0.1), [2.0, -1.0]) == pytest.approx([0.8, 0.9])


def test_momentum():
    # v = 0.9 v - 0.1 g ; w = w + v
    v1 = -0.1 * 2.0
    v2 = 0.9 * v1 - 0.1 * (-1.0)
    assert run(dl.Momentum(lr=0.1, momentum=0.9), [2.0, -1.0]) == pytest.approx(
        [1 + v1, 1 + v1 + v2])


def test_adagrad():
    h1 = 4.0
    h2 = 4.0 + 1.0
    w1 = 1 - 0.1 * 2.0 / (math.sqrt(h1) + 1e-8)
    w2 = w1 - 0.1 * (-1.0) / (math.sqrt(h2) + 1e-8)
    assert run(dl.AdaGrad(lr=0.1), [2.0, -1.0]) == pytest.approx([w1, w2], rel=1e-12)


def test_rmsprop():
    h1 = 0.01 * 4.0
    h2 = 0.99 * h1 + 0.01 * 1.0
    w1 = 1 - 0.1 * 2.0 / (math.sqrt(h1) + 1e-8)
    w2 = w1 - 0.1 * (-1.0) / (math.sqrt(h2) + 1e-8)
    assert run(dl.RMSProp(lr=0.1, decay=0.99), [2.0, -1.0]) == pytest.approx([w1, w2], rel=1e-12)


def test_adam_with_bias_correction():
    a1, a2, lr = 0.9, 0.999, 0.01
    v = h = 0.0
    w, expected = 1.0, []
    for t, g in enumerate([2.0, -1.0, 0.5], start=1):
        v = a1 * v + (1 - a1) * g
        h = a2 * h + (1 - a2) * g * g
        lr_t = lr * math.sqrt(1 - a2 ** t) / (1 - a1 ** t)
        w -= lr_t * v / (math.sqrt(h) + 1e-8)
        expected.append(w)
    assert run(dl.Adam(lr=lr, alpha1=a1, alpha2=a2), [2.0, -1.0, 0.5]) == pytest.approx(
        expected, rel=1e-12)
    # the first step of Adam moves by lr (v_hat / sqrt(h_hat) = g / |g|)
    assert run(dl.Adam(lr=0.01), [123.0])[0] == pytest.approx(1 - 0.01, rel=1e-6)


def test_every_parameter_moves_and_lr_can_change():
    for name in dl.OPTIMIZERS.names():
        opt = dl.make_optimizer(name, lr=0.1)
        params = {"a": np.ones(3), "b": np.ones((2, 2))}
        opt.update(params, {"a": np.ones(3), "b": np.ones((2, 2))})
        assert np.all(params["a"] < 1) and np.all(params["b"] < 1), name
        opt.lr = 0.05
        assert opt.lr == 0.05
    sgd = dl.SGD(lr=0.1)
    assert run(sgd, [1.0]) == pytest.approx([0.9])
    sgd.lr = 0.5
    params = {"w": np.array([1.0])}
    sgd.update(params, {"w": np.array([1.0])})
    assert params["w"][0] == pytest.approx(0.5)


def test_float32_stays_float32():
    for name in dl.OPTIMIZERS.names():
        params = {"w": np.ones(4, np.float32)}
        dl.make_optimizer(name).update(params, {"w": np.full(4, 0.3, np.float32)})
        assert params["w"].dtype == np.float32, name


# --- schedules --------------------------------------------------------------------------
def test_step_lr_course_example():
    values = dl.StepLR(0.1, step_size=20, gamma=0.7).values(61)
    assert values[0] == values[19] == pytest.approx(0.1)
    assert values[20] == values[39] == pytest.approx(0.07)
    assert values[40] == pytest.approx(0.049) and values[60] == pytest.approx(0.0343)


def test_multistep_lr_course_example():
    sched = dl.MultiStepLR(0.1, milestones=[10, 50, 200], gamma=0.7)
    assert [sched.lr_at(e) for e in (0, 9, 10, 49, 50, 199, 200, 300)] == pytest.approx(
        [0.1, 0.1, 0.07, 0.07, 0.049, 0.049, 0.0343, 0.0343])


def test_exponential_lr_course_example():
    values = dl.ExponentialLR(0.1, gamma=0.99).values(101)
    assert values[0] == pytest.approx(0.1)
    assert values[100] == pytest.approx(0.1 * 0.99 ** 100)


def test_schedule_drives_optimizer():
    opt = dl.Momentum(lr=0.1)
    sched = dl.StepLR(opt, step_size=2, gamma=0.5)
    lrs = []
    for _ in range(5):
        lrs.append(opt.lr)
        sched.step()
    assert lrs == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025])
    assert dl.make_schedule("exponential", 1.0, gamma=0.5).lr_at(3) == 0.125


# --- layers ---------------------------------------------------------------------------
def test_affine_has_no_gradient_before_backward():
    layer = Affine(np.ones((3, 2)), np.zeros(2))
    assert layer.gradients() == {"W": None, "b": None} and layer.x is None


CACHES = ("x", "x_shape", "out", "mask", "x_hat", "inv_std", "probs", "t")


def cached_arrays(net):
    """(layer kind, attribute, shape) of every per-sample cache the layers of ``net`` and
    its loss layer hold (Dropout's mask excepted: it is reused with ``fixed_mask``)."""
    layers = [(kind, layer) for kind, _, layer in net.layers] + [("loss", net.loss_layer)]
    return [(kind, name, np.shape(getattr(layer, name)))
            for kind, layer in layers if kind != "dropout"
            for name in CACHES if getattr(layer, name, None) is not None]


@pytest.mark.parametrize("make", [lambda: dl.Sigmoid(), lambda: dl.Tanh(), lambda: dl.ReLU(),
                                  lambda: Affine(np.eye(3), np.zeros(3))])
def test_layers_train_by_default_as_in_the_course_text(make):
    """``out = layer.forward(x)`` then ``layer.backward(dout)``, no ``train`` given: the
    default pass is a training pass, so backward has its cache."""
    layer = make()
    x = np.array([[-1.0, 0.5, 2.0], [0.3, -0.2, 1.0]])
    out = layer.forward(x)
    dx = layer.backward(np.ones_like(out))
    assert dx.shape == x.shape and np.all(np.isfinite(dx))


@pytest.mark.parametrize("make", [lambda: dl.Sigmoid(), lambda: dl.Tanh(), lambda: dl.ReLU(),
                                  lambda: Affine(np.eye(3), np.zeros(3)),
                                  lambda: dl.BatchNorm(np.ones(3), np.zeros(3))])
def test_backward_after_an_evaluation_pass_says_what_is_missing(make):
    """An evaluation pass keeps nothing: backward then names the layer and the fix, not
    numpy's "NoneType has no attribute"; a training pass afterwards goes back again."""
    layer = make()
    x = np.array([[-1.0, 0.5, 2.0], [0.3, -0.2, 1.0]])
    missing = (rf"^{type(layer).__name__}\.backward needs a training forward first "
               r"\(train=True, the default\)")
    with pytest.raises(RuntimeError, match=missing):      # no forward at all yet
        layer.backward(np.ones_like(x))
    layer.forward(x, train=False)
    with pytest.raises(RuntimeError, match=missing):
        layer.backward(np.ones_like(x))
    layer.forward(x, train=True)
    assert layer.backward(np.ones_like(x)).shape == x.shape


def test_softmax_with_loss_keeps_probabilities_only_in_training():
    """As the other layers: an evaluation loss keeps neither the probabilities nor the
    labels, and backward then says so; the loss is the same in both passes, and after a
    training pass backward is (softmax - one-hot) / N."""
    layer = dl.SoftmaxWithLoss()
    x, t = np.array([[1.0, 2.0, 0.5], [0.1, -1.0, 0.3]]), np.array([1, 2])
    missing = r"^SoftmaxWithLoss\.backward needs a training forward first \(train=True"
    with pytest.raises(RuntimeError, match=missing):      # no forward at all yet
        layer.backward()
    evaluated = layer.forward(x, t, train=False)
    assert layer.probs is None and layer.t is None
    with pytest.raises(RuntimeError, match=missing):
        layer.backward()
    assert layer.forward(x, t) == evaluated               # train=True by default
    probs = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(layer.backward(), (probs - np.eye(3)[t]) / 2)
    np.testing.assert_allclose(layer.backward(0.5), (probs - np.eye(3)[t]) / 4)


@pytest.mark.parametrize("options", [dict(activation="sigmoid"), dict(activation="tanh"),
                                     dict(activation="relu", batchnorm=True),
                                     dict(activation="relu", residual=True, dropout=0.2)])
def test_evaluation_keeps_no_cache_and_training_still_goes_back(options):
    """Only a training pass keeps what backward needs: after an evaluation pass of many
    samples (accuracy, predict) no layer holds any of them, and the next training pass
    computes the same gradients as before the evaluation."""
    rng = np.random.default_rng(0)
    net = dl.MLP(6, [5, 5, 5], 3, seed=0, **options)
    net.fix_dropout_masks()
    x, t = rng.normal(size=(8, 6)), rng.integers(0, 3, 8)
    grads = net.gradient(x, t)
    assert cached_arrays(net)                        # the training pass kept its caches
    # predict and accuracy do not reach the loss layer: it still holds the training batch
    batch = [("loss", "probs", (8, 3)), ("loss", "t", (8,))]
    logits = net.predict(rng.normal(size=(500, 6)))
    assert logits.shape == (500, 3) and cached_arrays(net) == batch
    net.accuracy(rng.normal(size=(300, 6)), rng.integers(0, 3, 300))
    assert cached_arrays(net) == batch
    net.loss(rng.normal(size=(300, 6)), rng.integers(0, 3, 300))     # an evaluation loss
    assert cached_arrays(net) == []
    again = net.gradient(x, t)
    for key in grads:
        np.testing.assert_array_equal(again[key], grads[key])


def test_a_trained_network_keeps_no_sample_of_the_evaluation():
    """train() ends with an evaluation pass: the History's network holds parameters and
    gradients, not the activations of the data it was measured on (the loss layer, which
    an evaluation by accuracy does not reach, keeps the last training batch only)."""
    x, t = dl.datasets.toy.make_blobs(100, n_classes=3, seed=0)
    history = dl.train(dl.MLP(2, [16, 16], 3, seed=0), dl.SGD(0.1), (x, t), (x, t),
                       epochs=2, batch_size=20)
    assert history.status == "completed" and len(history.test_acc) == 3
    assert cached_arrays(history.net) == [("loss", "probs", (20, 3)), ("loss", "t", (20,))]


def test_dropout_inverted_keeps_expectation_and_passes_through_in_evaluation():
    x = np.ones((2000, 50))
    drop = Dropout(0.3, rng=0)
    out = drop.forward(x, train=True)
    np.testing.assert_allclose(np.unique(out), [0.0, 1 / 0.7])
    assert (out == 0).mean() == pytest.approx(0.3, abs=0.01)
    assert out.mean() == pytest.approx(1.0, abs=0.02)
    np.testing.assert_array_equal(drop.forward(x, train=False), x)
    np.testing.assert_array_equal(drop.backward(np.full_like(x, 2.0)), np.full_like(x, 2.0))


def test_dropout_with_p_zero_draws_no_random_numbers():
    """p = 0 is the identity in training too, and leaves the random stream untouched, so
    switching Dropout off does not change what the other random draws of a run are."""
    x = np.ones((4, 3))
    drop = Dropout(0.0, rng=0)
    before = drop.rng.bit_generator.state
    np.testing.assert_array_equal(drop.forward(x, train=True), x)
    assert drop.rng.bit_generator.state == before and not drop.active


def test_batchnorm_statistics_and_running_average():
    rng = np.random.default_rng(0)
    x = rng.normal(5.0, 3.0, size=(64, 4))
    bn = BatchNorm(np.ones(4), np.zeros(4))
    out = bn.forward(x, train=True)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=0), x.var(axis=0) / (x.var(axis=0) + 1e-5))
    np.testing.assert_allclose(bn.running_mean, 0.1 * x.mean(axis=0))
    np.testing.assert_allclose(bn.running_var, 0.9 + 0.1 * x.var(axis=0))


# --- the model ---------------------------------------------------------------------------
def test_param_count_matches_course_example():
    a = 7  # "a --> 5 --> 5" to "a --> 5 --> 5 --> 5" adds 25 weights
    shallow = dl.MLP(a, [5], 5)
    deep = dl.MLP(a, [5, 5], 5)
    assert deep.count_params(biases=False) - shallow.count_params(biases=False) == 25
    assert deep.count_params() - shallow.count_params() == 25 + 5
    # widening a --> 10 to a --> 15 adds 5a weights
    narrow, wide = dl.MLP(a, [], 10), dl.MLP(a, [], 15)
    assert wide.count_params(biases=False) - narrow.count_params(biases=False) == 5 * a


def test_param_dict_names():
    net = dl.MLP(4, [3, 3], 2, batchnorm=True)
    assert list(net.params) == ["W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2",
                                "W3", "b3"]


def test_mlp_layers_in_course_order():
    """Affine -> BatchNorm -> activation -> Dropout per hidden layer; the first Affine
    skips dx (nothing below it needs it); no Dropout layer at p = 0."""
    net = dl.MLP(4, [5, 6], 3, batchnorm=True, dropout=0.5)
    assert [(kind, i) for kind, i, _ in net.layers] == [
        ("affine", 1), ("batchnorm", 1), ("activation", 1), ("dropout", 1),
        ("affine", 2), ("batchnorm", 2), ("activation", 2), ("dropout", 2), ("affine", 3)]
    assert [layer.need_dx for kind, _, layer in net.layers if kind == "affine"] == \
        [False, True, True]
    assert [kind for kind, _, _ in dl.MLP(4, [5], 3).layers] == ["affine", "activation",
                                                                 "affine"]


def test_weight_decay_penalty_counts_weights_only():
    net = dl.MLP(3, [4], 2, batchnorm=True, weight_decay=0.2, seed=0)
    for key in net.params:
        net.params[key][...] = 1.0
    x, t = np.zeros((2, 3)), np.array([0, 1])
    assert net.weight_penalty() == pytest.approx(0.5 * 0.2 * (12 + 8))
    data_loss = dl.MLP(3, [4], 2, batchnorm=True, seed=0)
    data_loss.params = {k: v.copy() for k, v in net.params.items()}
    assert net.loss(x, t) == pytest.approx(data_loss.loss(x, t) + 2.0)
    plain = dl.MLP(3, [4], 2, weight_decay=0.2, seed=0)   # no batchnorm: train mode = eval
    loss, _ = plain.loss_and_gradient(x, t)
    assert plain.weight_penalty() > 0 and loss == pytest.approx(plain.loss(x, t))


def test_inspect_reports_every_layer():
    net = dl.MLP(6, [5, 4, 3], 2, activation="tanh", init="xavier", seed=0)
    x, t = np.random.default_rng(0).normal(size=(10, 6)), np.arange(10) % 2
    report = net.inspect(x, t)
    assert [p.shape for p in report.pre] == [(10, 5), (10, 4), (10, 3)]
    np.testing.assert_allclose(report.post[1], np.tanh(report.pre[1]))
    # dL/dpre = dL/dpost * tanh'(pre)
    np.testing.assert_allclose(report.grad_pre[0], report.grad_post[0] * (1 - report.post[0] ** 2))
    assert report.loss == pytest.approx(net.loss(x, t, train=True))


@pytest.mark.parametrize("options", [dict(), dict(batchnorm=True), dict(residual=True),
                                     dict(residual=True, batchnorm=True)])
def test_inspect_keeps_the_parts_asked_for(options):
    """Each part alone is the same arrays as in the full report; the others stay empty."""
    from dlskills.model import REPORT_PARTS

    net = dl.MLP(6, [5, 5, 5], 3, activation="tanh", seed=0, **options)
    x, t = np.random.default_rng(0).normal(size=(8, 6)), np.arange(8) % 3
    full = net.inspect(x, t)
    for part in REPORT_PARTS:
        alone = net.inspect(x, t, keep=[part])
        assert len(getattr(alone, part)) == 3
        for a, b in zip(getattr(full, part), getattr(alone, part)):
            np.testing.assert_array_equal(a, b)
        assert all(getattr(alone, other) == [] for other in REPORT_PARTS if other != part)
        assert alone.loss == full.loss
    with pytest.raises(ValueError, match="keep must be a list of report parts"):
        net.inspect(x, t, keep="post")
    with pytest.raises(ValueError, match="keep must be a list of report parts"):
        net.inspect(x, t, keep=["post", "acts"])


@pytest.mark.parametrize("options", [dict(), dict(batchnorm=True, weight_decay=0.1),
                                     dict(residual=True)])
def test_inspect_backpropagates_without_the_parameters_gradients(options):
    """The gradients inspect reports are those of a full backward pass, its loss too;
    with params=False no Affine layer computed dW or db on the way, by default each
    holds the full pass's."""
    net = dl.MLP(6, [5, 5, 5], 3, activation="tanh", seed=0, **options)
    x, t = np.random.default_rng(0).normal(size=(8, 6)), np.arange(8) % 3
    trace = []
    loss, grads = net.loss_and_gradient(x, t, grad_trace=trace)
    assert set(grads) == set(net.params)
    affines = [layer for kind, _, layer in net.layers if kind == "affine"]
    held = [(layer.dW, layer.db) for layer in affines]      # weight decay not included
    for layer in affines:
        layer.dW = layer.db = None
    report = net.inspect(x, t, params=False)
    assert all(layer.dW is None and layer.db is None for layer in affines)
    assert report.loss == loss
    net.inspect(x, t)
    for layer, (dW, db) in zip(affines, held):
        np.testing.assert_array_equal(layer.dW, dW)
        np.testing.assert_array_equal(layer.db, db)
    full = {(kind, i): dout for kind, i, dout in trace}
    for i, (grad_pre, grad_post) in enumerate(zip(report.grad_pre, report.grad_post), 1):
        np.testing.assert_array_equal(grad_post, full["activation", i])
        np.testing.assert_array_equal(grad_pre, full[net._pre_activation_kind(i), i])
    alone = []
    assert net.loss_and_gradient(x, t, grad_trace=alone, params=False) == (loss, {})
    assert [(kind, i) for kind, i, _ in alone] == [(kind, i) for kind, i, _ in trace]
    with pytest.raises(ValueError, match="params must be True or False"):
        net.loss_and_gradient(x, t, params="no")


def test_affine_backward_input_is_backward_without_dw():
    rng = np.random.default_rng(0)
    W, b, x, dout = (rng.normal(size=s) for s in ((4, 3), (3,), (5, 2, 2), (5, 3)))
    full, alone = Affine(W, b), Affine(W, b)
    full.forward(x)
    alone.forward(x)
    dx = alone.backward_input(dout)
    np.testing.assert_array_equal(dx, full.backward(dout))
    assert dx.shape == x.shape and alone.dW is None and alone.db is None
    first = Affine(W, b, need_dx=False)
    first.forward(x)
    assert first.backward_input(dout) is None
    first.forward(x, train=False)
    with pytest.raises(RuntimeError, match="needs a training forward"):
        first.backward_input(dout)


def test_inspect_frees_the_parts_not_kept():
    import tracemalloc

    from dlskills.model import REPORT_PARTS

    wide = dl.MLP(50, [400] * 8, 10, activation="tanh", seed=0)
    xw, tw = np.random.default_rng(1).normal(size=(500, 50)), np.arange(500) % 10
    peaks = {}
    for keep in (REPORT_PARTS, ("post", "grad_pre")):
        tracemalloc.start()
        try:
            wide.inspect(xw, tw, keep=keep)
            peaks[len(keep)] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    one_part = 8 * 500 * 400 * 8                     # 8 layers of (500, 400) float64
    assert peaks[4] > 4 * one_part and peaks[2] < 0.7 * peaks[4]


def test_a_batch_in_the_networks_dtype_is_not_copied():
    """Inputs and labels already in the network's dtype pass in as they are (a whole
    training set is not copied on every call); others are cast."""
    net = dl.MLP(4, [3], 2, dtype=np.float32)
    x, t = np.ones((5, 4), np.float32), np.array([0, 1, 0, 1, 0], dtype=np.intp)
    one_hot = np.eye(2, dtype=np.float32)[t]
    assert net._check_input(x) is x
    assert net._check_target(t, 5) is t and net._check_target(one_hot, 5) is one_hot
    assert net._check_input(x.astype(np.float64)).dtype == np.float32
    assert net._check_target(one_hot.astype(np.float64), 5).dtype == np.float32


def test_numpy_scalar_settings_keep_float32():
    # numpy 2 promotes float32 arrays with a numpy float64 scalar to float64
    net = dl.MLP(4, [3], 2, weight_decay=np.float64(0.1), dropout=np.float64(0.2),
                 batchnorm=True, dtype=np.float32)
    assert type(net.weight_decay) is float and type(net.dropout) is float
    x, t = np.ones((5, 4), np.float32), np.array([0, 1, 0, 1, 0])
    assert net.predict(x, train=True).dtype == np.float32
    assert {g.dtype for g in net.gradient(x, t).values()} == {np.dtype(np.float32)}
    bn = BatchNorm(np.ones(3, np.float32), np.zeros(3, np.float32), momentum=np.float64(0.5))
    bn.forward(np.ones((2, 3), np.float32))
    assert bn.running_mean.dtype == np.float32


def test_same_seed_same_numbers():
    def build(seed):
        net = dl.MLP(784, [20, 20], 10, dropout=0.2, seed=seed, dtype=np.float32)
        (x, t), _ = dl.load_mnist()
        hist = dl.train(net, dl.Adam(), (x[:300], t[:300]), epochs=2, batch_size=50, seed=seed)
        return net.params["W1"], hist.loss

    w_a, loss_a = build(3)
    w_b, loss_b = build(3)
    w_c, _ = build(4)
    np.testing.assert_array_equal(w_a, w_b)
    assert loss_a == loss_b
    assert not np.array_equal(w_a, w_c)


# --- training loop -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def blobs():
    return dl.datasets.toy.make_blobs(100, n_classes=3, seed=0)


def test_training_learns_and_records(blobs):
    x, t = blobs
    net = dl.MLP(2, [16], int(t.max()) + 1, activation="tanh", init="xavier", seed=0)
    hist = dl.train(net, dl.Adam(lr=0.01), (x, t), (x, t), epochs=30, batch_size=32,
                    record_layers=True)
    assert hist.status == "completed"
    per_epoch = math.ceil(len(x) / 32)
    assert len(hist.loss) == 30 * per_epoch == hist.iterations
    assert hist.epochs[0] == 0 and hist.epochs[-1] == 30 and len(hist.train_acc) == 31
    assert hist.train_acc[-1] > 0.9 and hist.train_acc[-1] > hist.train_acc[0]
    assert np.mean(hist.loss[-5:]) < np.mean(hist.loss[:5])
    assert np.array(hist.update_norms).shape == (hist.iterations, 2)


def test_divergence_is_a_status_not_an_exception(blobs):
    x, t = blobs
    net = dl.MLP(2, [50, 50, 50], 3, activation="relu", init=30.0, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hist = dl.train(net, dl.SGD(lr=1e3), (x * 1e3, t), iterations=200, batch_size=32)
    assert hist.diverged and hist.status == "diverged"
    assert hist.message.key == "training.status.diverged"
    n = hist.message.values["iteration"]        # the diverging iteration counts
    assert n == len(hist.loss) == hist.iterations + 1 and n < 200
    assert np.isnan(hist.final_loss())


def test_stop_by_callback_keeps_history(blobs):
    x, t = blobs
    net = dl.MLP(2, [8], 3, seed=0)
    hist = dl.train(net, dl.SGD(), (x, t), iterations=100, batch_size=10,
                    callbacks=[lambda h, event: event == "iteration" and h.iterations >= 7])
    assert hist.status == "stopped" and len(hist.loss) == 7
    assert hist.message.values == {"iteration": 7}


def test_keyboard_interrupt_keeps_history(blobs):
    x, t = blobs

    def interrupt(h, event):
        if h.iterations == 5:
            raise KeyboardInterrupt

    hist = dl.train(dl.MLP(2, [8], 3), dl.SGD(), (x, t), iterations=50, batch_size=10,
                    callbacks=[interrupt])
    assert hist.status == "stopped" and len(hist.loss) == 5
    assert hist.message.values == {"iteration": 5}


def test_history_says_its_status_from_the_catalogue_and_measures_the_gap(blobs):
    x, t = blobs
    net = dl.MLP(2, [8], 3, seed=0)
    hist = dl.train(net, dl.SGD(lr=0.1), (x[:60], t[:60]), (x[60:], t[60:]), epochs=3,
                    batch_size=20)
    assert hist.message.key == "training.status.completed" and hist.net is net
    assert hist.gap == hist.train_acc[-1] - hist.test_acc[-1]
    assert hist.finding.key == "training.finding.test"
    assert hist.finding.values["gap"] == pytest.approx(100 * hist.gap)
    assert np.array(hist.weight_norms).shape == (4, 2)       # per evaluated epoch, per layer
    np.testing.assert_allclose(hist.weight_norms[-1], [np.linalg.norm(net.params["W1"]),
                                                       np.linalg.norm(net.params["W2"])])
    np.testing.assert_allclose(hist.total_norm, np.linalg.norm(hist.weight_norms, axis=1))
    assert hist.planned == hist.iterations == 9 and hist.val_acc == []
    for status, key, values in (("stopped", "stopped", {"iteration": 11}),
                                ("diverged", "diverged", {"iteration": 12}),
                                ("running", "running", {}),
                                ("not started", "not_started", {})):
        message = dl.History(status=status, iterations=11).message
        assert (message.key, message.values) == (f"training.status.{key}", values)
    assert np.isnan(dl.History().gap) and dl.History().finding.key == "training.status.not_started"
    run = dl.History(loss=[9.0, 1.0, 2.0, 4.0], status="completed")
    assert run.final_loss(3) == pytest.approx(7 / 3) and run.final_loss() == pytest.approx(4)
    assert np.isnan(dl.History(loss=[1.0, 2.0], status="diverged").final_loss())
    assert np.isnan(dl.History().final_loss())                # nothing trained yet
    assert np.isnan(dl.History(test_acc=[0.5]).gap)           # no training accuracy measured


@pytest.mark.parametrize("every, expected", [("epoch", [0.1, 0.1, 0.05]),
                                             ("iteration", [0.1, 0.1 * 0.5 ** 4,
                                                            0.1 * 0.5 ** 8])])
def test_train_steps_a_schedule_every_epoch_or_every_iteration(blobs, every, expected):
    x, t = blobs
    opt = dl.SGD(lr=0.1)
    hist = dl.train(dl.MLP(2, [8], 3, seed=0), opt, (x[:80], t[:80]), epochs=2,
                    batch_size=20, schedule=dl.ExponentialLR(opt, gamma=0.5), every=every)
    assert hist.lr == pytest.approx(expected)   # at each evaluation: the lr just used
    with pytest.raises(ValueError, match="every must be 'epoch' or 'iteration'"):
        dl.train(dl.MLP(2, [8], 3), opt, (x, t), epochs=1, every="batch")


def test_compare_builds_each_run_when_it_starts_and_stops_on_progress(blobs):
    x, t = blobs
    built, calls = [], []

    def variant(name, lr):
        def build():
            built.append(name)
            return dict(net=dl.MLP(2, [8], 3, seed=0), optimizer=dl.SGD(lr=lr))
        return build

    def progress(histories, fraction):
        calls.append((list(histories), histories["a"].iterations, fraction))
        return len(calls) == 3

    histories = dl.compare({"a": variant("a", 0.1), "b": variant("b", 0.5),
                            "c": variant("c", 1.0)}, (x, t), iterations=20, batch_size=10,
                           progress=progress, report_every=10)
    assert built == ["a", "b"]                              # c never built
    assert [c[2] for c in calls] == [pytest.approx(f) for f in (1 / 6, 2 / 6, 3 / 6)]
    assert all(c[0] == ["a", "b", "c"] for c in calls)
    assert histories["a"].status == "completed" and histories["a"].iterations == 20
    assert histories["b"].status == "stopped"
    assert histories["b"].message.values == {"iteration": 10}
    assert histories["c"].status == "not started" and histories["c"].loss == []
    alone = dl.train(dl.MLP(2, [8], 3, seed=0), dl.SGD(lr=0.5), (x, t), iterations=10,
                     batch_size=10)
    assert histories["b"].loss == alone.loss              # same seed: the same batches


def test_compare_scans_the_data_for_nan_once_for_all_runs(blobs, monkeypatch):
    x, t = blobs
    x_test = x[:50].copy()
    scans = []
    real = np.isfinite

    def isfinite(array, *args, **kwargs):
        scans.extend(name for name, data in (("x", x), ("x_test", x_test)) if array is data)
        return real(array, *args, **kwargs)

    monkeypatch.setattr(np, "isfinite", isfinite)
    variants = {name: lambda: dict(net=dl.MLP(2, [8], 3, seed=0), optimizer=dl.SGD(0.1))
                for name in "abc"}
    dl.compare(variants, (x, t), (x_test, t[:50]), iterations=3)
    assert sorted(scans) == ["x", "x_test"]
    dl.train(dl.MLP(2, [8], 3, seed=0), dl.SGD(0.1), (x, t), iterations=1)
    assert scans.count("x") == 2                           # train alone scans its data
    built = []
    bad = x.copy()
    bad[4, 1] = np.nan
    with pytest.raises(ValueError, match=r"^train_data x contains NaN .*sample 4"):
        dl.compare({"a": lambda: built.append("a")}, (bad, t), iterations=3)
    assert built == []                                     # refused before any run
    with pytest.raises(ValueError, match=r"^test_data x contains NaN"):
        dl.compare({"a": lambda: built.append("a")}, (x, t), (x_test * np.nan, t[:50]),
                   iterations=3)
    histories = dl.compare({"a": lambda: dict(net=dl.MLP(2, [8], 3, seed=0),
                                              optimizer=dl.SGD(0.1))},
                           (bad, t), iterations=3, check_finite=False)
    assert histories["a"].status == "diverged"              # not looked at: NaN diverges
    with pytest.raises(ValueError, match=r"^check_finite must be True or False, got 0"):
        dl.compare({}, (x, t), iterations=3, check_finite=0)


def test_train_with_check_finite_false_does_not_look_and_nan_data_diverge(blobs):
    x, t = blobs
    bad = x.copy()
    bad[0, 0] = np.inf
    run = dl.train(dl.MLP(2, [8], 3, seed=0), dl.SGD(0.1), (bad, t), iterations=2,
                   batch_size=len(x), check_finite=False)
    assert run.status == "diverged" and run.message.values == {"iteration": 1}
    with pytest.raises(ValueError, match=r"^test_data x contains NaN or infinite"):
        dl.train(dl.MLP(2, [8], 3, seed=0), dl.SGD(0.1), (x, t), (bad, t), iterations=2)
    run = dl.train(dl.MLP(2, [8], 3, seed=0), dl.SGD(0.1), (x, t), (bad, t), iterations=2,
                   batch_size=len(x), check_finite=False)
    assert run.status == "completed"                       # the test data were not looked at
    histories = dl.compare({"a": lambda: dict(net=dl.MLP(2, [8], 3, seed=0),
                                              optimizer=dl.SGD(0.1))},
                           (x, t), (bad, t), iterations=2, check_finite=False)
    assert histories["a"].status == "completed"


def test_finding_says_how_often_clipping_acted():
    run = dl.History(train_acc=[0.5], test_acc=[0.25], held_out="validation",
                     status="completed", clipped=[True, False, True])
    finding = run.finding
    assert finding.key == "training.finding.clipped"
    assert finding.values["clipped"] == 2 and finding.values["steps"] == 3
    inner = finding.values["finding"]
    assert inner.key == "training.finding.validation" and inner.values["gap"] == 25
    assert str(finding).startswith(str(inner))
    assert dl.History(status="stopped", iterations=4, clipped=[False]).finding.values == {
        "finding": dl.History(status="stopped", iterations=4).message, "clipped": 0,
        "steps": 1}
    assert dl.History(train_acc=[0.5], test_acc=[0.25]).finding.key == "training.finding.test"
    trained_only = dl.History(train_acc=[0.5], status="completed")    # no held-out data
    assert trained_only.finding == trained_only.message


def test_train_takes_a_net_without_sizes(blobs):
    """A duck-typed net (loss_and_gradient, accuracy, params) trains; it checks its own
    labels, so train checks only their form."""
    x, t = blobs

    class Wrapped:
        def __init__(self):
            self.mlp = dl.MLP(2, [8], 3, seed=0)
            self.params = self.mlp.params

        def loss_and_gradient(self, x, t):
            return self.mlp.loss_and_gradient(x, t)

        def accuracy(self, x, t):
            return self.mlp.accuracy(x, t)

    net = Wrapped()
    history = dl.train(net, dl.SGD(0.1), (x, t), iterations=5, batch_size=10)
    same = dl.train(dl.MLP(2, [8], 3, seed=0), dl.SGD(0.1), (x, t), iterations=5,
                    batch_size=10)
    assert history.status == "completed" and history.loss == same.loss
    with pytest.raises(ValueError, match=r"^labels train_data t must be class numbers 0..C-1"):
        dl.train(net, dl.SGD(0.1), (x, t - 1), iterations=1)
    with pytest.raises(ValueError, match=r"^labels t must be class numbers 0..2"):
        dl.train(net, dl.SGD(0.1), (x, t + 1), iterations=1)     # the net's own check
    with pytest.raises(ValueError, match=r"^labels train_data t must be class numbers 0..2"):
        dl.train(dl.MLP(2, [8], 3), dl.SGD(0.1), (x, t + 1), iterations=1)


def test_compare_reports_every_epoch_and_fills_given_histories(blobs):
    x, t = blobs
    given = dl.History(held_out="validation", settings={"lam": 0.1})
    fractions = []
    histories = dl.compare({"run": lambda: dict(net=dl.MLP(2, [8], 3), optimizer=dl.SGD())},
                           (x[:60], t[:60]), (x[60:], t[60:]), epochs=3, batch_size=20,
                           histories={"run": given}, report_every="epoch",
                           progress=lambda h, f: fractions.append(f))
    assert histories["run"] is given and given.val_acc is given.test_acc
    assert len(given.val_acc) == 4 and given.settings == {"lam": 0.1}
    assert fractions == pytest.approx([1 / 3, 2 / 3, 1.0])
    assert given.finding.key == "training.finding.validation"


def test_compare_reports_the_end_of_a_run_between_report_steps(blobs):
    x, t = blobs
    seen = []
    dl.compare({"a": lambda: dict(net=dl.MLP(2, [8], 3), optimizer=dl.SGD())}, (x, t),
               iterations=25, batch_size=10,                 # report_every=10: the default
               progress=lambda h, f: seen.append(h["a"].iterations))
    assert seen == [10, 20, 25]


# --- surfaces ----------------------------------------------------------------------------
def test_surfaces_gradients_match_numerical():
    for name in dl.SURFACES.names():
        s = dl.get_surface(name)
        p = np.array([0.3, -0.7])
        num = dl.numerical_gradient(lambda: s.value(p[0], p[1]), p)
        assert dl.relative_error(np.array(s.grad(*p)), num) < 1e-7, name


def test_optimizer_path_on_course_surface():
    walk = dl.optimizer_path(dl.SGD(lr=0.95), "ill_conditioned", start=(-7, 2), steps=30)
    path = walk.points
    assert path.shape == (31, 2) and tuple(path[0]) == (-7, 2) and walk.diverged_at is None
    assert walk.values == pytest.approx(path[:, 0] ** 2 / 20 + path[:, 1] ** 2)
    assert walk.lrs.tolist() == [0.95] * 30
    # y oscillates (factor 1 - 2 lr = -0.9 per step), x crawls (factor 1 - lr/10)
    assert path[1, 1] == pytest.approx(2 * (1 - 2 * 0.95))
    assert path[30, 0] == pytest.approx(-7 * (1 - 0.095) ** 30)
    blown = dl.optimizer_path(dl.SGD(lr=10.0), "ill_conditioned", steps=500)
    # y grows by |1 - 2 lr| = 19 per step: f passes 1e6 (f(start) + 1) at step 3
    assert blown.diverged_at == 3 and len(blown.points) == 4
    assert np.all(np.isfinite(blown.points))


class _Tilted:
    """f(x, y) = x, gradient (1, 0): SGD moves x by -lr per step; slope 0 gives a flat plane."""

    def __init__(self, slope=1.0):
        self.slope = slope

    def value(self, x, y):
        return self.slope * x

    def grad(self, x, y):
        return self.slope * np.ones_like(x), np.zeros_like(y)


def test_optimizer_path_blowup_limit_is_strict():
    # f(start) = 0: the limit is BLOWUP * 1; |f| = 1e6 (step 1) is not above it, 2e6 is
    walk = dl.optimizer_path(dl.SGD(lr=dl.surfaces.BLOWUP), _Tilted(), start=(0, 0), steps=5)
    assert walk.diverged_at == 2 and walk.points[:, 0].tolist() == [0.0, -1e6, -2e6]
    calm = dl.optimizer_path(dl.SGD(lr=0.1), "ill_conditioned", start=(0, 0), steps=5)
    assert calm.diverged_at is None and calm.values.tolist() == [0.0] * 6


def test_optimizer_path_noise_is_seeded_normal_gradient_noise():
    walk = dl.optimizer_path(dl.SGD(lr=0.5), _Tilted(0.0), start=(1, 2), steps=40, noise=0.3,
                             seed=7)
    kicks = np.random.default_rng(7).normal(0.0, 0.3, size=(40, 2))  # k-th row at step k
    np.testing.assert_allclose(walk.points, np.array([1.0, 2.0]) - 0.5 * np.vstack(
        [np.zeros((1, 2)), np.cumsum(kicks, axis=0)]), rtol=0, atol=1e-12)
    default = dl.optimizer_path(dl.SGD(lr=0.5), _Tilted(0.0), start=(1, 2), steps=40,
                                noise=0.3)
    assert np.array_equal(default.points, dl.optimizer_path(
        dl.SGD(lr=0.5), _Tilted(0.0), start=(1, 2), steps=40, noise=0.3, seed=0).points)
    assert not np.array_equal(default.points, walk.points)


# --- bad input ----------------------------------------------------------------------------
@pytest.mark.parametrize("make, message", [
    (lambda: dl.MLP(4, [3], 2, activation="swish"), "valid names: sigmoid, tanh, relu"),
    (lambda: dl.MLP(4, [3], 2, init="glorot"), "unknown initializer 'glorot'"),
    (lambda: dl.make_optimizer("adamgrad"), "valid names: sgd, momentum, adagrad"),
    (lambda: dl.SGD(lr=0), "lr must be > 0"),
    (lambda: dl.Adam(lr=-1e-3), "lr must be > 0"),
    (lambda: dl.MLP(4, [3], 2, dropout=1.0), "dropout p must be in [0, 1)"),
    (lambda: dl.MLP(4, [3], 2, dropout=-0.1), "dropout p must be in [0, 1)"),
    (lambda: dl.MLP(4, [3], 2, weight_decay=-1), "weight_decay (lambda) must be >= 0"),
    (lambda: dl.MLP(4, [0], 2), "hidden size must be >= 1"),
    (lambda: dl.MLP(0, [3], 2), "input_size must be >= 1"),
    (lambda: dl.MLP(4, [3], 2).predict(np.zeros((2, 5))), "x must have shape (batch, 4)"),
    (lambda: dl.MLP(4, [3], 2).loss(np.zeros((2, 4)), np.zeros(3, int)), "t must have 2 labels"),
    (lambda: dl.initialize("identity", (3, 4)), "square"),
    (lambda: dl.initialize("normal", (3, 4), std=-1), "std must be >= 0"),
    (lambda: dl.initialize("normal", (3, 4), value=1), "does not take"),
    (lambda: dl.StepLR(0.1, step_size=0), "step_size must be >= 1"),
    (lambda: dl.MultiStepLR(0.1, milestones=[50, 10]), "milestones must be increasing"),
    (lambda: dl.ExponentialLR(0.1, gamma=1.5), "gamma must be in (0, 1]"),
    (lambda: dl.Momentum(momentum=1.0), "momentum must be in [0, 1)"),
    (lambda: dl.get_surface("himmelblau"), "valid names: ill_conditioned"),
    (lambda: dl.MLP(4, [3], 2).loss(np.zeros((2, 4)), np.array([0, 2])), "labels t must be"),
    (lambda: dl.MLP(4, [3], 2).loss(np.zeros((2, 4)), np.array([0, -1])), "labels t must be"),
    (lambda: dl.initialize("xavier", (3, 4, 5)), "shape must be (n_in, n_out)"),
    (lambda: dl.train(dl.MLP(4, [3], 2), dl.SGD(), (np.zeros((5, 4)), np.zeros(5, int)),
                      epochs=float("inf")), "epochs must be an integer >= 1"),
    (lambda: dl.train(dl.MLP(4, [3], 2), dl.SGD(), (np.zeros((5, 4)), np.zeros(5, int)),
                      epochs=1, eval_samples=0), "eval_samples must be >= 1"),
    (lambda: dl.train(dl.MLP(4, [3], 2), dl.SGD(), (np.zeros((5, 4)), np.zeros(5, int)),
                      epochs=0), "epochs must be >= 1"),
    (lambda: dl.train(dl.MLP(4, [3], 2), dl.SGD(), (np.zeros((5, 4)), np.zeros(5, int)),
                      epochs=1, batch_size=0), "batch_size must be >= 1"),
])
def test_bad_input_raises_clear_value_error(make, message):
    with pytest.raises(ValueError) as info:
        make()
    assert message in str(info.value)


def test_import_does_not_load_plotting_or_widgets():
    import subprocess
    import sys
    code = ("import sys, dlskills; "
            "print('matplotlib' in sys.modules, 'ipywidgets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]


def test_accuracy_casts_the_data_batch_by_batch():
    """A float64 network measured on float32 digits casts one batch at a time: no float64
    copy of the whole data set (31 MB for the 4,000 bundled digits) is made, and the
    answer is the one for float64 data."""
    import tracemalloc

    rng = np.random.default_rng(0)
    net = dl.MLP(784, [8], 10, seed=0)
    x, t = rng.random((3000, 784), dtype=np.float32), rng.integers(0, 10, 3000)
    tracemalloc.start()
    try:
        acc = net.accuracy(x, t, batch_size=300)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < x.size * 8 / 4                 # a whole float64 copy: x.size * 8 bytes
    assert acc == net.accuracy(x.astype(np.float64), t)


def test_mlp_says_what_it_is_and_measures_in_evaluation_mode_by_default():
    """``repr`` names every option that is on; ``loss`` defaults to evaluation mode (no
    dropout, running BatchNorm statistics); a penalty with lambda = 1 is 1/2 sum W^2."""
    net = dl.MLP(4, [3, 3], 2, activation="tanh", init="normal", init_options={"std": 0.1},
                 batchnorm=True, dropout=0.5, weight_decay=0.1, residual=True)
    assert repr(net) == ("MLP(4 -> 3 -> 3 -> 2, activation='tanh', init='normal', "
                         "init_options={'std': 0.1}, batchnorm=True, dropout=0.5, "
                         "residual=True, weight_decay=0.1)")
    x, t = np.random.default_rng(0).normal(size=(6, 4)), np.arange(6) % 2
    assert net.loss(x, t) == net.loss(x, t, train=False) == net.loss(x, t)
    unit = dl.MLP(4, [3], 2, weight_decay=1.0, seed=0)
    squares = sum(float(np.sum(unit.params[k] ** 2)) for k in ("W1", "W2"))
    assert unit.weight_penalty() == pytest.approx(0.5 * squares)
