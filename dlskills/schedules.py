"""Learning-rate schedules with PyTorch's names, stepped once per epoch.

A schedule is built on an optimizer (it drives ``optimizer.lr``) or on a plain base
learning rate (to compute and plot values)::

    sched = StepLR(opt, step_size=20, gamma=0.7)
    for epoch in range(epochs):
        ...train one epoch...
        sched.step()                     # opt.lr = base_lr * 0.7 ** (epoch // 20)

    StepLR(0.1, step_size=20, gamma=0.7).values(100)   # lr for epochs 0..99
    make_schedule("step", opt)           # the same, by name (the course text's example)
"""

import bisect
import numbers

import numpy as np

from ._checks import Registry, check_number, check_object

SCHEDULES = Registry("schedule")


class Schedule:
    """Base: ``lr_at(epoch)`` gives the closed form; ``step()`` advances one epoch."""

    def __init__(self, optimizer_or_lr):
        if isinstance(optimizer_or_lr, numbers.Real):  # python and numpy numbers
            self.optimizer = None
            self.base_lr = check_number("base lr", optimizer_or_lr, low=0, low_open=True)
        else:
            self.optimizer = check_object(
                "optimizer_or_lr", optimizer_or_lr, ("update",),
                "an optimizer such as dl.SGD(0.1) or a base learning rate (a number)")
            self.base_lr = optimizer_or_lr.lr
        self.epoch = 0

    def lr_at(self, epoch):
        return self.base_lr * self.factor(check_number("epoch", epoch, low=0, integer=True))

    def factor(self, epoch):
        raise NotImplementedError

    @property
    def lr(self):
        """The learning rate of the current epoch."""
        return self.lr_at(self.epoch)

    def step(self):
        """End of an epoch: move to the next one and set the optimizer's lr."""
        self.epoch += 1
        if self.optimizer is not None:
            self.optimizer.lr = self.lr
        return self.lr

    def values(self, n_epochs):
        """The learning rate of each of epochs 0 .. n_epochs-1, as an array."""
        n = check_number("n_epochs", n_epochs, low=1, integer=True)
        return np.array([self.lr_at(e) for e in range(n)])


class StepLR(Schedule):
    """lr = base_lr * gamma ** (epoch // step_size): "x0.7 every 20 epochs"."""

    def __init__(self, optimizer_or_lr, step_size, gamma=0.1):
        super().__init__(optimizer_or_lr)
        self.step_size = check_number("step_size", step_size, low=1, integer=True)
        self.gamma = check_number("gamma", gamma, 0, 1, low_open=True)

    def factor(self, epoch):
        return self.gamma ** (epoch // self.step_size)


class MultiStepLR(Schedule):
    """lr = base_lr * gamma ** (number of milestones <= epoch): "x0.7 at 10, 50, 200"."""

    def __init__(self, optimizer_or_lr, milestones, gamma=0.1):
        super().__init__(optimizer_or_lr)
        if isinstance(milestones, str) or not hasattr(milestones, "__iter__"):
            raise TypeError(f"milestones must be a list of epochs such as [10, 50, 200], "
                            f"got {milestones!r}")
        milestones = [check_number("milestone", m, low=1, integer=True) for m in milestones]
        if milestones != sorted(set(milestones)):
            raise ValueError(f"milestones must be increasing, got {milestones}")
        self.milestones = milestones
        self.gamma = check_number("gamma", gamma, 0, 1, low_open=True)

    def factor(self, epoch):
        return self.gamma ** bisect.bisect_right(self.milestones, epoch)


class ExponentialLR(Schedule):
    """lr = base_lr * gamma ** epoch: "0.99 to the power epoch"."""

    def __init__(self, optimizer_or_lr, gamma):
        super().__init__(optimizer_or_lr)
        self.gamma = check_number("gamma", gamma, 0, 1, low_open=True)

    def factor(self, epoch):
        return self.gamma ** epoch


SCHEDULES.register("step", StepLR)
SCHEDULES.register("multistep", MultiStepLR)
SCHEDULES.register("exponential", ExponentialLR)

#: the course text's three examples, the settings :func:`make_schedule` starts from
COURSE_EXAMPLES = {"step": {"step_size": 20, "gamma": 0.7},
                   "multistep": {"milestones": [10, 50, 200], "gamma": 0.7},
                   "exponential": {"gamma": 0.99}}


def make_schedule(name, optimizer_or_lr, **settings):
    """A schedule by name ("step", "multistep", "exponential") on an optimizer (it then
    drives ``optimizer.lr``) or a base learning rate; settings not given are the course
    text's example (``make_schedule("step", 0.1)`` is ``StepLR(0.1, 20, gamma=0.7)``)."""
    example = COURSE_EXAMPLES.get(name.lower() if isinstance(name, str) else name, {})
    return SCHEDULES.make(name, optimizer_or_lr, **{**example, **settings})
