"""Checking a cohort's inputs in one pass: read, clean and link every source, no outputs."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import config as cfg
from .errors import InputError
from .io import read_source
from .join import CohortFrames, SourceInfo, link_cohort
from .settings import Settings
from .validate import clean_source, quality_frame


@dataclass
class InputCheck:
    """Everything known about a cohort's inputs after checking them.

    Attributes
    ----------
    year : int
        The cohort year.
    frames : dict
        Clean frame per source.
    info : dict
        :class:`SourceInfo` (file and sheet) per source.
    cohort : CohortFrames
        The linked cohort (LCSPRs, children, link problems, reconciliation).
    quality : pandas.DataFrame
        Every per-value problem, from reading and from linking.
    """

    year: int
    frames: dict[str, pd.DataFrame]
    info: dict[str, SourceInfo]
    cohort: CohortFrames
    quality: pd.DataFrame

    @property
    def rows_read(self) -> dict[str, int]:
        """Rows read per source."""
        return {source: len(frame) for source, frame in self.frames.items()}


def read_and_clean(
    config: dict | Settings, source: str, year: int
) -> tuple[pd.DataFrame, pd.DataFrame, SourceInfo]:
    """Read one source as config says and check it against the contract.

    Returns
    -------
    frame : pandas.DataFrame
        The clean frame (see :func:`lcspr_stats.validate.clean_source`).
    quality : pandas.DataFrame
        Its per-value problems.
    info : SourceInfo
        The file and sheet it came from.

    Raises
    ------
    InputError
        On a fatal problem (missing file, sheet or column, duplicate id ...).
    """
    settings = Settings.from_config(config)
    table = read_source(
        settings.input_path(source, year),
        settings.inputs.sheet(source),
        max_bytes=settings.max_input_bytes,
        max_unzipped_bytes=settings.max_unzipped_bytes,
    )
    frame, quality = clean_source(table, source, settings)
    return frame, quality, SourceInfo(table.file, table.sheet)


def link_sources(
    year: int, frames: dict[str, pd.DataFrame], info: dict[str, SourceInfo], config: dict
) -> CohortFrames:
    """Link one cohort from the clean frame of each source (keyed by source name)."""
    return link_cohort(
        year,
        frames["reviews"],
        frames["children"],
        frames["sin_register"],
        frames["rapid_review_register"],
        info,
        cfg.rapid_review_years(config, year),
    )


def check_inputs(config: dict, year: int) -> InputCheck:
    """Read, check and link every source of one cohort without writing anything.

    Fatal problems of all sources are gathered and raised together, so a user
    fixing files sees every one at once.

    Parameters
    ----------
    config : dict
        A validated config.
    year : int
        The cohort year.

    Returns
    -------
    InputCheck

    Raises
    ------
    InputError
        Listing every fatal problem found.
    """
    result, fatal = gather_inputs(config, year)
    if fatal:
        raise InputError(combine_messages(fatal))
    assert result is not None
    return result


def gather_inputs(config: dict, year: int) -> tuple[InputCheck | None, list[str]]:
    """Like :func:`check_inputs`, but return the fatal messages instead of raising.

    Returns
    -------
    result : InputCheck or None
        None when a fatal problem stopped a source from being read.
    fatal : list of str
        One message per fatal problem (file, sheet, column and what was expected).
    """
    frames, info, problems, fatal = {}, {}, [], []
    for source in cfg.SOURCES:
        try:
            frames[source], quality, info[source] = read_and_clean(config, source, year)
        except InputError as error:
            fatal.append(error.render())
            continue
        problems.append(quality)
    if fatal:
        return None, fatal
    cohort = link_sources(year, frames, info, config)
    problems.append(cohort.quality)
    found = [p for p in problems if len(p)]
    quality = pd.concat(found, ignore_index=True) if found else quality_frame()
    return InputCheck(year=year, frames=frames, info=info, cohort=cohort, quality=quality), []


def combine_messages(messages: list[str]) -> str:
    """One message for several problems: the message itself, or a count and a list."""
    messages = list(dict.fromkeys(messages))
    if len(messages) == 1:
        return messages[0]
    return f"{len(messages)} problems stop the run:\n" + "\n".join(f"  {m}" for m in messages)


def strict_messages(quality: pd.DataFrame) -> list[str]:
    """One line per per-value problem, for strict mode (unknown columns are not problems).

    Values are not repeated: the file, sheet, row and column say where to look.
    """
    problems = quality.loc[quality["rule"] != "unknown column"]
    return [
        InputError(
            str(r.rule),
            file=str(r.file),
            sheet="" if pd.isna(r.sheet) else str(r.sheet),
            row=None if pd.isna(r.row) else int(r.row),
            column=str(r.column),
        ).render()
        for r in problems.itertuples()
    ]


def strict_message(lines: list[str]) -> str:
    """The fatal message of strict mode, listing every problem."""
    lines = list(dict.fromkeys(lines))
    return (
        f"strict mode: {len(lines)} data problem{'s' if len(lines) != 1 else ''} found:\n"
        + "\n".join(f"  {line}" for line in lines)
    )


def empty_cohort_error(year: int, reviews: SourceInfo) -> InputError:
    """The fatal error for a cohort year with no LCSPRs submitted in it."""
    return InputError(
        f"no LCSPRs submitted in {year}: the cohort is empty, so no tables can be made",
        file=reviews.file,
        sheet=reviews.sheet,
        column="date_submitted",
    )


def check_cohorts_have_lcsprs(config: dict) -> None:
    """Stop before anything runs if a cohort year has no LCSPR submitted in it.

    Reads only the coding schedule's ``reviews`` sheet of each cohort. A sheet
    that cannot be read is passed over here: the full check (or the run's
    first job) names that problem with its file, sheet and column.

    Parameters
    ----------
    config : dict
        A validated config; ``cohorts`` lists the years.

    Raises
    ------
    InputError
        Naming every cohort year without LCSPRs, with the file and sheet read.
    """
    empty = []
    for year in (int(y) for y in config["cohorts"]):
        try:
            reviews, _quality, info = read_and_clean(config, "reviews", year)
        except InputError:
            continue
        if not (reviews["date_submitted"].dt.year == year).any():
            empty.append(
                InputError(
                    f"no LCSPR was submitted in {year}, so cohort {year} would have no "
                    f"tables; remove {year} from 'cohorts' in the config, or check the "
                    "file and its dates",
                    file=info.file,
                    sheet=info.sheet,
                    column="date_submitted",
                ).render()
            )
    if len(empty) == 1:
        raise InputError(empty[0])
    if empty:
        raise InputError(
            f"{len(empty)} cohorts have no LCSPRs:\n" + "\n".join(f"  {m}" for m in empty)
        )
