"""Deterministic synthetic LCSPR cohorts: calibrated to published figures, or plausible for a year.

The command line is ``lcspr-stats synth`` (:mod:`lcspr_stats.cli`). The modules:

- :mod:`~lcspr_stats.synth.profile`: the packaged calibration profiles
  (``lcspr_stats/profiles/*.yaml``) and profiles derived for other years;
- :mod:`~lcspr_stats.synth.draws`: working days, dates and random draws;
- :mod:`~lcspr_stats.synth.build`: the registers and coding schedule, built
  from a profile so every target holds;
- :mod:`~lcspr_stats.synth.calibration`: the figures recomputed from the
  frames and checked against the profile;
- :mod:`~lcspr_stats.synth.cohort`: what a user asks for (:func:`generate`,
  :func:`generate_year`, :func:`write_cohort`).
"""

from .build import CHILD_COLUMNS, REVIEW_COLUMNS, RR_COLUMNS, SIN_COLUMNS, THEME_COLUMNS
from .calibration import PARTIAL_TARGETS, check_calibration, compute_figures
from .cohort import FILES, KEEP_SHARE, generate, generate_year, write_cohort
from .profile import (
    CALIBRATED_PROFILE,
    LCSPR_ID,
    NATIONAL_SCALE,
    CalibrationError,
    derive_profile,
    load_profile,
)

__all__ = [
    "CALIBRATED_PROFILE",
    "CHILD_COLUMNS",
    "FILES",
    "KEEP_SHARE",
    "LCSPR_ID",
    "NATIONAL_SCALE",
    "PARTIAL_TARGETS",
    "REVIEW_COLUMNS",
    "RR_COLUMNS",
    "SIN_COLUMNS",
    "THEME_COLUMNS",
    "CalibrationError",
    "check_calibration",
    "compute_figures",
    "derive_profile",
    "generate",
    "generate_year",
    "load_profile",
    "write_cohort",
]
