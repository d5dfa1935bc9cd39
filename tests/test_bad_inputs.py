"""Every public door of the engine checks what comes in (issue 10).

The table is the spec: one row per bad input, with what happened before the checks were
added (for the record) and what must happen now: the exception type, and a regular
expression that the message must match. The expressions are anchored at the start of the
message and spell out the argument's name and what is allowed, so a message that names
neither fails. Engine messages are for programmers and stay in English.
"""

import re
import warnings

import numpy as np
import pytest

import dlskills as dl
from dlskills._checks import Registry, check_labels, check_number
from dlskills.surfaces import optimizer_path, start_point

X = np.random.default_rng(0).normal(size=(8, 4))
T = np.arange(8) % 3


def net(**settings):
    return dl.MLP(4, [5], 3, **{"seed": 0, **settings})


def train(*args, **settings):
    """dl.train on a small network, data and SGD unless the arguments say otherwise."""
    args = args or (net(), dl.SGD(0.1), (X, T))
    return dl.train(*args, **{"iterations": 1, **settings})


def squares(x):
    return lambda: float((x ** 2).sum())


def update(params, grads, optimizer=None):
    (optimizer or dl.SGD(0.1)).update(params, grads)


def with_nan(array, index=(0, 0)):
    array = array.copy()
    array[index] = np.nan
    return array


# (case, before, call, exception, message pattern)
CASES = [
    # --- silently accepted before
    ("numerical_gradient on an integer array", "accepted: [250000, 350000] for [6, 8]",
     lambda: (lambda x: dl.numerical_gradient(squares(x), x))(np.array([3, 4])),
     TypeError, r"^x must be a floating-point array .*, got int64 array$"),
    ("MLP(batchnorm='no')", "accepted: batch norm on",
     lambda: net(batchnorm="no"), ValueError, r"^batchnorm must be True or False, got 'no'"),
    ("MLP(batchnorm=1)", "accepted: batch norm on",
     lambda: net(batchnorm=1), ValueError, r"^batchnorm must be True or False"),
    ("accuracy with float labels", "accepted: no float equals a class, accuracy 0",
     lambda: net().accuracy(X, T + 0.7), TypeError, r"^t must be integer class numbers 0\.\.2"),
    ("accuracy with out-of-range labels", "accepted: counted as wrong",
     lambda: net().accuracy(X, T + 5), ValueError, r"^labels t must be class numbers 0\.\.2"),
    ("accuracy with negative labels", "accepted: counted as wrong",
     lambda: net().accuracy(X, T - 1), ValueError, r"^labels t must be class numbers 0\.\.2"),
    ("loss with float labels", "accepted: 3.7 read as class 3",
     lambda: net().loss(X, T + 0.7), TypeError, r"^t must be integer class numbers"),
    ("initialize(dtype=np.int32)", "accepted: integer weights",
     lambda: dl.initialize("he", (3, 3), 0, np.int32), ValueError,
     r"^dtype must be a floating-point type"),
    ("opt.update with a scalar gradient", "accepted: broadcast to every weight",
     lambda: update({"W": np.ones(3)}, {"W": 1.0}), ValueError,
     r"^grads\['W'\] must be an array of the shape of params\['W'\], \(3,\), got float"),
    ("opt.update with a (1, n) gradient for an (n,) parameter", "numpy broadcast error",
     lambda: update({"W": np.ones(3)}, {"W": np.ones((1, 3))}), ValueError,
     r"^grads\['W'\] must be an array of the shape .*got shape \(1, 3\)"),
    ("NaN in the data passed to train", "accepted: 'diverged at iteration 1'",
     lambda: train(net(), dl.SGD(0.1), (with_nan(X, (3, 1)), T)), ValueError,
     r"^train_data x contains NaN or infinite values \(first in sample 3\)"),
    ("inf in the test data passed to train", "accepted: accuracy of garbage",
     lambda: train(net(), dl.SGD(0.1), (X, T), (X * np.inf, T)), ValueError,
     r"^test_data x contains NaN or infinite values"),
    ("optimizer_path from a NaN start", "accepted: a path of one NaN point",
     lambda: optimizer_path(dl.SGD(0.1), "saddle", start=(np.nan, 0.0)), ValueError,
     r"^start x must be a number, got nan"),
    ("optimizer_path from an infinite start", "accepted: a path of one point",
     lambda: optimizer_path(dl.SGD(0.1), "saddle", start=(0.0, -np.inf)), ValueError,
     r"^start y must be a number, got -inf"),
    ("relative_error with NaN", "accepted: nan",
     lambda: dl.relative_error(np.array([np.nan]), np.array([1.0])), ValueError,
     r"^relative_error: a contains NaN or infinite values"),
    ("relative_error with inf in b", "accepted: nan and a RuntimeWarning",
     lambda: dl.relative_error(np.array([1.0]), np.array([np.inf])), ValueError,
     r"^relative_error: b contains NaN or infinite values"),
    ("a BatchNorm network training on a batch of 1", "accepted: every gradient 0",
     lambda: net(batchnorm=True).gradient(X[:1], T[:1]), ValueError,
     r"^x must hold at least 2 samples when a network with BatchNorm trains "
     r"\(batch statistics of 1 sample are 0\), got 1$"),
    ("a BatchNorm network's training-mode predict on 1 sample", "accepted: output = beta",
     lambda: net(batchnorm=True).predict(X[:1], train=True), ValueError,
     r"^x must hold at least 2 samples when a network with BatchNorm trains"),
    ("train a BatchNorm net whose last batch has 1 sample", "accepted: zero gradients",
     lambda: train(net(batchnorm=True), dl.SGD(0.1), (X[:7], T[:7]), batch_size=3),
     ValueError, r"^batch_size 3 makes a batch of 1 of the 7 training samples"),
    ("schedule built on a number passed to train", "accepted: the lr never changed",
     lambda: train(net(), dl.SGD(0.1), (X, T), epochs=1, iterations=None,
                   schedule=dl.StepLR(0.1, 1)), ValueError,
     r"^schedule must be built on the optimizer it should drive, e\.g\. "
     r"dl\.StepLR\(optimizer, \.\.\.\); this one drives None, not SGD\(lr=0\.1\)$"),
    ("train(accuracy='no')", "accepted: accuracy measured",
     lambda: train(accuracy="no"), ValueError, r"^accuracy must be True or False"),
    ("train(record_layers='no')", "accepted: norms recorded",
     lambda: train(record_layers="no"), ValueError, r"^record_layers must be True or False"),
    ("train(check_finite='no')", "new keyword",
     lambda: train(check_finite="no"), ValueError, r"^check_finite must be True or False"),
    # --- unhelpful errors from numpy / Python internals before
    ("MLP(seed='a')", "TypeError: SeedSequence expects int ...",
     lambda: net(seed="a"), ValueError,
     r"^seed must be None, an integer >= 0 or a numpy.random.Generator, got 'a'"),
    ("MLP(seed=-1)", "ValueError: expected non-negative integer",
     lambda: net(seed=-1), ValueError, r"^seed must be None, an integer >= 0"),
    ("MLP(seed=1.5)", "TypeError: SeedSequence expects int ...",
     lambda: net(seed=1.5), ValueError, r"^seed must be None, an integer >= 0"),
    ("MLP(seed=True)", "accepted: seed 1",
     lambda: net(seed=True), ValueError, r"^seed must be None, an integer >= 0"),
    ("initialize(rng='x')", "TypeError: SeedSequence expects int ...",
     lambda: dl.initialize("he", (3, 3), "x"), ValueError, r"^rng must be None, an integer"),
    ("Dropout(rng='x')", "TypeError: SeedSequence expects int ...",
     lambda: dl.Dropout(0.5, rng="x"), ValueError, r"^rng must be None, an integer"),
    ("train(seed='x')", "TypeError: SeedSequence expects int ...",
     lambda: train(seed="x"), ValueError, r"^seed must be None, an integer"),
    ("make_blobs(seed='x')", "ValueError: seed must be an integer >= 0 (clear already)",
     lambda: dl.datasets.make_blobs(seed="x"), ValueError, r"^seed must be None, an integer"),
    ("string labels in loss", "UFuncTypeError: ufunc 'minimum' ...",
     lambda: net().loss(X, T.astype(str)), TypeError, r"^t must be integer class numbers"),
    ("string labels in accuracy", "accepted: accuracy 0",
     lambda: net().accuracy(X, T.astype(str)), TypeError, r"^t must be integer class numbers"),
    ("string labels in train", "UFuncTypeError",
     lambda: train(net(), dl.SGD(0.1), (X, T.astype(str))), TypeError,
     r"^train_data t must be integer class numbers"),
    ("float labels in softmax_cross_entropy", "IndexError: arrays used as indices ...",
     lambda: dl.softmax_cross_entropy(X[:, :3], T + 0.5), TypeError,
     r"^t must be integer class numbers"),
    ("string inputs x", "accepted: the strings parsed as numbers",
     lambda: net().predict(X.astype(str)), TypeError, r"^x must be a numeric array"),
    ("an empty batch in loss", "ValueError: cannot reshape array of size 0",
     lambda: net().loss(X[:0], T[:0]), ValueError, r"^x must have shape .*at least one sample"),
    ("an empty batch in gradient", "ValueError: cannot reshape array of size 0",
     lambda: net().gradient(X[:0], T[:0]), ValueError, r"^x must have shape .*at least one"),
    ("an empty training set", "ZeroDivisionError: division by zero",
     lambda: train(net(), dl.SGD(0.1), (X[:0], T[:0])), ValueError,
     r"^train_data x must have shape \(samples, \.\.\.\) with at least one sample, "
     r"got \(0, 4\)$"),
    ("train_data x of one dimension", "ValueError from deep inside the first step",
     lambda: train(net(), dl.SGD(0.1), (X[:, 0], T)), ValueError,
     r"^train_data x must have shape \(samples, \.\.\.\)"),
    ("train_data of three arrays", "ValueError: too many values to unpack",
     lambda: train(net(), dl.SGD(0.1), (X, T, T)), TypeError,
     r"^train_data must be a pair \(x, t\) of inputs and labels, got tuple$"),
    ("accuracy(batch_size=0)", "ValueError: range() arg 3 must not be zero",
     lambda: net().accuracy(X, T, batch_size=0), ValueError, r"^batch_size must be >= 1"),
    ("accuracy(batch_size=2.5)", "TypeError: 'float' object cannot be interpreted as an int",
     lambda: net().accuracy(X, T, batch_size=2.5), ValueError,
     r"^batch_size must be an integer >= 1, got 2.5$"),
    ("accuracy with the wrong label count", "ValueError: operands could not be broadcast",
     lambda: net().accuracy(X, T[:5]), ValueError, r"^t must have 8 labels \(one per sample\)"),
    ("train with the wrong label count", "ValueError: x has 8 samples but t has 5",
     lambda: train(net(), dl.SGD(0.1), (X, T[:5])), ValueError,
     r"^train_data t must have 8 labels"),
    ("test data with the wrong label count", "ValueError: operands could not be broadcast",
     lambda: train(net(), dl.SGD(0.1), (X, T), (X, T[:3])), ValueError,
     r"^test_data t must have 8 labels"),
    ("one-hot labels of the wrong width", "ValueError: t must have shape (8, 3)",
     lambda: net().loss(X, np.ones((8, 2))), ValueError, r"^t must be .*got shape \(8, 2\)"),
    ("opt.update with a missing key", "KeyError: 'b'",
     lambda: update({"W": np.ones(3), "b": np.ones(1)}, {"W": np.ones(3)}), ValueError,
     r"^grads must have the keys of params: missing \['b'\], unexpected \[\]"),
    ("opt.update with an unknown key", "accepted: the gradient was ignored",
     lambda: update({"W": np.ones(3)}, {"W": np.ones(3), "w": np.ones(3)}), ValueError,
     r"^grads must have the keys of params: missing \[\], unexpected \['w'\]"),
    ("opt.update with a transposed gradient", "ValueError: operands could not be broadcast",
     lambda: update({"W": np.ones((2, 3))}, {"W": np.ones((3, 2))}), ValueError,
     r"^grads\['W'\] must be an array of the shape of params\['W'\], \(2, 3\), got shape"),
    ("opt.update with integer parameters", "UFuncTypeError: Cannot cast ufunc 'subtract'",
     lambda: update({"W": np.ones(3, int)}, {"W": np.ones(3)}), TypeError,
     r"^params\['W'\] must be a floating-point numpy array .*got int64 array"),
    ("Adam.update with integer parameters", "UFuncTypeError: Cannot cast ufunc 'add'",
     lambda: update({"W": np.ones(3, int)}, {"W": np.ones(3)}, dl.Adam()), TypeError,
     r"^params\['W'\] must be a floating-point numpy array"),
    ("opt.update with lists", "TypeError: can't multiply sequence by non-int",
     lambda: update({"W": [1.0, 2.0]}, {"W": [1.0, 2.0]}), TypeError,
     r"^params\['W'\] must be a floating-point numpy array .*got list"),
    ("opt.update(params, None)", "TypeError: 'NoneType' object is not subscriptable",
     lambda: update({"W": np.ones(3)}, None), TypeError,
     r"^grads must be a dict of numpy arrays \(such as net.params\), got NoneType$"),
    ("opt.update(params, a list of grads)", "TypeError: list indices must be integers",
     lambda: update({"W": np.ones(3)}, [np.ones(3)]), TypeError,
     r"^grads must be a dict of numpy arrays \(such as net.params\), got list$"),
    ("opt.update(None, grads)", "AttributeError: 'NoneType' object has no attribute 'items'",
     lambda: update(None, {"W": np.ones(3)}), TypeError, r"^params must be a dict of numpy"),
    ("MultiStepLR(0.1, 10)", "TypeError: 'int' object is not iterable",
     lambda: dl.MultiStepLR(0.1, 10), TypeError, r"^milestones must be a list of epochs"),
    ("MultiStepLR(0.1, '10')", "ValueError: milestone must be an integer >= 1, got '1'",
     lambda: dl.MultiStepLR(0.1, "10"), TypeError, r"^milestones must be a list of epochs"),
    ("ExponentialLR('adam')", "AttributeError: 'str' object has no attribute 'lr'",
     lambda: dl.ExponentialLR("adam", 0.9), TypeError,
     r"^optimizer_or_lr must be an optimizer such as dl\.SGD\(0\.1\) or a base learning "
     r"rate \(a number\), got str 'adam'$"),
    ("StepLR(0, 1): a zero base lr", "ValueError (already clear)",
     lambda: dl.StepLR(0, 1), ValueError, r"^base lr must be > 0, got 0$"),
    ("MultiStepLR(0.1, [0])", "ValueError (already clear)",
     lambda: dl.MultiStepLR(0.1, [0]), ValueError, r"^milestone must be >= 1, got 0$"),
    ("MultiStepLR(0.1, [2.5])", "ValueError (already clear)",
     lambda: dl.MultiStepLR(0.1, [2.5]), ValueError, r"^milestone must be an integer"),
    ("MultiStepLR(gamma=0)", "ValueError (already clear)",
     lambda: dl.MultiStepLR(0.1, [2], gamma=0), ValueError,
     r"^gamma must be in \(0, 1\], got 0$"),
    ("MultiStepLR(gamma=1.5)", "ValueError (already clear)",
     lambda: dl.MultiStepLR(0.1, [2], gamma=1.5), ValueError, r"^gamma must be in \(0, 1\]"),
    # --- exact messages of the schedule, BatchNorm and surface doors (mutmut survivors)
    ("StepLR(step_size=2.5)", "ValueError (already clear)",
     lambda: dl.StepLR(0.1, 2.5), ValueError, r"^step_size must be an integer >= 1, got 2\.5$"),
    ("StepLR(step_size=0)", "ValueError (already clear)",
     lambda: dl.StepLR(0.1, 0), ValueError, r"^step_size must be >= 1, got 0$"),
    ("StepLR(gamma=0)", "ValueError (already clear)",
     lambda: dl.StepLR(0.1, 2, gamma=0), ValueError, r"^gamma must be in \(0, 1\], got 0$"),
    ("StepLR(gamma=1.5)", "ValueError (already clear)",
     lambda: dl.StepLR(0.1, 2, gamma=1.5), ValueError,
     r"^gamma must be in \(0, 1\], got 1\.5$"),
    ("StepLR(gamma='x')", "ValueError (already clear)",
     lambda: dl.StepLR(0.1, 2, gamma="x"), ValueError,
     r"^gamma must be a number in \(0, 1\], got 'x'$"),
    ("schedule.lr_at(1.5)", "ValueError (already clear)",
     lambda: dl.StepLR(0.1, 2).lr_at(1.5), ValueError,
     r"^epoch must be an integer >= 0, got 1\.5$"),
    ("schedule.lr_at(-1)", "ValueError (already clear)",
     lambda: dl.StepLR(0.1, 2).lr_at(-1), ValueError, r"^epoch must be >= 0, got -1$"),
    ("schedule.values(0)", "ValueError (already clear)",
     lambda: dl.StepLR(0.1, 2).values(0), ValueError, r"^n_epochs must be >= 1, got 0$"),
    ("schedule.values(2.5)", "ValueError (already clear)",
     lambda: dl.StepLR(0.1, 2).values(2.5), ValueError,
     r"^n_epochs must be an integer >= 1, got 2\.5$"),
    ("BatchNorm(momentum=1.5)", "ValueError (already clear)",
     lambda: dl.layers.BatchNorm(np.ones(4), np.zeros(4), momentum=1.5), ValueError,
     r"^momentum must be in \[0, 1\], got 1\.5$"),
    ("BatchNorm(momentum=-0.1)", "ValueError (already clear)",
     lambda: dl.layers.BatchNorm(np.ones(4), np.zeros(4), momentum=-0.1), ValueError,
     r"^momentum must be in \[0, 1\], got -0\.1$"),
    ("BatchNorm(momentum='x')", "ValueError (already clear)",
     lambda: dl.layers.BatchNorm(np.ones(4), np.zeros(4), momentum="x"), ValueError,
     r"^momentum must be a number in \[0, 1\], got 'x'$"),
    ("BatchNorm(eps=0)", "ValueError (already clear)",
     lambda: dl.layers.BatchNorm(np.ones(4), np.zeros(4), eps=0), ValueError, r"^eps must be > 0, got 0$"),
    ("BatchNorm(eps='x')", "ValueError (already clear)",
     lambda: dl.layers.BatchNorm(np.ones(4), np.zeros(4), eps="x"), ValueError, r"^eps must be a number > 0, got 'x'$"),
    ("optimizer_path(seed='x') without noise", "accepted: the seed was read only with noise",
     lambda: optimizer_path(dl.SGD(0.1), "saddle", seed="x"), ValueError,
     r"^seed must be None, an integer >= 0 or a numpy\.random\.Generator, got 'x'$"),
    ("StepLR(None)", "AttributeError: 'NoneType' object has no attribute 'lr'",
     lambda: dl.StepLR(None, 3), TypeError, r"^optimizer_or_lr must be an optimizer"),
    ("train(net, 'adam', ...)", "AttributeError: 'str' object has no attribute 'lr'",
     lambda: train(net(), "adam", (X, T)), TypeError,
     r"^optimizer must be an optimizer object such as dl\.Adam\(\) "
     r"\(dl\.make_optimizer\('adam'\) makes one from a name\), got str 'adam'$"),
    ("train('mlp', ...)", "AttributeError: 'str' object has no attribute 'params'",
     lambda: train("mlp", dl.SGD(0.1), (X, T)), TypeError,
     r"^net must be a network such as dl\.MLP\(\), got str 'mlp'$"),
    ("train(schedule='step')", "AttributeError: 'str' object has no attribute 'step'",
     lambda: train(schedule="step"), TypeError,
     r"^schedule must be a schedule object built on the optimizer, such as "
     r"dl\.StepLR\(optimizer, step_size=20, gamma=0\.7\), got str 'step'$"),
    ("train(callbacks=None)", "TypeError: 'NoneType' object is not iterable",
     lambda: train(callbacks=None), TypeError, r"^callbacks must be a list of functions"),
    ("train(callbacks=f) without a list", "TypeError: '...function...' object is not "
     "iterable",
     lambda: train(callbacks=print), TypeError, r"^callbacks must be a list of functions"),
    ("train(callbacks=['stop'])", "TypeError: 'str' object is not callable",
     lambda: train(callbacks=["stop"]), TypeError, r"^callbacks must be a list of functions"),
    ("train(history={})", "AttributeError: 'dict' object has no attribute 'status'",
     lambda: train(history={}), TypeError, r"^history must be None or a History, got dict$"),
    ("train_data not a pair", "ValueError: too many values to unpack",
     lambda: train(net(), dl.SGD(0.1), X), TypeError,
     r"^train_data must be a pair \(x, t\) of inputs and labels, got ndarray$"),
    ("train_data x a list", "AttributeError: 'list' object has no attribute 'shape'",
     lambda: train(net(), dl.SGD(0.1), (X.tolist(), T)), TypeError,
     r"^train_data x must be a numeric numpy array, got list"),
    ("numerical_gradient with h=0", "ZeroDivisionError: float division by zero",
     lambda: dl.numerical_gradient(squares(np.ones(2)), np.ones(2), h=0), ValueError,
     r"^h must be > 0, got 0"),
    ("numerical_gradient with f returning an array", "ValueError: setting an array "
     "element with a sequence", lambda: (lambda x: dl.numerical_gradient(lambda: x ** 2, x))(
         np.ones(2)), ValueError,
     r"^f must return a single number \(the loss\), got an array of shape \(2,\)$"),
    ("numerical_gradient with f not a function", "TypeError: 'float' object is not callable",
     lambda: dl.numerical_gradient(1.0, np.ones(2)), TypeError,
     r"^f must be a function of no arguments returning a number, got float$"),
    ("numerical_gradient on a strided view", "ValueError (already clear)",
     lambda: dl.numerical_gradient(lambda: 0.0, np.ones((3, 4))[:, :2]), ValueError,
     r"^numerical_gradient needs a contiguous array x it can change in place$"),
    ("relative_error of different shapes", "ValueError (already clear)",
     lambda: dl.relative_error(np.ones(2), np.ones(3)), ValueError,
     r"^cannot compare arrays of shapes \(2,\) and \(3,\)$"),
    ("Dropout(p=1)", "ValueError (already clear)",
     lambda: dl.Dropout(1.0), ValueError, r"^dropout p must be in \[0, 1\), got 1.0$"),
    ("Dropout(p=-0.1)", "ValueError (already clear)",
     lambda: dl.Dropout(-0.1), ValueError, r"^dropout p must be in \[0, 1\), got -0.1$"),
    ("optimizer_path('sgd', ...)", "AttributeError: 'str' object has no attribute 'update'",
     lambda: optimizer_path("sgd", "saddle"), TypeError,
     r"^optimizer must be an optimizer such as dl\.SGD\(0\.1\), got str 'sgd'$"),
    ("optimizer_path(steps=-1)", "ValueError (already clear)",
     lambda: optimizer_path(dl.SGD(0.1), "saddle", steps=-1), ValueError,
     r"^steps must be an integer >= 0|^steps must be >= 0, got -1$"),
    ("optimizer_path(steps=1.5)", "ValueError (already clear)",
     lambda: optimizer_path(dl.SGD(0.1), "saddle", steps=1.5), ValueError,
     r"^steps must be an integer >= 0, got 1.5$"),
    ("optimizer_path from a 3-D start", "ValueError: too many values to unpack",
     lambda: optimizer_path(dl.SGD(0.1), "saddle", start=(1, 2, 3)), ValueError,
     r"^start must be a point \(x, y\)"),
    ("MLP(4.5, ...)", "ValueError (already clear)", lambda: dl.MLP(4.5, [3], 2), ValueError,
     r"^input_size must be an integer >= 1, got 4.5$"),
    ("MLP hidden size 2.5", "ValueError (already clear)", lambda: dl.MLP(4, [2.5], 2),
     ValueError, r"^hidden size must be an integer >= 1, got 2.5$"),
    ("MLP(output_size=0)", "ValueError (already clear)", lambda: dl.MLP(4, [3], 0),
     ValueError, r"^output_size must be >= 1, got 0$"),
    ("MLP(output_size=2.5)", "ValueError (already clear)", lambda: dl.MLP(4, [3], 2.5),
     ValueError, r"^output_size must be an integer >= 1, got 2.5$"),
    ("MLP(init=-1)", "ValueError (already clear)", lambda: dl.MLP(4, [3], 2, init=-1),
     ValueError, r"^init \(weight scale\) must be >= 0, got -1$"),
    ("MLP(dtype=np.int32)", "ValueError (already clear)",
     lambda: dl.MLP(4, [3], 2, dtype=np.int32), ValueError, r"^dtype must be a floating"),
    ("initialize with n_in 0", "ValueError (already clear)",
     lambda: dl.initialize("he", (0, 3)), ValueError, r"^n_in must be >= 1, got 0$"),
    ("initialize with n_out 2.5", "ValueError (already clear)",
     lambda: dl.initialize("he", (3, 2.5)), ValueError,
     r"^n_out must be an integer >= 1, got 2.5$"),
    ("x of the wrong width", "ValueError (already clear)",
     lambda: dl.MLP(4, [6], 3).predict(np.zeros((2, 5))), ValueError,
     r"^x must have shape \(batch, 4\) \(or \(batch, \.\.\.\) with 4 values per sample\) "
     r"and at least one sample, got \(2, 5\)$"),
    ("MLP(init_options='x')", "ValueError: dictionary update sequence element #0 ...",
     lambda: net(init="normal", init_options="x"), TypeError, r"^init_options must be a dict"),
    ("initialize with a shape that is a number", "TypeError: 'int' object is not iterable",
     lambda: dl.initialize("he", 3), ValueError, r"^shape must be \(n_in, n_out\)"),
    # --- chapter 5's doors: residual blocks, clipping, standardization (new, checked)
    ("MLP(residual='yes')", "new", lambda: net(residual="yes"), ValueError,
     r"^residual must be True or False, got 'yes'"),
    ("MLP(residual=True) with unequal widths", "new",
     lambda: dl.MLP(4, [5, 6], 3, residual=True), ValueError,
     r"^residual=True needs at least 2 hidden layers of one width .*got hidden sizes \[5, 6\]$"),
    ("clip_gradients with limit 0", "new",
     lambda: dl.clip_gradients({"W1": np.ones(2)}, 0), ValueError, r"^limit must be > 0, got 0"),
    ("clip_gradients(by='max')", "new",
     lambda: dl.clip_gradients({"W1": np.ones(2)}, 1, by="max"), ValueError,
     r"^by must be 'norm' or 'value', got 'max'$"),
    ("clip_gradients on a list", "new", lambda: dl.clip_gradients([np.ones(2)], 1), TypeError,
     r"^grads must be a dict of numpy arrays .*, got list$"),
    ("train(clip=-1)", "new", lambda: train(clip=-1), ValueError, r"^clip must be > 0, got -1"),
    ("train(clip='norm')", "new", lambda: train(clip="norm"), ValueError, r"^clip must be"),
    ("train(clip_by='l2')", "new", lambda: train(clip=1, clip_by="l2"), ValueError,
     r"^clip_by must be 'norm' or 'value', got 'l2'$"),
    ("Standardizer on a list", "new", lambda: dl.Standardizer([[1, 2], [3, 4]]), TypeError,
     r"^x must be a numeric numpy array of training inputs, got list$"),
    ("Standardizer on one sample", "new", lambda: dl.Standardizer(np.ones((1, 3))), ValueError,
     r"^x must have shape \(samples, \.\.\.\) with at least 2 samples .*got \(1, 3\)$"),
    ("Standardizer(min_std=0)", "new", lambda: dl.Standardizer(X, min_std=0), ValueError,
     r"^min_std must be > 0, got 0"),
    ("Standardizer applied to a list", "new", lambda: dl.Standardizer(X)([[1.0] * 4]),
     TypeError, r"^x must be a numeric numpy array, got list$"),
    ("Standardizer applied to other widths", "new", lambda: dl.Standardizer(X)(np.ones((2, 5))),
     ValueError, r"^x must have samples of shape \(4,\) .*got \(2, 5\)$"),
]


@pytest.mark.parametrize("case, before, call, exception, pattern", CASES,
                         ids=[row[0] for row in CASES])
def test_bad_input_is_refused_with_a_sentence_naming_the_argument(case, before, call,
                                                                  exception, pattern):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no numpy warning on the way
        with pytest.raises(exception) as info:
            call()
    assert type(info.value) is exception  # not a subclass such as numpy's UFuncTypeError
    assert re.search(pattern, str(info.value)), str(info.value)


def test_every_pattern_is_anchored_at_the_start():
    """An unanchored pattern would let a message bury the argument's name at its end."""
    for case, *_, pattern in CASES:
        assert pattern.startswith("^") and re.match(r"\^[\w\\\[\]']+", pattern), case


# --- the good neighbours of the bad inputs still work ---------------------------------
def test_relu_of_infinities_without_warning():
    layer = dl.ReLU()
    x = np.array([np.inf, -np.inf, 1.0, -1.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = layer.forward(x)
        dx = layer.backward(np.ones_like(x))
    assert np.array_equal(out, [np.inf, 0.0, 1.0, 0.0, 0.0])
    assert np.array_equal(dx, [1.0, 0.0, 1.0, 0.0, 0.0])
    assert layer.forward(x.astype(np.float32)).dtype == np.float32


def test_relu_passes_nan_on():
    out = dl.ReLU().forward(np.array([np.nan, 2.0]))
    assert np.isnan(out[0]) and out[1] == 2.0


def test_the_batchnorm_layer_itself_computes_a_batch_of_one():
    """Chapter 4 shows this: in training mode one sample is its own mean, so out = beta."""
    layer = dl.BatchNorm(np.ones(1), np.full(1, 0.5))
    assert layer.forward(np.array([[9.0]]), train=True).tolist() == [[0.5]]


def test_batchnorm_trains_on_two_samples_and_evaluates_one():
    n = net(batchnorm=True)
    grads = n.gradient(X[:2], T[:2])
    assert np.abs(grads["W1"]).sum() > 0
    assert n.predict(X[:1]).shape == (1, 3)  # evaluation uses running statistics
    hist = dl.train(n, dl.SGD(0.1), (X[:8], T[:8]), epochs=1, batch_size=3)
    assert hist.status == "completed"         # batches of 3, 3 and 2


@pytest.mark.parametrize("seed", [None, 0, 7, np.int64(3), np.random.default_rng(1)])
def test_good_seeds_are_accepted(seed):
    assert net(seed=seed).params["W1"].shape == (4, 5)


def test_a_generator_seed_is_used_as_is():
    rng = np.random.default_rng(5)
    assert dl.datasets.make_blobs(seed=rng)[0].shape == (300, 2)
    w = dl.initialize("normal", (2, 2), np.random.default_rng(5))
    assert np.array_equal(w, np.random.default_rng(5).normal(0, 0.01, (2, 2)))


def test_one_hot_labels_and_unsigned_labels_are_accepted():
    one_hot = np.eye(3)[T]
    assert net().accuracy(X, one_hot) == net().accuracy(X, T)
    assert net().loss(X, one_hot) == pytest.approx(net().loss(X, T.astype(np.uint8)))
    hist = dl.train(net(), dl.SGD(0.1), (X, one_hot), (X, T.astype(np.uint8)), iterations=2)
    assert hist.status == "completed"


def test_accuracy_counts_in_batches():
    n = net()
    assert n.accuracy(X, T, batch_size=3) == n.accuracy(X, T, batch_size=1000)
    assert n.accuracy(X, n.predict(X).argmax(axis=1), batch_size=3) == 1.0


def test_train_takes_a_schedule_built_on_its_optimizer_and_callbacks_as_tuple():
    opt = dl.SGD(0.1)
    hist = dl.train(net(), opt, (X, T), epochs=3, batch_size=4,
                    schedule=dl.StepLR(opt, step_size=1, gamma=0.5), callbacks=())
    assert hist.lr == [0.1, 0.1, 0.05, 0.025] and opt.lr == 0.0125


def test_integer_data_is_accepted_and_bad_data_found_only_in_floats():
    x = (X * 10).astype(np.int64)
    assert dl.train(net(), dl.SGD(0.01), (x, T), iterations=1).status == "completed"


def test_optimizer_path_start_point():
    surface = dl.get_surface("saddle")
    assert start_point(surface) == surface.start
    assert start_point(surface, np.array([1, 2])) == (1.0, 2.0)
    path = optimizer_path(dl.SGD(0.1), surface, start=[0.5, np.float32(0.25)], steps=1)
    assert path.points.dtype == np.float64 and tuple(path.points[0]) == (0.5, 0.25)


def test_numerical_gradient_float32_and_relative_error_of_equal_arrays():
    x = np.array([3.0, 4.0], dtype=np.float32)
    grad = dl.numerical_gradient(squares(x), x, h=1e-2)
    assert grad.dtype == np.float64 and np.allclose(grad, [6, 8], rtol=1e-3)
    assert dl.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert dl.relative_error(np.zeros(0), np.zeros(0)) == 0.0
    assert dl.relative_error(np.array([1e-9]), np.array([0.0])) == pytest.approx(0.1)  # floor
    assert dl.relative_error([3.0], [1.0]) == pytest.approx(0.5)


def test_run_on_surface_refuses_a_nan_start_too():
    from dlskills.experiments.optimizers import run_on_surface
    with pytest.raises(ValueError, match=r"^start x must be a number, got nan"):
        run_on_surface(dl.SGD(0.1), "saddle", start=(np.nan, 0.0))
    assert run_on_surface(dl.SGD(0.1), "saddle", start=(1, 2), steps=2) is not None


# --- the checks themselves (dlskills._checks) -------------------------------------------

def test_registry_registers_gets_and_lists_names():
    things = Registry("thing")

    @things.register("alpha")
    def alpha():
        return "a"

    assert alpha() == "a"                            # the decorator returns the function
    assert things.register("beta", len) is len
    assert things.get("ALPHA") is alpha and things.get("beta") is len  # any case
    assert things.names() == ["alpha", "beta"]
    assert "beta" in things and "BETA" in things and None not in things
    assert "gamma" not in things
    for bad in ("gamma", None):
        with pytest.raises(ValueError, match=r"^unknown thing .*; valid names: alpha, beta$"):
            things.get(bad)


def test_registry_gives_an_object_with_a_name_attribute_its_registered_name():
    things = Registry("thing")

    @things.register("round")
    class Round:
        name = ""

    assert Round.name == "round" and not hasattr(things.register("len", len), "name")
    assert [dl.get_surface(n).name for n in dl.SURFACES.names()] == dl.SURFACES.names()


def test_registry_alias_keeps_the_name_of_the_first_registration():
    things = Registry("thing")

    @things.register("round")
    class Round:
        name = ""

    assert things.register("circle", Round) is Round
    assert Round.name == "round"                       # an alias does not rename it
    assert things.get("circle") is things.get("round") is Round


def test_registry_make_names_settings_it_does_not_take():
    things = Registry("thing")
    things.register("pair", lambda a, b=1: (a, b))
    assert things.make("pair", 3, b=4) == (3, 4)
    with pytest.raises(ValueError, match=r"^thing 'pair' got a setting it does not take "
                                         r"\(c, d\)"):
        things.make("pair", 3, d=1, c=2)


@pytest.mark.parametrize("args, kwargs, message", [
    (("p", "x", 0, 1), {}, "p must be a number in [0, 1], got 'x'"),
    (("p", "x", 0, 1), {"low_open": True, "high_open": True},
     "p must be a number in (0, 1), got 'x'"),
    (("n", 2.5), {"integer": True}, "n must be an integer, got 2.5"),
    (("x", 5), {"high": 1}, "x must be <= 1, got 5"),
    (("x", 1), {"high": 1, "high_open": True}, "x must be < 1, got 1"),
    (("x", -1), {"low": 0}, "x must be >= 0, got -1"),
    (("x", 0), {"low": 0, "low_open": True}, "x must be > 0, got 0"),
    (("x", True), {}, "x must be a number, got True"),
])
def test_check_number_says_the_range(args, kwargs, message):
    with pytest.raises(ValueError) as info:
        check_number(*args, **kwargs)
    assert str(info.value) == message


def test_check_number_keeps_bounds_that_are_allowed():
    assert check_number("g", 1.0, 0, 1) == 1.0 and check_number("g", 0, 0, 1) == 0
    assert check_number("x", 1, high=1) == 1
    n = check_number("n", 3.0, integer=True)
    assert n == 3 and type(n) is int


@pytest.mark.parametrize("t, exception, message", [
    (np.ones((2, 3, 1)), TypeError,
     "t must be integer class numbers 0..2 of shape (2,) or one-hot rows of shape (2, 3), "
     "got a float64 array of shape (2, 3, 1)"),
    (np.full((2, 3), "a"), TypeError, "t must be integer class numbers 0..2 of shape (2,) "
     "or one-hot rows of shape (2, 3), got a <U1 array of shape (2, 3)"),
    (np.array([0, 3]), ValueError, "labels t must be class numbers 0..2, got values from 0 "
     "to 3"),
])
def test_check_labels_messages(t, exception, message):
    with pytest.raises(exception) as info:
        check_labels("t", t, 2, 3)
    assert str(info.value) == message


def test_check_labels_without_a_class_count_checks_the_form_only():
    assert check_labels("t", np.array([0, 7]), 2).tolist() == [0, 7]
    assert check_labels("t", np.zeros((2, 5)), 2).shape == (2, 5)
    with pytest.raises(ValueError, match=r"^labels t must be class numbers 0..C-1, got "
                                         r"values from -1 to 0"):
        check_labels("t", np.array([0, -1]), 2)
    with pytest.raises(ValueError, match=r"must be .* one-hot rows of shape \(2, C\), "
                                         r"got shape \(3, 5\)"):
        check_labels("t", np.zeros((3, 5)), 2)


def test_cross_entropy_refuses_labels_outside_the_classes():
    log_probs = dl.functions.log_softmax(np.zeros((2, 3)))
    for t in (np.array([0, -1]), np.array([0, 3])):          # -1 would index silently
        with pytest.raises(ValueError, match=r"^labels t must be class numbers 0..2"):
            dl.cross_entropy(log_probs, t)
    with pytest.raises(ValueError, match=r"^t must be .*got shape \(2, 4\)"):
        dl.cross_entropy(log_probs, np.zeros((2, 4)))
    assert dl.cross_entropy(log_probs, [0, 2]) == pytest.approx(np.log(3))


def test_mlp_sets_and_checks_the_batchnorm_eps():
    net = dl.MLP(4, [5, 5], 3, batchnorm=True, bn_eps=1e-3)
    assert [layer.eps for kind, _, layer in net.layers if kind == "batchnorm"] == [1e-3] * 2
    assert [layer.eps for kind, _, layer in dl.MLP(4, [5], 3, batchnorm=True).layers
            if kind == "batchnorm"] == [1e-5]
    for bad in (0.0, -1e-5, "1e-5"):
        with pytest.raises(ValueError, match=r"^bn_eps must be"):
            dl.MLP(4, [5], 3, bn_eps=bad)                    # checked with or without BN


def test_check_labels_returns_an_array():
    assert np.array_equal(check_labels("t", [0, 2], 2, 3), [0, 2])
    assert check_labels("t", np.zeros(0, int), 0, 3).shape == (0,)


def test_schedules_on_a_number_step_and_take_their_bounds():
    sched = dl.MultiStepLR(0.1, [1, 2])
    assert sched.optimizer is None and sched.step() == pytest.approx(0.01)  # gamma 0.1
    assert dl.MultiStepLR(0.1, [1], gamma=1).lr_at(5) == 0.1               # gamma 1 is allowed
    assert dl.MultiStepLR(0.1, (1, 3)).milestones == [1, 3]
    assert dl.StepLR(np.float32(0.5), 1).base_lr == np.float32(0.5)


def test_optimizer_path_lengths_and_silence():
    assert len(optimizer_path(dl.SGD(0.01), "ill_conditioned").points) == 101   # 100 steps
    assert len(optimizer_path(dl.SGD(0.01), "ill_conditioned", steps=0).points) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        blown = optimizer_path(dl.SGD(lr=10.0), "ill_conditioned", (1, 2), steps=500)
        # one step so far that f overflows (y^4 of python floats raised OverflowError)
        flown = {name: optimizer_path(dl.SGD(lr=1e100), name, steps=5)
                 for name in ("saddle", "rosenbrock", "local_minimum")}
    assert len(blown.points) < 501 and blown.points.dtype == np.float64
    for name, path in flown.items():
        assert path.diverged_at == 1 and len(path.points) == 1, name
        assert np.isfinite(path.values).all(), name
    with pytest.raises(ValueError, match="noise must be >= 0, got -0.5"):
        optimizer_path(dl.SGD(0.1), "saddle", noise=-0.5)


def test_accuracy_is_evaluation_mode():
    n = net(dropout=0.5, batchnorm=True)
    n.gradient(X, T)                                     # running averages move once
    mean = [layer.running_mean.copy() for kind, _, layer in n.layers if kind == "batchnorm"]
    expected = float(np.mean(n.predict(X).argmax(axis=1) == T))
    assert n.accuracy(X, T, batch_size=3) == expected == n.accuracy(X, T)
    after = [layer.running_mean for kind, _, layer in n.layers if kind == "batchnorm"]
    assert all(np.array_equal(a, b) for a, b in zip(mean, after))


def test_train_takes_a_duck_typed_schedule():
    class Halve:
        def __init__(self, opt):
            self.opt = opt

        def step(self):
            self.opt.lr /= 2

    opt = dl.SGD(0.1)
    dl.train(net(), opt, (X, T), epochs=2, batch_size=8, schedule=Halve(opt))
    assert opt.lr == pytest.approx(0.025)


def test_batchnorm_layer_trains_by_default_and_averages_twice():
    layer = dl.BatchNorm(np.ones(2), np.zeros(2))
    x = np.array([[1.0, 2.0], [3.0, 6.0]])
    out = layer.forward(x)                               # train=True by default
    assert np.allclose(out.mean(axis=0), 0) and np.allclose(out.std(axis=0), 1, atol=1e-4)
    layer.forward(x)
    var = np.array([1.0, 4.0])
    assert np.allclose(layer.running_var, 0.9 * (0.9 * 1 + 0.1 * var) + 0.1 * var)
    assert np.allclose(layer.running_mean, 0.19 * np.array([2.0, 4.0]))


def test_dropout_starts_inactive_and_keeps_a_fixed_mask():
    d = dl.Dropout(rng=0)
    assert d.p == 0.5 and not d.active and not d.fixed_mask
    assert np.array_equal(d.backward(np.ones(3)), np.ones(3))   # before any forward
    d.fixed_mask = True
    x = np.ones((4, 50))
    assert np.array_equal(d.forward(x), d.forward(x))
    d.fixed_mask = False
    assert not np.array_equal(d.forward(x), d.forward(x))


def test_mlp_defaults_sizes_and_dtypes():
    default = dl.MLP(4, 5, 3)                            # a single hidden size
    assert default.sizes == [4, 5, 3]
    assert repr(default) == "MLP(4 -> 5 -> 3, activation='relu', init='he')"
    assert np.array_equal(default.params["W1"], dl.MLP(4, [5], 3, seed=0).params["W1"])
    assert dl.initialize("he", (1, 3), 0).shape == (1, 3)
    n = dl.MLP(4, [5], 3, init=0.0, batchnorm=True, dtype=np.float32)
    assert n.init == "normal" and n.init_options == {"std": 0.0}
    assert all(p.dtype == np.float32 for p in n.params.values())
    assert n.predict(np.ones((2, 4))).dtype == np.float32   # float64 input, float32 net
    assert all(p.dtype == np.float64 for p in dl.MLP(4, [5], 3, batchnorm=True).params.values())
    wide = dl.MLP(50, [400], 3, init="normal", init_options={"std": 0.5})
    assert wide.params["W1"].std() == pytest.approx(0.5, rel=0.05)


def test_soft_targets_are_not_rounded():
    n = net()
    soft = np.full((8, 3), 1 / 3)
    log_probs = dl.log_softmax(n.predict(X))
    assert n.loss(X, soft) == pytest.approx(float(-(soft * log_probs).sum() / 8))
