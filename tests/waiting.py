"""Tests wait for what they check: poll a condition until it holds, with a bound."""
from __future__ import annotations

import time


def wait_until(condition, timeout: float = 30.0, every: float = 0.05) -> bool:
    """Poll `condition()` every `every` s until it is true (True) or `timeout` s passed
    (False)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(every)
    return True
