"""Input standardization, fitted on training data only.

    scale = Standardizer(x_train)          # per-pixel mean and std of the training digits
    x_train, x_val = scale(x_train), scale(x_val)

Next to the course's [0, 1] scaling (``load_mnist(normalize=True)``): every input value
gets mean 0 and standard deviation 1 over the training data. The statistics come from
the training split only; validation and test data are transformed with them, never
refitted (that would let the held-out data leak into the inputs).
"""

import numpy as np

from .._checks import check_array, check_number


class Standardizer:
    """x -> (x - mean) / max(std, min_std), per input value (pixel), with mean and std
    of the rows of ``x`` given here (the training data).

    ``min_std``: a pixel that is almost always 0 in the training digits has a tiny std;
    dividing by it would turn a faint stroke there in a test digit into a value in the
    thousands. Such pixels are divided by ``min_std`` instead (0.1: about the std of a
    pixel inked in 1 % of the digits).
    """

    def __init__(self, x, min_std=0.1):
        check_array("x", x, "fiu", "a numeric numpy array of training inputs")
        if x.ndim < 2 or x.shape[0] < 2:
            raise ValueError(f"x must have shape (samples, ...) with at least 2 samples "
                             f"to fit a mean and a std, got {x.shape}")
        self.min_std = float(check_number("min_std", min_std, low=0, low_open=True))
        x64 = x.astype(np.float64)
        self.mean = x64.mean(axis=0)
        self.std = x64.std(axis=0)
        self._divisor = np.maximum(self.std, self.min_std)

    def __call__(self, x):
        """``x`` standardized, as floating-point values of x's dtype (float32 for
        integers)."""
        check_array("x", x, "fiu", "a numeric numpy array")
        if x.shape[1:] != self.mean.shape:
            raise ValueError(f"x must have samples of shape {self.mean.shape} (the data "
                             f"the Standardizer was fitted on), got {x.shape}")
        dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
        return ((x - self.mean) / self._divisor).astype(dtype)

    def __repr__(self):
        return f"Standardizer(fitted on shape {self.mean.shape}, min_std={self.min_std})"
