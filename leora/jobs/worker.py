"""The worker process: N threads claiming and running jobs, one housekeeping loop.

Each thread claims a small batch, runs the jobs one after another and completes the successful ones
together (one transaction for the batch). An idle thread waits to be woken (leora/jobs/wakeup.py): on
PostgreSQL by the process's listener thread at the commit of every enqueue, on any database by an
enqueue made in this process; and at the earliest pending ``run_after``. One idle thread at a time
keeps that time and polls: every JOB_LISTEN_POLL_SECONDS as a safety net while the listener works,
otherwise adaptively (JOB_POLL_MIN_SECONDS for a second after work, then doubling up to the poll
interval).
The main thread renews the leases of every job the process holds, passes cancel requests on to the
running handlers, recovers the expired leases of dead workers and enqueues the schedule's due slots.
On SIGTERM/SIGINT the worker stops claiming, lets each thread finish the job it is running, gives back
the jobs it claimed but had not started, and exits; a second signal exits at once (leases then expire and
other workers take the jobs back).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import Any
from uuid import UUID

from django.db import DatabaseError, connection
from django.utils import timezone

from leora.jobs.conf import job_setting
from leora.jobs.models import Job, WorkerHeartbeat
from leora.jobs.queue import (
    job_claim,
    job_complete_many,
    job_heartbeat,
    job_next_due,
    job_recover,
    job_release,
    new_worker_id,
)
from leora.jobs.runner import Outcome, OutcomeCounts, call_handler, record_failure
from leora.jobs.wakeup import IdlePoll, Listener, Wakeup, listening_enabled, subscribe, unsubscribe

log = logging.getLogger("leora.jobs.worker")

# Completions of a batch are written together, but never held back longer than this.
FLUSH_INTERVAL = 0.25
# An idle worker refreshes its WorkerHeartbeat row (the Jobs page's "last seen") this often; a busy
# one at every lease renewal.
PRESENCE_SECONDS = 60.0
# Wake this long after the earliest run_after, so the claim's clock has surely passed it.
DUE_SLACK_SECONDS = 0.002


@dataclass
class Held:
    job: Job
    cancel_event: threading.Event = field(default_factory=threading.Event)
    claimed_at: float = field(default_factory=time.monotonic)


class Worker:
    def __init__(
        self,
        *,
        concurrency: int = 1,
        types: Sequence[str] | None = None,
        max_jobs: int | None = None,
        burst: bool = False,
        batch_size: int = 10,
        lease_seconds: float | None = None,
        poll_interval: float | None = None,
        schedule: bool = True,
        worker_id: str | None = None,
    ) -> None:
        self.concurrency = max(1, concurrency)
        self.types = list(types or [])
        self.max_jobs = max_jobs
        self.burst = burst
        self.batch_size = max(1, batch_size)
        self.lease_seconds = float(lease_seconds or job_setting("JOB_LEASE_SECONDS"))
        self.poll_interval = float(poll_interval or job_setting("JOB_POLL_INTERVAL_SECONDS"))
        self.idle_poll = IdlePoll(
            minimum=float(job_setting("JOB_POLL_MIN_SECONDS")), ceiling=self.poll_interval
        )
        self.listen_poll = max(self.poll_interval, float(job_setting("JOB_LISTEN_POLL_SECONDS")))
        self.wakeup = Wakeup()
        self.listener: Listener | None = None
        self.queries = 0
        self.schedule = schedule
        self.worker_id = worker_id or new_worker_id()
        self.stop_event = threading.Event()
        self.stats = OutcomeCounts()
        self._held: dict[UUID, Held] = {}
        self._lock = threading.Lock()
        self._reserved = 0
        self._signals = 0
        # Held by the one idle thread that keeps the time (polls, run_after); the others just wait.
        self._poll_token = threading.Lock()

    # -------------------------------------------------------------------------------- bookkeeping

    def _reserve(self, wanted: int) -> int:
        """Reserve up to ``wanted`` jobs of the --max-jobs budget; return how many may be claimed."""
        with self._lock:
            if self.max_jobs is None:
                return wanted
            allowed = max(0, min(wanted, self.max_jobs - self._reserved))
            self._reserved += allowed
            return allowed

    def _unreserve(self, count: int) -> None:
        with self._lock:
            if self.max_jobs is not None:
                self._reserved -= count

    def _hold(self, jobs: Sequence[Job]) -> list[Held]:
        held = [Held(job) for job in jobs]
        with self._lock:
            for item in held:
                self._held[item.job.pk] = item
        return held

    def _drop(self, jobs: Sequence[Job]) -> None:
        with self._lock:
            for job in jobs:
                self._held.pop(job.pk, None)

    def _count(self, outcome: Outcome, *, count: int = 1) -> None:
        with self._lock:
            self.stats.add(outcome, count=count)

    def _count_query(self) -> None:
        with self._lock:
            self.queries += 1

    def _counting(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
    ) -> Any:
        # Every statement of this worker's threads: the idle cost the benchmark reports.
        self._count_query()
        return execute(sql, params, many, context)

    @property
    def idle(self) -> bool:
        """Whether a thread of this worker is waiting for work (found nothing to claim)."""
        return self._poll_token.locked()

    @property
    def listening(self) -> bool:
        """Whether notifications can wake this worker right now."""
        return self.listener is not None and self.listener.listening.is_set()

    # ---------------------------------------------------------------------------------- job loop

    def _thread_main(self) -> None:
        try:
            with connection.execute_wrapper(self._counting):
                while not self.stop_event.is_set():
                    # Read before looking: a wake-up that comes after an empty claim is not missed.
                    seen = self.wakeup.generation
                    try:
                        if self._run_one_batch():
                            self.idle_poll.worked()
                            continue
                        if self.burst or self._budget_spent():
                            return
                        self._idle(seen)
                    except DatabaseError:
                        log.exception("event=worker.db_error worker=%s", self.worker_id)
                        # Drop the connection (it may be broken) and back off before trying again; jobs
                        # this thread held keep their leases until the heartbeat stops renewing them.
                        # The listener getting its connection back (the database is up again) ends
                        # the wait early.
                        connection.close()
                        self.wakeup.wait(self.wakeup.generation, min(5.0, self.poll_interval * 4))
        finally:
            connection.close()

    def _idle(self, seen: int) -> None:
        """Nothing to claim: return when a job may be ready.

        That is when woken (a notification, an enqueue in this process, another thread leaving its
        watch, stop), when the earliest pending job's run_after comes, or at the next poll.
        """
        if not self._poll_token.acquire(blocking=False):
            # Another idle thread keeps the time; this one waits to be woken with the others.
            self.wakeup.wait(seen, None)
            return
        try:
            while not self.stop_event.is_set():
                due = job_next_due(types=self.types or None)
                now = timezone.now()
                if due is not None and due <= now:
                    return
                listening = self.listening
                wait = self.listen_poll if listening else self.idle_poll.interval
                if due is not None:
                    wait = min(wait, (due - now).total_seconds() + DUE_SLACK_SECONDS)
                if self.wakeup.wait(seen, wait):
                    return
                if not listening:
                    self.idle_poll.idled()
        finally:
            self._poll_token.release()
            if self.concurrency > 1:
                # Hand the watch over: an idle thread takes it while this one claims and runs.
                self.wakeup.wake()

    def _budget_spent(self) -> bool:
        return self.max_jobs is not None and self._reserved >= self.max_jobs

    def _run_one_batch(self) -> bool:
        """Claim and run one batch; return False when there was nothing to claim."""
        allowed = self._reserve(self.batch_size)
        if allowed == 0:
            return False
        jobs = job_claim(
            worker_id=self.worker_id,
            limit=allowed,
            types=self.types or None,
            lease_seconds=self.lease_seconds,
        )
        self._unreserve(allowed - len(jobs))
        if not jobs:
            return False
        held = self._hold(jobs)
        done: list[tuple[Job, Any]] = []
        last_flush = time.monotonic()
        try:
            for index, item in enumerate(held):
                if self.stop_event.is_set():
                    rest = [h.job for h in held[index:]]
                    job_release(jobs=rest, worker_id=self.worker_id)
                    self._unreserve(len(rest))
                    break
                ran = call_handler(item.job, worker_id=self.worker_id, cancel_event=item.cancel_event)
                if ran.ok:
                    done.append((item.job, ran.result))
                else:
                    assert ran.error is not None
                    outcome = record_failure(item.job, worker_id=self.worker_id, error=ran.error)
                    self._count(outcome)
                    self._drop([item.job])
                if done and time.monotonic() - last_flush >= FLUSH_INTERVAL:
                    self._flush(done)
                    done = []
                    last_flush = time.monotonic()
        finally:
            self._flush(done)
            self._drop(jobs)
        return True

    def _flush(self, done: list[tuple[Job, Any]]) -> None:
        if not done:
            return
        completed = job_complete_many(completions=done, worker_id=self.worker_id)
        self._count(Outcome.SUCCEEDED, count=completed)
        self._count(Outcome.LOST, count=len(done) - completed)
        self._drop([job for job, _ in done])

    # ------------------------------------------------------------------------------ housekeeping

    def _heartbeat(self, last: dict[str, float]) -> None:
        now = timezone.now()
        with self._lock:
            items = list(self._held.values())
        # A job past its timeout stops being renewed: its lease lapses and recovery takes it back.
        live = [
            item.job.pk
            for item in items
            if time.monotonic() - item.claimed_at < item.job.timeout_seconds + self.lease_seconds
        ]
        cancelled = job_heartbeat(
            worker_id=self.worker_id, job_ids=live, lease_seconds=self.lease_seconds, now=now
        )
        for item in items:
            if item.job.pk in cancelled:
                item.cancel_event.set()
        # Idle, "last seen" is refreshed once a minute, well inside the Jobs page's five-minute window.
        if items or time.monotonic() - last.get("presence", 0) >= PRESENCE_SECONDS:
            last["presence"] = time.monotonic()
            WorkerHeartbeat.objects.filter(pk=self.worker_id).update(
                last_seen_at=now, jobs_done=self.stats.total
            )
            log.info(
                "event=worker.alive worker=%s listening=%s jobs=%d queries=%d",
                self.worker_id,
                "yes" if self.listening else "no",
                self.stats.total,
                self.queries,
            )

    def _register(self) -> None:
        hostname, pid = socket.gethostname()[:200], os.getpid()
        WorkerHeartbeat.objects.update_or_create(
            pk=self.worker_id,
            defaults={
                "hostname": hostname,
                "pid": pid,
                "concurrency": self.concurrency,
                "types": self.types,
                "started_at": timezone.now(),
                "last_seen_at": timezone.now(),
            },
        )

    def _housekeeping(self, last: dict[str, float]) -> None:
        now = time.monotonic()
        heartbeat_every = max(0.2, self.lease_seconds / 3)
        recover_every = max(1.0, min(30.0, self.lease_seconds / 2))
        if now - last.get("heartbeat", 0) >= heartbeat_every:
            last["heartbeat"] = now
            self._heartbeat(last)
        if now - last.get("recover", 0) >= recover_every:
            last["recover"] = now
            job_recover()
        # Cron slots are whole minutes: tick once a minute, just after it begins.
        minute = float(int(time.time() // 60))
        if self.schedule and last.get("schedule") != minute:
            last["schedule"] = minute
            from leora.jobs.schedule import schedule_tick

            schedule_tick()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self._signals += 1
        if self._signals > 1:
            log.warning("event=worker.abort worker=%s signal=%s", self.worker_id, signum)
            os._exit(1)
        log.info("event=worker.stopping worker=%s signal=%s", self.worker_id, signum)
        # The main loop wakes the idle threads (not done here: a signal handler must not take locks).
        self.stop_event.set()

    def stop(self) -> None:
        """Ask the worker to stop as SIGTERM does (from another thread: tests, an embedding process)."""
        self.stop_event.set()
        self.wakeup.wake()

    def run(self, *, install_signals: bool = True) -> OutcomeCounts:
        """Run until stopped (signal, --max-jobs, or an empty queue with --burst); return the counts."""
        if install_signals:
            signal.signal(signal.SIGTERM, self._on_signal)
            signal.signal(signal.SIGINT, self._on_signal)
        self._register()
        log.info(
            "event=worker.started worker=%s concurrency=%d types=%s batch=%d lease=%ss",
            self.worker_id,
            self.concurrency,
            ",".join(self.types) or "*",
            self.batch_size,
            self.lease_seconds,
        )
        subscribe(self.wakeup)
        # A burst run stops once the queue is empty: it has nothing to listen for.
        if not self.burst and listening_enabled():
            self.listener = Listener(self.wakeup, name=self.worker_id, count_query=self._count_query)
            self.listener.start()
        try:
            with connection.execute_wrapper(self._counting):
                self._run_threads()
        finally:
            unsubscribe(self.wakeup)
            if self.listener is not None:
                self.listener.stop()
                self.listener.join(timeout=5)
        self._record_stop()
        counts = " ".join(f"{name}={n}" for name, n in self.stats.by_outcome().items())
        log.info("event=worker.stopped worker=%s %s queries=%d", self.worker_id, counts, self.queries)
        connection.close()
        return self.stats

    def _record_stop(self) -> None:
        for attempt in (1, 2):
            try:
                WorkerHeartbeat.objects.filter(pk=self.worker_id).update(
                    stopped_at=timezone.now(), last_seen_at=timezone.now(), jobs_done=self.stats.total
                )
                return
            except DatabaseError:
                # The connection may have died since its last use (a database restart): once more
                # on a new one, then leave it (the row simply ages out of the Jobs page).
                connection.close()
                if attempt == 2:
                    log.exception("event=worker.stop_record_failed worker=%s", self.worker_id)

    def _run_threads(self) -> None:
        last: dict[str, float] = {}
        try:
            # Recover first, so a burst run also takes back what dead workers left behind.
            self._housekeeping(last)
        except DatabaseError:
            log.exception("event=worker.housekeeping_error worker=%s", self.worker_id)
            connection.close()
        threads = [
            threading.Thread(target=self._thread_main, name=f"job-worker-{n}", daemon=True)
            for n in range(self.concurrency)
        ]
        for thread in threads:
            thread.start()
        tick = min(0.5, max(0.05, self.lease_seconds / 6))
        while any(thread.is_alive() for thread in threads):
            for thread in threads:
                thread.join(timeout=tick / len(threads))
            if self.stop_event.is_set():
                self.wakeup.wake()
            try:
                self._housekeeping(last)
            except DatabaseError:
                log.exception("event=worker.housekeeping_error worker=%s", self.worker_id)
                connection.close()
