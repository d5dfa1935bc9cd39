"""Every backward pass against a central-difference numerical gradient (float64)."""

import numpy as np
import pytest

import dlskills as dl
from dlskills.layers import Affine, BatchNorm, Dropout, ReLU, Sigmoid, SoftmaxWithLoss, Tanh

TOL = 1e-7


def check_layer(layer, x, params=(), dout=None, train=True):
    """Compare dL/dx and dL/dparam of L = sum(out * dout) for one layer."""
    rng = np.random.default_rng(1)
    out = layer.forward(x, train)
    dout = rng.normal(size=out.shape) if dout is None else dout

    def loss():
        return float(np.sum(layer.forward(x, train) * dout))

    layer.forward(x, train)
    dx = layer.backward(dout)
    analytic = {"x": dx}
    analytic.update({name: getattr(layer, "d" + name) for name in params})
    targets = {"x": x}
    targets.update({name: getattr(layer, name) for name in params})
    for name, array in targets.items():
        numeric = dl.numerical_gradient(loss, array)
        err = dl.relative_error(analytic[name], numeric)
        assert err < TOL, f"{type(layer).__name__} d{name}: relative error {err:.2e}"


def test_affine():
    rng = np.random.default_rng(0)
    check_layer(Affine(rng.normal(size=(5, 4)), rng.normal(size=4)),
                rng.normal(size=(3, 5)), params=("W", "b"))


def test_affine_flattens_images():
    rng = np.random.default_rng(0)
    layer = Affine(rng.normal(size=(12, 3)), rng.normal(size=3))
    x = rng.normal(size=(2, 1, 3, 4))
    assert layer.forward(x).shape == (2, 3)
    assert layer.backward(np.ones((2, 3))).shape == x.shape


@pytest.mark.parametrize("layer_cls", [Sigmoid, Tanh, ReLU])
def test_activation_layers(layer_cls):
    x = np.random.default_rng(0).normal(size=(4, 6))
    x[np.abs(x) < 1e-3] = 0.5  # keep ReLU away from its kink at 0
    check_layer(layer_cls(), x)


def test_batchnorm_training():
    rng = np.random.default_rng(0)
    bn = BatchNorm(rng.normal(size=4), rng.normal(size=4))
    check_layer(bn, rng.normal(2.0, 3.0, size=(6, 4)), params=("gamma", "beta"))


def test_batchnorm_evaluation_is_affine_in_x():
    rng = np.random.default_rng(0)
    bn = BatchNorm(rng.normal(size=3), rng.normal(size=3))
    bn.forward(rng.normal(size=(8, 3)), train=True)
    x = rng.normal(size=(5, 3))
    out = bn.forward(x, train=False)
    expected = bn.gamma * (x - bn.running_mean) / np.sqrt(bn.running_var + 1e-5) + bn.beta
    np.testing.assert_allclose(out, expected)


def test_dropout_with_fixed_mask():
    layer = Dropout(0.4, rng=3)
    x = np.random.default_rng(0).normal(size=(5, 7))
    layer.forward(x)
    layer.fixed_mask = True
    check_layer(layer, x)


def test_softmax_with_loss_labels_and_one_hot():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 5))
    labels = np.array([0, 3, 1, 4])
    for t in (labels, np.eye(5)[labels]):
        layer = SoftmaxWithLoss()
        layer.forward(x, t)
        dx = layer.backward()
        numeric = dl.numerical_gradient(lambda: layer.forward(x, t), x)
        assert dl.relative_error(dx, numeric) < TOL


NET_CASES = {
    "sigmoid": dict(activation="sigmoid", init="xavier"),
    "tanh": dict(activation="tanh", init="xavier"),
    "relu": dict(activation="relu", init="he"),
    "batchnorm": dict(activation="relu", init="he", batchnorm=True),
    "dropout": dict(activation="tanh", init="xavier", dropout=0.3),
    "weight_decay": dict(activation="sigmoid", init="xavier", weight_decay=0.1),
    "everything": dict(activation="relu", init="he", batchnorm=True, dropout=0.2,
                       weight_decay=0.05),
}


def check_network(net, x, t, case):
    """Every parameter's backpropagated gradient against the numerical one (float64)."""
    net.loss_and_gradient(x, t)  # draws the dropout masks
    net.fix_dropout_masks()
    grads = net.gradient(x, t)
    assert set(grads) == set(net.params)
    # batch norm subtracts the batch mean, so a bias right before it has no effect: its
    # true gradient is 0 and the numerical one is rounding noise
    before_bn = {f"b{i}" for (kind, i, _), (after, _, _) in zip(net.layers, net.layers[1:])
                 if kind == "affine" and after == "batchnorm"}
    for key, param in net.params.items():
        numeric = dl.numerical_gradient(lambda: net.loss(x, t, train=True), param)
        if key in before_bn:
            assert np.max(np.abs(grads[key])) < 1e-12 and np.max(np.abs(numeric)) < 1e-8, key
            continue
        err = dl.relative_error(grads[key], numeric)
        assert err < TOL, f"{case}: {key} relative error {err:.2e}"


@pytest.mark.parametrize("case", list(NET_CASES))
def test_whole_network(case):
    rng = np.random.default_rng(0)
    net = dl.MLP(6, [5, 4], 3, seed=1, dtype=np.float64, **NET_CASES[case])
    check_network(net, rng.normal(size=(8, 6)), rng.integers(0, 3, size=8), case)


def test_relative_error_detects_a_wrong_gradient():
    a = np.array([1.0, 2.0, 3.0])
    assert dl.relative_error(a, a) == 0
    assert dl.relative_error(a, a * (1 + 1e-4)) > TOL
