"""Working days, dates and random draws of the synthetic cohort (one generator, so one seed)."""

from __future__ import annotations

from collections.abc import Mapping

import holidays as holidays_lib
import numpy as np

from .profile import CalibrationError

DAY = np.timedelta64(1, "D")


class Calendar:
    """England and Wales bank holidays and random working days.

    Parameters
    ----------
    spec : mapping
        A profile's ``rules.bank_holidays``: ``first_year``, ``last_year`` and
        ``subdivision`` (of the ``holidays`` package's UK calendar).

    Attributes
    ----------
    holidays : numpy.ndarray
        The bank holidays, as days.
    """

    def __init__(self, spec: Mapping):
        years = range(int(spec["first_year"]), int(spec["last_year"]) + 1)
        days = holidays_lib.UK(subdiv=spec["subdivision"], years=years)
        self.holidays = np.array(sorted(days), dtype="datetime64[D]")

    def busdays(self, lo: np.datetime64, hi: np.datetime64) -> np.ndarray:
        """Working days from ``lo`` to ``hi`` inclusive."""
        if hi < lo:
            return np.array([], dtype="datetime64[D]")
        days = np.arange(lo, hi + DAY, dtype="datetime64[D]")
        return days[np.is_busday(days, holidays=self.holidays)]

    def random_busday(self, rng: np.random.Generator, lo, hi) -> np.datetime64:
        """A working day drawn uniformly from ``lo``..``hi``."""
        days = self.busdays(day(lo), day(hi))
        if len(days) == 0:
            raise CalibrationError(f"no working day between {lo} and {hi}")
        return days[rng.integers(len(days))]

    def is_busday(self, date: np.datetime64) -> bool:
        """Whether ``date`` is a working day."""
        return bool(np.is_busday(date, holidays=self.holidays))

    def next_busday(self, date: np.datetime64) -> np.datetime64:
        """``date`` if a working day, else the next working day."""
        return np.busday_offset(date, 0, roll="forward", holidays=self.holidays)


def day(value) -> np.datetime64:
    """A date, ISO text or numpy date as a numpy day."""
    return np.datetime64(value, "D")


def jan1(year: int) -> np.datetime64:
    """1 January of ``year``."""
    return np.datetime64(f"{int(year):04d}-01-01", "D")


def dec31(year: int) -> np.datetime64:
    """31 December of ``year``."""
    return np.datetime64(f"{int(year):04d}-12-31", "D")


def random_day(rng: np.random.Generator, lo, hi) -> np.datetime64:
    """A day drawn uniformly from ``lo``..``hi`` inclusive.

    Raises
    ------
    CalibrationError
        If ``hi`` is before ``lo``.
    """
    lo, hi = day(lo), day(hi)
    if hi < lo:
        raise CalibrationError(f"empty date range {lo}..{hi}")
    return lo + int(rng.integers(int((hi - lo) / DAY) + 1)) * DAY


def weighted(rng: np.random.Generator, weights: Mapping, size: int | None = None):
    """Draw keys of ``weights`` (a mapping key -> weight) in proportion.

    Parameters
    ----------
    rng : numpy.random.Generator
        The cohort's generator.
    weights : mapping
        Key -> weight (need not sum to 1).
    size : int, optional
        How many to draw; without it, one key (not a list).

    Returns
    -------
    object or list
        One key, or ``size`` keys.
    """
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    picks = rng.choice(len(keys), size=size, p=p / p.sum())
    if size is None:
        return keys[int(picks)]
    return [keys[int(i)] for i in picks]


def exact(rng: np.random.Generator, counts: Mapping, n: int) -> list:
    """The labels of ``counts`` (label -> how many), each repeated, shuffled.

    Raises
    ------
    CalibrationError
        If the counts do not add up to ``n`` or one is negative.
    """
    labels = [label for label, k in counts.items() for _ in range(int(k))]
    if len(labels) != n or min(counts.values(), default=0) < 0:
        raise CalibrationError(f"counts {dict(counts)} do not make {n} items")
    return [labels[i] for i in rng.permutation(n)]
