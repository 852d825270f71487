"""The pipeline's stages as file-in, file-out functions: the thin edges Snakemake scripts call."""

from __future__ import annotations

import gc
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from . import config as cfg
from .determinism import atomic_write_text
from .errors import InputError, run_reporting_errors
from .safety import neutralise_formulas
from .settings import Settings

# Every Snakemake script imports this module (for as_script), so at its top
# it imports only what all stages share. What one stage uses is imported
# inside its function (the tables stage's tables and disclosure import
# scipy.stats, about 0.9 s): each job starts faster, and a rule's computed
# code inputs (lcspr_stats.codedeps) name only the modules its stage can run,
# so editing io.py reruns the analysis job and not the charts.

log = logging.getLogger("lcspr_stats")

SOURCES = cfg.SOURCES
CHECK_REASON = "rows read minus rows used and excluded (0 = every row accounted for)"


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a CSV atomically: UTF-8, ``\\n`` line ends, no index.

    Text that a spreadsheet would run as a formula (a leading ``=``, ``+``,
    ``-``, ``@``) is written with a ``'`` before it
    (:func:`lcspr_stats.safety.neutralise_formulas`).
    """
    text = neutralise_formulas(frame).to_csv(index=False, lineterminator="\n")
    atomic_write_text(path, text)


def write_json(data: dict, path: str | Path) -> None:
    """Write JSON atomically, keys in the order given, two-space indent."""
    atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_ingest(
    frame: pd.DataFrame, quality: pd.DataFrame, frame_out: str | Path, quality_out: str | Path
) -> None:
    """Write one source's clean frame and its problems.

    The frame's ``attrs`` (its file and sheet, from
    :func:`lcspr_stats.check.read_and_clean`) are kept in the pickle. The
    ingest stage writes these, and so does the check before the first job for
    the job to take (:mod:`lcspr_stats.handoff`): the same files either way.
    """
    Path(frame_out).parent.mkdir(parents=True, exist_ok=True)
    frame.to_pickle(frame_out)
    write_csv(quality, quality_out)


def run_ingest(
    source: str, year: int, config: dict | Settings, frame_out: str, quality_out: str
) -> None:
    """Read, check and clean one source; write the clean frame and its problems.

    When the check before the first job has read this source in this run,
    its frame and problems are taken instead (:func:`lcspr_stats.handoff.take_source`),
    so the file is read once.

    Parameters
    ----------
    source : str
        ``sin_register``, ``rapid_review_register``, ``reviews`` or ``children``.
    year : int
        Cohort year (fills ``{year}`` in the input path).
    config : dict or Settings
        Validated config (or the Settings built from it).
    frame_out, quality_out : str
        Paths of the clean frame (pickle) and the data-quality CSV.
    """
    from .check import read_and_clean, strict_check
    from .handoff import take_source

    settings = Settings.from_config(config)
    taken = take_source(settings.config, source, year, frame_out, quality_out)
    if taken:
        log.info(
            "%s: %d rows, %d data problems, as the check before the first job read them",
            source,
            taken["rows"],
            taken["problems"],
        )
        return
    frame, quality, _info = read_and_clean(settings, source, year)
    strict_check(quality, settings.strict)
    log.info("%s: %d rows read, %d data problems", source, len(frame), len(quality))
    write_ingest(frame, quality, frame_out, quality_out)


def _load(path: str):
    """A clean frame written by :func:`write_ingest`, and the file and sheet it came from."""
    from .join import SourceInfo

    frame = pd.read_pickle(path)
    return frame, SourceInfo(frame.attrs.get("file", ""), frame.attrs.get("sheet", ""))


def run_derive(
    year: int,
    config: dict | Settings,
    frames_in: dict[str, str],
    quality_in: list[str],
    lcsprs_out: str,
    children_out: str,
    quality_out: str,
    reconciliation_out: str,
    quality_unmasked_out: str | None = None,
) -> None:
    """Link and derive one cohort; write its frames, data-quality and reconciliation reports.

    The data-quality report in results/ has values that could identify a
    case withheld (:func:`lcspr_stats.confidential.mask_quality`); the full
    report goes to ``quality_unmasked_out``, outside results/. The cohort
    the check before the first job linked from these same frames is taken
    rather than linked again (:func:`lcspr_stats.handoff.take_cohort`).
    """
    from .check import link_sources, strict_check
    from .confidential import identifying_values, mask_quality
    from .derive import derive_fields
    from .handoff import take_cohort
    from .join import left_out_of_cohort, left_out_of_statistics, note_bad_dates
    from .validate import QUALITY_COLUMNS, quality_frame

    settings = Settings.from_config(config)
    frames, info = {}, {}
    for source in SOURCES:
        frames[source], info[source] = _load(frames_in[source])
    cohort = take_cohort(settings.config, year, frames_in)
    if cohort is None:
        # Refuses a cohort without LCSPRs, as the check before the first job does.
        cohort = link_sources(year, frames, info, settings.config)
    else:
        log.info("cohort %s: linked by the check before the first job", year)
    lcsprs = derive_fields(cohort.lcsprs, cohort.children, settings)
    earlier = [pd.read_csv(p, dtype={"row": "Int64"}, keep_default_na=False) for p in quality_in]
    quality = pd.concat([*earlier, cohort.quality], ignore_index=True)
    quality = quality if len(quality) else quality_frame()
    quality = left_out_of_cohort(quality, info["reviews"], year)
    quality, left_out = left_out_of_statistics(quality, cohort.lcsprs, frames, info)
    lcsprs = note_bad_dates(lcsprs, left_out)
    Path(lcsprs_out).parent.mkdir(parents=True, exist_ok=True)
    lcsprs.to_pickle(lcsprs_out)
    cohort.children.to_pickle(children_out)
    # Strict mode is checked by the job itself, over every source's problems, not
    # only by the check before the first job (which a run may skip: --no-hooks).
    strict_check(quality, settings.strict)
    if quality_unmasked_out:
        write_csv(quality[QUALITY_COLUMNS], quality_unmasked_out)
    identifiers = identifying_values(frames)
    masked = mask_quality(quality[QUALITY_COLUMNS], settings.codebook, identifiers)
    write_csv(masked, quality_out)
    reconciliation = add_reconciliation_check(cohort.reconciliation)
    write_csv(reconciliation, reconciliation_out)
    log.info("cohort %s: %d LCSPRs, %d data problems", year, len(lcsprs), len(quality))


def add_reconciliation_check(recon: pd.DataFrame) -> pd.DataFrame:
    """Append, per source, a ``check`` row: read - used - excluded (must be 0)."""
    rows = []
    for source, group in recon.groupby("source", sort=False):
        read = int(group.loc[group["status"] == "read", "rows"].sum())
        # "classified" rows count values read through a classification, not rows.
        accounted = int(group.loc[~group["status"].isin(("read", "classified")), "rows"].sum())
        rows.append(group)
        rows.append(
            pd.DataFrame(
                [
                    {
                        "source": source,
                        "file": group["file"].iloc[0],
                        "sheet": group["sheet"].iloc[0],
                        "status": "check",
                        "reason": CHECK_REASON,
                        "rows": read - accounted,
                    }
                ]
            )
        )
        if read != accounted:
            raise RuntimeError(
                f"reconciliation of {source} does not balance: {read} vs {accounted}"
            )
    return pd.concat(rows, ignore_index=True)


def run_tables(
    year: int,
    config: dict | Settings,
    lcsprs_in: str,
    rapid_reviews_in: str,
    tables_dir: str,
    key_figures_out: str,
    notes_out: str,
    reference_checks_out: str,
    contents_out: str | None = None,
    disclosure_out: str | None = None,
) -> None:
    """Make every table of a cohort, write them as CSVs, and write the key figures.

    ``contents_out``, if given, receives the list of tables in report order
    with their titles (the workbook, charts and HTML report read it).
    With ``disclosure_control.enabled`` in config, small counts in the tables
    and key figures are suppressed first (:mod:`lcspr_stats.disclosure`) and
    ``disclosure_out`` lists what was suppressed and why.
    """
    from .disclosure import apply_disclosure_control
    from .keyfigures import key_figures
    from .registry import build_tables
    from .tables import reference_checks

    settings = Settings.from_config(config)
    lcsprs = pd.read_pickle(lcsprs_in)
    rapid_reviews = pd.read_pickle(rapid_reviews_in)
    ages = pd.read_csv(settings.reference.scr_age_bands)
    harm = pd.read_csv(settings.reference.scr_death_serious_harm)
    periods = pd.read_csv(settings.reference.scr_periods)
    tables = build_tables(
        lcsprs,
        rapid_reviews,
        ages,
        harm,
        periods,
        settings,
        year,
        settings.rapid_review_years_for(year),
    )
    controlled = apply_disclosure_control(
        tables, key_figures(tables, lcsprs, settings, year), settings, year
    )
    tables = controlled.tables
    for table in tables:
        write_csv(table.frame, Path(tables_dir) / f"{table.name}.csv")
    notes = pd.DataFrame(
        [
            {"table": t.name, "title": t.title, "note_number": i + 1, "note": note}
            for t in tables
            for i, note in enumerate(t.notes)
        ],
        columns=["table", "title", "note_number", "note"],
    )
    write_csv(notes, notes_out)
    if contents_out:
        contents = pd.DataFrame(
            [{"table": t.name, "title": t.title} for t in tables], columns=["table", "title"]
        )
        write_csv(contents, contents_out)
    checks = reference_checks(ages, settings.percent_rounding)
    for row in checks.loc[checks["differs"]].itertuples():
        log.warning(
            "reference %s %s: published %s%% but %s of %s rounds to %s%%",
            row.period_label,
            row.age_band,
            row.pct_published,
            row.n,
            row.period_n,
            row.pct_computed,
        )
    write_csv(checks, reference_checks_out)
    if disclosure_out:
        write_csv(controlled.check, disclosure_out)
    write_json(controlled.key_figures, key_figures_out)


#: Allocations between collections of the youngest generation (Python's default is 700).
GC_THRESHOLD = (10_000, 10, 10)


def collect_less() -> None:
    """Run Python's cyclic garbage collector less often in a stage's process.

    A stage allocates millions of short-lived objects (cells, rows, chart
    artists) and frees nearly all of them by reference counting, yet at the
    default thresholds the collector ran six full collections in one baseline
    run, 0.7-1 s of it (profiled, issue 12). Objects from the imports are
    moved out of its reach (``gc.freeze``) and the youngest generation is
    collected every 10,000 allocations instead of 700. What is computed is
    unchanged; only when unreachable cycles are freed.
    """
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


def as_script(function: Callable[..., None], smk: object, **kwargs: object) -> None:
    """Run a stage from a Snakemake ``script:``, with its log and clean errors.

    An :class:`InputError` is written as one clear line to the log and to
    standard error, and the job exits 1 (:data:`lcspr_stats.errors.EXIT_INPUT`).
    Anything else is an internal error: its traceback goes to the log only, and
    the job exits 3 (:data:`lcspr_stats.errors.EXIT_INTERNAL`); see
    :func:`lcspr_stats.errors.run_reporting_errors`.
    """
    collect_less()
    log_path = smk.log[0] if getattr(smk, "log", None) else None
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_path:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_path, mode="w", encoding="utf-8"))
    logging.basicConfig(
        level=logging.INFO, format="%(levelname)s %(message)s", handlers=handlers, force=True
    )
    status = run_reporting_errors(
        lambda: function(**kwargs),
        show=lambda message: log.error("%s", message),
        expected=(InputError,),
        log_path=log_path,
    )
    if status:
        sys.exit(status)
