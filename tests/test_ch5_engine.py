"""Chapter 5's engine additions: residual blocks, gradient clipping, standardization."""

import numpy as np
import pytest

import dlskills as dl
from dlskills.layers import Affine, Fork, Join, ReLU
from tests.test_gradients import check_network

TOL = 1e-7


# --- residual blocks -----------------------------------------------------------------------
def test_fork_join_is_x_plus_branch_and_its_gradient_checks():
    rng = np.random.default_rng(0)
    fork = Fork()
    layers = [fork, Affine(rng.normal(size=(4, 4)), rng.normal(size=4)), ReLU(), Join(fork)]
    x, dout = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))

    def forward():
        out = x
        for layer in layers:
            out = layer.forward(out)
        return out

    out = forward()
    np.testing.assert_allclose(out, x + np.maximum(x @ layers[1].W + layers[1].b, 0))
    grad = dout
    for layer in reversed(layers):
        grad = layer.backward(grad)
    numeric = dl.numerical_gradient(lambda: float(np.sum(forward() * dout)), x)
    assert dl.relative_error(grad, numeric) < TOL


def test_join_needs_its_fork():
    with pytest.raises(TypeError, match="^fork must be the Fork that starts the block, "
                                        "got ReLU$"):
        Join(ReLU())


RESIDUAL_CASES = {
    "relu": dict(activation="relu", init="he"),
    "sigmoid": dict(activation="sigmoid", init=0.01),
    "relu+batchnorm": dict(activation="relu", init="he", batchnorm=True),
    "sigmoid+batchnorm": dict(activation="sigmoid", init="xavier", batchnorm=True),
    "everything": dict(activation="tanh", init="xavier", batchnorm=True, dropout=0.2,
                       weight_decay=0.05),
}


@pytest.mark.parametrize("case", list(RESIDUAL_CASES))
def test_residual_network_gradients(case):
    rng = np.random.default_rng(0)
    net = dl.MLP(6, [5, 5, 5], 3, seed=1, dtype=np.float64, residual=True,
                 **RESIDUAL_CASES[case])
    check_network(net, rng.normal(size=(8, 6)), rng.integers(0, 3, size=8), case)


def test_residual_forward_adds_each_hidden_layer_after_the_first_to_its_input():
    net = dl.MLP(3, [4, 4, 4], 2, activation="tanh", init="xavier", residual=True, seed=0)
    x = np.random.default_rng(0).normal(size=(5, 3))
    p = net.params
    h = np.tanh(x @ p["W1"] + p["b1"])               # the first layer changes the width
    for i in (2, 3):
        h = h + np.tanh(h) @ p[f"W{i}"] + p[f"b{i}"]  # pre-activation, nothing after the sum
    np.testing.assert_allclose(net.predict(x), h @ p["W4"] + p["b4"])
    assert [kind for kind, _, _ in net.layers] == [
        "affine", "activation", "fork", "activation", "affine", "join",
        "fork", "activation", "affine", "join", "affine"]
    two = dl.MLP(3, [4, 4], 2, residual=True)           # two hidden layers: one block
    assert [kind for kind, _, _ in two.layers].count("join") == 1
    plain = dl.MLP(3, [4, 4, 4], 2, activation="tanh", init="xavier", seed=0)
    assert not np.allclose(plain.predict(x), net.predict(x))
    assert repr(net) == ("MLP(3 -> 4 -> 4 -> 4 -> 2, activation='tanh', init='xavier', "
                         "residual=True)")
    assert "residual" not in repr(plain)


def test_residual_shortcut_carries_the_gradient_where_the_plain_net_loses_it():
    rng = np.random.default_rng(0)
    x, t = rng.random((50, 20)), rng.integers(0, 10, 50)
    norms = {}
    for residual in (False, True):
        net = dl.MLP(20, [30] * 20, 10, activation="sigmoid", init=0.01, residual=residual,
                     seed=0)
        grads = net.gradient(x, t)
        norms[residual] = np.linalg.norm(grads["W1"]) / np.linalg.norm(grads["W20"])
    assert norms[False] < 1e-10 < 1e-3 < norms[True]


@pytest.mark.parametrize("batchnorm", [False, True])
def test_residual_inspect_reports_every_layer(batchnorm):
    net = dl.MLP(6, [5, 5, 5], 2, activation="tanh", init="xavier", residual=True, seed=0,
                 batchnorm=batchnorm)
    x, t = np.random.default_rng(0).normal(size=(10, 6)), np.arange(10) % 2
    report = net.inspect(x, t)
    assert [p.shape for p in report.pre] == [(10, 5)] * 3
    for k in range(3):
        np.testing.assert_allclose(report.grad_pre[k],
                                   report.grad_post[k] * (1 - report.post[k] ** 2))
    assert report.loss == pytest.approx(net.loss(x, t, train=True))
    if batchnorm:
        return    # f sees BN(h): the sums below hold for the inputs of BN
    np.testing.assert_allclose(report.pre[1], report.post[0])   # block 2's f sees h1
    np.testing.assert_allclose(report.pre[2], report.pre[1] + report.post[1] @ net.params["W2"]
                               + net.params["b2"])   # block 3's f sees h2 = h1 + F(h1)
    np.testing.assert_allclose(report.post[2], np.tanh(report.pre[2]))
    # the shortcuts: dL/dh1 = dL/dh3 + block 3's branch + block 2's branch
    dh3 = net.loss_layer.backward() @ net.params["W4"].T
    np.testing.assert_allclose(report.grad_post[0],
                               dh3 + report.grad_pre[2] + report.grad_pre[1])


@pytest.mark.parametrize("hidden", [[5, 4], [5]])
def test_residual_needs_two_hidden_layers_of_one_width(hidden):
    with pytest.raises(ValueError, match=r"^residual=True needs at least 2 hidden layers of "
                                         r"one width .*got hidden sizes \[5"):
        dl.MLP(3, hidden, 2, residual=True)


# --- gradient clipping ---------------------------------------------------------------------
def grads_of(*values, dtype=np.float64):
    return {f"W{i}": np.array(v, dtype=dtype) for i, v in enumerate(values, start=1)}


def test_clip_by_norm_keeps_the_direction_and_cuts_the_length():
    grads = grads_of([3.0, 0.0], [[0.0, 4.0]])            # global norm 5
    clipped, total, acted = dl.clip_gradients(grads, 2.5)
    assert total == pytest.approx(5.0) and acted
    np.testing.assert_allclose(clipped["W1"], [1.5, 0.0])
    np.testing.assert_allclose(clipped["W2"], [[0.0, 2.0]])
    np.testing.assert_allclose(grads["W1"], [3.0, 0.0])   # the input is not changed
    same, total, acted = dl.clip_gradients(grads, 5.0)   # at the limit: nothing to do
    assert not acted and total == pytest.approx(5.0)
    np.testing.assert_array_equal(same["W2"], grads["W2"])
    assert dl.clip_gradients(grads_of([3.0], dtype=np.float32), 1.0)[0]["W1"].dtype == np.float32


def test_clip_by_value_cuts_each_entry_alone_and_turns_the_direction():
    grads = grads_of([3.0, 0.5], [[-4.0, 0.2]])
    clipped, total, acted = dl.clip_gradients(grads, 1.0, by="value")
    assert acted and total == pytest.approx(np.sqrt(9 + 0.25 + 16 + 0.04))
    np.testing.assert_allclose(clipped["W1"], [1.0, 0.5])
    np.testing.assert_allclose(clipped["W2"], [[-1.0, 0.2]])
    assert not dl.clip_gradients(grads, 4.0, by="value")[2]
    assert dl.clip_gradients(grads, 3.999, by="value")[2]


@pytest.fixture(scope="module")
def blobs():
    return dl.datasets.toy.make_blobs(100, n_classes=3, seed=0)


@pytest.mark.parametrize("optimizer, by", [("sgd", "norm"), ("momentum", "norm"),
                                           ("adagrad", "norm"), ("rmsprop", "norm"),
                                           ("adam", "norm"), ("sgd", "value")])
def test_train_steps_with_the_clipped_gradients(blobs, optimizer, by):
    x, t = blobs

    def build():
        return dl.MLP(2, [8], 3, seed=0), dl.make_optimizer(optimizer, lr=0.1)

    net, opt = build()
    history = dl.train(net, opt, (x, t), iterations=3, batch_size=len(t), clip=0.05,
                       clip_by=by)
    ref, ref_opt = build()
    for _ in range(3):                               # the same steps by hand
        grads, total, acted = dl.clip_gradients(ref.gradient(x, t), 0.05, by=by)
        ref_opt.update(ref.params, grads)
    for key in net.params:
        np.testing.assert_allclose(net.params[key], ref.params[key], rtol=1e-12)
    assert len(history.grad_total) == len(history.clipped) == 3 == len(history.loss)
    assert all(history.clipped) and history.grad_total[-1] == pytest.approx(total)


def test_train_records_when_clipping_acts_and_nothing_without_clip(blobs):
    x, t = blobs
    history = dl.train(dl.MLP(2, [8], 3, seed=0), dl.SGD(0.1), (x, t), iterations=20,
                       batch_size=20, clip=0.5, clip_by="value")
    assert len(history.clipped) == 20 and any(history.clipped) and not all(history.clipped)
    plain = dl.train(dl.MLP(2, [8], 3, seed=0), dl.SGD(0.1), (x, t), iterations=5)
    assert plain.grad_total == [] and plain.clipped == []
    # a run that ends inside an epoch is still measured at its end, clipped or not
    cut = dl.train(dl.MLP(2, [8], 3, seed=0), dl.SGD(0.1), (x, t), iterations=7,
                   batch_size=20, clip=0.5)
    per_epoch = -(-len(t) // 20)
    assert per_epoch > 7 and cut.epochs == [0, 7 / per_epoch] and len(cut.train_acc) == 2


def test_clipping_rescues_a_run_that_diverges_without_it(blobs):
    x, t = blobs
    runs = {clip: dl.train(dl.MLP(2, [50] * 6, 3, activation="relu", init=1.0, seed=0),
                           dl.SGD(0.5), (x, t), iterations=100, batch_size=20, clip=clip)
            for clip in (None, 1.0)}
    assert runs[None].diverged
    assert runs[1.0].status == "completed" and runs[1.0].loss[-1] < runs[1.0].loss[0]


# --- standardization -----------------------------------------------------------------------
def test_standardizer_fits_on_the_training_data_only():
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, size=(500, 4)).astype(np.float32)
    x[:, 3] = 0.0
    x[0, 3] = 0.01                                    # a nearly constant input
    scale = dl.Standardizer(x)
    z = scale(x)
    assert z.dtype == np.float32
    np.testing.assert_allclose(z[:, :3].mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(z[:, :3].std(axis=0), 1, atol=1e-5)
    assert np.abs(z[:, 3]).max() < 0.1 + 1e-6        # divided by min_std, not by ~4e-4
    other = rng.normal(10.0, 1.0, size=(50, 4))
    np.testing.assert_allclose(scale(other), (other - x.mean(0)) / np.maximum(x.std(0), 0.1),
                               rtol=1e-5)             # the training statistics, not refitted
    assert scale(np.zeros((2, 4), dtype=np.uint8)).dtype == np.float32
    assert dl.Standardizer(x, min_std=1e-6)(x)[0, 3] > 10
    assert scale(x.astype(np.float64)).dtype == np.float64
    two = dl.Standardizer(np.array([[0.0, 1.0], [2.0, 1.0]]))    # 2 samples are enough
    np.testing.assert_allclose(two(np.array([[1.0, 1.0]])), [[0.0, 0.0]])
