"""Group commit: requests for one show that arrive together share one transaction.

When a popular show goes on sale, most threads of a web process want to write to that same
show at the same moment. Alone, each booking pays for a whole transaction: its round trips,
a durable commit and its turn at the show's counter lock. With ``GroupCommit.run`` the first
thread to arrive for a show becomes the *leader*: it takes everything queued for the show
(its own request first, in order of arrival, up to ``limit``), runs the batch once, and
hands every thread its own outcome. Threads that arrive meanwhile queue up; when the batch
is done the oldest of them leads the next one, so no thread works for others more than once.

Only the transaction is shared. ``work`` returns one outcome per item, a value or an
exception, and every item succeeds or fails on its own. An exception escaping ``work``
concerns the whole batch (the show does not exist, the database is down): every thread of
the batch raises it.

The queues live in this process: threads of other processes form their own batches, and the
database keeps concurrent batches apart as it keeps single transactions apart.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")


class _Ticket(Generic[Item, Outcome]):
    """One waiting request: woken when its outcome is known, or when it is to lead."""

    def __init__(self, item: Item) -> None:
        self.item = item
        self.woken = threading.Event()
        self.leads = False
        self.outcome: Outcome | BaseException | None = None

    def settle(self, outcome: Outcome | BaseException) -> None:
        self.outcome = outcome
        self.woken.set()

    def result(self) -> Outcome:
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome  # type: ignore[return-value]


class GroupCommit(Generic[Item, Outcome]):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        # key -> tickets waiting for a batch; a key is present while its batch is running.
        self._waiting: dict[Hashable, list[_Ticket[Item, Outcome]]] = {}

    def run(
        self,
        key: Hashable,
        item: Item,
        work: Callable[[list[Item]], Sequence[Outcome | BaseException]],
        limit: int,
    ) -> Outcome:
        """``item``'s outcome of ``work``, run on a batch of the items queued under ``key``."""
        ticket: _Ticket[Item, Outcome] = _Ticket(item)
        with self._lock:
            waiting = self._waiting.get(key)
            ticket.leads = waiting is None
            if waiting is None:
                self._waiting[key] = waiting = []
            waiting.append(ticket)
        if not ticket.leads:
            ticket.woken.wait()
            if not ticket.leads:
                return ticket.result()
        self._lead(key, work, limit)
        return ticket.result()

    def _lead(
        self,
        key: Hashable,
        work: Callable[[list[Item]], Sequence[Outcome | BaseException]],
        limit: int,
    ) -> None:
        with self._lock:
            waiting = self._waiting[key]
            batch, waiting[:] = waiting[:limit], waiting[limit:]
        outcomes: Sequence[Outcome | BaseException]
        try:
            outcomes = work([ticket.item for ticket in batch])
            if len(outcomes) != len(batch):
                raise RuntimeError(f"{len(outcomes)} outcomes for {len(batch)} requests")
        except BaseException as error:  # the whole batch failed: every request says so
            outcomes = [error] * len(batch)
        finally:
            with self._lock:
                waiting = self._waiting[key]
                successor = waiting[0] if waiting else None
                if successor is None:
                    del self._waiting[key]
                else:
                    successor.leads = True
            if successor is not None:
                successor.woken.set()
        for ticket, outcome in zip(batch, outcomes, strict=True):
            ticket.settle(outcome)
