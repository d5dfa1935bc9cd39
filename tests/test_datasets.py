"""Tests for dlskills.datasets: the bundled MNIST subset, idx parsing, full-MNIST loading,
downloading (offline: fake mirrors on a loopback HTTP server), and the toy sets."""

import gzip
import hashlib
import http.server
import io
import os
import socket
import struct
import sys
import threading
import time

import numpy as np
import pytest

import dlskills.datasets.mnist as mnist_mod
from dlskills.datasets import (ENV_VAR, MNIST_MD5, DownloadError, default_mnist_dir,
                               download_mnist, load_mnist, make_blobs, read_idx)

# ------------------------------------------------------------------ helpers

_BIG_ENDIAN = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def idx_bytes(array, code=0x08):
    """An idx file's bytes, written here independently of the reader."""
    a = np.asarray(array)
    header = bytes([0, 0, code, a.ndim]) + struct.pack(f">{a.ndim}I", *a.shape)
    return header + a.astype(_BIG_ENDIAN[code]).tobytes()


def fake_mnist(n_train=5, n_test=3, seed=1):
    rng = np.random.default_rng(seed)
    return {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, n_train, dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, n_test, dtype=np.uint8),
    }


def write_fake_mnist(folder, arrays, gz=("train-images-idx3-ubyte", "t10k-labels-idx1-ubyte")):
    """Write the files, some gzipped and some plain, so both paths are exercised."""
    for base, array in arrays.items():
        data = idx_bytes(array)
        if base in gz:
            (folder / (base + ".gz")).write_bytes(gzip.compress(data))
        else:
            (folder / base).write_bytes(data)


@pytest.fixture
def payloads(monkeypatch):
    """Fake .gz contents for the four files, with MNIST_MD5 patched to match them."""
    arrays = fake_mnist()
    gz = {base + ".gz": gzip.compress(idx_bytes(a), mtime=0) for base, a in arrays.items()}
    for name, data in gz.items():
        monkeypatch.setitem(MNIST_MD5, name, hashlib.md5(data).hexdigest())
    return arrays, gz


# ------------------------------------------------------------------ bundled subset

def test_subset_default_shapes_and_dtypes():
    (x_train, t_train), (x_test, t_test) = load_mnist()
    assert x_train.shape == (4000, 784) and x_train.dtype == np.float32
    assert t_train.shape == (4000,) and t_train.dtype == np.int64
    assert x_test.shape == (1000, 784) and x_test.dtype == np.float32
    assert t_test.shape == (1000,) and t_test.dtype == np.int64


def test_subset_class_balance_and_order():
    (_, t_train), (_, t_test) = load_mnist()
    assert np.bincount(t_train, minlength=10).tolist() == [400] * 10
    assert np.bincount(t_test, minlength=10).tolist() == [100] * 10
    assert np.array_equal(t_train, np.repeat(np.arange(10), 400))
    assert np.array_equal(t_test, np.repeat(np.arange(10), 100))


def test_subset_content_is_the_documented_data():
    # Fingerprints of the arrays as bundled: a re-made or damaged file changes them.
    with np.load(mnist_mod.SUBSET_FILE) as npz:
        digests = {k: hashlib.sha256(np.ascontiguousarray(npz[k]).tobytes()).hexdigest()
                   for k in npz.files}
    assert digests == {
        "x_train": "214ab262d78d564d71f868ed5cf102cc06ec63c56e0fb11696a72a7b3e3d0a81",
        "t_train": "38718e25dbf29b9851a08be309b4e885eedc55f938a19d9e458ce5cdd16c07a3",
        "x_test": "c472d02b59d863f010e0da4331d6b8378fd6d665b32bdad7dabd206c3343f52b",
        "t_test": "19cab774765c7ba7873e2eb3cee313c084bbb20b53116334dd0e24cd06e8d4e5",
    }


def test_subset_train_and_test_are_disjoint_real_digits():
    (x_train, _), (x_test, _) = load_mnist(normalize=False)
    train_rows = {row.tobytes() for row in x_train}
    assert len(train_rows) == 4000
    assert not any(row.tobytes() in train_rows for row in x_test)
    # MNIST's mean pixel intensity is about 0.13; blank or random images are far off.
    assert 0.11 < x_train.mean() / 255 < 0.15
    assert 0.11 < x_test.mean() / 255 < 0.15


def test_subset_value_ranges_and_normalize():
    (x_norm, _), (x_norm_test, _) = load_mnist(normalize=True)
    (x_raw, _), (x_raw_test, _) = load_mnist(normalize=False)
    assert x_raw.dtype == np.uint8 and x_raw_test.dtype == np.uint8
    assert x_raw.min() == 0 and x_raw.max() == 255
    assert x_norm.min() == 0.0 and x_norm.max() == 1.0
    assert np.array_equal(x_norm, x_raw.astype(np.float32) / np.float32(255))
    assert np.array_equal(x_norm_test, x_raw_test.astype(np.float32) / np.float32(255))


def test_subset_flatten_false_is_n_1_28_28():
    (x4, t4), (x4_test, _) = load_mnist(flatten=False)
    (x2, t2), _ = load_mnist(flatten=True)
    assert x4.shape == (4000, 1, 28, 28) and x4_test.shape == (1000, 1, 28, 28)
    assert np.array_equal(x4.reshape(4000, 784), x2)
    assert np.array_equal(t4, t2)
    (x4_raw, _), _ = load_mnist(normalize=False, flatten=False)
    assert x4_raw.shape == (4000, 1, 28, 28) and x4_raw.dtype == np.uint8


def test_subset_one_hot_labels():
    (_, t), (_, t_test) = load_mnist()
    (_, oh), (_, oh_test) = load_mnist(one_hot_label=True)
    assert oh.shape == (4000, 10) and oh.dtype == np.float32
    assert oh_test.shape == (1000, 10)
    assert set(np.unique(oh).tolist()) == {0.0, 1.0}
    assert np.array_equal(oh.sum(axis=1), np.ones(4000))
    assert np.array_equal(oh.argmax(axis=1), t)
    assert np.array_equal(oh_test.argmax(axis=1), t_test)
    (_, oh64), _ = load_mnist(normalize=False, one_hot_label=True, dtype=np.float64)
    assert oh64.dtype == np.float64


def test_subset_dtype_float64():
    (x, _), (x_test, _) = load_mnist(dtype=np.float64)
    assert x.dtype == np.float64 and x_test.dtype == np.float64
    (x_u8, _), _ = load_mnist(normalize=False, dtype=np.float64)
    assert x_u8.dtype == np.uint8  # dtype does not apply to raw pixels


def test_subset_returns_copies():
    (x, t), (x_test, _) = load_mnist(normalize=False)
    x[:] = 7
    t[:] = 3
    x_test[:] = 7
    (x2, t2), (x2_test, _) = load_mnist(normalize=False)
    assert x2.max() == 255 and x2_test.max() == 255
    assert np.bincount(t2).tolist() == [400] * 10


def test_subset_is_decoded_once(monkeypatch):
    load_mnist()  # fill the cache
    monkeypatch.setattr(mnist_mod, "SUBSET_FILE", mnist_mod.SUBSET_FILE.with_name("gone.npz"))
    (x, _), _ = load_mnist()  # must not touch the file again
    assert x.shape == (4000, 784)
    mnist_mod._load_subset.cache_clear()
    with pytest.raises(FileNotFoundError):
        load_mnist()


@pytest.mark.parametrize("kwargs, words", [
    ({"source": "imagenet"}, ["imagenet", "subset", "full"]),
    ({"normalize": "yes"}, ["normalize", "True or False"]),
    ({"flatten": None}, ["flatten"]),
    ({"one_hot_label": 1}, ["one_hot_label"]),
    ({"dtype": np.int32}, ["dtype", "float"]),
    ({"dtype": "not a type"}, ["dtype"]),
    ({"path": "/tmp"}, ["path", "full"]),
    ({"download": True}, ["download", "full"]),
])
def test_load_mnist_bad_arguments(kwargs, words):
    with pytest.raises(ValueError) as info:
        load_mnist(**kwargs)
    for word in words:
        assert word in str(info.value)


def test_load_mnist_positional_source_mistake_is_caught():
    with pytest.raises(ValueError, match="normalize"):
        load_mnist("full")


# ------------------------------------------------------------------ read_idx

def test_read_idx_literal_bytes_int16_big_endian(tmp_path):
    # 0x0B = int16, 1 dimension of size 3: values 0x0102, 0xFFFE, 0x7FFF
    path = tmp_path / "v.idx"
    path.write_bytes(b"\x00\x00\x0b\x01\x00\x00\x00\x03\x01\x02\xff\xfe\x7f\xff")
    a = read_idx(path)
    assert a.dtype == np.int16 and a.dtype.isnative
    assert a.tolist() == [258, -2, 32767]


def test_read_idx_uint8_plain_and_gz(tmp_path):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4) * 10
    (tmp_path / "a").write_bytes(idx_bytes(images))
    (tmp_path / "a.gz").write_bytes(gzip.compress(idx_bytes(images)))
    for name in ("a", "a.gz"):
        a = read_idx(tmp_path / name)
        assert a.dtype == np.uint8 and a.shape == (2, 3, 4)
        assert np.array_equal(a, images)
        a[0, 0, 0] = 99  # writable
    assert read_idx(str(tmp_path / "a.gz")).shape == (2, 3, 4)  # str path too


@pytest.mark.parametrize("code, values", [
    (0x09, [[-128, -1, 0, 127]]),
    (0x0B, [[-30000, -1], [2, 30000]]),
    (0x0C, [-2_000_000_000, 1, 2_000_000_000]),
    (0x0D, [[1.5, -2.25, 3.0e30]]),
    (0x0E, [np.pi, -1e-300, 1e300]),
])
@pytest.mark.parametrize("compress", [False, True])
def test_read_idx_other_types(tmp_path, code, values, compress):
    expected = np.array(values, dtype=np.dtype(_BIG_ENDIAN[code]).newbyteorder("="))
    data = idx_bytes(expected, code)
    path = tmp_path / ("f.gz" if compress else "f")
    path.write_bytes(gzip.compress(data) if compress else data)
    a = read_idx(path)
    assert a.dtype == expected.dtype and a.dtype.isnative
    assert np.array_equal(a, expected)


def test_read_idx_file_objects():
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    assert np.array_equal(read_idx(io.BytesIO(idx_bytes(labels))), labels)
    assert np.array_equal(read_idx(io.BytesIO(gzip.compress(idx_bytes(labels)))), labels)


def test_read_idx_rejects_bad_magic(tmp_path):
    path = tmp_path / "bad"
    path.write_bytes(b"\x12\x34\x08\x01\x00\x00\x00\x01\x05")
    with pytest.raises(ValueError, match="magic"):
        read_idx(path)
    with pytest.raises(ValueError, match="magic"):
        read_idx(io.BytesIO(b"PK\x03\x04 a zip, not idx"))


def test_read_idx_rejects_unknown_type_code():
    with pytest.raises(ValueError, match="type code 0x0A"):
        read_idx(io.BytesIO(b"\x00\x00\x0a\x01\x00\x00\x00\x01\x05"))


def test_read_idx_rejects_truncated_file(tmp_path):
    data = idx_bytes(np.zeros((4, 28, 28), dtype=np.uint8))  # 16-byte header + 3136 bytes
    path = tmp_path / "short"
    path.write_bytes(data[:-100])
    with pytest.raises(ValueError) as info:
        read_idx(path)
    message = str(info.value)
    assert "truncated" in message and "3136" in message and "3036" in message
    assert "short" in message  # names the file
    with pytest.raises(ValueError, match="truncated idx header"):
        read_idx(io.BytesIO(data[:10]))
    with pytest.raises(ValueError, match="4-byte header"):
        read_idx(io.BytesIO(b"\x00\x00"))


def test_read_idx_rejects_trailing_bytes():
    data = idx_bytes(np.zeros(5, dtype=np.uint8)) + b"\x00\x00"
    with pytest.raises(ValueError, match="too long.*5 bytes.*7 bytes"):
        read_idx(io.BytesIO(data))


@pytest.mark.parametrize("data, message", [
    (b"\x00\x00\x08", "f: not an idx file: expected a 4-byte header, got 3 bytes"),
    (b"\x00\x00\x08\x01", "f: truncated idx header: expected 4 bytes of dimensions for 1 "
                          "dimensions, got 0"),
    (b"\x00\x00\x08\x02\x00\x00\x00\x01\x00", "f: truncated idx header: expected 8 bytes of "
                                               "dimensions for 2 dimensions, got 5"),
    (b"\x00\x00\x08\x00", "f: truncated idx file: the header announces shape () of uint8, "
                          "i.e. 1 bytes of data, but 0 bytes follow"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x01\x05\x06", "f: idx file too long: the header announces "
     "shape (1,) of uint8, i.e. 1 bytes of data, but 2 bytes follow"),
    (b"\x01\x02\x03\x04\x05\x06", "f: not an idx file: bad magic number 0x01020304 (an idx file "
     "starts with two zero bytes, a type code and the number of dimensions, e.g. "
     "0x00000803 for uint8 images)"),
    (b"\x00\x00\x0a\x00", "f: unknown idx type code 0x0A; valid codes: 0x08 (uint8), "
     "0x09 (int8), 0x0B (int16), 0x0C (int32), 0x0D (float32), 0x0E (float64)"),
])
def test_read_idx_messages(data, message):
    stream = io.BytesIO(data)
    stream.name = "f"
    with pytest.raises(ValueError) as info:
        read_idx(stream)
    assert str(info.value) == message


def test_read_idx_empty_and_scalar_arrays():
    assert read_idx(io.BytesIO(b"\x00\x00\x08\x01\x00\x00\x00\x00")).shape == (0,)
    assert read_idx(io.BytesIO(b"\x00\x00\x08\x00\x07")).tolist() == 7


def test_read_idx_names_a_stream_without_a_name_by_its_type():
    with pytest.raises(ValueError, match=r"^BytesIO: not an idx file"):
        read_idx(io.BytesIO(b"\x01\x02\x03\x04"))


def test_read_idx_names_what_it_cannot_read():
    with pytest.raises(ValueError, match=r"^read_idx needs a path or a binary file object, "
                                         r"got int$"):
        read_idx(3)
    with pytest.raises(ValueError, match=r"^StringIO: read_idx needs a binary file object"):
        read_idx(io.StringIO("text"))


def test_read_idx_rejects_truncated_gzip(tmp_path):
    packed = gzip.compress(idx_bytes(np.arange(1000, dtype=np.int32), 0x0C))
    path = tmp_path / "cut.gz"
    path.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(ValueError, match=r"cut\.gz: damaged gzip data \(EOFError: .*\); the "
                                         r"file is probably truncated or corrupt$"):
        read_idx(path)


# ------------------------------------------------------------------ full MNIST from files

def test_full_from_path(tmp_path):
    arrays = fake_mnist(n_train=5, n_test=3)
    write_fake_mnist(tmp_path, arrays)
    (x, t), (x_test, t_test) = load_mnist(source="full", path=tmp_path)
    assert x.shape == (5, 784) and x.dtype == np.float32
    assert x_test.shape == (3, 784)
    np.testing.assert_allclose(x, arrays["train-images-idx3-ubyte"].reshape(5, 784) / 255,
                               rtol=1e-6)
    assert np.array_equal(t, arrays["train-labels-idx1-ubyte"]) and t.dtype == np.int64
    assert np.array_equal(t_test, arrays["t10k-labels-idx1-ubyte"])
    (x4, _), (_, oh) = load_mnist(False, False, True, source="full", path=str(tmp_path))
    assert x4.shape == (5, 1, 28, 28) and x4.dtype == np.uint8
    assert np.array_equal(x4[:, 0], arrays["train-images-idx3-ubyte"])
    assert oh.shape == (3, 10) and np.array_equal(oh.argmax(1), t_test)


def test_full_missing_files_says_what_and_how(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    arrays = fake_mnist()
    del arrays["t10k-images-idx3-ubyte"]
    write_fake_mnist(tmp_path, arrays)
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(source="full", path=tmp_path)
    message = str(info.value)
    assert f"missing t10k-images-idx3-ubyte[.gz] in {tmp_path} (from the path argument)" \
        in message
    assert "train-images" not in message  # only the missing one is named
    assert str(tmp_path) in message
    assert "download=True" in message and ENV_VAR in message


def test_full_names_every_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"missing train-images-idx3-ubyte\[\.gz\], "
                                                r"train-labels-idx1-ubyte\[\.gz\], "):
        load_mnist(source="full", path=tmp_path)


def test_full_path_that_is_a_file(tmp_path):
    (tmp_path / "f").write_bytes(b"")
    with pytest.raises(NotADirectoryError, match=rf"^MNIST folder {tmp_path / 'f'} \(from the "
                                                 rf"path argument\) is not a folder$"):
        load_mnist(source="full", path=tmp_path / "f")


@pytest.mark.parametrize("base, array, message", [
    ("train-images-idx3-ubyte", np.zeros((5, 28, 27), np.uint8),
     "expected uint8 images of shape (N, 28, 28), got uint8 (5, 28, 27)"),
    ("train-images-idx3-ubyte", np.zeros((5, 784), np.uint8),
     "expected uint8 images of shape (N, 28, 28), got uint8 (5, 784)"),
    ("t10k-images-idx3-ubyte", np.zeros((3, 28, 28), np.int16),
     "expected uint8 images of shape (N, 28, 28), got int16 (3, 28, 28)"),
    ("train-labels-idx1-ubyte", np.zeros((5, 1), np.uint8),
     "expected uint8 labels of shape (N,), got uint8 (5, 1)"),
    ("t10k-labels-idx1-ubyte", np.zeros(3, np.int16),
     "expected uint8 labels of shape (N,), got int16 (3,)"),
    ("t10k-labels-idx1-ubyte", np.array([0, 10, 3], np.uint8),
     "labels must be 0..9, found 10"),
])
def test_full_rejects_files_that_are_not_mnist(tmp_path, base, array, message):
    arrays = fake_mnist()
    arrays[base] = array
    for name, a in arrays.items():
        code = {np.dtype(np.uint8): 0x08, np.dtype(np.int16): 0x0B}[a.dtype]
        (tmp_path / name).write_bytes(idx_bytes(a, code))
    with pytest.raises(ValueError) as info:
        load_mnist(source="full", path=tmp_path)
    assert str(info.value) == f"{tmp_path / base}: {message}"


def test_full_labels_up_to_9_are_fine(tmp_path):
    arrays = fake_mnist()
    arrays["t10k-labels-idx1-ubyte"] = np.array([0, 9, 3], np.uint8)
    write_fake_mnist(tmp_path, arrays)
    assert load_mnist(source="full", path=tmp_path)[1][1].tolist() == [0, 9, 3]


def test_full_env_var_is_honoured(tmp_path, monkeypatch):
    arrays = fake_mnist(n_train=4, n_test=2)
    write_fake_mnist(tmp_path, arrays)
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert default_mnist_dir() == tmp_path
    (x, _), (x_test, _) = load_mnist(source="full")
    assert x.shape == (4, 784) and x_test.shape == (2, 784)
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "elsewhere"))
    with pytest.raises(FileNotFoundError, match=f"elsewhere.*{ENV_VAR}"):
        load_mnist(source="full")


def test_default_folder_is_the_user_cache(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_mnist_dir() == tmp_path / ".cache" / "dlskills" / "mnist"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_mnist_dir() == tmp_path / "xdg" / "dlskills" / "mnist"
    with pytest.raises(FileNotFoundError, match="default cache folder"):
        load_mnist(source="full")


def test_full_rejects_inconsistent_files(tmp_path):
    arrays = fake_mnist()
    arrays["train-labels-idx1-ubyte"] = arrays["train-labels-idx1-ubyte"][:4]
    write_fake_mnist(tmp_path, arrays)
    with pytest.raises(ValueError, match="5 images.*4 labels"):
        load_mnist(source="full", path=tmp_path)


def test_full_rejects_damaged_file_with_advice(tmp_path):
    write_fake_mnist(tmp_path, fake_mnist())
    gz = tmp_path / "train-images-idx3-ubyte.gz"
    gz.write_bytes(gz.read_bytes()[:40])
    with pytest.raises(ValueError, match="train-images-idx3-ubyte.gz.*download=True") as info:
        load_mnist(source="full", path=tmp_path)
    assert str(info.value).count(str(gz)) == 1  # the path is said once


# ------------------------------------------------------------------ download (offline)

class _Mirror(http.server.BaseHTTPRequestHandler):
    """GET /<kind>/<name>: kind "good" serves the file, "bad" a changed copy (checksum
    mismatch), "cut" half of it and closes, "silent" never answers, "missing" is 404."""

    def do_GET(self):
        kind, name = self.path.strip("/").split("/", 1)
        self.server.asked.append(self.path)
        if kind == "silent":
            self.server.release.wait(30)
            return
        data = self.server.files.get(name)
        if kind == "missing" or data is None:
            self.send_error(404)
            return
        if kind == "bad":
            data = data[:-1] + bytes([data[-1] ^ 0xFF])
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[:len(data) // 2] if kind == "cut" else data)
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def mirror(payloads):
    """A loopback HTTP server serving the fake .gz files; ``mirror(kind)`` is a base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Mirror)
    server.daemon_threads = True
    server.files, server.asked, server.release = payloads[1], [], threading.Event()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    url = lambda kind: f"{base}{kind}/"  # noqa: E731
    url.asked, url.files, url.arrays = server.asked, payloads[1], payloads[0]
    yield url
    server.release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def test_download_writes_verified_files(tmp_path, mirror):
    folder = tmp_path / "new" / "mnist"  # created on demand
    paths = download_mnist(folder, base_url=mirror("good"), verbose=False)
    assert sorted(os.listdir(folder)) == sorted(mirror.files)
    for name, data in mirror.files.items():
        assert paths[name] == folder / name and (folder / name).read_bytes() == data
    asked = len(mirror.asked)
    download_mnist(folder, base_url=mirror("good"), verbose=False)
    assert len(mirror.asked) == asked == 4  # verified files are not fetched again


def test_download_says_what_it_does(tmp_path, mirror, capsys):
    download_mnist(tmp_path, base_url=[mirror("missing"), mirror("good")])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 8
    name = "train-images-idx3-ubyte.gz"
    assert lines[0].startswith(f"downloading {mirror('missing')}{name} ... failed (HTTPError: "
                               f"404 ")
    assert lines[1] == f"downloading {mirror('good')}{name} ... ok, 0.0 MB, MD5 verified"
    download_mnist(tmp_path, base_url=mirror("good"))   # verified already: nothing to say
    assert capsys.readouterr().out == ""


def test_download_passes_a_silent_mirror_after_the_timeout(tmp_path, mirror):
    start = time.perf_counter()
    download_mnist(tmp_path, base_url=[mirror("silent"), mirror("good")], timeout=0.3,
                   verbose=False)
    assert time.perf_counter() - start < 20  # 4 files x 0.3 s, not 4 x 30 s
    assert sorted(os.listdir(tmp_path)) == sorted(mirror.files)
    assert sum(p.startswith("/silent/") for p in mirror.asked) == 4


def test_download_names_every_mirror_that_failed(tmp_path, mirror):
    with pytest.raises(DownloadError) as info:
        download_mnist(tmp_path, base_url=[mirror("silent"), mirror("missing")], timeout=0.3,
                       verbose=False)
    message, reasons = str(info.value), info.value.reasons
    lines = message.splitlines()
    assert lines[0] == ("could not download train-images-idx3-ubyte.gz (no network, a mirror "
                        "down, or a checksum mismatch); tried:")
    name = "train-images-idx3-ubyte.gz"
    assert lines[1] == f"  {mirror('silent')}{name}: ReadTimeout: {reasons[0][1]}"
    assert "timed out" in lines[1]
    assert lines[2] == f"  {mirror('missing')}{name}: HTTPError: {reasons[1][1]}"
    assert "404" in lines[2]
    assert lines[3] == (f"Put the four MNIST files ({', '.join(MNIST_MD5)}, or uncompressed) "
                        f"in {tmp_path} or set {ENV_VAR} to a folder that has them.")
    assert [url for url, _ in reasons] == [mirror(k) + "train-images-idx3-ubyte.gz"
                                           for k in ("silent", "missing")]
    assert str(tmp_path) in message and ENV_VAR in message
    assert os.listdir(tmp_path) == []


def test_download_checksum_mismatch_keeps_nothing(tmp_path, mirror):
    expected = MNIST_MD5["train-images-idx3-ubyte.gz"]
    with pytest.raises(DownloadError, match=f"(?s)mismatch.*{mirror('bad')}.*{expected}"):
        download_mnist(tmp_path, base_url=mirror("bad"), verbose=False)
    assert os.listdir(tmp_path) == []


def test_download_cut_midway_keeps_nothing(tmp_path, mirror):
    with pytest.raises(DownloadError, match=mirror("cut")):
        download_mnist(tmp_path, base_url=mirror("cut"), verbose=False)
    assert os.listdir(tmp_path) == []


def test_download_interrupted_keeps_nothing(tmp_path, mirror, monkeypatch):
    import pooch

    class Interrupted(pooch.HTTPDownloader):
        def __call__(self, url, output_file, pooch_):
            with open(output_file, "wb") as f:
                f.write(b"half a file")
            raise KeyboardInterrupt

    monkeypatch.setattr(pooch, "HTTPDownloader", Interrupted)
    with pytest.raises(KeyboardInterrupt):  # an interrupt stops; no next mirror
        download_mnist(tmp_path, base_url=[mirror("good"), mirror("good")], verbose=False)
    assert os.listdir(tmp_path) == []


def test_download_connection_refused(tmp_path):
    with socket.socket() as s:  # a loopback port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DownloadError, match="(?i)refused"):
        download_mnist(tmp_path / "out", base_url=f"http://127.0.0.1:{port}/", timeout=5,
                       verbose=False)
    assert not (tmp_path / "out").exists() or os.listdir(tmp_path / "out") == []


def test_load_with_download_fetches_only_missing_files(tmp_path, monkeypatch, mirror):
    monkeypatch.setattr(mnist_mod, "MNIST_MIRRORS", (mirror("good"),))
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"):
        (tmp_path / name).write_bytes(mirror.files[name])
    (x, _), (x_test, t_test) = load_mnist(source="full", path=tmp_path, download=True)
    assert sorted(mirror.asked) == ["/good/t10k-images-idx3-ubyte.gz",
                                    "/good/t10k-labels-idx1-ubyte.gz"]
    assert x.shape == (5, 784) and x_test.shape == (3, 784)
    assert np.array_equal(t_test, mirror.arrays["t10k-labels-idx1-ubyte"])


def test_load_with_download_replaces_a_damaged_file(tmp_path, monkeypatch, mirror):
    monkeypatch.setattr(mnist_mod, "MNIST_MIRRORS", (mirror("good"),))
    for name, data in mirror.files.items():
        (tmp_path / name).write_bytes(data)
    damaged = tmp_path / "train-labels-idx1-ubyte.gz"
    damaged.write_bytes(b"garbage")
    with pytest.raises(ValueError):
        load_mnist(source="full", path=tmp_path)
    (_, t), _ = load_mnist(source="full", path=tmp_path, download=True)
    assert np.array_equal(t, mirror.arrays["train-labels-idx1-ubyte"])
    assert damaged.read_bytes() == mirror.files["train-labels-idx1-ubyte.gz"]
    assert mirror.asked == ["/good/train-labels-idx1-ubyte.gz"]


def test_load_with_download_replaces_valid_files_with_the_wrong_checksum(tmp_path,
                                                                         monkeypatch, mirror):
    monkeypatch.setattr(mnist_mod, "MNIST_MIRRORS", (mirror("good"),))
    other = fake_mnist(n_train=6, n_test=2, seed=9)  # well-formed, but not the published data
    write_fake_mnist(tmp_path, other, gz=tuple(other))
    (x, _), _ = load_mnist(source="full", path=tmp_path)  # read as they are: no digest
    assert len(x) == 6
    (x, t), (x_test, _) = load_mnist(source="full", path=tmp_path, download=True)
    assert len(x) == 5 and len(x_test) == 3 and len(mirror.asked) == 4
    assert np.array_equal(t, mirror.arrays["train-labels-idx1-ubyte"])


def test_load_with_download_reads_the_verified_gz_not_a_plain_copy(tmp_path, monkeypatch,
                                                                  mirror):
    monkeypatch.setattr(mnist_mod, "MNIST_MIRRORS", (mirror("good"),))
    write_fake_mnist(tmp_path, fake_mnist(n_train=6, n_test=2, seed=9), gz=())  # plain files
    (x, _), _ = load_mnist(source="full", path=tmp_path, download=True)
    assert len(x) == 5


def test_load_with_download_offline_error(tmp_path, monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(mnist_mod, "MNIST_MIRRORS", (f"http://127.0.0.1:{port}/a/",
                                                     f"http://127.0.0.1:{port}/b/"))
    with pytest.raises(DownloadError, match=f"(?s)/a/.*/b/.*{ENV_VAR}"):
        load_mnist(source="full", path=tmp_path, download=True, timeout=5)
    assert os.listdir(tmp_path) == []


def test_download_default_folder_follows_env_var(tmp_path, monkeypatch, mirror):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "from_env"))
    download_mnist(base_url=mirror("good"), verbose=False)
    assert sorted(os.listdir(tmp_path / "from_env")) == sorted(mirror.files)


def test_download_without_pooch_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pooch", None)  # import pooch raises ImportError
    with pytest.raises(ImportError) as info:
        download_mnist(tmp_path, verbose=False)
    assert str(info.value) == ("downloading full MNIST needs the optional package pooch: pip "
                               "install pooch (or pip install 'dlskills[full]'); load_mnist() "
                               "without source='full' needs no download")
    with pytest.raises(ImportError, match="dlskills\\[full\\]"):
        load_mnist(source="full", path=tmp_path, download=True)
    assert load_mnist()[0][0].shape == (4000, 784)  # the subset needs no pooch


@pytest.mark.parametrize("kwargs, word", [({"timeout": 0}, "timeout must be > 0"),
                                          ({"timeout": -5}, "timeout must be > 0"),
                                          ({"timeout": None}, "timeout must be a number"),
                                          ({"verbose": "yes"}, "verbose must be True"),
                                          ({"base_url": []}, "base_url must be"),
                                          ({"base_url": [None]}, "base_url must be"),
                                          ({"base_url": [""]}, "base_url must be")])
def test_download_bad_arguments(tmp_path, kwargs, word):
    with pytest.raises(ValueError, match=word):
        download_mnist(tmp_path, **kwargs)
    assert os.listdir(tmp_path) == []


def test_load_mnist_bad_timeout(tmp_path):
    with pytest.raises(ValueError, match="timeout must be > 0"):
        load_mnist(source="full", path=tmp_path, download=True, timeout=0)


# ------------------------------------------------------------------ toy data

def test_blobs_shapes_labels_and_seed():
    x, t = make_blobs(30, 3)
    assert x.shape == (90, 2) and x.dtype == np.float64
    assert t.shape == (90,) and t.dtype == np.int64
    assert np.array_equal(t, np.repeat(np.arange(3), 30))
    x32, _ = make_blobs(30, 3, dtype=np.float32)
    assert x32.dtype == np.float32
    np.testing.assert_allclose(x32, x, rtol=1e-6, atol=1e-6)
    a, b, c = (make_blobs(30, 3, seed=s)[0] for s in (3, 3, 4))
    assert np.array_equal(a, b) and not np.allclose(a, c)
    assert np.array_equal(a, make_blobs(30, 3, seed=np.random.default_rng(3))[0])


def test_blobs_centres():
    x, t = make_blobs(10, 2, noise=0.0)
    assert np.allclose(x[t == 0], [0, 2]) and np.allclose(x[t == 1], [0, -2])
    x, t = make_blobs(2000, 4, noise=0.5, seed=1)
    means = np.array([x[t == k].mean(axis=0) for k in range(4)])
    np.testing.assert_allclose(np.hypot(means[:, 0], means[:, 1]), 2.0, atol=0.05)
    np.testing.assert_allclose(x[t == 0].std(axis=0), 0.5, atol=0.05)


@pytest.mark.parametrize("call, word", [
    (lambda: make_blobs(-3), "n_per_class"),
    (lambda: make_blobs(2.5), "n_per_class"),
    (lambda: make_blobs(10, noise=-1), "noise"),
    (lambda: make_blobs(10, noise=float("nan")), "noise"),
    (lambda: make_blobs(10, 1), "n_classes"),
    (lambda: make_blobs(10, seed=-1), "seed"),
    (lambda: make_blobs(10, seed="a"), "seed"),
    (lambda: make_blobs(10, dtype=np.int64), "dtype"),
])
def test_toy_bad_arguments(call, word):
    with pytest.raises(ValueError, match=word):
        call()


def test_download_mirrors_without_a_trailing_slash(tmp_path, mirror):
    download_mnist(tmp_path, base_url=mirror("good").rstrip("/"), verbose=False)
    assert sorted(mirror.asked)[0] == "/good/t10k-images-idx3-ubyte.gz"


def test_download_waits_10_seconds_by_default():
    import inspect
    for function in (download_mnist, load_mnist):
        assert inspect.signature(function).parameters["timeout"].default == 10.0


def test_download_reports_megabytes(tmp_path, mirror, monkeypatch, capsys):
    big = os.urandom(1_050_000)                     # 1.05 MB: "1.1 MB" (not "1.0")
    mirror.files["big.gz"] = big
    monkeypatch.setattr(mnist_mod, "MNIST_MD5", {"big.gz": hashlib.md5(big).hexdigest()})
    download_mnist(tmp_path, base_url=mirror("good"))
    assert capsys.readouterr().out.endswith("big.gz ... ok, 1.1 MB, MD5 verified\n")
