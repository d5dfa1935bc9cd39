"""Chapter 2's optimizer classes: their defaults are the course text's (Adam's lr the
usual 0.001), their repr shows every setting, and each setting refuses values outside
its range with a sentence naming it."""

import pytest

import dlskills as dl


def test_defaults_and_repr_name_every_setting():
    assert [repr(cls()) for cls in (dl.SGD, dl.Momentum, dl.AdaGrad, dl.RMSProp, dl.Adam)] == [
        "SGD(lr=0.01)", "Momentum(lr=0.01, momentum=0.9)", "AdaGrad(lr=0.01)",
        "RMSProp(lr=0.01, decay=0.99)", "Adam(lr=0.001, alpha1=0.9, alpha2=0.999)"]
    adam = dl.Adam(0.1, alpha1=0.5)
    adam.lr = 0.2                                   # a schedule changes lr: repr follows
    assert adam.settings() == {"lr": 0.2, "alpha1": 0.5, "alpha2": 0.999}
    assert dl.make_optimizer("rmsprop", decay=0.5).settings() == {"lr": 0.01, "decay": 0.5}


@pytest.mark.parametrize("name, value", [("momentum", 1.0), ("momentum", -0.1),
                                         ("decay", 1.0), ("decay", -0.1),
                                         ("alpha1", 1.0), ("alpha1", -0.1),
                                         ("alpha2", 1.0), ("alpha2", -0.1)])
def test_each_setting_is_checked_by_name(name, value):
    cls = {"momentum": dl.Momentum, "decay": dl.RMSProp}.get(name, dl.Adam)
    with pytest.raises(ValueError) as info:
        cls(**{name: value})
    assert str(info.value) == f"{name} must be in [0, 1), got {value}"
    assert getattr(cls(**{name: 0.0}), name) == 0.0  # the lower end is allowed
