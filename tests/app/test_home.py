"""AppTest: the router and the Home page."""
from tests.app.helpers import open_app, plotly_specs


def home():
    return open_app()


def test_home_shows_mnist_as_a_tensor():
    at = home()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["train_images.shape"] == "(4000, 28, 28)"
    assert metrics["test_images.shape"] == "(1000, 28, 28)"
    assert metrics["train_labels.shape"] == "(4000,)"
    assert metrics["dtype"] == "uint8"
    bars = plotly_specs(at)[0]
    assert bars["data"][0]["y"] == [400] * 10


def test_choosing_a_digit_updates_the_picture():
    at = home()
    at.number_input[0].set_value(7).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["train_images[7].shape"] == "(28, 28)"
    spec = plotly_specs(at)[1]
    assert "train_images[7]" in spec["layout"]["title"]["text"]
    assert len(spec["data"][0]["z"]) == 28


def test_sidebar_names_the_sample():
    at = home()
    assert any("Offline MNIST sample" in i.value for i in at.sidebar.info)
