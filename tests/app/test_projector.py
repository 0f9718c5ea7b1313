"""AppTest: projector mode (?projector=1) folds each page's intro beside its title and puts
the page's main figure first, right under the title (the browser checks the pixels:
tests/browser/test_projector.py)."""
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import APP

MAIN_FIGURE = {                      # page -> the key of its main figure
    "pages/home.py": "home_digit_fig",
    "pages/rank_shape.py": "builder_picture",
    "pages/slicing.py": "slicing_digit",
    "pages/elementwise.py": "ew_relu_grid",
    "pages/broadcasting.py": "bc_animation",
    "pages/dot_product.py": "dot_rule_fig",
    "pages/reshape_transpose.py": "reshape_flow",
}


def open_with(page: str, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def first_chart_key(at: AppTest) -> str:
    """The id of the first Plotly chart on the page, in page order (it ends with its key)."""
    return at.get("plotly_chart")[0].proto.id


@pytest.mark.parametrize("page", sorted(MAIN_FIGURE))
def test_the_main_figure_comes_first_and_the_intro_folds(page):
    at = open_with(page, projector="1")
    assert MAIN_FIGURE[page] in first_chart_key(at)
    about = next(e for e in at.expander if e.label == "ℹ️ About this page")
    assert about.markdown and about.markdown[0].value
    assert at.session_state["projector"] is True            # the sidebar's toggle


def test_without_projector_mode_the_page_reads_as_before():
    at = open_with("pages/home.py")
    assert "home_label_counts" in first_chart_key(at)
    assert not any(e.label == "ℹ️ About this page" for e in at.expander)


@pytest.mark.parametrize("text", ["maybe", "__import__('os')", "x" * 10_000])
def test_a_hostile_projector_value_means_off_with_a_note(text):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["projector"] = text
    at.run()
    assert not at.exception
    assert any("link's 📽️ Projector mode was not used" in c.value for c in at.caption)
    assert not any(e.label == "ℹ️ About this page" for e in at.expander)
    at.switch_page("pages/broadcasting.py").run()
    assert not at.exception
    assert not any(e.label == "ℹ️ About this page" for e in at.expander)
