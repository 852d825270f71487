"""Checking a cohort's inputs in one pass: read, clean and link every source, no outputs."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import config as cfg
from .errors import InputError
from .io import read_source
from .join import (
    CohortFrames,
    SourceInfo,
    left_out_of_cohort,
    left_out_of_statistics,
    link_cohort,
)
from .settings import Settings
from .sources import PIPELINE_COLUMNS
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
    source_quality : dict
        The per-value problems found reading each source (keyed by source).
    """

    year: int
    frames: dict[str, pd.DataFrame]
    info: dict[str, SourceInfo]
    cohort: CohortFrames
    quality: pd.DataFrame
    source_quality: dict[str, pd.DataFrame] = field(default_factory=dict)

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
        The clean frame (see :func:`lcspr_stats.validate.clean_source`), its
        ``attrs`` naming the ``file`` and ``sheet``.
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
    # The frame keeps where it came from, as the ingest stage's pickle does, so a
    # cohort linked here is the one the derive stage would link from the pickles.
    frame.attrs = {"file": table.file, "sheet": table.sheet}
    if source == "rapid_review_register":
        # Whether the optional columns of the review pipeline were there at all
        # (absent ones are blank columns in the frame), under the config's mapping.
        from .columns import apply_mapping

        headings = apply_mapping(table, settings.inputs[source].columns).frame.columns
        frame.attrs["pipeline_columns"] = [c for c in PIPELINE_COLUMNS if c in headings]
    return frame, quality, SourceInfo(table.file, table.sheet)


def link_sources(
    year: int, frames: dict[str, pd.DataFrame], info: dict[str, SourceInfo], config: dict
) -> CohortFrames:
    """Link one cohort from the clean frame of each source (keyed by source name).

    Raises
    ------
    InputError
        If no LCSPR was submitted in ``year`` (:func:`empty_cohort_error`):
        the one place that refuses an empty cohort, for the check before the
        first job, ``lcspr-stats validate`` and the derive stage alike.
    """
    cohort = link_cohort(
        year,
        frames["reviews"],
        frames["children"],
        frames["sin_register"],
        frames["rapid_review_register"],
        info,
        cfg.rapid_review_years(config, year),
    )
    if cohort.lcsprs.empty:
        raise empty_cohort_error(year, info["reviews"])
    return cohort


def check_inputs(config: dict, year: int) -> InputCheck:
    """Read, check and link every source of one cohort without writing anything.

    Fatal problems of all sources (and a cohort with no LCSPRs) are gathered
    and raised together, so a user fixing files sees every one at once.

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
        None when a fatal problem stopped a source from being read, or the
        cohort from being linked (no LCSPRs in it).
    fatal : list of str
        One message per fatal problem (file, sheet, column and what was expected).
    """
    frames, info, by_source, fatal = {}, {}, {}, []
    try:
        # Snakemake's validate() knows the schema, not the contract: check the mapping here.
        cfg.check_column_mappings(config)
    except InputError as error:
        return None, [error.render()]
    for source, read in read_sources(config, year).items():
        if isinstance(read, str):
            fatal.append(read)
        else:
            frames[source], by_source[source], info[source] = read
    if fatal:
        return None, fatal
    try:
        cohort = link_sources(year, frames, info, config)
    except InputError as error:
        return None, [error.render()]
    found = [p for p in [*by_source.values(), cohort.quality] if len(p)]
    quality = pd.concat(found, ignore_index=True) if found else quality_frame()
    quality = left_out_of_cohort(quality, info["reviews"], year)
    quality, _left_out = left_out_of_statistics(quality, cohort.lcsprs, frames, info)
    result = InputCheck(year, frames, info, cohort, quality, source_quality=by_source)
    return result, []


# The largest input is read in a process of its own beside the others when its file is at
# least this large (about 200,000 rows of .xlsx): below it, starting a process costs more
# than reading the sheet.
PARALLEL_READ_BYTES = 8_000_000


def read_sources(config: dict, year: int) -> dict[str, tuple | str]:
    """:func:`read_and_clean` of every source, in order: its result, or its fatal message.

    Reading a large workbook is one long run of one core (the reader, then
    cleaning its million cells), and the sources do not depend on one another.
    So when the largest input file holds at least :data:`PARALLEL_READ_BYTES`,
    it is read and cleaned in a second Python process (:func:`_read_elsewhere`)
    while this one reads the rest: on two cores the check takes about as long
    as its largest source alone. The results are the same either way.
    """
    sizes = {}
    for source in cfg.SOURCES:
        try:
            sizes[source] = os.path.getsize(cfg.input_path(config, source, year))
        except OSError:
            sizes[source] = 0  # missing or unreadable: read_and_clean says so, in order
    largest = max(sizes, key=sizes.get)
    apart = None
    if sizes[largest] >= PARALLEL_READ_BYTES and (os.cpu_count() or 1) > 1:
        apart = _read_elsewhere(config, largest, year)
    found: dict[str, tuple | str] = {}
    for source in cfg.SOURCES:
        if apart is not None and source == largest:
            continue
        found[source] = _read_or_message(config, source, year)
    if apart is not None:
        found[largest] = apart()
    return {source: found[source] for source in cfg.SOURCES}


def _read_or_message(config: dict, source: str, year: int) -> tuple | str:
    """:func:`read_and_clean`, or the rendered message of the fatal problem it found."""
    try:
        return read_and_clean(config, source, year)
    except InputError as error:
        return error.render()


def _read_elsewhere(config: dict, source: str, year: int):
    """Start reading one source in another Python process; return a function awaiting it.

    The process (``python -m lcspr_stats.check``) gets the config and source
    in a pickle and leaves its result in another, in a temporary folder that
    goes when the result is taken. An internal error there is raised here,
    with that process's own account of it.
    """
    import pickle
    import subprocess
    import sys
    import tempfile

    folder = tempfile.TemporaryDirectory(prefix="lcspr-read-")
    task, result = Path(folder.name) / "task.pkl", Path(folder.name) / "result.pkl"
    task.write_bytes(pickle.dumps((config, source, year), protocol=pickle.HIGHEST_PROTOCOL))
    process = subprocess.Popen(
        [sys.executable, "-m", "lcspr_stats.check", str(task), str(result)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def wait() -> tuple | str:
        with folder:
            _, errors = process.communicate()
            if process.returncode != 0 or not result.is_file():
                detail = errors.decode("utf-8", "replace").strip().splitlines()[-20:]
                raise RuntimeError(f"reading {source} failed:\n" + "\n".join(detail))
            with open(result, "rb") as handle:
                return pickle.load(handle)

    return wait


def _read_task(task: str, result: str) -> None:
    """The other process's part (:func:`_read_elsewhere`): read one source, leave the result."""
    import pickle

    with open(task, "rb") as handle:
        config, source, year = pickle.load(handle)
    found = _read_or_message(config, source, year)
    with open(result, "wb") as handle:
        pickle.dump(found, handle, protocol=pickle.HIGHEST_PROTOCOL)


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
    from .columns import COLUMN_WARNINGS

    problems = quality.loc[~quality["rule"].isin(COLUMN_WARNINGS)]
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


def strict_check(quality: pd.DataFrame, strict: bool) -> None:
    """In strict mode, any per-value problem is fatal: raise listing them all."""
    lines = strict_messages(quality)
    if strict and lines:
        raise InputError(strict_message(lines))


def empty_cohort_error(year: int, reviews: SourceInfo) -> InputError:
    """The fatal error for a cohort year with no LCSPR submitted in it, naming the file read."""
    return InputError(
        f"no LCSPR was submitted in {year}, so cohort {year} would have no tables; remove "
        f"{year} from 'cohorts' in the config, or check the file and its dates",
        file=reviews.file,
        sheet=reviews.sheet,
        column="date_submitted",
    )


def unmatched_exclusions(
    config: dict, checked: list[InputCheck], *, config_file: str = "config"
) -> list[str]:
    """A fatal message per named exclusion whose ``lcspr_id`` is no LCSPR of the cohorts checked.

    An exclusion that matches nothing would leave Table 3 as if it were not
    there, without a word. Each message names the exclusion by its key path
    in the config (1-based, ``exclusions[2].lcspr_id``) with the id as the
    user typed it (their own config's text), and where the closest
    ``lcspr_id`` values of the data are: their file, sheet and rows, not the
    ids themselves, since terminal output holds no id from the data
    (docs/data-quality.md).

    Parameters
    ----------
    config : dict
        A validated config.
    checked : list of InputCheck
        Every cohort of the run that was checked.
    config_file : str
        How the message names the config.

    Returns
    -------
    list of str
        One rendered message per exclusion that matched nothing (empty if none).
    """
    import difflib

    if not checked:
        return []
    ids: dict[str, list[tuple[SourceInfo, int]]] = {}
    for result in checked:
        lcsprs = result.cohort.lcsprs
        for lcspr_id, row in zip(lcsprs["lcspr_id"].astype(str), lcsprs["source_row"]):
            ids.setdefault(lcspr_id, []).append((result.info["reviews"], int(row)))
    years = ", ".join(str(r.year) for r in checked)
    cohorts = f"cohort{'s' if len(checked) > 1 else ''} {years}"
    messages = []
    for number, exclusion in enumerate(config["exclusions"], start=1):
        typed = str(exclusion["lcspr_id"])
        if typed in ids:
            continue
        close = difflib.get_close_matches(typed, list(ids), n=3, cutoff=0.5)
        places: dict[tuple[str, str], list[int]] = {}
        for lcspr_id in close:
            for info, row in ids[lcspr_id]:
                places.setdefault((info.file, info.sheet), []).append(row)
        if places:
            where = "; ".join(
                f"file '{file}', sheet '{sheet}', row{'s' if len(rows) > 1 else ''} "
                + ", ".join(str(r) for r in sorted(rows))
                for (file, sheet), rows in places.items()
            )
            hint = f"the closest lcspr_ids are in {where} (ids from the data are not shown)"
        else:
            hint = "no lcspr_id of the data is close to it"
        messages.append(
            InputError(
                f"exclusions[{number}].lcspr_id '{typed}' matches no LCSPR of {cohorts}, so "
                f"it would exclude nothing; {hint}. Correct the id or remove the exclusion",
                file=config_file,
            ).render()
        )
    return messages


if __name__ == "__main__":
    import sys

    _read_task(sys.argv[1], sys.argv[2])
