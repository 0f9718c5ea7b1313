"""Navigation and the shared frame of every page: the page map, the router's helpers,
the dataset (loaded once per server) and the sidebar."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

from lib.site.chapter import BY_URL_PATH, HOME, lesson_neighbours, sections
from lib.core.data import Dataset, load_mnist
from lib.core.tf import figures_may_run
from lib.ui.widgets import figures_last

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = "streamlit_app.py"

def page_exists(path: str) -> bool:
    return (ROOT / path).exists()


def navigation_pages() -> dict[str, list]:
    """st.Page objects by section, for st.navigation; only pages whose file exists."""
    by_section = {}
    for section, pages in sections().items():
        entries = [st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url_path,
                           default=p is HOME) for p in pages if page_exists(p.path)]
        if entries:
            by_section[section] = entries
    return by_section


# ---------------------------------------------------------------- where the student is

def _remember_page(url_path: str) -> None:
    """Every full run of a page: which page this run shows, and which the last one did."""
    state = st.session_state
    state["_page_before"] = state.get("_page_now")
    state["_page_now"] = url_path


def came_back() -> bool:
    """True on the first run of a page after the student was on another one."""
    state = st.session_state
    return state.get("_page_before") not in (None, state.get("_page_now"))


# A new page starts at the top. Streamlit draws the next page in the same scrolling main
# area; when the new page's elements arrive before the old ones are cleared (a busy server
# or a slow laptop: 1 switch in 6 with Chromium here), the student clicking "next →" at the
# bottom of a long page lands at the bottom of the next one. A constant script (no user
# input in it), sent only on the first run after a page switch, scrolls the main area up.
_TO_THE_TOP = """<script>
for (const el of document.querySelectorAll('[data-testid="stMain"]')) el.scrollTop = 0;
window.tensorLabToTop = (window.tensorLabToTop || 0) + 1;
</script>"""


def start_at_the_top(url_path: str) -> None:
    """In the router, before the page runs: record which page this run shows (for
    `came_back()`), and on the first run after a switch from another page scroll the main
    area to the top (the script sits in the sidebar, which takes no room from the page)."""
    _remember_page(url_path)
    if came_back():
        st.sidebar.html(_TO_THE_TOP, unsafe_allow_javascript=True)


# ---------------------------------------------------------------- direct links
# Streamlit ignores the pages/ folder once any session has called st.navigation, but on a
# fresh server a direct link such as /slicing runs pages/slicing.py on its own, the legacy
# way: no router, no sidebar, file names as navigation. Every page therefore starts with
# `enter_page(__file__)`: when the router is not around it, the page hands over to the
# router with st.switch_page (public API), carrying its own name and the link's query
# parameters; the router then switches to the page that was asked for. That costs two quick
# reruns on the very first visit to a fresh server and nothing afterwards.

REDIRECT_PARAM = "goto"
_routing = threading.local()


@contextmanager
def routing():
    """The router runs the chosen page inside this, so the page knows it was routed."""
    _routing.active = True
    try:
        # the page's figures are built and sent in here (the warm-up's import of what Plotly
        # peeks at waits for them: lib/core/tf.py), after its controls (lib/ui/widgets.py)
        with figures_may_run(), figures_last():
            yield
    finally:
        _routing.active = False


def enter_page(page_file: str) -> None:
    """Call first thing on every page (`ui.enter_page(__file__)`). Hands a direct link over
    to the router if the router did not run this page (only for a browser's request, which
    has headers: AppTest has none and runs a page on its own on purpose). A page run on its
    own records which page this is, for `came_back()`; under the router,
    `start_at_the_top` has done that."""
    url_path = Path(page_file).stem
    if getattr(_routing, "active", False):
        return
    if st.context.headers:
        params = {k: v for k, v in st.query_params.to_dict().items() if k != REDIRECT_PARAM}
        st.switch_page(ENTRYPOINT, query_params={**params, REDIRECT_PARAM: url_path})
    _remember_page(url_path)


def redirect_target(params: dict[str, str]) -> tuple[str | None, dict[str, str]]:
    """The page a hand-over asked for (by its URL path, checked against the chapter's
    pages) and the other query parameters; (None, params) when there is none."""
    wanted = params.get(REDIRECT_PARAM)
    rest = {k: v for k, v in params.items() if k != REDIRECT_PARAM}
    page = BY_URL_PATH.get(wanted) if isinstance(wanted, str) else None
    return (page.path if page is not None and page_exists(page.path) else None), rest


def follow_redirect() -> None:
    """In the router, after st.navigation: finish a page's hand-over, if any."""
    if REDIRECT_PARAM not in st.query_params:
        return
    target, rest = redirect_target(st.query_params.to_dict())
    if target is None:
        del st.query_params[REDIRECT_PARAM]     # a stale or made-up value: stay on Home
        return
    st.switch_page(target, query_params=rest)


def lesson_links(url_path: str) -> None:
    """← previous · next → at the bottom of a page, in the chapter's lesson order."""
    before, after = lesson_neighbours(url_path)
    if before is None and after is None:
        return
    st.divider()
    left, right = st.columns(2)
    if before is not None and page_exists(before.path):
        left.page_link(before.path, label=f"← {before.title}", icon=before.icon)
    if after is not None and page_exists(after.path):
        right.page_link(after.path, label=f"{after.title} →", icon=after.icon)


# ---------------------------------------------------------------- the link to this view

def page_address(url_path: str) -> str:
    """The page's own address, without a query: st.context.url (what the browser shows,
    behind any proxy); else built from the request's Host header; else (AppTest, which has
    no request) a path from the server's root."""
    url = st.context.url
    if url:
        return url
    path = "" if BY_URL_PATH.get(url_path) is HOME else url_path
    headers = st.context.headers or {}
    host = headers.get("Host")
    if host:
        return f"{headers.get('X-Forwarded-Proto', 'http')}://{host}/{path}"
    return f"/{path}"


def full_url(link: str, here: str) -> str:
    """A link relative to the app's root (as lib.site.chapter.link writes it) as a full URL, seen
    from the page `here` (its url path)."""
    from urllib.parse import urljoin

    return urljoin(page_address(here), link)


def current_view_url(url_path: str) -> str:
    """The full URL of the view on screen: the page's address, its declared settings as they
    are now (lib.site.chapter.view_params) and projector mode."""
    from lib.site.chapter import view_params
    from lib.site.settings import view_url
    from lib.ui.mode import requested

    params = view_params(url_path, st.session_state, projector=requested())
    return view_url(page_address(url_path), params)


def view_link(url_path: str) -> None:
    """'🔗 Link to this view' in the sidebar: the full URL of the view on screen, to copy.
    The router calls it after the page has run, so the link holds the values just drawn."""
    with st.sidebar.popover("🔗 Link to this view", width="stretch"):
        st.code(current_view_url(url_path), language=None, wrap_lines=True)
        st.caption("Copy it with the icon at the box's top right. It opens this page with "
                   "these settings for anyone; a link never starts a training run.")


def nav_link(path: str, label: str, icon: str | None = None) -> None:
    """A link to another page of the app (drawn only if that page exists)."""
    if page_exists(path):
        st.page_link(path, label=label, icon=icon)


@st.cache_resource(show_spinner="Loading MNIST…")
def get_dataset() -> Dataset:
    """MNIST, loaded once per server process and shared read-only by every session."""
    return load_mnist()


def data_notice(data: Dataset) -> None:
    """Why the page shows the offline sample, said once per browser session where it covers
    nothing: above the page, in the flow of the page. In projector mode it is not said on the
    page at all (a toast there covered the page's key figure at 1280x720, e.g. the slicing
    page's selection.shape): the sidebar (dataset_sidebar) says it, for a teacher who opens
    it. A server told to use the sample has no note: nothing was tried, nothing failed."""
    from lib.ui.mode import requested

    if data.note and not requested() and not st.session_state.get("_data_notice_shown"):
        st.session_state["_data_notice_shown"] = True
        st.warning(data.note, icon="📦")


def dataset_sidebar(data: Dataset) -> None:
    """Which dataset is loaded, why, and how to get the full one."""
    with st.sidebar:
        if data.is_full:
            st.success(f"**Full MNIST** loaded  \n{len(data.train_images):,} train · "
                       f"{len(data.test_images):,} test", icon="✅")
            return
        st.info(f"**Offline MNIST sample**  \n{len(data.train_images):,} train · "
                f"{len(data.test_images):,} test real digits", icon="📦")
        if not data.note:            # MNIST_SOURCE=sample: no download was tried
            st.caption("This server was started with the sample (`MNIST_SOURCE=sample`); no "
                       "download was tried. For all 70,000 digits, start it without that "
                       "setting, once with internet.")
            return
        st.caption(data.note)
        st.caption("For all 70,000 digits, run once with internet: "
                   "`python -c \"import keras; keras.datasets.mnist.load_data()\"`")


@st.cache_resource(show_spinner=False)
def start_server_housekeeping() -> None:
    """Once per server process, the router's one call after the first page is drawn: Keras's
    state kept between script runs (lib/ui/internals.py), the TensorFlow warm-up in the
    background (lib/core/tf.py) and the janitor (lib/core/server.py), wired together by
    lib/train/warm.py. Pages that do not train never wait for any of it."""
    from lib.train.warm import start_housekeeping
    from lib.ui.internals import keep_a_runs_last_messages, keep_keras_state_between_runs

    keep_a_runs_last_messages()
    start_housekeeping(keep_keras_state_between_runs)
