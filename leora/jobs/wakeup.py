"""Waking idle workers the moment a job may be ready, instead of letting them find it on their next poll.

Three parts:

- ``NOTIFY leora_jobs`` on PostgreSQL, sent in the transaction that made a job pending: by a trigger
  on every INSERT into jobs_job (migration 0003, so an enqueue costs no extra round trip), and by
  ``notify_ready()`` after the updates that put a job back to pending (retry, release, recovery, a
  retry's backoff). PostgreSQL delivers it at commit, so a worker never wakes for a job it cannot see
  yet, and drops it on rollback (of the transaction or of the savepoint it was sent in), so a
  rolled-back job wakes nobody. Notifications with the same payload sent in one transaction are
  delivered once. On every database ``notify_ready()`` also wakes, at commit, the workers running in
  this very process.
- ``Listener``: one thread and one connection per worker process, ``LISTEN leora_jobs``, waking the
  process's job threads on every notification. It reconnects (with backoff) and listens again when its
  connection is lost: a database restart, a failover, a terminated backend.
- ``Wakeup``: what idle job threads wait on. ``wake()`` bumps a counter; a thread records the counter
  before it looks for work and waits until it moves, so a wake-up arriving between "nothing to claim"
  and "wait" is never lost.

And ``IdlePoll``, the interval between polls when no notification can come (SQLite from another
process, or PostgreSQL while the listener is reconnecting): short for a second after work, then
doubling on every empty poll up to a ceiling.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from leora.jobs.conf import job_setting

log = logging.getLogger("leora.jobs.worker")

CHANNEL = "leora_jobs"
RECONNECT_MIN_SECONDS = 0.1
RECONNECT_MAX_SECONDS = 5.0
# How often the listener looks up from its socket to see whether it should stop; no query is sent.
LISTEN_TICK_SECONDS = 1.0


class Wakeup:
    """A counter idle threads wait on: ``wake()`` moves it on, ``wait(seen)`` returns once it has."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.RLock())
        self._generation = 0

    @property
    def generation(self) -> int:
        """The current count; read it before looking for work, pass it to ``wait`` afterwards."""
        return self._generation

    def wake(self) -> None:
        """Wake every thread waiting (and make the next ``wait`` of one that was not yet return at once)."""
        with self._cond:
            self._generation += 1
            self._cond.notify_all()

    def wait(self, seen: int, timeout: float | None) -> bool:
        """Wait until woken since ``seen`` or ``timeout`` seconds passed; return whether it was woken."""
        with self._cond:
            return self._cond.wait_for(lambda: self._generation != seen, timeout)


# The Wakeups of the workers running in this process, woken at commit of any enqueue made here.
_local: weakref.WeakSet[Wakeup] = weakref.WeakSet()
_local_lock = threading.Lock()


def subscribe(wakeup: Wakeup) -> None:
    """Have ``wakeup`` woken by every job made ready in this process."""
    with _local_lock:
        _local.add(wakeup)


def unsubscribe(wakeup: Wakeup) -> None:
    with _local_lock:
        _local.discard(wakeup)


def wake_local() -> None:
    """Wake the workers running in this process."""
    with _local_lock:
        wakeups = list(_local)
    for wakeup in wakeups:
        wakeup.wake()


def listening_enabled() -> bool:
    """Whether workers LISTEN: on PostgreSQL, unless JOB_LISTEN is off (a pooler that cannot carry it)."""
    return connection.vendor == "postgresql" and bool(job_setting("JOB_LISTEN"))


def notify_ready(*, inserted: bool = False) -> None:
    """Tell the workers that a job may be ready, when the current transaction commits.

    Call it inside the transaction that made the job pending (outside one, it takes effect at once).
    ``inserted``: the job was just inserted, and the table's trigger has already sent the NOTIFY.
    """
    if not inserted and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, '')", [CHANNEL])
    if _local:
        transaction.on_commit(wake_local)


class Listener(threading.Thread):
    """``LISTEN leora_jobs`` on a connection of its own, waking ``wakeup`` on every notification.

    ``listening`` is set while the connection is up and listening: the worker then polls only as a
    safety net. Losing the connection clears it and wakes the job threads (they fall back to adaptive
    polling); once listening again it wakes them once more, to claim what was enqueued meanwhile.
    """

    def __init__(self, wakeup: Wakeup, *, name: str, count_query: Callable[[], None] | None = None) -> None:
        super().__init__(daemon=True, name="job-listener")
        self.wakeup = wakeup
        # PostgreSQL keeps at most 63 bytes of application_name; pg_stat_activity shows it.
        self.application_name = f"leora-listen {name}"[:63]
        self.listening = threading.Event()
        self.stopped = threading.Event()
        self.connects = 0
        self._count_query = count_query or (lambda: None)

    def _connect(self) -> Any:
        import psycopg

        params = connection.get_connection_params()
        # Django's own adapters and cursor class are not needed for LISTEN.
        for key in ("cursor_factory", "context", "prepare_threshold"):
            params.pop(key, None)
        params.setdefault("connect_timeout", 5)
        # A server that vanished without closing the connection (a machine gone) is noticed by the
        # keepalives within about half a minute; a restart or a terminated backend at once.
        params.setdefault("keepalives", 1)
        params.setdefault("keepalives_idle", 15)
        params.setdefault("keepalives_interval", 5)
        params.setdefault("keepalives_count", 3)
        return psycopg.connect(**params, autocommit=True, application_name=self.application_name)

    def stop(self) -> None:
        self.stopped.set()

    def run(self) -> None:
        import psycopg

        delay = RECONNECT_MIN_SECONDS
        while not self.stopped.is_set():
            conn = None
            try:
                conn = self._connect()
                conn.execute(f"LISTEN {CHANNEL}")
                self._count_query()
                self.connects += 1
                self.listening.set()
                delay = RECONNECT_MIN_SECONDS
                log.info("event=worker.listening channel=%s connects=%d", CHANNEL, self.connects)
                # Whatever was enqueued while nobody listened (first start, or after a lost
                # connection) is claimed now rather than at the next safety poll.
                self.wakeup.wake()
                while not self.stopped.is_set():
                    for _ in conn.notifies(timeout=LISTEN_TICK_SECONDS):
                        self.wakeup.wake()
            except psycopg.Error as exc:
                if self.stopped.is_set():
                    break
                log.warning(
                    "event=worker.listen_lost channel=%s retry_in=%.1fs error=%s",
                    CHANNEL,
                    delay,
                    str(exc).strip().replace("\n", " ")[:200],
                )
            finally:
                if self.listening.is_set():
                    self.listening.clear()
                    # Back to adaptive polling until the connection is back.
                    self.wakeup.wake()
                if conn is not None:
                    with contextlib.suppress(psycopg.Error):
                        conn.close()
            self.stopped.wait(delay)
            delay = min(RECONNECT_MAX_SECONDS, delay * 2)


class IdlePoll:
    """The wait between empty polls when no notification will come: ``minimum`` for ``hot`` seconds
    after the last work (jobs that come one by one keep coming), then doubling with every empty poll
    up to ``ceiling``."""

    def __init__(
        self,
        *,
        minimum: float,
        ceiling: float,
        hot: float = 1.0,
        factor: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.minimum = max(0.001, min(minimum, ceiling))
        self.ceiling = max(self.minimum, ceiling)
        self.hot = hot
        self.factor = max(1.0, factor)
        self.clock = clock
        self.interval = self.minimum
        self.last_work = clock()

    def worked(self) -> None:
        """Work was found: poll soon again, more may follow."""
        self.last_work = self.clock()
        self.interval = self.minimum

    def idled(self) -> None:
        """A poll found nothing: wait longer before the next one, once the last work is a while ago."""
        if self.clock() - self.last_work < self.hot:
            self.interval = self.minimum
        else:
            self.interval = min(self.ceiling, self.interval * self.factor)
