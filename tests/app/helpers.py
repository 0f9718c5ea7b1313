"""AppTest helpers: open the app (or one page of it) on the bundled sample."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")


def open_app(page: str | None = None, timeout: float = 60) -> AppTest:
    """Run the router, then switch to `page` ("pages/x.py") if given."""
    at = AppTest.from_file(APP, default_timeout=timeout).run()
    if page is not None:
        at.switch_page(page).run()
    return at


def open_page(page: str, timeout: float = 60) -> AppTest:
    """open_app(page), checked: the page ran without an exception."""
    at = open_app(page, timeout)
    assert not at.exception, at.exception
    return at


def _decode(obj):
    """Plotly >= 6 sends NumPy arrays as {'bdata': base64, 'dtype': ..., 'shape': ...}."""
    import base64

    import numpy as np

    if isinstance(obj, dict):
        if "bdata" in obj and "dtype" in obj:
            arr = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=np.dtype(obj["dtype"]))
            if obj.get("shape"):
                arr = arr.reshape([int(s) for s in str(obj["shape"]).split(",")])
            return arr.tolist()
        return {k: _decode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode(v) for v in obj]
    return obj


def plotly_specs(at: AppTest) -> list[dict]:
    """Every Plotly chart on the page as a plain dict (arrays decoded to lists)."""
    import json

    return [_decode(json.loads(c.proto.spec)) for c in at.get("plotly_chart")]


def metric(at: AppTest, label: str) -> str | None:
    """The value of the first st.metric with this label, or None."""
    return next((m.value for m in at.metric if m.label == label), None)


def errors(at: AppTest) -> str:
    """Every st.error message on the page, one per line."""
    return "\n".join(e.value for e in at.error)
