"""Work done ahead for the app while the server is idle: the runs a planner is likely to ask
for next.

A planner steps a slider one notch at a time, so after a step the next request is most often
the same lever one notch further, or back. :class:`Prefetcher` runs such jobs on one
background thread, only while no session is computing or drawing (:meth:`Prefetcher.
foreground`), newest first; a session's new jobs replace its older ones. The jobs keep what
they make in the shared stores (``app.compute``), where the next request finds it: numbers
are the same as when computed on request (same inputs, same code).

Must not: draw anything, read session state, or decide what to prefetch
(``app.pages.scoreboard`` does, and builds the jobs from plain values).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager

__all__ = ["ENV_VAR", "IDLE_S", "MAX_OWNERS", "THREAD_NAME", "Job", "Prefetcher", "prefetcher"]

#: Set to ``0`` to switch prefetching off (tests that count runs do).
ENV_VAR = "SUZHOU_SIM_PREFETCH"
#: Quiet time after the last foreground work before a job starts: the browser draws the
#: update meanwhile (a job started at once slowed that by about 0.05 s on two cores, with
#: the browser on the same machine), and a press that follows at once finds the CPU free.
IDLE_S = 0.2
#: Sessions whose jobs are kept; beyond, the oldest session's jobs are dropped.
MAX_OWNERS = 16
#: Name of the background thread (tests tell its runs from requested ones by it).
THREAD_NAME = "suzhou-sim-prefetch"

_LOG = logging.getLogger(__name__)

#: A job: made of plain values (no session state), called once on the background thread.
Job = Callable[[], object]


class Prefetcher:
    """One background thread running submitted jobs while the foreground is idle.

    Parameters
    ----------
    idle_s : float
        Quiet time after the foreground before a job starts.
    enabled : bool, optional
        False: :meth:`submit` drops every job (nothing runs in the background). None (the
        default): on unless the environment sets ``SUZHOU_SIM_PREFETCH=0`` (read at every
        submit).

    Attributes
    ----------
    done : int
        Jobs finished so far, failed ones included (tests wait on them).
    """

    def __init__(self, idle_s: float = IDLE_S, enabled: bool | None = None) -> None:
        self.idle_s = idle_s
        self.enabled = enabled
        self._cond = threading.Condition()
        self._busy = 0  # foreground sections in progress
        self._quiet_since = time.monotonic()
        self._jobs: OrderedDict[Hashable, list[Job]] = OrderedDict()  # by owner, newest last
        self._running = False
        self._thread: threading.Thread | None = None
        self.done = 0
        self._failed = False  # the first failure is logged as a warning, later ones as debug

    @contextmanager
    def foreground(self) -> Iterator[None]:
        """A section of foreground work (a session's run): no job starts while one is open."""
        with self._cond:
            self._busy += 1
        try:
            yield
        finally:
            with self._cond:
                self._busy -= 1
                if not self._busy:
                    self._quiet_since = time.monotonic()
                    self._cond.notify_all()

    def submit(self, owner: Hashable, jobs: Sequence[Job]) -> None:
        """Queue ``jobs`` (run in this order) for ``owner``, replacing its queued ones."""
        if not (self.enabled if self.enabled is not None
                else os.environ.get(ENV_VAR, "1") != "0"):
            return
        with self._cond:
            self._jobs.pop(owner, None)
            if jobs:
                self._jobs[owner] = list(jobs)
            while len(self._jobs) > MAX_OWNERS:
                self._jobs.popitem(last=False)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name=THREAD_NAME,
                                                daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until no job is queued or running (True), or ``timeout`` seconds pass."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._jobs or self._running:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def _next_job(self) -> Job:
        with self._cond:
            while True:
                quiet = time.monotonic() - self._quiet_since
                if self._jobs and not self._busy and quiet >= self.idle_s:
                    owner, jobs = next(reversed(self._jobs.items()))  # the newest owner
                    job = jobs.pop(0)
                    if not jobs:
                        del self._jobs[owner]
                    self._running = True
                    return job
                self._cond.wait(None if not self._jobs or self._busy
                                else self.idle_s - quiet)

    def _work(self) -> None:
        while True:
            job = self._next_job()
            try:
                job()
            except Exception:  # a guess that fails costs nothing: the request reports it
                (_LOG.debug if self._failed else _LOG.warning)("prefetch job failed",
                                                               exc_info=True)
                self._failed = True
            finally:
                with self._cond:
                    self._running = False
                    self.done += 1
                    self._cond.notify_all()


_PREFETCHER: Prefetcher | None = None
_LOCK = threading.Lock()


def prefetcher() -> Prefetcher:
    """The server's one :class:`Prefetcher` (its jobs are dropped while the environment sets
    ``SUZHOU_SIM_PREFETCH=0``)."""
    global _PREFETCHER
    with _LOCK:
        if _PREFETCHER is None:
            _PREFETCHER = Prefetcher()
        return _PREFETCHER
