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


def test_home_shows_the_test_labels_beside_the_train_labels():
    import numpy as np
    from lib.core.data import load_mnist
    data = load_mnist()
    at = home()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["test_labels.shape"] == "(1000,)"
    labels_code = next(c.value for c in at.code if c.value.startswith("train_labels"))
    with np.printoptions(threshold=6, edgeitems=3):       # NumPy's own summary of each array
        assert f"train_labels   # {data.train_labels!r}" in labels_code
        assert f"test_labels    # {data.test_labels!r}" in labels_code
    assert "..., " in labels_code.splitlines()[1]
    bars = plotly_specs(at)[0]
    assert [t["name"] for t in bars["data"]] == ["train_labels", "test_labels"]
    assert bars["data"][1]["y"] == np.bincount(data.test_labels).tolist() == [100] * 10
    caption = " ".join(c.value for c in at.caption)
    assert "every digit exactly 400 times" in caption and "exactly 100 times" in caption
    assert "5,421 fives to 6,742 ones" in caption
    assert not any("balanced" == h.value.split()[-1] for h in at.subheader)


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


def test_one_digit_up_close_draws_the_books_figure_with_the_code_beside_it():
    """The code panel shows the matplotlib code; a matplotlib picture of that digit is drawn
    next to it (an image, not the Plotly grid), and the grid's caption says what it is."""
    at = home()
    at.number_input[0].set_value(7).run()
    assert not at.exception
    images = at.get("image")
    assert len(images) == 2                      # the first 24 digits, and the book's digit
    assert len(images[1].proto.imgs) == 1
    label = next(m.value for m in at.metric if m.label == "label")
    code = next(c.value for c in at.code if "plt.imshow" in c.value)
    assert code.splitlines() == ["digit = train_images[7]", "import matplotlib.pyplot as plt",
                                 "plt.imshow(digit, cmap=plt.cm.binary)",
                                 f"train_labels[7]   # {label}"]
    captions = " ".join(c.value for c in at.caption)
    assert "interactive Plotly heatmap" in captions and "same `imshow` call" in captions


def test_where_to_next_lists_every_page_with_its_blurb_apart():
    """A link's label is cut to one line: the blurb is a caption under it, so it wraps."""
    from lib.site.chapter import HOME, PAGES

    at = home()
    links = {link.proto.label for link in at.get("page_link")}
    captions = {c.value for c in at.caption}
    for page in PAGES:
        if page is not HOME:
            assert page.title in links and page.blurb in captions
