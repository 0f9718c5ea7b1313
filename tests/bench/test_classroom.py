"""bench/classroom.py's observer outlives a killed replica (--kill-pid): a lost connection
is replaced by a fresh one and timing goes on; without a reconnect it is an error."""
from __future__ import annotations

import asyncio
import concurrent.futures
import types

import pytest

from bench.classroom import time_reruns
from bench.stclient import SCRIPT_FINISHED, ProtocolError


def run(coroutine):
    """In a thread of its own: a worker that ran browser tests holds Playwright's loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class FakeClient:
    """Answers every rerun at once; `dies_after` reruns in, its connection is lost."""

    def __init__(self, dies_after: int | None = None):
        self.dies_after, self.sent, self.closed, self.errors = dies_after, 0, False, []

    async def set_value(self, key, value):
        if self.closed:
            raise ProtocolError("not connected")
        self.sent += 1
        if self.dies_after is not None and self.sent > self.dies_after:
            self.closed = True
            return types.SimpleNamespace(sent=0.0, finished=None)
        return types.SimpleNamespace(sent=0.0, finished=1.0, duration=0.01,
                                     status=SCRIPT_FINISHED.FINISHED_SUCCESSFULLY)

    async def wait_request(self, request, timeout):
        if self.closed:
            raise ProtocolError("connection lost")
        return request.finished is not None


def test_a_lost_observer_is_replaced_and_timing_goes_on():
    fresh = []

    async def reconnect():
        fresh.append(FakeClient())
        return fresh[-1]

    durations, timeouts = run(time_reruns(FakeClient(dies_after=2), 5, None, 1e12,
                                                  pause=0, reconnect=reconnect))
    assert len(fresh) == 1 and fresh[0].sent == 3            # 2 before the death, 3 after
    assert durations == [0.01] * 5 and timeouts == 0


def test_without_a_reconnect_a_lost_observer_is_an_error():
    with pytest.raises(ProtocolError):
        run(time_reruns(FakeClient(dies_after=1), 3, None, 1e12, pause=0))
