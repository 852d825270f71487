"""Checking every cohort's inputs before any job runs, so bad input stops a run cleanly."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

from . import config as cfg
from .check import (
    combine_messages,
    empty_cohort_error,
    gather_inputs,
    strict_message,
    strict_messages,
)
from .errors import InputError
from .io import check_file

STOPPED = "lcspr-stats stopped before writing anything to results/."


def input_file_problems(config: dict) -> list[str]:
    """Problems that need no reading: a file missing, a folder, a wrong type, too large.

    Cheap enough to run every time the workflow is parsed.
    """
    problems = []
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


def preflight(config: dict) -> None:
    """Read, check and link the inputs of every cohort; raise if the run cannot go on.

    Gathers, over all cohorts, every fatal problem (missing file, sheet or
    column, unreadable file, duplicate id, empty cohort) and, with
    ``strict: true``, every per-value problem, and raises them together.

    Parameters
    ----------
    config : dict
        A validated config.

    Raises
    ------
    InputError
        Listing every problem found.
    """
    fatal: list[str] = []
    strict: list[str] = []
    for year in config["cohorts"]:
        result, problems = gather_inputs(config, int(year))
        fatal += problems
        if result is None:
            continue
        if result.cohort.lcsprs.empty:
            fatal.append(empty_cohort_error(int(year), result.info["reviews"]).render())
        if config.get("strict", False):
            strict += strict_messages(result.quality)
    if fatal:
        raise InputError(combine_messages(fatal))
    if strict:
        raise InputError(strict_message(strict))


def exit_on_input_errors(config: dict, *, log_dir: str | None = None) -> None:
    """Run :func:`preflight`; on a problem print one clear message and exit 1.

    For the Snakefile: nothing has been written when this stops the run, and
    the user sees the message, not a traceback. An unexpected error (a bug)
    is reported in one line, with its traceback written to
    ``<log_dir>/preflight.log``, and exits 2.
    """
    try:
        preflight(config)
    except InputError as error:
        print(f"ERROR {error.render()}\n{STOPPED}", file=sys.stderr)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - last line of defence: no traceback on screen
        where = "the log"
        if log_dir:
            log = Path(log_dir) / "preflight.log"
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text(traceback.format_exc(), encoding="utf-8")
            where = str(log)
        print(
            f"ERROR internal error in lcspr-stats while checking the inputs "
            f"({type(exc).__name__}); details in {where}\n{STOPPED}",
            file=sys.stderr,
        )
        sys.exit(2)


def exit_if_input_files_missing(config: dict, *, log_dir: str | None = None) -> None:
    """At parse time: if a cheap file check fails, run the full check and stop.

    Snakemake itself would otherwise stop on the first missing input file
    while planning jobs, before any hook runs and with its own message; this
    lists every problem of every input at once instead.
    """
    if input_file_problems(config):
        exit_on_input_errors(config, log_dir=log_dir)
