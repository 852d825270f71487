"""Synthetic cohorts as a user asks for them: calibrated, for another year, written as workbooks."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from ..io import write_xlsx
from ..sources import default_files
from .build import build_cohort
from .calibration import check_calibration, consistency_problems
from .profile import CalibrationError, derive_profile

# Output file -> {sheet name: frame key}: the sources' default workbooks and
# sheets, each frame of the cohort keyed by the sheet it is written to.
FILES = {
    file: {source.sheet: source.sheet for source in sheets}
    for file, sheets in default_files().items()
}
# Share of the derived cohort's LCSPRs kept (drawn from the seed between these),
# so each year's cohort differs in size and make-up.
KEEP_SHARE = (0.7, 1.0)


def generate(profile: dict, seed: int = 2021) -> dict[str, pd.DataFrame]:
    """Build the synthetic cohort described by ``profile``.

    The cohort is built so that every target holds by construction; the
    figures are then recomputed from the frames (:func:`check_calibration`)
    and any difference raises.

    Parameters
    ----------
    profile : dict
        A profile from :func:`load_profile`.
    seed : int
        Seed of the random generator; the same seed gives the same frames.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``sins``, ``rapid_reviews``, ``reviews`` and ``children``, with the
        columns of the data contract.

    Raises
    ------
    CalibrationError
        The cohort misses a target of the profile.
    """
    frames = build_cohort(profile, seed)
    check_calibration(frames, profile)
    return frames


def write_cohort(frames: Mapping[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write the cohort as the three input workbooks of the data contract.

    Parameters
    ----------
    frames : mapping of str to pandas.DataFrame
        The output of :func:`generate`.
    out_dir : str or Path
        Folder to write ``sin_register.xlsx``, ``rapid_review_register.xlsx``
        and ``lcspr_coding_schedule.xlsx`` into (created if needed).

    Returns
    -------
    list of Path
        The files written.
    """
    out_dir = Path(out_dir)
    written = []
    for file_name, sheets in FILES.items():
        path = out_dir / file_name
        write_xlsx({sheet: frames[key] for sheet, key in sheets.items()}, path)
        written.append(path)
    return written


def generate_year(year: int, seed: int) -> dict[str, pd.DataFrame]:
    """A plausible synthetic cohort of LCSPRs submitted in ``year``, for training.

    Not calibrated to any published figure: the cohort is built from
    :func:`derive_profile` and then a share of its LCSPRs (drawn from
    ``seed``) is kept, renumbered ``LCSPR-<year>-001`` onwards. The national
    registers keep every SIN and rapid review, as a real register would hold
    those whose LCSPR is not yet submitted, and cover the years of Table 2.
    For the calibrated 2021 cohort use ``generate(load_profile("2021"), seed)``.

    Parameters
    ----------
    year : int
        The cohort year.
    seed : int
        Seed of every draw; the same year and seed give the same frames.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``sins``, ``rapid_reviews``, ``reviews`` and ``children``, as :func:`generate`.

    Raises
    ------
    CalibrationError
        The cohort breaks a rule of the data contract (ids, links, date order).
    """
    profile = derive_profile(year, seed)
    frames = generate(profile, seed=seed)
    rng = np.random.default_rng([int(seed), int(year), 1])
    reviews = frames["reviews"]
    n = len(reviews)
    n_keep = int(rng.integers(round(KEEP_SHARE[0] * n), round(KEEP_SHARE[1] * n) + 1))
    kept = reviews.iloc[np.sort(rng.choice(n, size=n_keep, replace=False))].reset_index(drop=True)
    new_id = {old: f"LCSPR-{int(year)}-{i:03d}" for i, old in enumerate(kept["lcspr_id"], 1)}
    kept["lcspr_id"] = kept["lcspr_id"].map(new_id)
    children = frames["children"]
    children = children.loc[children["lcspr_id"].isin(list(new_id))].reset_index(drop=True)
    children["lcspr_id"] = children["lcspr_id"].map(new_id)
    cohort = {**frames, "reviews": kept, "children": children}
    problems = consistency_problems(cohort, profile)
    if problems:
        raise CalibrationError(
            f"synthetic {year} cohort breaks the contract:\n- " + "\n- ".join(problems)
        )
    return cohort
