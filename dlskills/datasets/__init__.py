"""Data for the notebooks: real MNIST digits (a bundled subset or the full set) and a toy 2-D set.

>>> (x_train, t_train), (x_test, t_test) = load_mnist()
>>> x_train.shape, t_train.shape, x_test.shape
((4000, 784), (4000,), (1000, 784))

See ``mnist.py`` (and README.md in this folder) for where the digits come from and
their licence (CC BY-SA 3.0).
"""

from .mnist import (ENV_VAR, MNIST_FILES, MNIST_MD5, MNIST_MIRRORS, DownloadError,
                    default_mnist_dir, download_mnist, load_mnist, read_idx)
from .transforms import Standardizer
from .toy import make_blobs

__all__ = ["load_mnist", "read_idx", "download_mnist", "default_mnist_dir", "DownloadError",
           "ENV_VAR", "MNIST_FILES", "MNIST_MD5", "MNIST_MIRRORS",
           "make_blobs", "Standardizer"]
