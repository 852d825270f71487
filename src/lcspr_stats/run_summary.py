"""The summary `lcspr-stats validate` and `run` end with: problems by rule, LCSPRs left out.

Nothing a run leaves out goes unsaid: the data problems by rule, the LCSPRs
left out of a cohort because of a bad value, the named exclusions that
matched nothing and the unknown columns, with a pointer to
``data_quality.csv`` when there are any. No cell value is printed: rules,
counts, headers and file names only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .join import left_out_reason

UNKNOWN_COLUMN = "unknown column"


@dataclass
class CohortSummary:
    """What one cohort's check or run left out.

    Attributes
    ----------
    year : int
    quality : pandas.DataFrame
        Its data-quality rows (the columns of ``data_quality.csv``).
    reconciliation : pandas.DataFrame
        Its reconciliation (``reconciliation.csv``'s columns).
    report : str
        Path of its ``data_quality.csv`` (written by a run).
    unmatched : list of str
        Named exclusions that matched nothing (their messages).
    """

    year: int
    quality: pd.DataFrame
    reconciliation: pd.DataFrame
    report: str
    unmatched: list[str] = field(default_factory=list)

    @property
    def left_out(self) -> int:
        """LCSPRs left out of the cohort because their date_submitted is bad."""
        recon = self.reconciliation
        if recon.empty:
            return 0
        hit = (recon["source"] == "reviews") & (recon["reason"] == left_out_reason(self.year))
        return int(recon.loc[hit, "rows"].sum())

    @property
    def unknown_columns(self) -> list[str]:
        """Unknown headers as ``'<header>' (<sheet or file>)``."""
        rows = self.quality.loc[self.quality["rule"] == UNKNOWN_COLUMN]
        return [
            f"'{r.column}' ({r.sheet if isinstance(r.sheet, str) and r.sheet else r.file})"
            for r in rows.itertuples()
        ]

    @property
    def problems(self) -> pd.DataFrame:
        """Per-value problems (unknown columns apart)."""
        return self.quality.loc[self.quality["rule"] != UNKNOWN_COLUMN]


def summary_lines(cohorts: list[CohortSummary]) -> list[str]:
    """The lines of the closing summary, one block for all cohorts.

    Parameters
    ----------
    cohorts : list of CohortSummary

    Returns
    -------
    list of str
        ``Summary:`` then indented lines; the last points to the
        ``data_quality.csv`` files when anything was found.
    """
    lines = ["Summary:"]
    rules: Counter[str] = Counter()
    for cohort in cohorts:
        rules.update(cohort.problems["rule"].astype(str))
    total = sum(rules.values())
    lines.append(f"  Data problems: {total:,}" if total else "  Data problems: none")
    for rule, count in rules.most_common():
        lines.append(f"    {rule:<60}{count:>6,}")
    left_out = [(c.year, c.left_out) for c in cohorts if c.left_out]
    lines.append(
        "  LCSPRs left out: "
        + (
            ", ".join(f"{n:,} of {year} (no valid date_submitted)" for year, n in left_out)
            if left_out
            else "none"
        )
    )
    unmatched = sum(len(c.unmatched) for c in cohorts)
    lines.append(
        f"  Exclusions that matched nothing: {unmatched} (listed below)"
        if unmatched
        else "  Exclusions that matched nothing: none"
    )
    unknown = [name for c in cohorts for name in c.unknown_columns]
    lines.append(
        f"  Unknown columns (not used): {len(unknown)}: " + ", ".join(dict.fromkeys(unknown))
        if unknown
        else "  Unknown columns: none"
    )
    if total or left_out or unknown:
        reports = ", ".join(dict.fromkeys(c.report for c in cohorts if len(c.quality)))
        lines.append(f"  Every problem, with its file, sheet, row and column: {reports}")
    return lines


def read_run(year: int, results: Path) -> CohortSummary:
    """A cohort's summary from the files a run wrote in ``results/<year>/``."""
    folder = Path(results) / str(year)
    report = folder / "data_quality.csv"
    quality = pd.read_csv(report, dtype=str, keep_default_na=False)
    reconciliation = pd.read_csv(folder / "reconciliation.csv", keep_default_na=False)
    return CohortSummary(year, quality, reconciliation, str(report))
