"""The MNIST loader: the official files, checked, with clear errors; downloads verified."""
import functools
import http.server
import shutil
import threading

import numpy as np
import pytest

from autograder import mnist
from tests.helpers import ROOT, run_cli

SHARED = ROOT.parent / "shared" / "mnist"
pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="shared/mnist is not beside the repo")


def copy_files(tmp_path):
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name in mnist.FILES:
        shutil.copy(SHARED / name, folder / name)
    return folder


def test_loads_the_official_files():
    x, y = mnist.load("train", str(SHARED))
    assert x.shape == (60000, 28, 28) and x.dtype == np.uint8 and y.shape == (60000,)
    x_test, y_test = mnist.load("test", str(SHARED))
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert np.bincount(y)[0] == 5923 and x.max() == 255


@pytest.mark.parametrize("damage, message", [
    ("missing", "is missing from"),
    ("truncated", "is corrupted or truncated"),
    ("flipped byte", "is corrupted or truncated"),
])
def test_damaged_files_are_named(tmp_path, damage, message):
    folder = copy_files(tmp_path)
    target = folder / "t10k-labels-idx1-ubyte.gz"
    if damage == "missing":
        target.unlink()
    elif damage == "truncated":
        target.write_bytes(target.read_bytes()[:1000])
    else:
        data = bytearray(target.read_bytes())
        data[500] ^= 0xFF
        target.write_bytes(bytes(data))
    with pytest.raises(mnist.MnistError, match=message) as error:
        mnist.load("test", str(folder))
    assert "t10k-labels-idx1-ubyte.gz" in str(error.value)


@pytest.fixture
def mirror(tmp_path):
    """Two loopback HTTP mirrors: one serving a corrupted copy, one the real files."""
    bad = tmp_path / "bad"
    bad.mkdir()
    for name in mnist.FILES:
        (bad / name).write_bytes(b"not mnist")
    servers = []
    for folder in (bad, SHARED):
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
        handler.log_message = lambda *a: None
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    yield [f"http://127.0.0.1:{s.server_address[1]}/" for s in servers]
    for server in servers:
        server.shutdown()


def test_download_checks_md5_and_falls_back(tmp_path, mirror):
    target = tmp_path / "downloaded"
    assert mnist.download(target, tuple(mirror)) == target
    assert all(mnist.md5(target / n) == h for n, h in mnist.FILES.items())
    assert mnist.load("test", str(target))[0].shape == (10000, 28, 28)


def test_download_fails_clearly_when_no_mirror_is_right(tmp_path, mirror):
    with pytest.raises(mnist.MnistError, match="wrong MD5"):
        mnist.download(tmp_path / "x", (mirror[0],))


def test_data_verb_with_files_present(tmp_path):
    folder = copy_files(tmp_path)
    done = run_cli("data", "--dir", str(folder))
    assert done.returncode == 0 and "MNIST is ready" in done.stdout


def test_notebooks_load_mnist_in_the_sandbox_without_tensorflow(tmp_path):
    """`tf.keras.datasets.mnist.load_data()` (real notebooks) and the template's loading cell
    (the course's loader where the autograder is installed, Keras otherwise) both work inside
    the sandbox, where neither TensorFlow nor the grader's modules can be imported."""
    import nbformat

    from autograder.limits import StudentLimits
    from autograder.sandbox.session import SandboxSession, value_request
    from autograder.submission import Cell
    template = nbformat.read(ROOT / "student_template" / "mnist" / "mnist.ipynb", as_version=4)
    loading = next(c.source for c in template.cells if "load_data()" in c.source)
    source = ("import tensorflow as tf\n"
              "(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()\n"
              "from tensorflow.keras.datasets import mnist\n"
              "keras_sum = int(x_test.sum())\n"
              f"{loading}\n"
              "template_sum = int(x_test.sum())\n"
              "shape = x_train.shape\n")
    s = SandboxSession([Cell("cell 1", source)], tmp_path, StudentLimits(),
                       mnist=mnist.data_dir().resolve())
    try:
        assert s.request(value_request("shape")).value == (60000, 28, 28)
        expected = int(mnist.load("test")[0].sum())
        assert s.request(value_request("keras_sum")).value == expected
        assert s.request(value_request("template_sum")).value == expected
        assert s.load_errors == []
    finally:
        s.close()
