"""Every test runs on the bundled MNIST sample: no internet, same digits everywhere."""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ["MNIST_SOURCE"] = "sample"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.chdir(ROOT)  # AppTest.from_file("streamlit_app.py") and page paths are relative to the root
