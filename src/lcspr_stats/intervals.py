"""Confidence intervals for proportions (Wilson score intervals, via scipy)."""

from __future__ import annotations

from scipy.stats import binomtest


def wilson_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion of ``k`` out of ``n``.

    Parameters
    ----------
    k : int
        Successes, ``0 <= k <= n``.
    n : int
        Trials, at least 1.
    confidence : float, default 0.95
        Confidence level, strictly between 0 and 1.

    Returns
    -------
    (low, high) : tuple of float
        The interval, inside [0, 1] and containing ``k / n``.

    Raises
    ------
    ValueError
        If ``n < 1``, ``k`` is outside ``[0, n]`` or ``confidence`` outside (0, 1).

    Examples
    --------
    >>> low, high = wilson_interval(42, 76)
    >>> round(low, 3), round(high, 3)
    (0.441, 0.659)
    """
    k, n = int(k), int(n)
    if n < 1:
        raise ValueError("n must be at least 1")
    if not 0 <= k <= n:
        raise ValueError("k must be between 0 and n")
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    interval = binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    # Clip float noise at the ends (k = 0 or k = n gives 0 or 1 exactly in theory).
    return max(0.0, float(interval.low)), min(1.0, float(interval.high))
