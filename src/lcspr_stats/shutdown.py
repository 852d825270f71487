"""Let the Snakemake process end as soon as its last job has finished.

Snakemake's scheduler limits how many jobs it starts per timespan
(``--max-jobs-per-timespan``, on by default at 100 per second). After each
round of job selection it starts a ``threading.Timer`` that wakes the
scheduler one timespan later. The timers are not daemon threads, so when the
run is over Python waits for the last one before the process can exit: up to
a second after the final job, on every run that ran a job. That was about an
eighth of the bundled cold run (issue 12; seen as three live timers after
``snakemake.cli.main`` returned, 1.0 s before ``atexit``).

The timespan cannot be made shorter from the command line: its parser reads
``100ms`` as 100 minutes (the pattern tries ``m`` before ``ms``) and takes
whole numbers only. So the workflow's ``onsuccess:`` and ``onerror:``
handlers cancel those timers instead. They run after the scheduler has
returned, when a timer could only wake a scheduler that is no longer
waiting, so cancelling one changes nothing but the time to exit.

This module imports nothing but :mod:`threading`: it is imported when the
Snakefile is parsed.
"""

from __future__ import annotations

import threading

# Where Snakemake's reevaluation timers are made (JobScheduler._schedule_reevalutation).
SCHEDULER_MODULE = "snakemake.scheduling.job_scheduler"


def cancel_scheduler_timers() -> int:
    """Cancel the scheduler's pending wake-up timers, so the process exits now.

    Only timers whose function was defined in Snakemake's scheduler module
    are cancelled; any other thread or timer is left alone.

    Returns
    -------
    int
        How many timers were cancelled (0 if none was pending).
    """
    cancelled = 0
    for thread in threading.enumerate():
        if not isinstance(thread, threading.Timer) or thread.finished.is_set():
            continue
        if getattr(thread.function, "__module__", None) != SCHEDULER_MODULE:
            continue
        thread.cancel()
        cancelled += 1
    return cancelled
