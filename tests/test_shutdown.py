"""Cancelling Snakemake's job-rate timers at the end of a run (lcspr_stats.shutdown).

Assumes the pinned Snakemake makes its wake-up timers in
``JobScheduler._schedule_reevalutation``: the test calls that very method, so a
Snakemake that moves or renames it fails here rather than silently slowing the
exit again. No timing is measured.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

from snakemake.scheduling.job_scheduler import JobScheduler

from lcspr_stats.shutdown import SCHEDULER_MODULE, cancel_scheduler_timers

ROOT = Path(__file__).resolve().parents[1]


def test_snakemakes_own_timer_is_cancelled_and_ends():
    # A stand-in scheduler with the one attribute the method's timer touches.
    scheduler = SimpleNamespace(_open_jobs=threading.Semaphore(0))
    JobScheduler._schedule_reevalutation(scheduler, 600)
    timers = [
        t
        for t in threading.enumerate()
        if isinstance(t, threading.Timer) and t.function.__module__ == SCHEDULER_MODULE
    ]
    assert len(timers) == 1
    assert cancel_scheduler_timers() == 1
    timers[0].join(timeout=10)
    assert not timers[0].is_alive()
    # Cancelled, the timer never woke the scheduler.
    assert scheduler._open_jobs.acquire(blocking=False) is False


def test_other_timers_are_left_alone():
    fired = threading.Event()
    other = threading.Timer(600, fired.set)
    other.start()
    try:
        assert cancel_scheduler_timers() == 0
        assert other.is_alive()
    finally:
        other.cancel()
        other.join(timeout=10)
    assert not fired.is_set()


def test_the_workflow_cancels_them_on_success_and_on_error():
    text = (ROOT / "workflow" / "rules" / "common.smk").read_text(encoding="utf-8")
    for handler in ("onsuccess:", "onerror:"):
        body = text.split(handler, 1)[1].split("\n\n", 1)[0]
        assert "cancel_scheduler_timers()" in body, handler
