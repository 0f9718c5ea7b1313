"""The MNIST loader: cached file, bundled sample, env override, read-only arrays, fallback."""
import sys

import numpy as np
import pytest

from lib.core import data as data_mod
from lib.core.data import DataUnavailable, load_mnist


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.delenv("MNIST_SOURCE", raising=False)
    return tmp_path


def write_fake_cache(keras_home, n_train=6, n_test=3):
    rng = np.random.default_rng(0)
    path = keras_home / "datasets" / "mnist.npz"
    path.parent.mkdir(parents=True)
    arrays = dict(x_train=rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
                  y_train=np.arange(n_train, dtype=np.uint8) % 10,
                  x_test=rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
                  y_test=np.arange(n_test, dtype=np.uint8))
    np.savez(path, **arrays)
    return arrays


def test_cached_file_is_read_with_numpy_and_honours_keras_home(keras_home):
    arrays = write_fake_cache(keras_home)
    d = load_mnist()
    assert d.source == "keras" and d.note == ""
    np.testing.assert_array_equal(d.train_images, arrays["x_train"])
    np.testing.assert_array_equal(d.test_labels, arrays["y_test"])
    assert d.train_images.dtype == np.uint8 and d.train_images.shape == (6, 28, 28)


def test_reading_the_cache_does_not_import_tensorflow(keras_home):
    write_fake_cache(keras_home)
    import subprocess
    code = ("import sys; from lib.core.data import load_mnist; d = load_mnist(); "
            "print(d.source, 'tensorflow' in sys.modules, 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**__import__("os").environ, "KERAS_HOME": str(keras_home)},
                         check=True).stdout.split()
    assert out == ["keras", "False", "False"]


def test_sample_is_real_mnist_shaped_and_stratified(monkeypatch):
    monkeypatch.delenv("MNIST_SOURCE", raising=False)
    d = load_mnist("sample")
    assert d.source == "sample" and not d.is_full
    assert d.train_images.shape == (4000, 28, 28) and d.test_images.shape == (1000, 28, 28)
    assert d.train_images.dtype == np.uint8 and d.train_labels.dtype == np.uint8
    assert np.bincount(d.train_labels).tolist() == [400] * 10
    assert np.bincount(d.test_labels).tolist() == [100] * 10
    assert len(set(d.train_labels[:50].tolist())) > 5, "classes must be mixed, not sorted"
    assert d.train_images.max() == 255 and d.train_images.min() == 0


def test_arrays_are_read_only():
    d = load_mnist("sample")
    for a in (d.train_images, d.train_labels, d.test_images, d.test_labels):
        with pytest.raises(ValueError):
            a[0] = 1


def test_env_override_wins(keras_home, monkeypatch):
    write_fake_cache(keras_home)
    monkeypatch.setenv("MNIST_SOURCE", "sample")
    assert load_mnist("auto").source == "sample"
    monkeypatch.setenv("MNIST_SOURCE", "nonsense")
    with pytest.raises(ValueError, match="must be one of"):
        load_mnist()


def test_a_hanging_download_is_given_up_at_its_timeout_with_a_note(keras_home, monkeypatch,
                                                                     tmp_path):
    """The download would end after 30 s and leave a mark: with a 1 s timeout, load_mnist
    answers before that (no mark), on the sample, and says why."""
    finished = tmp_path / "download finished"
    monkeypatch.setattr(data_mod, "_online", lambda timeout=2.0: True)
    monkeypatch.setattr(data_mod, "DOWNLOAD_COMMAND", [
        sys.executable, "-c",
        f"import pathlib, time; time.sleep(30); pathlib.Path({str(finished)!r}).touch()"])
    d = load_mnist(download_timeout=1.0)
    assert not finished.exists(), "load_mnist waited for the download instead of giving up"
    assert d.source == "sample"
    assert "could not be downloaded" in d.note and "longer than 1 s" in d.note


def test_download_error_is_reported_not_raised(keras_home, monkeypatch):
    monkeypatch.setattr(data_mod, "_online", lambda timeout=2.0: True)
    monkeypatch.setattr(data_mod, "DOWNLOAD_COMMAND",
                        [sys.executable, "-c", "raise Exception('URL fetch failure')"])
    d = load_mnist()
    assert d.source == "sample" and "URL fetch failure" in d.note


def test_offline_skips_keras_entirely(keras_home, monkeypatch):
    monkeypatch.setattr(data_mod, "_online", lambda timeout=2.0: False)
    monkeypatch.setattr(data_mod, "DOWNLOAD_COMMAND", ["/nonexistent/never-run"])
    d = load_mnist()
    assert d.source == "sample" and "no internet" in d.note


def test_explicit_keras_source_raises_when_unavailable(keras_home, monkeypatch):
    monkeypatch.setattr(data_mod, "_online", lambda timeout=2.0: False)
    with pytest.raises(DataUnavailable, match="no internet"):
        load_mnist("keras")


def test_the_shared_sample_is_read_only_and_timed():
    """Every session shares these arrays, so nobody may write into them; the load time is
    measured (bench/startup.py reports it, no test asserts a speed)."""
    d = load_mnist("sample")
    for array in (d.train_images, d.train_labels, d.test_images, d.test_labels):
        assert not array.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0
    assert d.load_seconds > 0
