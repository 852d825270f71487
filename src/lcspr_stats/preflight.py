"""Checking every cohort's inputs before any job runs, and handing the work to the run's jobs.

Bad input stops a run here, cleanly: one message listing every problem of
every cohort, exit 1, nothing written. Good input is read, cleaned and
linked here once; the analysis job's ingest and derive stages take what this made
(:mod:`lcspr_stats.handoff`) instead of doing it again.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from . import config as cfg
from .errors import InputError, run_reporting_errors
from .inputfiles import check_file

if TYPE_CHECKING:
    from .check import InputCheck

# The reading, checking and hand-off modules (and pandas with them) are imported by the
# functions that use them: parsing the workflow, a no-op rerun included, needs none of them.

STOPPED = "lcspr-stats stopped before writing anything to results/."


def input_file_problems(config: dict) -> list[str]:
    """Problems that need no reading: a file missing, a folder, a wrong type, too large.

    Cheap enough to run every time the workflow is parsed.
    """
    problems = []
    try:
        cfg.check_column_mappings(config)
    except InputError as error:
        problems.append(error.render())
    for year in config["cohorts"]:
        for source in cfg.SOURCES:
            path = cfg.input_path(config, source, year)
            try:
                check_file(
                    Path(path),
                    path,
                    cfg.input_sheet(config, source),
                    max_bytes=config.get("max_input_bytes"),
                )
            except InputError as error:
                problems.append(error.render())
    return list(dict.fromkeys(problems))


def preflight(config: dict, *, config_file: str = "config") -> list[tuple[InputCheck, dict]]:
    """Read, check and link the inputs of every cohort; raise if the run cannot go on.

    Gathers, over all cohorts, every fatal problem (missing file, sheet or
    column, unreadable file, duplicate id, a cohort without LCSPRs) and, with
    ``strict: true``, every per-value problem, and raises them together.

    Parameters
    ----------
    config : dict
        A validated config.
    config_file : str
        How a message about the config names it (its path).

    Returns
    -------
    list of (InputCheck, dict)
        Per cohort, its check and the stamp of each input
        (:func:`lcspr_stats.handoff.input_stamp`), taken before it was read.

    Raises
    ------
    InputError
        Listing every problem found.
    """
    from . import handoff
    from .check import gather_inputs, strict_messages, unmatched_exclusions

    fatal: list[str] = []
    strict: list[str] = []
    checked = []
    for year in (int(y) for y in config["cohorts"]):
        inputs = {source: handoff.input_stamp(config, source, year) for source in cfg.SOURCES}
        result, problems = gather_inputs(config, year)
        fatal += problems
        if result is None:
            continue
        checked.append((result, inputs))
        if config.get("strict", False):
            strict += strict_messages(result.quality)
    if not fatal:
        # Only once every cohort was read: an exclusion may name an LCSPR of any of them.
        fatal += unmatched_exclusions(config, [c for c, _ in checked], config_file=config_file)
    if fatal:
        from .check import combine_messages

        raise InputError(combine_messages(fatal))
    if strict:
        from .check import strict_message

        raise InputError(strict_message(strict))
    return checked


def hand_off(config: dict, checked: list[tuple[InputCheck, dict]]) -> None:
    """Leave each cohort's clean frames, problems and linked cohort for this run's jobs.

    Writes under ``<processed_dir>/<year>/checked/`` only (never results/),
    and only once every cohort has passed the check.
    """
    from . import handoff
    from .stages import write_ingest

    token = handoff.new_token()
    for result, inputs in checked:
        folder = handoff.start(config, result.year)
        for source in cfg.SOURCES:
            write_ingest(
                result.frames[source],
                result.source_quality[source],
                handoff.frame_file(folder, source),
                handoff.quality_file(folder, source),
            )
        counts = {
            source: {"rows": len(frame), "problems": len(result.source_quality[source])}
            for source, frame in result.frames.items()
        }
        handoff.finish(
            folder, token=token, config=config, inputs=inputs, counts=counts, cohort=result.cohort
        )


def exit_on_input_errors(
    config: dict,
    *,
    log_dir: str | None = None,
    hand_off_to_jobs: bool = False,
    config_file: str = "config",
) -> None:
    """Run :func:`preflight`; on a problem print one clear message and exit 1.

    For the Snakefile: nothing has been written when this stops the run, and
    the user sees the message, not a traceback. An unexpected error (a bug)
    is reported in one line, with its traceback written to
    ``<log_dir>/preflight.log``, and exits 3
    (:func:`lcspr_stats.errors.run_reporting_errors` decides both).

    Parameters
    ----------
    config : dict
        A validated config.
    log_dir : str, optional
        Folder of ``preflight.log``.
    hand_off_to_jobs : bool
        When the check passes, leave its work for the run's jobs (:func:`hand_off`).
    config_file : str
        The config's path, for messages about it.
    """

    def check() -> None:
        from .stages import collect_less

        collect_less()  # as the jobs do: reading allocates millions of short-lived objects
        checked = preflight(config, config_file=config_file)
        if hand_off_to_jobs:
            hand_off(config, checked)

    status = run_reporting_errors(
        check,
        show=lambda message: print(f"ERROR {message}\n{STOPPED}", file=sys.stderr),
        log_path=Path(log_dir) / "preflight.log" if log_dir else None,
        log_mode="w",
        doing=" while checking the inputs",
    )
    if status:
        sys.exit(status)


def exit_if_input_files_missing(config: dict, *, log_dir: str | None = None) -> None:
    """At parse time: if a cheap file check fails, run the full check and stop.

    Snakemake itself would otherwise stop on the first missing input file
    while planning jobs, before any hook runs and with its own message; this
    lists every problem of every input at once instead.
    """
    if input_file_problems(config):
        exit_on_input_errors(config, log_dir=log_dir)


def exit_on_config_errors(config: dict, config_file: str = "config") -> None:
    """At parse time, before Snakemake's own schema check: a broken config, in our words.

    Snakemake's ``validate`` names the schema file (inside the package, not
    the user's) and counts list entries from 0; this names the config file and
    each key by its path counted from 1 (``exclusions[3].statistic``), as
    :func:`lcspr_stats.config.check_config` does for the command line, and
    exits 1. A config that passes is left to Snakemake's check unchanged (it
    fills the defaults).
    """
    import copy

    try:
        cfg.check_config(copy.deepcopy(config), file=config_file)
    except InputError as error:
        print(f"ERROR {error.render()}\n{STOPPED}", file=sys.stderr)
        sys.exit(1)
