"""Calibration profiles of synthetic cohorts: the packaged ones, and those derived for a year."""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Mapping
from importlib import resources

import numpy as np
import pandas as pd
import yaml

# Ids of LCSPRs: LCSPR-<cohort year>-<number>.
LCSPR_ID = re.compile(r"^LCSPR-(\d{4})-(\d{3})$")
CALIBRATED_PROFILE = "2021"
# Each year's national rapid review counts are scaled by a factor in this range.
NATIONAL_SCALE = (0.85, 1.15)


class CalibrationError(AssertionError):
    """The generated cohort does not reproduce a figure of its profile, or cannot be built."""


def load_profile(name: str = "2021") -> dict:
    """Read a calibration profile packaged with lcspr_stats.

    Parameters
    ----------
    name : str
        Profile name: the file ``lcspr_stats/profiles/<name>.yaml``.

    Returns
    -------
    dict
        The profile: ``targets`` (figures to reproduce), ``rules`` (how they
        are derived) and ``design`` (the synthetic choices).
    """
    resource = resources.files("lcspr_stats").joinpath("profiles", f"{name}.yaml")
    return yaml.safe_load(resource.read_text(encoding="utf-8"))


def derive_profile(year: int, seed: int, base: Mapping | None = None) -> dict:
    """A plausible profile for cohort ``year``, derived from the calibrated 2021 one.

    Every date and year of the base profile moves by whole years to ``year``
    (the named special cases' LCSPR ids with them), and each year's national
    counts of rapid reviews received, commissioned and pending are scaled by
    a factor drawn from ``seed``. The profile stays consistent, so
    :func:`generate` still checks every target after building the cohort.

    Parameters
    ----------
    year : int
        The cohort year (calendar year of ``date_submitted``).
    seed : int
        Seed of the draws.
    base : mapping, optional
        The profile to start from (default: the calibrated 2021 profile).

    Returns
    -------
    dict
        A new profile; ``base`` is not changed.
    """
    profile = copy.deepcopy(dict(base) if base is not None else load_profile(CALIBRATED_PROFILE))
    old_year, year = int(profile["cohort_year"]), int(year)
    delta = year - old_year
    rng = np.random.default_rng([int(seed), year])

    def shift_keys(counts: Mapping) -> dict:
        return {int(y) + delta: v for y, v in counts.items()}

    def rename(case):
        match = LCSPR_ID.match(str(case)) if case else None
        return f"LCSPR-{year}-{match.group(2)}" if match else case

    profile["name"] = f"derived-{year}"
    profile["cohort_year"] = year
    targets, rules, design = profile["targets"], profile["rules"], profile["design"]
    targets["incident_year_counts"] = shift_keys(targets["incident_year_counts"])
    rules["exclusions"] = {
        statistic: [rename(case) for case in cases]
        for statistic, cases in rules["exclusions"].items()
    }
    for key in ("first_year", "last_year"):
        rules["bank_holidays"][key] = int(rules["bank_holidays"][key]) + delta
    for stratum in design["strata"]:
        if "case" in stratum:
            stratum["case"] = rename(stratum["case"])

    timeline = design["timeline"]
    timeline["rr_register_start"] = _shift_date(timeline["rr_register_start"], delta)
    timeline["no_rr_incident_years"] = shift_keys(timeline["no_rr_incident_years"])
    specials = {}
    for case, spec in timeline["special_cases"].items():
        spec = dict(spec)
        spec["incident_year"] = int(spec["incident_year"]) + delta
        if "rr_window" in spec:
            spec["rr_window"] = [_shift_date(d, delta) for d in spec["rr_window"]]
        specials[rename(case)] = spec
    timeline["special_cases"] = specials

    # The pipeline's counts of received LCSPRs move with the years; those of
    # initiated LCSPRs follow the scaled national counts, so are not targets.
    pipeline = targets["pipeline"]
    pipeline["received_by_year"] = shift_keys(pipeline["received_by_year"])
    for key in ("initiated", "in_progress"):
        pipeline.pop(key, None)
    design["pipeline"]["earlier_received"] = shift_keys(design["pipeline"]["earlier_received"])

    national = design["national"]
    national["pending_from"] = _shift_date(national["pending_from"], delta)
    national["sins_without_rr_window"] = [
        _shift_date(d, delta) for d in national["sins_without_rr_window"]
    ]
    by_year = {}
    for rr_year, spec in shift_keys(national["rapid_reviews_by_year"]).items():
        scale = rng.uniform(*NATIONAL_SCALE)
        scaled = {key: int(round(int(value) * scale)) for key, value in spec.items()}
        by_year[rr_year] = scaled
    national["rapid_reviews_by_year"] = by_year
    targets["rapid_reviews_by_year"] = {
        int(y) + delta: {
            key: value
            for key, value in by_year[int(y) + delta].items()
            if key in ("received", "commissioned")
        }
        for y in targets["rapid_reviews_by_year"]
    }
    return profile


def _shift_date(value, years: int) -> dt.date:
    """A date (or ISO text) moved by whole years (29 February becomes 28)."""
    day = pd.Timestamp(value)
    return (day + pd.DateOffset(years=int(years))).date()
