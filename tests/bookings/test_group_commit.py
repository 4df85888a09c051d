"""Group commit with real threads: who leads, what a batch holds, who gets which outcome."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from boxoffice.bookings.group_commit import GroupCommit


class Refused(Exception):
    pass


class Batches:
    """A ``work`` function that records its batches; the first batch waits to be released,
    so that the test can queue requests behind it."""

    def __init__(self) -> None:
        self.seen: list[list[int]] = []
        self.first_started = threading.Event()
        self.release_first = threading.Event()

    def __call__(self, items: list[int]) -> list[int | BaseException]:
        self.seen.append(list(items))
        if len(self.seen) == 1:
            self.first_started.set()
            assert self.release_first.wait(10)
        if any(item < 0 for item in items) and 0 in items:
            raise RuntimeError("the whole batch failed")
        return [Refused(item) if item % 2 else item * 10 for item in items]


def _queue_behind_first(
    group: GroupCommit[int, int], work: Batches, pool: ThreadPoolExecutor, items: list[int]
) -> tuple[Future[int], list[Future[int]]]:
    """Start a leader on item 0, queue ``items`` while its batch runs, then let it finish."""
    first = pool.submit(group.run, "show", 0, work, 32)
    assert work.first_started.wait(10)
    queued = []
    for item in items:
        queued.append(pool.submit(group.run, "show", item, work, 3))
        # Queued requests wait on no event of ours: look until this one is in the queue.
        deadline = time.monotonic() + 10
        while len(group._waiting["show"]) < len(queued) and time.monotonic() < deadline:
            time.sleep(0.001)
    work.release_first.set()
    return first, queued


def test_requests_arriving_during_a_batch_share_the_next_one_in_order_of_arrival():
    group: GroupCommit[int, int] = GroupCommit()
    work = Batches()
    with ThreadPoolExecutor(8) as pool:
        first, queued = _queue_behind_first(group, work, pool, [2, 4, 6, 8, 10])
        assert first.result(10) == 0
        assert [future.result(10) for future in queued] == [20, 40, 60, 80, 100]
    # The first leader ran its own batch only; the next batches were led by the oldest
    # waiting request and held at most ``limit`` (3) requests.
    assert work.seen == [[0], [2, 4, 6], [8, 10]]
    assert group._waiting == {}


def test_each_request_gets_its_own_outcome_and_refusals_are_raised_in_their_own_thread():
    group: GroupCommit[int, int] = GroupCommit()
    work = Batches()
    with ThreadPoolExecutor(8) as pool:
        first, queued = _queue_behind_first(group, work, pool, [2, 3, 4])
        assert first.result(10) == 0
        assert queued[0].result(10) == 20 and queued[2].result(10) == 40
        with pytest.raises(Refused) as refused:
            queued[1].result(10)
        assert refused.value.args == (3,)


def test_a_failure_of_the_whole_batch_reaches_every_request_of_it_and_no_other():
    group: GroupCommit[int, int] = GroupCommit()
    work = Batches()
    with ThreadPoolExecutor(8) as pool:
        first, queued = _queue_behind_first(group, work, pool, [-2, 0, 4, 6])
        assert first.result(10) == 0
        for future in queued[:3]:
            with pytest.raises(RuntimeError, match="whole batch"):
                future.result(10)
        assert queued[3].result(10) == 60  # the next batch is unaffected
    assert work.seen == [[0], [-2, 0, 4], [6]]
    assert group._waiting == {}


def test_a_batch_with_a_wrong_number_of_outcomes_fails_instead_of_hanging():
    group: GroupCommit[int, int] = GroupCommit()
    with pytest.raises(RuntimeError, match="0 outcomes for 1 requests"):
        group.run("show", 1, lambda items: [], 32)
    assert group.run("show", 2, lambda items: [item * 10 for item in items], 32) == 20


def test_different_keys_do_not_wait_for_each_other():
    group: GroupCommit[int, int] = GroupCommit()
    work = Batches()
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(group.run, "busy show", 0, work, 32)
        assert work.first_started.wait(10)
        # Another show's request runs at once although the first batch is still open.
        assert group.run("other show", 4, lambda items: [i * 10 for i in items], 32) == 40
        work.release_first.set()
        assert first.result(10) == 0
