"""The review pipeline: LCSPRs initiated, received by the Panel and published, at the as-at date.

Frames in, frames out. An LCSPR is *initiated* when its rapid review is
commissioned (the register's ``lcspr_decision``), and *completed* when the
Panel has received the final report (the register's optional
``lcspr_received_date``) on or before the as-at date (config ``as_at_date``).
For the cohort's own LCSPRs the coding schedule's ``date_submitted`` wins
over the register (a difference is a data-quality row, :mod:`lcspr_stats.join`).
Without the optional columns every figure is "not available".
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from . import display
from .derive import percent
from .sources import PIPELINE_COLUMNS
from .table import Table

NOT_AVAILABLE = "not available"
# Publication statuses counted, in the table's order (blank counts as awaiting).
PUBLISHED, NOT_TO_BE_PUBLISHED, AWAITING = "published", "not to be published", "awaiting"
# Rows of the pipeline table (its ``stage`` column); "received <year>" rows
# come between COMPLETED and PUBLISHED.
INITIATED, COMPLETED, IN_PROGRESS = "initiated", "completed", "in progress"


def available_columns(rapid_reviews: pd.DataFrame) -> tuple[str, ...]:
    """The optional pipeline columns the register had.

    A clean register says so in its ``attrs`` (absent columns are blank
    columns in the frame); a frame made another way has those it shows.
    """
    present = rapid_reviews.attrs.get("pipeline_columns")
    if present is None:
        present = [c for c in PIPELINE_COLUMNS if c in rapid_reviews.columns]
    return tuple(c for c in PIPELINE_COLUMNS if c in present)


def follow_up(
    rapid_reviews: pd.DataFrame, lcsprs: pd.DataFrame | None, as_at: dt.date
) -> pd.DataFrame:
    """One row per LCSPR initiated by the as-at date: when it started and whether it is done.

    Parameters
    ----------
    rapid_reviews : pandas.DataFrame
        The clean rapid review register, with ``lcspr_received_date`` and
        ``lcspr_publication`` (blank where the register had none).
    lcsprs : pandas.DataFrame or None
        The cohort's LCSPRs (``rr_id``, ``date_submitted``): their
        ``date_submitted`` replaces the register's received date.
    as_at : datetime.date
        The as-at date.

    Returns
    -------
    pandas.DataFrame
        ``rr_id``, ``rr_date``, ``received`` (the date used, NaT if none),
        ``from_schedule`` (the schedule's date was used), ``completed``
        (received on or before ``as_at``), ``received_late`` (received after
        it: open at ``as_at``), ``publication`` (of the completed; blank as
        ``awaiting``) and ``days`` (to receipt if completed, else to ``as_at``).
        Rapid reviews dated after ``as_at`` or undated are left out (see
        :func:`left_out`).
    """
    stamp = pd.Timestamp(as_at)
    rr = rapid_reviews.loc[
        (rapid_reviews["lcspr_decision"] == "commissioned").fillna(False)
        & (rapid_reviews["rr_date"] <= stamp).fillna(False)
    ]
    received = pd.to_datetime(rr["lcspr_received_date"]).astype("datetime64[ns]")
    from_schedule = pd.Series(False, index=rr.index)
    if (
        lcsprs is not None
        and len(lcsprs)
        and "lcspr_received_date" in available_columns(rapid_reviews)
    ):
        submitted = (lcsprs.dropna(subset=["rr_id"]).drop_duplicates("rr_id").set_index("rr_id"))[
            "date_submitted"
        ]
        schedule = rr["rr_id"].map(submitted).astype("datetime64[ns]")
        from_schedule = schedule.notna() & (received.isna() | (received != schedule)).fillna(True)
        received = received.where(~from_schedule, schedule)
    completed = (received <= stamp).fillna(False)
    publication = rr["lcspr_publication"].astype("string").fillna(AWAITING).where(completed)
    end = received.where(completed, stamp)
    return pd.DataFrame(
        {
            "rr_id": rr["rr_id"].to_numpy(),
            "rr_date": rr["rr_date"].to_numpy(),
            "received": received.to_numpy(),
            "from_schedule": from_schedule.to_numpy(bool),
            "completed": completed.to_numpy(bool),
            "received_late": (received > stamp).fillna(False).to_numpy(bool),
            "publication": publication.to_numpy(),
            "days": (end - rr["rr_date"]).dt.days.to_numpy(),
        }
    )


def left_out(rapid_reviews: pd.DataFrame, as_at: dt.date) -> tuple[int, int]:
    """Commissioned rapid reviews left out: dated after the as-at date, and undated."""
    commissioned = (rapid_reviews["lcspr_decision"] == "commissioned").fillna(False)
    later = int((commissioned & (rapid_reviews["rr_date"] > pd.Timestamp(as_at))).sum())
    undated = int((commissioned & rapid_reviews["rr_date"].isna()).sum())
    return later, undated


def as_at_text(as_at: dt.date) -> str:
    """``31 December 2021``."""
    return f"{as_at.day} {as_at:%B %Y}"


def pipeline_table(
    name: str,
    rapid_reviews: pd.DataFrame,
    lcsprs: pd.DataFrame | None,
    as_at: dt.date,
    rounding: str,
) -> Table:
    """The review pipeline at the as-at date, one row per stage.

    Rows (``stage``): ``initiated``; ``completed`` (with its share of the
    initiated); ``received <year>`` for each year a completed LCSPR was
    received; ``published``, ``not to be published``, ``awaiting`` (of the
    completed); ``in progress`` (initiated less published less not to be
    published). Counts the register cannot give are blank, their
    ``display`` "not available".

    Parameters
    ----------
    name : str
        The table's registry name.
    rapid_reviews, lcsprs, as_at
        As :func:`follow_up`.
    rounding : str
        Percentage rounding (config ``percent_rounding``).

    Returns
    -------
    Table
        Columns ``stage``, ``description``, ``n``, ``pct``, ``pct_of``, ``display``.
    """
    present = available_columns(rapid_reviews)
    have_received = "lcspr_received_date" in present
    have_publication = have_received and "lcspr_publication" in present
    rows = follow_up(rapid_reviews, lcsprs, as_at)
    when = as_at_text(as_at)
    initiated = len(rows)
    done = rows.loc[rows["completed"]]
    first_year = int(rows["rr_date"].dt.year.min()) if initiated else None
    since = f" since {first_year}" if first_year else ""

    def row(stage, description, n, pct=None, pct_of=""):
        return {"stage": stage, "description": description, "n": n, "pct": pct, "pct_of": pct_of}

    out = [row(INITIATED, f"LCSPRs initiated{since} (rapid reviews commissioned)", initiated)]
    completed = len(done) if have_received else None
    out.append(
        row(
            COMPLETED,
            f"Completed and submitted to the Panel by {when}",
            completed,
            percent(completed, initiated, rounding) if completed is not None else None,
            INITIATED if completed is not None and initiated else "",
        )
    )
    if have_received:
        for year, k in done.groupby(done["received"].dt.year).size().items():
            out.append(row(f"received {int(year)}", f"of which received in {int(year)}", int(k)))
    counts = done["publication"].value_counts() if have_publication else None
    for status, words in (
        (PUBLISHED, "Published"),
        (NOT_TO_BE_PUBLISHED, "Not to be published"),
        (AWAITING, "Awaiting publication or a decision"),
    ):
        out.append(row(status, words, int(counts.get(status, 0)) if counts is not None else None))
    in_progress = (
        initiated - int(counts.get(PUBLISHED, 0)) - int(counts.get(NOT_TO_BE_PUBLISHED, 0))
        if counts is not None
        else None
    )
    out.append(
        row(
            IN_PROGRESS,
            "In progress (initiated, neither published nor not to be published)",
            in_progress,
        )
    )
    frame = pd.DataFrame(out).astype({"n": "Int64", "pct": "Int64"})
    frame["display"] = [
        NOT_AVAILABLE if pd.isna(n) else display.n_pct(n, p)
        for n, p in zip(frame["n"], frame["pct"])
    ]
    return Table(
        name,
        f"The review pipeline at {when}: LCSPRs initiated, completed and published",
        frame,
        pipeline_notes(rapid_reviews, rows, present, as_at),
    )


def pipeline_notes(
    rapid_reviews: pd.DataFrame, rows: pd.DataFrame, present: tuple[str, ...], as_at: dt.date
) -> list[str]:
    """The notes of the pipeline table: definitions, what is left out, and why."""
    when = as_at_text(as_at)
    notes = [
        "Initiated: rapid reviews in the Panel's register whose LCSPR decision is commissioned, "
        f"dated on or before {when} (the as-at date, config as_at_date). Completed: the Panel "
        f"received the final LCSPR (register column lcspr_received_date) on or before {when}; "
        "the percentage is of the LCSPRs initiated. Published, not to be published and "
        "awaiting are of the completed (lcspr_publication; a blank is awaiting). In progress "
        "is initiated less published less not to be published, so it includes the LCSPRs "
        "received and awaiting publication. Counts of the whole register, not a sample: "
        "no interval is given."
    ]
    missing = [c for c in PIPELINE_COLUMNS if c not in present]
    if missing:
        notes.append(
            f"Not available: the rapid review register has no {' or '.join(missing)} column"
            + (" (publication needs both)" if "lcspr_received_date" in missing else "")
            + "."
        )
    later, undated = left_out(rapid_reviews, as_at)
    if later or undated:
        notes.append(
            f"Left out: {later} commissioned rapid reviews dated after {when} and {undated} "
            "with no rapid review date."
        )
    late = int(rows["received_late"].sum())
    if late:
        notes.append(
            f"{late} LCSPRs received after {when} count as in progress at that date "
            "(see the data-quality report)."
        )
    schedule = int(rows["from_schedule"].sum())
    if schedule:
        notes.append(
            f"For {schedule} of the cohort's LCSPRs the register's received date differs from "
            "(or is missing beside) the coding schedule's date_submitted; the coding schedule's "
            "date is used (see the data-quality report)."
        )
    return notes


def pipeline_key_figures(frame: pd.DataFrame | None, as_at: dt.date) -> dict:
    """The key figures of the pipeline table (None where not available)."""
    if frame is None:
        return {}
    by_stage = frame.set_index("stage")

    def n(stage: str) -> int | None:
        value = by_stage["n"].get(stage)
        return None if value is None or pd.isna(value) else int(value)

    pct = by_stage.at[COMPLETED, "pct"]
    received = {
        stage.removeprefix("received "): int(value)
        for stage, value in by_stage["n"].items()
        if stage.startswith("received ") and pd.notna(value)
    }
    return {
        "lcspr_pipeline": {
            "as_at_date": as_at.isoformat(),
            "available": n(COMPLETED) is not None,
            "n_initiated": n(INITIATED),
            "n_completed": n(COMPLETED),
            "pct_completed": None if pd.isna(pct) else int(pct),
            "pct_completed_of": INITIATED,
            "completed_by_year_counts": received,
            "n_published": n(PUBLISHED),
            "n_not_to_be_published": n(NOT_TO_BE_PUBLISHED),
            "n_awaiting": n(AWAITING),
            "n_in_progress": n(IN_PROGRESS),
        }
    }


def pipeline_stage_of(figures: dict | None) -> dict[tuple[str, ...], str]:
    """Each count of the pipeline's key figures (path under ``lcspr_pipeline``) -> its row."""
    if not figures:
        return {}
    found = {
        ("n_initiated",): INITIATED,
        ("n_completed",): COMPLETED,
        ("n_published",): PUBLISHED,
        ("n_not_to_be_published",): NOT_TO_BE_PUBLISHED,
        ("n_awaiting",): AWAITING,
        ("n_in_progress",): IN_PROGRESS,
    }
    for year in figures.get("completed_by_year_counts", {}):
        found[("completed_by_year_counts", year)] = f"received {year}"
    return {key: stage for key, stage in found.items() if figures.get(key[0]) is not None}
