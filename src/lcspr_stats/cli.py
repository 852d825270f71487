"""The lcspr-stats command: set up a new year, check its inputs, run the review, find the report."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import re
import subprocess
import sys
import webbrowser
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from . import config as cfg
from .errors import (
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USAGE,
    INTERNAL,
    InputError,
    run_reporting_errors,
)

PROG = "lcspr-stats"
# Snakemake's progress line: "3 of 12 steps (25%) done".
PROGRESS = re.compile(r"^(\d+) of (\d+) steps \(([\d.]+%)\) done")
# A stage's own error message, as lcspr_stats.stages.as_script logs it.
STAGE_ERROR = re.compile(r"^ERROR (.+)$")
# The first line of an error Snakemake reports itself ("MissingInputException in rule ...").
SNAKEMAKE_ERROR = re.compile(r"^\w*(Error|Exception)\b")
RUN_LOG = "lcspr-stats-run.log"

MAIN_EPILOG = """\
The annual review, year by year:
  lcspr-stats init review-2022 --year 2022           set up the new cohort's folder
  (fill in review-2022/inputs/2022/*.xlsx)
  lcspr-stats validate --config review-2022/config.yaml
  lcspr-stats run --config review-2022/config.yaml
  lcspr-stats report --config review-2022/config.yaml

Run `lcspr-stats COMMAND --help` for each command's options. docs/user-guide.md
walks through a whole year.
"""

INIT_EPILOG = """\
examples:
  lcspr-stats init review-2022 --year 2022
  lcspr-stats init review-2023 --year 2023 --from review-2022/config.yaml

Writes FOLDER/config.yaml, blank templates in FOLDER/inputs/YEAR/ (a header row,
a note on each column, dropdowns of the codebook's values on coded columns,
date checks on date columns; the codes sheet lists every code) and the SCR
reference figures in FOLDER/reference/. Nothing is overwritten without --force.
"""

VALIDATE_EPILOG = """\
examples:
  lcspr-stats validate                                   (config.yaml here)
  lcspr-stats validate --config review-2022/config.yaml
  lcspr-stats validate --config review-2022/config.yaml --year 2022 --show 50

Reads, checks and links every input of each cohort without making any table.
Exit status 0: no fatal problem (the run can go ahead); 1: a fatal problem,
listed with its file, sheet, row and column.
"""

RUN_EPILOG = """\
examples:
  lcspr-stats run                                        (config.yaml here)
  lcspr-stats run --config review-2022/config.yaml --cores 4
  lcspr-stats run --config review-2022/config.yaml --dry-run
  lcspr-stats run --config review-2022/config.yaml --force    (rerun every job)
  lcspr-stats run --config national.yaml --profile slurm   (on a SLURM cluster)

Runs the Snakemake workflow in the config's folder: relative paths in the
config resolve against that folder. The full Snakemake output goes to
LOGS/lcspr-stats-run.log (logs_dir of the config).
"""

SYNTH_EPILOG = """\
examples:
  lcspr-stats synth --year 2022 --seed 1 training-data
  lcspr-stats synth --profile 2021 data/raw/synthetic_2021 --force
  lcspr-stats synth --year 2022 review-2022/inputs/2022 --force   (fill a workspace)

Writes sin_register.xlsx, rapid_review_register.xlsx and
lcspr_coding_schedule.xlsx. Every child, family and partnership is invented.
--profile 2021 gives the calibrated cohort that reproduces the published 2021
figures; otherwise a plausible cohort for YEAR derived from it, different for
each seed, with registers covering the years of Table 2.
"""

CHECK_RELEASE_EPILOG = """\
examples:
  lcspr-stats check-release                                  (config.yaml here)
  lcspr-stats check-release --config review-2022/config.yaml

Run after `lcspr-stats run` and before sharing anything from results/.
Exit status 0: nothing found; 1: each problem is listed with what to do.
"""

REPORT_EPILOG = """\
examples:
  lcspr-stats report --config review-2022/config.yaml
  lcspr-stats report --config review-2022/config.yaml --year 2021 --open
"""


def _error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def _config_path(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise InputError(
            "config file not found (give one with --config, or run in a folder that has "
            "config.yaml; `lcspr-stats init` writes one)",
            file=text,
        )
    return path


@contextlib.contextmanager
def _in_folder_of(config_path: Path):
    """Work in the config's folder, so its relative paths mean what they say."""
    with contextlib.chdir(config_path.resolve().parent):
        yield


# --- init ----------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    """Write a new cohort's config, blank input templates and reference files."""
    from .workspace import init_workspace

    written = init_workspace(args.folder, args.year, args.base_config, force=args.force)
    folder = Path(args.folder)
    print(f"Set up the {args.year} cohort in {folder}/:")
    for path in written:
        print(f"  {path}")
    config = folder / "config.yaml"
    print(
        "\nNext:\n"
        f"  1. Fill in the templates in {folder / 'inputs' / str(args.year)}/ (or paste the "
        "registers and coding schedule into them).\n"
        f"  2. Check them:  {PROG} validate --config {config}\n"
        f"  3. Run:         {PROG} run --config {config}"
    )
    return EXIT_OK


# --- validate ------------------------------------------------------------------


def _print_check(result, show: int) -> None:
    """Summary of one cohort's check: rows per source, problems by rule, the first few."""
    print("  Rows read:")
    for source, rows in result.rows_read.items():
        info = result.info[source]
        where = f"{info.file}, sheet '{info.sheet}'" if info.sheet else info.file
        print(f"    {source:<23}{rows:>8,}  {where}")
    lcsprs = result.cohort.lcsprs
    print(
        f"  LCSPRs submitted in {result.year}: {len(lcsprs):,} "
        f"({len(result.cohort.children):,} children)"
    )
    quality = result.quality
    if quality.empty:
        print("  Data problems: none")
        return
    print(f"  Data problems: {len(quality):,} (each row stays; see data_quality.csv after a run)")
    for rule, count in Counter(quality["rule"]).most_common():
        print(f"    {rule:<60}{count:>6,}")
    print(f"  First {min(show, len(quality))} of {len(quality):,}:")
    for problem in quality.head(show).itertuples():
        row = "" if problem.row is None or str(problem.row) == "<NA>" else f", row {problem.row}"
        sheet = f", sheet '{problem.sheet}'" if problem.sheet else ""
        value = f" '{problem.value}'" if problem.value else ""
        print(
            f"    {problem.file}{sheet}{row}, column '{problem.column}':{value} "
            f"{problem.rule} ({problem.action})"
        )


def cmd_validate(args: argparse.Namespace) -> int:
    """Check every cohort's inputs; exit 1 if any fatal problem is found."""
    from .check import check_inputs, strict_check, unmatched_exclusions
    from .run_summary import CohortSummary, summary_lines

    config_path = _config_path(args.config)
    config = cfg.load_config(config_path)
    years = [args.year] if args.year else [int(y) for y in config["cohorts"]]
    fatal: list[str] = []
    checked = []
    with _in_folder_of(config_path):
        for year in years:
            print(f"Cohort {year} (config {config_path})")
            try:
                result = check_inputs(config, year)
            except InputError as error:
                print("  Stopped by a fatal problem (below).")
                fatal.append(error.render())
                continue
            checked.append(result)
            _print_check(result, args.show)
            try:
                strict_check(result.quality, config.get("strict", False))
            except InputError as error:
                fatal.append(error.render())
    unmatched = []
    if len(checked) == len(config["cohorts"]):
        # An exclusion may name an LCSPR of any cohort: judged once all were read.
        unmatched = unmatched_exclusions(config, checked, config_file=str(config_path))
    fatal += unmatched
    results = config_path.parent / config["results_dir"]
    summaries = [
        CohortSummary(
            r.year,
            r.quality,
            r.cohort.reconciliation,
            f"{results / str(r.year) / 'data_quality.csv'} (after a run)",
        )
        for r in checked
    ]
    if summaries:
        summaries[0].unmatched = unmatched
        print("\n".join(summary_lines(summaries)))
    if fatal:
        for message in fatal:
            _error(message)
        return EXIT_INPUT
    print(f"No fatal problems: `{PROG} run` can go ahead.")
    return EXIT_OK


# --- run -----------------------------------------------------------------------


def _check_files_exist(config: dict, config_path: Path) -> None:
    """Stop early, naming the file, if an input or reference file does not exist."""
    paths = [
        cfg.input_path(config, source, year) for year in config["cohorts"] for source in cfg.SOURCES
    ] + list(config["reference"].values())
    missing = list(dict.fromkeys(p for p in paths if not Path(p).is_file()))
    if not missing:
        return
    hint = f"relative paths resolve against the config's folder, {config_path.parent}"
    if len(missing) == 1:
        raise InputError(f"file not found ({hint})", file=missing[0])
    raise InputError(f"{len(missing)} files not found ({hint}): " + ", ".join(missing))


def _resolve_profile(text: str) -> str:
    """A profile given as a folder, or by name from the project's profiles/."""
    from .workspace import project_root

    path = Path(text)
    if path.exists():
        return str(path.resolve())
    bundled = project_root() / "profiles" / text
    if bundled.exists():
        return str(bundled)
    raise InputError(f"Snakemake profile '{text}' not found (a folder, or one of profiles/)")


def stream_snakemake(
    command: list[str], cwd: Path, log_path: Path, on_line: Callable[[str], None]
) -> int:
    """Run Snakemake, copy its output to ``log_path`` and hand each line to ``on_line``.

    Returns
    -------
    int
        Snakemake's exit status.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        try:
            for line in process.stdout:
                log.write(line)
                on_line(line.rstrip("\n"))
        except KeyboardInterrupt:
            process.terminate()
            process.wait()
            raise
        return process.wait()


def snakemake_error(lines: list[str], most: int = 8) -> str:
    """Snakemake's own error from the end of its output: from its first error line on."""
    lines = [line for line in lines if line.strip()]
    start = next((i for i, line in enumerate(lines) if SNAKEMAKE_ERROR.search(line)), None)
    shown = lines[start : start + most] if start is not None else lines[-most:]
    return "\n  ".join(line.strip() for line in shown) or "Snakemake failed"


def cmd_run(args: argparse.Namespace) -> int:
    """Run the workflow for every cohort of the config, showing progress.

    Only a missing file is looked for here (no input is read): the workflow's
    own check before its first job reads every input once, stops on any
    problem (a cohort without LCSPRs too) and hands its work to the jobs.
    """
    from .workspace import project_root

    config_path = _config_path(args.config).resolve()
    config = cfg.load_config(config_path)
    root = project_root()
    folder = config_path.parent
    with _in_folder_of(config_path):
        _check_files_exist(config, config_path)
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(root / "Snakefile"),
        "--directory",
        str(folder),
        "--configfile",
        str(config_path),
        "--replace-workflow-config",
        "--cores",
        str(args.cores),
    ]
    if args.profile:
        command += ["--profile", _resolve_profile(args.profile)]
    if args.dry_run:
        command += ["--dry-run"]
    if args.force:
        # Every job again, whatever Snakemake thinks is up to date.
        command += ["--forceall"]
    log_path = (folder / config["logs_dir"] / RUN_LOG).resolve()
    results = (folder / config["results_dir"]).resolve()
    cohorts = ", ".join(str(y) for y in config["cohorts"])
    print(f"Running the annual review for cohort{'s' if ',' in cohorts else ''} {cohorts}")
    print(f"  config {config_path}\n  log    {log_path}")

    errors: list[str] = []
    tail: list[str] = []
    state = {"up_to_date": False, "in_error": False}

    def on_line(line: str) -> None:
        tail.append(line)
        del tail[:-40]
        if args.verbose or args.dry_run:
            print(line)
        progress = PROGRESS.match(line.strip())
        if progress and not args.verbose:
            done, total, share = progress.groups()
            print(f"  {int(done):>3} of {total} steps done ({share})")
        stage = STAGE_ERROR.match(line.strip())
        if stage:
            state["in_error"] = stage.group(1) not in errors
            if state["in_error"]:
                errors.append(stage.group(1))
        elif state["in_error"] and line.startswith("  "):
            # A message listing several problems continues on indented lines.
            errors[-1] += "\n" + line
        else:
            state["in_error"] = False
        if line.startswith("Nothing to be done"):
            state["up_to_date"] = True

    status = stream_snakemake(command, folder, log_path, on_line)
    if status != 0:
        for message in errors or [snakemake_error(tail)]:
            _error(message)
        _error(f"the run stopped (Snakemake exit status {status}); full log: {log_path}")
        return EXIT_INTERNAL if any(m.startswith(INTERNAL) for m in errors) else EXIT_INPUT
    if args.dry_run:
        print("Dry run: nothing was made.")
        return EXIT_OK
    if state["up_to_date"]:
        print("Everything was already up to date.")
    _print_run_summary(config, results)
    print("Results:")
    for year in config["cohorts"]:
        print(f"  {results / str(year)}/")
    print(f"  {results / 'trends'}/  (the cohorts beside the SCR periods)")
    return EXIT_OK


def _print_run_summary(config: dict, results: Path) -> None:
    """The run's closing summary, from the data-quality and reconciliation files it wrote."""
    from .run_summary import read_run, summary_lines

    try:
        summaries = [read_run(int(year), results) for year in config["cohorts"]]
    except OSError:  # a partial target (--until): no summary to give
        return
    print("\n".join(summary_lines(summaries)))


# --- synth -----------------------------------------------------------------------


def cmd_synth(args: argparse.Namespace) -> int:
    """Write a synthetic cohort (invented data) for training or demonstration."""
    from . import synth

    out = Path(args.folder)
    if args.profile:
        try:
            profile = synth.load_profile(args.profile)
        except FileNotFoundError:
            raise InputError(f"no synthetic profile called '{args.profile}' (try 2021)") from None
        year = int(profile["cohort_year"])
        if args.year is not None and args.year != year:
            raise InputError(
                f"profile {args.profile} is calibrated to the {year} cohort; drop --year, "
                f"or drop --profile for a {args.year} cohort"
            )
        seed = year if args.seed is None else args.seed
        frames = synth.generate(profile, seed=seed)
        kind = f"calibrated {year} cohort (profile {args.profile})"
    else:
        if args.year is None:
            raise InputError("give --year YEAR (or --profile 2021 for the calibrated cohort)")
        year = args.year
        seed = year if args.seed is None else args.seed
        frames = synth.generate_year(year, seed)
        kind = f"synthetic {year} cohort"
    existing = [str(out / name) for name in synth.FILES if (out / name).exists()]
    if existing and not args.force:
        raise InputError(
            "already exists; choose another folder or pass --force to overwrite: "
            + ", ".join(existing)
        )
    written = synth.write_cohort(frames, out)
    n_lcsprs = int((frames["reviews"]["date_submitted"].dt.year == year).sum())
    print(f"Wrote a {kind}, seed {seed}: {n_lcsprs} LCSPRs (invented data, not real reviews)")
    for path in written:
        print(f"  {path}")
    return EXIT_OK


# --- report ------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    """Print (or open) the path of a cohort's HTML report."""
    config_path = _config_path(args.config)
    config = cfg.load_config(config_path)
    year = args.year or max(int(y) for y in config["cohorts"])
    folder = (config_path.resolve().parent / config["results_dir"] / str(year)).resolve()
    pages = sorted(folder.glob("*.html"), key=lambda p: (p.name != "report.html", p.name))
    if not pages:
        raise InputError(
            f"no HTML report for {year} in {folder}/ yet; make it with "
            f"`{PROG} run --config {config_path}`"
        )
    print(pages[0])
    if args.open:
        webbrowser.open(pages[0].as_uri())
    return EXIT_OK


# --- check-release -------------------------------------------------------------------


def cmd_check_release(args: argparse.Namespace) -> int:
    """Check a run's results before they are shared; exit 1 if anything must be put right."""
    from .release_check import check_release
    from .workspace import project_root

    config_path = _config_path(args.config)
    config = cfg.load_config(config_path)
    try:
        project = project_root()
    except InputError:  # a plain install: the bundled cohort is not at hand
        project = None
    findings = check_release(config, config_path, project)
    print(f"Checking the release of cohort(s) {', '.join(map(str, config['cohorts']))}")
    if not findings:
        print("No problem found: the results can be shared.")
        return EXIT_OK
    for finding in findings:
        print(f"  {finding.render()}")
    _error(
        f"{len(findings)} problem{'s' if len(findings) != 1 else ''} to put right before "
        "these results are shared"
    )
    return EXIT_INPUT


# --- the parser ----------------------------------------------------------------------


def _integer(text: str, what: str) -> int:
    """An argument as a whole number, or argparse's error naming ``what`` it should be."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not {what}") from None


def _year(text: str) -> int:
    year = _integer(text, "a year")
    if not 2000 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"{year} is not a year from 2000 to 2100")
    return year


def _positive(text: str) -> int:
    value = _integer(text, "a whole number")
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The command line parser with its subcommands."""
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Reproducible statistics for the annual review of Local Child "
        "Safeguarding Practice Reviews (LCSPRs).",
        epilog=MAIN_EPILOG,
        formatter_class=raw,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument(
        "--debug", action="store_true", help="show the Python traceback of an internal error"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    init = commands.add_parser(
        "init",
        help="set up a folder for a new cohort: config and blank templates",
        description="Set up a folder for a new cohort: a config, blank input templates "
        "that follow the data contract, and the SCR reference figures.",
        epilog=INIT_EPILOG,
        formatter_class=raw,
    )
    init.add_argument("folder", metavar="FOLDER", help="folder to set up (created if needed)")
    last_year = dt.date.today().year - 1
    init.add_argument(
        "--year",
        type=_year,
        default=last_year,
        help="cohort year: LCSPRs submitted in this calendar year (default: last year, "
        f"{last_year})",
    )
    init.add_argument(
        "--from",
        dest="base_config",
        metavar="CONFIG",
        help="config to take the codebook and settings from (default: the project's "
        "config.yaml); its exclusions are not copied",
    )
    init.add_argument("--force", action="store_true", help="overwrite files that exist")
    init.set_defaults(handler=cmd_init)

    config_help = "the run's config file (default: config.yaml in this folder)"
    validate = commands.add_parser(
        "validate",
        help="check the inputs and list problems (fast: no tables made)",
        description="Read, check and link every input of each cohort; print rows per "
        "source, problems by rule and the first problems with file, sheet, row and column.",
        epilog=VALIDATE_EPILOG,
        formatter_class=raw,
    )
    validate.add_argument("--config", default="config.yaml", help=config_help)
    validate.add_argument("--year", type=_year, help="check this cohort only")
    validate.add_argument(
        "--show", type=_positive, default=10, help="how many problems to list (default 10)"
    )
    validate.set_defaults(handler=cmd_validate)

    run = commands.add_parser(
        "run",
        help="run the whole review (every cohort, tables, trends)",
        description="Run the Snakemake workflow for every cohort of the config, showing "
        "progress, and say where the results are.",
        epilog=RUN_EPILOG,
        formatter_class=raw,
    )
    run.add_argument("--config", default="config.yaml", help=config_help)
    run.add_argument(
        "--cores", type=_positive, default=2, help="CPU cores to use at once (default 2)"
    )
    run.add_argument(
        "--profile",
        help="Snakemake profile, a folder or a name in profiles/ (e.g. slurm for a cluster)",
    )
    run.add_argument(
        "--dry-run", "-n", action="store_true", help="show the jobs that would run; make nothing"
    )
    run.add_argument("--verbose", "-v", action="store_true", help="show Snakemake's own output")
    run.add_argument(
        "--force", action="store_true", help="rerun every job, even those that are up to date"
    )
    run.set_defaults(handler=cmd_run)

    synth = commands.add_parser(
        "synth",
        help="write a synthetic cohort (invented data) for training or a demonstration",
        description="Write a synthetic cohort: invented children, reviews and partnerships "
        "in the three input workbooks.",
        epilog=SYNTH_EPILOG,
        formatter_class=raw,
    )
    synth.add_argument("folder", metavar="FOLDER", help="folder to write the three workbooks to")
    synth.add_argument("--year", type=_year, help="cohort year of the synthetic LCSPRs")
    synth.add_argument("--seed", type=int, help="random seed (default: the year)")
    synth.add_argument(
        "--profile", help="a calibrated profile instead (2021: reproduces the published figures)"
    )
    synth.add_argument("--force", action="store_true", help="overwrite workbooks that exist")
    synth.set_defaults(handler=cmd_synth)

    release = commands.add_parser(
        "check-release",
        help="check the results before they are shared (exit 1 if something is wrong)",
        description="Check a run's results before sharing them: template text left in the "
        "release settings, the synthetic-data notice on real data, disclosure control off "
        "or a threshold below 3, data problems with strict mode off, results older than "
        "the config or inputs, and ids or partnership names of the inputs in the results.",
        epilog=CHECK_RELEASE_EPILOG,
        formatter_class=raw,
    )
    release.add_argument("--config", default="config.yaml", help=config_help)
    release.set_defaults(handler=cmd_check_release)

    report = commands.add_parser(
        "report",
        help="print (or open) the path of the HTML report",
        description="Print the path of a cohort's HTML report made by `lcspr-stats run`.",
        epilog=REPORT_EPILOG,
        formatter_class=raw,
    )
    report.add_argument("--config", default="config.yaml", help=config_help)
    report.add_argument("--year", type=_year, help="cohort year (default: the latest cohort)")
    report.add_argument("--open", action="store_true", help="open it in the web browser")
    report.set_defaults(handler=cmd_report)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("lcspr-stats")
    except PackageNotFoundError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    """Run the lcspr-stats command line.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code (:mod:`lcspr_stats.errors`): 0 on success, 1 when a
        problem with the inputs, the config or the run stopped it, 2 for a
        usage error, 3 for an internal error, 130 when interrupted.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    from .synth import CalibrationError

    return run_reporting_errors(
        lambda: args.handler(args),
        show=_error,
        expected=(InputError, CalibrationError, OSError),
        detail=True,
        debug=args.debug,
    )


if __name__ == "__main__":
    sys.exit(main())
