"""The broken-input corpus: each case writes a small broken cohort and says what must happen.

Every case starts from the tiny cohort (tests/tiny_cohort.py), breaks one
thing (or several), writes the files into a folder, and states the exact
outcome: the fatal message the user sees, or the data-quality rows the
problem produces (the row kept, the value set missing). ``{dir}`` in an
expected text is the case's folder.

Run as a script to push every case through the real ``snakemake`` command
and count the ones whose output shows a Python traceback (must be 0):

    .venv/bin/python tests/broken_inputs.py
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
SHEETS = {
    "sin_register": "sins",
    "rapid_review_register": "rapid_reviews",
    "reviews": "reviews",
    "children": "children",
}
# The tiny cohort's own data-quality row: R10 is a second rapid review of S9.
BASELINE = (
    "{dir}/rapid_review_register.xlsx",
    "rapid_reviews",
    5,
    "sin_id",
    "S9",
    "a second rapid review for the same SIN",
    "row kept; the earliest rapid review is linked",
)
KEPT = "row kept; value set to missing"
LEFT_OUT = "LCSPR left out of the 2021 cohort: no valid date_submitted"


def default_config() -> dict:
    return yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))


def frames() -> dict[str, pd.DataFrame]:
    """The tiny cohort's raw frames, as object columns ready to break."""
    from tiny_cohort import tiny_frames

    return {source: frame.astype(object) for source, frame in tiny_frames().items()}


def write_cohort(
    folder: Path,
    data: dict[str, pd.DataFrame] | None = None,
    *,
    config: dict | None = None,
) -> dict:
    """Write the cohort as .xlsx files (coding schedule: two sheets of one file); return config."""
    from lcspr_stats.io import write_xlsx

    data = data or frames()
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "sin_register": folder / "sin_register.xlsx",
        "rapid_review_register": folder / "rapid_review_register.xlsx",
        "reviews": folder / "lcspr_coding_schedule.xlsx",
        "children": folder / "lcspr_coding_schedule.xlsx",
    }
    write_xlsx({"sins": data["sin_register"]}, paths["sin_register"])
    write_xlsx({"rapid_reviews": data["rapid_review_register"]}, paths["rapid_review_register"])
    write_xlsx({"reviews": data["reviews"], "children": data["children"]}, paths["reviews"])
    config = copy.deepcopy(config or default_config())
    config["exclusions"] = []
    for source, path in paths.items():
        config["inputs"][source] = {"path": str(path), "sheet": SHEETS[source]}
    return config


def with_frames(change: Callable[[dict[str, pd.DataFrame]], None], **settings) -> Callable:
    """A case builder: change the frames, write them, apply config settings."""

    def build(folder: Path) -> dict:
        data = frames()
        change(data)
        config = write_cohort(folder, data)
        config.update(settings)
        return config

    return build


def with_file(source: str, name: str, content: bytes | None, **settings) -> Callable:
    """A case builder: write the cohort, then point one source at a file with ``content``.

    ``content`` None makes ``name`` a folder; a name without content that
    should not exist is given with ``content=b""`` and removed.
    """

    def build(folder: Path) -> dict:
        config = write_cohort(folder)
        path = folder / name
        if content is None:
            path.mkdir()
        else:
            path.write_bytes(content)
        config["inputs"][source]["path"] = str(path)
        config.update(settings)
        return config

    return build


def missing_file(folder: Path) -> dict:
    config = write_cohort(folder)
    config["inputs"]["sin_register"]["path"] = str(folder / "sin_register_2021.xlsx")
    return config


def sheet_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    from lcspr_stats.io import xlsx_bytes

    return xlsx_bytes({sheet: frame})


def rewrite_member(data: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    """Copy a zip archive, changing one member's bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == member:
                content = change(content)
            dst.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def with_sheet_xml(prefix: bytes) -> Callable:
    """A case builder: the SIN register with a DTD put before the sheet's root element."""

    def build(folder: Path) -> dict:
        data = sheet_bytes(frames()["sin_register"], "sins")

        def change(xml: bytes) -> bytes:
            if xml.startswith(b"<?xml"):
                head, _, body = xml.partition(b"?>")
                return head + b"?>" + prefix + body
            return prefix + xml

        bad = rewrite_member(data, "xl/worksheets/sheet1.xml", change)
        config = write_cohort(folder)
        (folder / "sin_register.xlsx").write_bytes(bad)
        return config

    return build


def zip_bomb(folder: Path) -> dict:
    """An .xlsx carrying a part of 8 MB of spaces (it zips to a few kilobytes)."""
    data = sheet_bytes(frames()["sin_register"], "sins")
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.xml", b"<a>" + b" " * 8_000_000 + b"</a>")
    config = write_cohort(folder)
    (folder / "sin_register.xlsx").write_bytes(out.getvalue())
    config["max_unzipped_bytes"] = 4_000_000
    return config


def not_a_spreadsheet_zip(folder: Path) -> dict:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "minutes of the panel meeting")
    config = write_cohort(folder)
    (folder / "sin_register.xlsx").write_bytes(out.getvalue())
    return config


def csv_source(source: str, text: bytes) -> Callable:
    def build(folder: Path) -> dict:
        config = write_cohort(folder)
        path = folder / f"{source}.csv"
        path.write_bytes(text)
        config["inputs"][source]["path"] = str(path)
        return config

    return build


def sheet_cells(source: str, rows: list[list[object]]) -> Callable:
    """A case builder: one source's sheet written cell by cell (header included)."""

    def build(folder: Path) -> dict:
        from openpyxl import Workbook

        config = write_cohort(folder)
        book = Workbook()
        sheet = book.active
        sheet.title = SHEETS[source]
        for row in rows:
            sheet.append(row)
        path = folder / f"{source}_by_hand.xlsx"
        book.save(path)
        config["inputs"][source]["path"] = str(path)
        return config

    return build


def renamed_headers(source: str, mapping: dict[str, str]) -> Callable:
    return with_frames(lambda d: d.__setitem__(source, d[source].rename(columns=mapping)))


def drop(source: str, *columns: str) -> Callable:
    return with_frames(lambda d: d.__setitem__(source, d[source].drop(columns=list(columns))))


def set_cell(source: str, row: int, column: str, value: object) -> Callable[[dict], None]:
    """Change one cell; ``row`` is the spreadsheet row (header = 1)."""

    def change(data: dict[str, pd.DataFrame]) -> None:
        data[source].loc[row - 2, column] = value

    return change


def cells(*changes: Callable[[dict], None]) -> Callable[[dict], None]:
    def change(data: dict[str, pd.DataFrame]) -> None:
        for one in changes:
            one(data)

    return change


def sins_as_csv(change: Callable[[dict], None]) -> Callable:
    """A case builder: the SIN register as a UTF-8 CSV, after ``change``.

    (openpyxl would store a text starting with ``=`` as a formula, so a
    literal one is written as CSV, as an export would hold it.)
    """

    def build(folder: Path) -> dict:
        data = frames()
        change(data)
        config = write_cohort(folder, data)
        path = folder / "sin_register.csv"
        data["sin_register"].to_csv(path, index=False, date_format="%Y-%m-%d")
        config["inputs"]["sin_register"]["path"] = str(path)
        return config

    return build


def bad_config(change: Callable[[dict], None]) -> Callable:
    def build(folder: Path) -> dict:
        config = write_cohort(folder)
        change(config)
        return config

    return build


def several_fatal(folder: Path) -> dict:
    data = frames()
    data["rapid_review_register"] = data["rapid_review_register"].drop(columns=["rr_date"])
    data["reviews"].loc[1, "lcspr_id"] = "L1"
    config = write_cohort(folder, data)
    config["inputs"]["sin_register"]["path"] = str(folder / "sins.xlsx")
    return config


def other_cohort_only(data: dict[str, pd.DataFrame]) -> None:
    data["reviews"]["date_submitted"] = pd.Timestamp("2020-06-01")


@dataclass(frozen=True)
class Case:
    """One broken input and its exact expected outcome.

    Attributes
    ----------
    name : str
        Short id.
    build : callable
        ``build(folder) -> config``: writes the files, returns the config.
    message : str, optional
        For a fatal problem: the exact message (``{dir}`` = the folder).
    problems : tuple of tuples, optional
        For per-value problems: the exact data-quality rows added to the tiny
        cohort's own (file, sheet, row, column, value, rule, action).
    config_error : bool
        The config itself is broken: checked by the schema, before any file.
    """

    name: str
    build: Callable[[Path], dict]
    message: str | None = None
    problems: tuple[tuple, ...] = field(default_factory=tuple)
    config_error: bool = False


def two_headers(folder: Path) -> dict:
    return sheet_cells(
        "sin_register",
        [
            ["SIN ID", "partnership", "sin_id", "notification_date", "incident_type"],
            ["S1", "P one", "S1", "2020-12-22", "death"],
        ],
    )(folder)


SINS = "{dir}/sin_register.xlsx"
RRS = "{dir}/rapid_review_register.xlsx"
SCHEDULE = "{dir}/lcspr_coding_schedule.xlsx"
CONFIG_ERROR = "file 'config': config key not valid:\n  "
EXPECTED_SINS = (
    "expected the columns: sin_id, partnership, incident_date, notification_date, incident_type "
    "(names match ignoring case and spaces)"
)

EXCLUDE_L7 = {"lcspr_id": "L7", "statistic": "incident_to_rr", "reason": "a test"}
EXCLUDE_L5 = dict(EXCLUDE_L7, lcspr_id="L5")

FATAL = [
    Case(
        "missing_file",
        missing_file,
        "file '{dir}/sin_register_2021.xlsx', sheet 'sins': file not found",
    ),
    Case(
        "folder_not_file",
        with_file("sin_register", "sins.xlsx", None),
        "file '{dir}/sins.xlsx', sheet 'sins': is a folder, not a file",
    ),
    Case(
        "unsupported_type",
        with_file("sin_register", "sins.txt", b"sin_id\nS1\n"),
        "file '{dir}/sins.txt', sheet 'sins': unsupported file type '.txt'; expected one of "
        ".csv, .ods, .sav, .xls, .xlsm, .xlsx, .zsav",
    ),
    Case(
        "no_extension",
        with_file("sin_register", "sins", b"sin_id\nS1\n"),
        "file '{dir}/sins', sheet 'sins': unsupported file type '(none)'; expected one of "
        ".csv, .ods, .sav, .xls, .xlsm, .xlsx, .zsav",
    ),
    Case(
        "empty_file",
        with_file("sin_register", "sins.xlsx", b""),
        "file '{dir}/sins.xlsx', sheet 'sins': file is empty (0 bytes)",
    ),
    Case(
        "xlsx_not_a_zip",
        with_file("sin_register", "sins.xlsx", b"sin_id,partnership\nS1,P one\n"),
        "file '{dir}/sins.xlsx', sheet 'sins': cannot be read as a spreadsheet: a .xlsx file is "
        "a zip archive, and this one is not (damaged, or another kind of file renamed)",
    ),
    Case(
        "ods_not_a_zip",
        with_file("sin_register", "sins.ods", b"\x00\x01garbage" * 50),
        "file '{dir}/sins.ods', sheet 'sins': cannot be read as a spreadsheet: a .ods file is "
        "a zip archive, and this one is not (damaged, or another kind of file renamed)",
    ),
    Case(
        "zip_not_a_spreadsheet",
        not_a_spreadsheet_zip,
        "file '{dir}/sin_register.xlsx', sheet 'sins': cannot be read as a spreadsheet "
        "(Cannot detect file format)",
    ),
    Case(
        "xls_garbage",
        with_file("sin_register", "sins.xls", b"\xd0\xcf\x11\xe0 not really ole" * 20),
        "file '{dir}/sins.xls', sheet 'sins': cannot be read as a spreadsheet "
        "(Cannot detect file format)",
    ),
    Case(
        "sav_garbage",
        with_file("reviews", "reviews.sav", b"$FL2 this is not spss" * 10),
        "file '{dir}/reviews.sav': cannot be read as SPSS (Invalid file, or file has unsupported "
        "features)",
    ),
    Case(
        "csv_not_text",
        with_file("sin_register", "sins.csv", b"sin_id\n\x81\x8d\x8f\x90\x9d\n"),
        "file '{dir}/sins.csv': is not text in UTF-8 or Windows-1252",
    ),
    Case(
        "csv_ragged_row",
        csv_source(
            "rapid_review_register",
            b"rr_id,sin_id,rr_date,lcspr_decision\nR1,S1,2021-01-13,commissioned\n"
            b"R2,S2,2020-03-20,commissioned,extra\n",
        ),
        "file '{dir}/rapid_review_register.csv', row 3: has 5 cells but the header has 4; a "
        "cell holds an unquoted comma or the row is shifted",
    ),
    Case(
        "oversize_file",
        with_frames(lambda d: None, max_input_bytes=1000),
        "4 problems stop the run:\n"
        "  file '{dir}/sin_register.xlsx', sheet 'sins': file is {sins_bytes} bytes, over the "
        "limit of 1000 (max_input_bytes)\n"
        "  file '{dir}/rapid_review_register.xlsx', sheet 'rapid_reviews': file is {rrs_bytes} "
        "bytes, over the limit of 1000 (max_input_bytes)\n"
        "  file '{dir}/lcspr_coding_schedule.xlsx', sheet 'reviews': file is {schedule_bytes} "
        "bytes, over the limit of 1000 (max_input_bytes)\n"
        "  file '{dir}/lcspr_coding_schedule.xlsx', sheet 'children': file is {schedule_bytes} "
        "bytes, over the limit of 1000 (max_input_bytes)",
    ),
    Case(
        "zip_bomb",
        zip_bomb,
        "file '{dir}/sin_register.xlsx', sheet 'sins': unpacks to {unzipped} bytes, over the "
        "limit of 4000000 (max_unzipped_bytes); refused as a possible zip bomb",
    ),
    Case(
        "billion_laughs",
        with_sheet_xml(
            b'<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
            b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]>'
        ),
        "file '{dir}/sin_register.xlsx', sheet 'sins': part 'xl/worksheets/sheet1.xml' "
        "declares an XML document type (DTD), which spreadsheets do not need and which can "
        "hide entity-expansion attacks; refused",
    ),
    Case(
        "external_entity",
        with_sheet_xml(b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'),
        "file '{dir}/sin_register.xlsx', sheet 'sins': part 'xl/worksheets/sheet1.xml' "
        "declares an XML document type (DTD), which spreadsheets do not need and which can "
        "hide entity-expansion attacks; refused",
    ),
    Case(
        "missing_sheet",
        bad_config(lambda c: c["inputs"]["sin_register"].update(sheet="notifications")),
        "file '{dir}/sin_register.xlsx', sheet 'notifications': sheet not found; the file "
        "has: sins",
    ),
    Case(
        "missing_column_sins",
        drop("sin_register", "incident_type"),
        f"file '{SINS}', sheet 'sins', column 'incident_type': required column missing; "
        + EXPECTED_SINS,
    ),
    Case(
        "missing_column_rapid_reviews",
        drop("rapid_review_register", "rr_date"),
        f"file '{RRS}', sheet 'rapid_reviews', column 'rr_date': required column missing; "
        "expected the columns: rr_id, sin_id, rr_date, lcspr_decision (names match ignoring "
        "case and spaces)",
    ),
    Case(
        "missing_column_reviews",
        drop("reviews", "date_submitted"),
        f"file '{SCHEDULE}', sheet 'reviews', column 'date_submitted': required column missing;"
        " expected the columns: lcspr_id, partnership, date_submitted, n_children, "
        "incident_type, harm_category, published, methodology, in_subsample, in_race_subsample "
        "(names match ignoring case and spaces)",
    ),
    Case(
        "missing_column_children",
        drop("children", "is_index_child"),
        f"file '{SCHEDULE}', sheet 'children', column 'is_index_child': required column "
        "missing; expected the columns: lcspr_id, child_ref, is_index_child (names match "
        "ignoring case and spaces)",
    ),
    Case(
        "missing_two_columns",
        drop("sin_register", "sin_id", "notification_date"),
        f"file '{SINS}', sheet 'sins', column 'sin_id, notification_date': required columns "
        "missing; " + EXPECTED_SINS,
    ),
    Case(
        "two_headers_one_name",
        two_headers,
        "file '{dir}/sin_register_by_hand.xlsx', sheet 'sins', column 'sin_id': two columns "
        "both read as 'sin_id' ('SIN ID' and 'sin_id', columns A and C); keep one",
    ),
    Case(
        "blank_first_row",
        sheet_cells(
            "sin_register",
            [
                [None, None],
                ["sin_id", "partnership"],
                ["S1", "P one"],
            ],
        ),
        "file '{dir}/sin_register_by_hand.xlsx', sheet 'sins', row 1: the first row is empty; "
        "it must hold the column names",
    ),
    Case(
        "data_under_blank_header",
        sheet_cells(
            "sin_register",
            [
                ["sin_id", "partnership", None, "incident_date"],
                ["S1", "P one", "a note", None],
            ],
        ),
        "file '{dir}/sin_register_by_hand.xlsx', sheet 'sins', column 'C': a column holds data "
        "but has no name in the first row",
    ),
    Case(
        "duplicate_sin_id",
        with_frames(set_cell("sin_register", 5, "sin_id", "S1")),
        f"file '{SINS}', sheet 'sins', column 'sin_id': duplicate id in rows 2 and 5; each "
        "sin_id must be unique",
    ),
    Case(
        "duplicate_rr_id",
        with_frames(set_cell("rapid_review_register", 4, "rr_id", "R2")),
        f"file '{RRS}', sheet 'rapid_reviews', column 'rr_id': duplicate id in rows 3 and 4; "
        "each rr_id must be unique",
    ),
    Case(
        "duplicate_lcspr_id",
        with_frames(set_cell("reviews", 6, "lcspr_id", "L1")),
        f"file '{SCHEDULE}', sheet 'reviews', column 'lcspr_id': duplicate id in rows 2 and 6; "
        "each lcspr_id must be unique",
    ),
    Case(
        "duplicate_child_ref",
        with_frames(set_cell("children", 7, "child_ref", "C2")),
        f"file '{SCHEDULE}', sheet 'children', column 'lcspr_id / child_ref': duplicate id in "
        "rows 6 and 7; each lcspr_id / child_ref must be unique",
    ),
    Case(
        "duplicate_ids_twice",
        with_frames(
            cells(
                set_cell("sin_register", 3, "sin_id", "S1"),
                set_cell("sin_register", 5, "sin_id", "S3"),
            )
        ),
        f"file '{SINS}', sheet 'sins', column 'sin_id': duplicate id in rows 2 and 3 (2 ids are "
        "duplicated in all); each sin_id must be unique",
    ),
    Case(
        "empty_sheet",
        sheet_cells("rapid_review_register", []),
        "file '{dir}/rapid_review_register_by_hand.xlsx', sheet 'rapid_reviews', column "
        "'rr_id, sin_id, rr_date, lcspr_decision': required columns missing; expected the "
        "columns: rr_id, sin_id, rr_date, lcspr_decision (names match ignoring case and spaces)",
    ),
    Case(
        "header_only_reviews",
        with_frames(lambda d: d.__setitem__("reviews", d["reviews"].iloc[0:0])),
        f"file '{SCHEDULE}', sheet 'reviews', column 'date_submitted': no LCSPR was submitted in "
        "2021, so cohort 2021 would have no tables; remove 2021 from 'cohorts' in the config, "
        "or check the file and its dates",
    ),
    Case(
        "no_lcspr_in_cohort_year",
        with_frames(other_cohort_only),
        f"file '{SCHEDULE}', sheet 'reviews', column 'date_submitted': no LCSPR was submitted in "
        "2021, so cohort 2021 would have no tables; remove 2021 from 'cohorts' in the config, "
        "or check the file and its dates",
    ),
    Case(
        "several_fatal_at_once",
        several_fatal,
        "3 problems stop the run:\n"
        "  file '{dir}/sins.xlsx', sheet 'sins': file not found\n"
        f"  file '{RRS}', sheet 'rapid_reviews', column 'rr_date': required column missing; "
        "expected the columns: rr_id, sin_id, rr_date, lcspr_decision (names match ignoring "
        "case and spaces)\n"
        f"  file '{SCHEDULE}', sheet 'reviews', column 'lcspr_id': duplicate id in rows 2 and "
        "3; each lcspr_id must be unique",
    ),
    Case(
        "strict_mode_lists_every_problem",
        with_frames(
            cells(
                set_cell("sin_register", 3, "child_age_years", 19),
                set_cell("reviews", 4, "incident_type", "explosion"),
                set_cell("children", 2, "sin_id", "S404"),
            ),
            strict=True,
        ),
        "strict mode: 4 data problems found:\n"
        f"  file '{SINS}', sheet 'sins', row 3, column 'child_age_years': out of range 0-17\n"
        f"  file '{SCHEDULE}', sheet 'reviews', row 4, column 'incident_type': unknown code\n"
        f"  file '{SCHEDULE}', sheet 'children', row 2, column 'sin_id': links to no SIN\n"
        f"  file '{RRS}', sheet 'rapid_reviews', row 5, column 'sin_id': a second rapid review "
        "for the same SIN",
    ),
    Case(
        "config_unknown_key",
        bad_config(lambda c: c.update(colour="blue")),
        CONFIG_ERROR + "(top level): Additional properties are not allowed ('colour' was "
        "unexpected)",
        config_error=True,
    ),
    Case(
        "config_wrong_type",
        bad_config(lambda c: c.update(cohorts="2021")),
        CONFIG_ERROR + "cohorts: '2021' is not of type 'array'",
        config_error=True,
    ),
    Case(
        "config_bad_choice",
        bad_config(lambda c: c["durations"].update(weeks="fortnights")),
        CONFIG_ERROR + "durations.weeks: 'fortnights' is not one of ['completed', 'exact']",
        config_error=True,
    ),
    Case(
        "config_exclusion_without_reason",
        bad_config(
            lambda c: c.update(exclusions=[{"lcspr_id": "L1", "statistic": "incident_to_rr"}])
        ),
        CONFIG_ERROR + "exclusions[1]: 'reason' is a required property",
        config_error=True,
    ),
    # Key paths count list entries from 1, as a person counts the "-" entries.
    Case(
        "config_third_exclusion_bad_statistic",
        bad_config(
            lambda c: c.update(
                exclusions=[
                    dict(EXCLUDE_L7, lcspr_id="L1"),
                    dict(EXCLUDE_L7, lcspr_id="L2"),
                    dict(EXCLUDE_L7, lcspr_id="L3", statistic="age"),
                ]
            )
        ),
        CONFIG_ERROR + "exclusions[3].statistic: 'age' is not one of ['incident_to_rr', "
        "'rr_to_lcspr']",
        config_error=True,
    ),
    # A named exclusion that matches no LCSPR of the cohort would change nothing, silently.
    Case(
        "exclusion_matches_no_lcspr",
        bad_config(lambda c: c.update(exclusions=[EXCLUDE_L7])),
        "file 'config': exclusions[1].lcspr_id 'L7' matches no LCSPR of cohort 2021, so it "
        "would exclude nothing; the closest lcspr_ids are in file "
        "'{dir}/lcspr_coding_schedule.xlsx', sheet 'reviews', rows 3, 4, 5 (ids from the data "
        "are not shown). Correct the id or remove the exclusion",
    ),
    Case(
        "exclusion_of_an_lcspr_of_another_year",
        bad_config(lambda c: c.update(exclusions=[dict(EXCLUDE_L7, lcspr_id="L3"), EXCLUDE_L5])),
        "file 'config': exclusions[2].lcspr_id 'L5' matches no LCSPR of cohort 2021, so it "
        "would exclude nothing; the closest lcspr_ids are in file "
        "'{dir}/lcspr_coding_schedule.xlsx', sheet 'reviews', rows 3, 4, 5 (ids from the data "
        "are not shown). Correct the id or remove the exclusion",
    ),
    Case(
        "config_bad_threshold",
        bad_config(lambda c: c["disclosure_control"].update(threshold=0)),
        CONFIG_ERROR + "disclosure_control.threshold: 0 is less than the minimum of 1",
        config_error=True,
    ),
]


def per_value(name: str, change: Callable[[dict], None], *problems: tuple, **settings) -> Case:
    return Case(name, with_frames(change, **settings), problems=problems)


PER_VALUE = [
    per_value(
        "unparseable_date_text",
        set_cell("sin_register", 3, "notification_date", "soon"),
        (SINS, "sins", 3, "notification_date", "soon", "unparseable date", KEPT),
    ),
    per_value(
        "impossible_date",
        set_cell("sin_register", 3, "incident_date", "31/02/2020"),
        (SINS, "sins", 3, "incident_date", "31/02/2020", "unparseable date", KEPT),
    ),
    per_value(
        "month_first_date_never_guessed",
        set_cell("sin_register", 3, "incident_date", "12/31/2019"),
        (SINS, "sins", 3, "incident_date", "12/31/2019", "unparseable date", KEPT),
    ),
    per_value(
        "serial_number_out_of_range",
        set_cell("sin_register", 3, "incident_date", 5),
        (SINS, "sins", 3, "incident_date", "5", "unparseable date", KEPT),
    ),
    per_value(
        "unknown_incident_type",
        set_cell("sin_register", 3, "incident_type", "explosion"),
        (SINS, "sins", 3, "incident_type", "explosion", "unknown code", KEPT),
    ),
    per_value(
        "unknown_ethnicity",
        set_cell("children", 3, "ethnicity", "Martian"),
        (SCHEDULE, "children", 3, "ethnicity", "Martian", "unknown code", KEPT),
    ),
    per_value(
        "unknown_sex",
        set_cell("sin_register", 4, "child_sex", "robot"),
        (SINS, "sins", 4, "child_sex", "robot", "unknown code", KEPT),
    ),
    per_value(
        "unknown_lcspr_decision",
        set_cell("rapid_review_register", 2, "lcspr_decision", "approved"),
        (RRS, "rapid_reviews", 2, "lcspr_decision", "approved", "unknown code", KEPT),
    ),
    per_value(
        "unknown_methodology",
        set_cell("reviews", 3, "methodology", "appreciative inquiry"),
        (SCHEDULE, "reviews", 3, "methodology", "appreciative inquiry", "unknown code", KEPT),
    ),
    per_value(
        "age_over_17",
        set_cell("sin_register", 3, "child_age_years", 18),
        (SINS, "sins", 3, "child_age_years", "18", "out of range 0-17", KEPT),
    ),
    per_value(
        "age_negative",
        set_cell("children", 3, "age_years", -1),
        (SCHEDULE, "children", 3, "age_years", "-1", "out of range 0-17", KEPT),
    ),
    per_value(
        "age_not_whole",
        set_cell("children", 5, "age_years", 2.5),
        (SCHEDULE, "children", 5, "age_years", "2.5", "not a whole number", KEPT),
    ),
    per_value(
        "n_children_not_a_number",
        set_cell("reviews", 5, "n_children", "one"),
        (SCHEDULE, "reviews", 5, "n_children", "one", "not a whole number", KEPT),
    ),
    per_value(
        "notification_before_incident",
        set_cell("sin_register", 2, "notification_date", pd.Timestamp("2020-12-20")),
        (SINS, "sins", 2, "incident_date", "2020-12-21", "notification before incident", KEPT),
    ),
    per_value(
        "rapid_review_before_incident",
        set_cell("rapid_review_register", 2, "rr_date", pd.Timestamp("2020-12-01")),
        (
            RRS,
            "rapid_reviews",
            2,
            "rr_date",
            "2020-12-01",
            "rapid review before incident",
            "row kept; left out of the incident-to-rapid-review figures",
        ),
    ),
    per_value(
        "lcspr_before_rapid_review",
        set_cell("reviews", 2, "date_submitted", pd.Timestamp("2021-01-05")),
        (
            SCHEDULE,
            "reviews",
            2,
            "date_submitted",
            "2021-01-05",
            "LCSPR submitted before its rapid review",
            "row kept; left out of the rapid-review-to-LCSPR figures",
        ),
    ),
    per_value(
        "child_links_to_no_sin",
        set_cell("children", 2, "sin_id", "S404"),
        (
            SCHEDULE,
            "children",
            2,
            "sin_id",
            "S404",
            "links to no SIN",
            "row kept; link set to missing",
        ),
    ),
    per_value(
        "rapid_review_links_to_no_sin",
        set_cell("rapid_review_register", 3, "sin_id", "S404"),
        (
            RRS,
            "rapid_reviews",
            3,
            "sin_id",
            "S404",
            "links to no SIN",
            "row kept; link set to missing",
        ),
    ),
    per_value(
        "child_links_to_no_lcspr",
        set_cell("children", 9, "lcspr_id", "L404"),
        (
            SCHEDULE,
            "children",
            9,
            "lcspr_id",
            "L404",
            "links to no LCSPR in reviews",
            "row kept; not used",
        ),
    ),
    per_value(
        "n_children_mismatch",
        set_cell("reviews", 3, "n_children", 3),
        (
            SCHEDULE,
            "reviews",
            3,
            "n_children",
            "3",
            "n_children does not match the rows in the children sheet",
            "row kept; the children listed are counted",
        ),
    ),
    per_value(
        "two_index_children",
        set_cell("children", 4, "is_index_child", "yes"),
        *[
            (
                SCHEDULE,
                "children",
                row,
                "is_index_child",
                "True",
                "two or more index children in one LCSPR",
                "row kept; LCSPR treated as having no index child",
            )
            for row in (3, 4)
        ],
    ),
    per_value(
        "not_yes_or_no",
        set_cell("reviews", 2, "in_subsample", "maybe"),
        (SCHEDULE, "reviews", 2, "in_subsample", "maybe", "not yes or no", KEPT),
    ),
    per_value(
        "required_value_blank",
        set_cell("sin_register", 3, "partnership", "  "),
        (SINS, "sins", 3, "partnership", "", "required value missing", "row kept; value missing"),
    ),
    per_value(
        "harm_category_of_another_incident_type",
        set_cell("reviews", 3, "harm_category", "homicide"),
        (
            SCHEDULE,
            "reviews",
            3,
            "harm_category",
            "homicide",
            "harm category not of the incident type",
            KEPT,
        ),
    ),
    per_value(
        "subcategory_without_its_category",
        set_cell("reviews", 3, "harm_subcategory", "sudi"),
        (
            SCHEDULE,
            "reviews",
            3,
            "harm_subcategory",
            "sudi",
            "sub-category given for a category other than maltreatment-related death",
            KEPT,
        ),
    ),
    per_value(
        "unknown_extra_column",
        lambda d: d.__setitem__("sin_register", d["sin_register"].assign(notes="free text")),
        (SINS, "sins", None, "notes", "", "unknown column", "column kept aside, not used"),
    ),
    per_value(
        "date_submitted_unreadable",
        set_cell("reviews", 3, "date_submitted", "sometime in 2021"),
        (
            SCHEDULE,
            "reviews",
            3,
            "date_submitted",
            "sometime in 2021",
            "unparseable date",
            LEFT_OUT,
        ),
    ),
    # The LCSPR leaves the cohort, and its message says so (not "row kept").
    per_value(
        "date_submitted_impossible",
        set_cell("reviews", 3, "date_submitted", "31/02/2021"),
        (SCHEDULE, "reviews", 3, "date_submitted", "31/02/2021", "unparseable date", LEFT_OUT),
    ),
    per_value(
        "date_submitted_blank",
        set_cell("reviews", 3, "date_submitted", " "),
        (SCHEDULE, "reviews", 3, "date_submitted", "", "required value missing", LEFT_OUT),
    ),
    # L4 (reviews row 5) keeps its row but has no child listed.
    per_value(
        "review_without_children",
        lambda d: d.__setitem__("children", d["children"].drop(index=6)),
        (
            SCHEDULE,
            "reviews",
            5,
            "lcspr_id",
            "L4",
            "no children listed in the children sheet",
            "row kept; no index child: its child's details and incident count as not known",
        ),
    ),
    Case(
        "formula_in_a_code_cell",
        sins_as_csv(set_cell("sin_register", 4, "child_sex", '=HYPERLINK("http://x")')),
        problems=(
            (
                "{dir}/sin_register.csv",
                "",
                4,
                "child_sex",
                '=HYPERLINK("http://x")',
                "unknown code",
                KEPT,
            ),
        ),
    ),
    per_value(
        "id_typed_into_a_code_cell",
        set_cell("reviews", 4, "published", "L2"),
        (SCHEDULE, "reviews", 4, "published", "L2", "unknown code", KEPT),
    ),
]

CASES = FATAL + PER_VALUE


def expected_text(text: str, folder: Path) -> str:
    """Fill ``{dir}`` and the byte counts a message quotes."""
    sizes = {}
    for key, name in (
        ("sins_bytes", "sin_register.xlsx"),
        ("rrs_bytes", "rapid_review_register.xlsx"),
        ("schedule_bytes", "lcspr_coding_schedule.xlsx"),
    ):
        path = folder / name
        sizes[key] = path.stat().st_size if path.exists() else 0
    unzipped = 0
    if (folder / "sin_register.xlsx").exists():
        try:
            with zipfile.ZipFile(folder / "sin_register.xlsx") as archive:
                unzipped = sum(i.file_size for i in archive.infolist())
        except zipfile.BadZipFile:
            pass
    return text.format(dir=folder, unzipped=unzipped, **sizes)


def expected_rows(case: Case, folder: Path) -> set[tuple]:
    return {
        tuple(expected_text(v, folder) if isinstance(v, str) else v for v in row)
        for row in case.problems
    }


# --- running a case as a user would ----------------------------------------------------


def run_snakemake(folder: Path, config: dict):
    """Run the workflow on ``config`` as a user would, writing everything in ``folder``."""
    import conftest

    return conftest.run_snakemake(conftest.config_into(folder, config))


def run_in_process(folder: Path, config: dict, year: int = 2021) -> Path:
    """Run the stages the workflow runs (ingest, derive, tables), in this process.

    Returns ``results/<year>`` inside ``folder``. Used where a test needs the
    whole pipeline on many small inputs without a Snakemake process each.
    """
    from lcspr_stats.config import SOURCES, check_config
    from lcspr_stats.stages import run_derive, run_ingest, run_tables

    config = check_config(copy.deepcopy(config))
    processed = folder / "processed" / str(year)
    results = folder / "results" / str(year)
    frames_out = {s: str(processed / "ingest" / f"{s}.pkl") for s in SOURCES}
    quality = [str(processed / "ingest" / f"{s}.quality.csv") for s in SOURCES]
    for source, quality_out in zip(SOURCES, quality):
        run_ingest(source, year, config, frames_out[source], quality_out)
    run_derive(
        year,
        config,
        frames_out,
        quality,
        str(processed / "lcsprs.pkl"),
        str(processed / "children.pkl"),
        str(results / "data_quality.csv"),
        str(results / "reconciliation.csv"),
        quality_unmasked_out=str(processed / "data_quality_unmasked.csv"),
    )
    run_tables(
        year,
        config,
        str(processed / "lcsprs.pkl"),
        frames_out["rapid_review_register"],
        str(results / "tables"),
        str(results / "key_figures.json"),
        str(results / "tables" / "notes.csv"),
        str(results / "reference_checks.csv"),
        disclosure_out=str(results / "disclosure_check.csv"),
    )
    return results


def main() -> int:
    """Run every case through snakemake; print each outcome and the traceback count."""
    import sys
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    tracebacks = 0
    with tempfile.TemporaryDirectory() as tmp:
        for case in CASES:
            folder = Path(tmp) / case.name
            config = case.build(folder)
            result = run_snakemake(folder, config)
            output = result.stdout + result.stderr
            traceback = "Traceback" in output
            tracebacks += traceback
            fatal = case.message is not None
            ok = (result.returncode != 0) == fatal and not traceback
            print(
                f"{case.name:40s} exit {result.returncode} "
                f"{'traceback ' if traceback else ''}{'ok' if ok else 'UNEXPECTED'}"
            )
    print(f"{len(CASES)} cases, {tracebacks} ended in a traceback")
    return 1 if tracebacks else 0


if __name__ == "__main__":
    raise SystemExit(main())
