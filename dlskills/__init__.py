"""dlskills: the numpy engine behind the course notebooks on training deep networks.

The engine (this namespace) and the chapters' experiments (``dlskills.experiments``)
need only numpy. Plotting (``dlskills.views``) and the widget apps
(``dlskills.explorers``) load matplotlib and ipywidgets on first use.
"""

import importlib

from .functions import (ACTIVATIONS, cross_entropy, get_activation, log_softmax, relu,
                        relu_grad, sigmoid, sigmoid_grad, softmax, softmax_cross_entropy,
                        tanh, tanh_grad)
from .gradcheck import numerical_gradient, relative_error
from .initializers import INITIALIZERS, get_initializer, initialize
from .layers import (Affine, BatchNorm, Dropout, Fork, Join, ReLU, Sigmoid, SoftmaxWithLoss,
                     Tanh)
from .model import MLP, LayerReport
from .optimizers import (OPTIMIZERS, SGD, AdaGrad, Adam, Momentum, RMSProp,
                         clip_gradients, make_optimizer)
from .schedules import SCHEDULES, ExponentialLR, MultiStepLR, StepLR, make_schedule
from .surfaces import SURFACES, get_surface, optimizer_path
from .training import History, compare, train
from .datasets import Standardizer, load_mnist
from .source import show_code

__version__ = "0.1.0"

_LAZY_MODULES = ("views", "explorers", "datasets", "exercises", "experiments")


def __getattr__(name):
    if name in _LAZY_MODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'dlskills' has no attribute {name!r}")
