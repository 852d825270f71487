"""Blank input workbooks that follow the data contract: headers, notes, dropdowns, date checks."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from . import clean
from . import config as cfg
from .determinism import FIXED_DATETIME, atomic_write_bytes, normalise_zip
from .errors import InputError
from .validate import ColumnSpec, source_specs

if TYPE_CHECKING:
    from .settings import Codebook, Settings

# The sheet of each template that lists the allowed codes (the dropdowns' source).
CODES_SHEET = "codes"
# Data validation covers every row a sheet can have below the header.
LAST_ROW = 1_048_576
DATE_FORMAT = "dd/mm/yyyy"
YES_NO = ("yes", "no")
AUTHOR = "lcspr-stats"


@dataclass(frozen=True)
class CodeList:
    """One dropdown's values and where they sit on the codes sheet.

    Attributes
    ----------
    name : str
        Header of its column on the codes sheet.
    values : tuple of str
        The allowed values, in codebook order.
    labels : tuple of str
        A label per value (ethnicity), shown beside it; empty if none.
    """

    name: str
    values: tuple[str, ...]
    labels: tuple[str, ...] = ()


def column_notes() -> dict[str, dict[str, str]]:
    """What each contract column holds, per source (``column_notes.yaml``)."""
    text = resources.files("lcspr_stats").joinpath("column_notes.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def code_list(spec: ColumnSpec, codebook: Codebook) -> CodeList | None:
    """The dropdown of a column: its codebook values, yes/no, or None if free."""
    if spec.kind == "yesno":
        return CodeList("yes / no", YES_NO)
    if spec.kind == "ethnicity":
        codes = tuple(codebook.ethnicity)
        labels = tuple(codebook.ethnicity[code].label for code in codes)
        return CodeList(spec.name, codes, labels)
    if spec.kind == "code":
        return CodeList(spec.name, tuple(spec.codes))
    return None


def column_note(source: str, spec: ColumnSpec, codebook: Codebook, notes: dict) -> str:
    """The note on a header cell: what the column holds and the contract's rule."""
    themes = codebook.practice_themes
    text = notes.get(source, {}).get(spec.name, "")
    if spec.name in themes:
        text = f"Practice theme addressed: {themes[spec.name]}."
    if spec.not_blank:
        need = "Required in every row."
    elif spec.required:
        need = "Required column; cells may be blank."
    else:
        need = "Optional column."
    kind = {
        "date": "A date (dd/mm/yyyy).",
        "code": "Choose from the list (codes sheet).",
        "ethnicity": "Choose a code from the list (codes sheet).",
        "yesno": "yes or no.",
        "integer": f"A whole number from {spec.low} to {spec.high}."
        if spec.low is not None
        else "A whole number.",
    }.get(spec.kind, "Text.")
    return " ".join(part for part in (text, kind, need) if part)


def template_workbook(sheets: dict[str, str], codebook: Codebook) -> bytes:
    """One blank input workbook as .xlsx bytes, byte for byte repeatable.

    Each sheet has the contract's columns as a bold, frozen header row with a
    note on every header cell, a dropdown (list validation) on every coded
    and yes/no column whose values are listed on the ``codes`` sheet, date
    validation and a date format on date columns, and whole-number
    validation on whole-number columns.

    Parameters
    ----------
    sheets : dict
        Sheet name -> source (``sin_register``, ``rapid_review_register``,
        ``reviews`` or ``children``), in the order the sheets appear.
    codebook : Codebook
        The run's codebook (codes, practice themes).

    Returns
    -------
    bytes
        The workbook.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.writer.excel import ExcelWriter

    specs = source_specs(codebook)
    notes = column_notes()
    for sheet_name in sheets:
        if sheet_name.strip().lower() == CODES_SHEET:
            raise InputError(f"a template sheet cannot be called '{CODES_SHEET}'", sheet=sheet_name)

    # The codes sheet: one column per list (and a label column for ethnicity).
    lists: dict[str, CodeList] = {}
    for source in sheets.values():
        for spec in specs[source]:
            listed = code_list(spec, codebook)
            if listed is not None:
                lists.setdefault(listed.name, listed)
    list_range, layout, column = {}, [], 1
    for listed in lists.values():
        letter = get_column_letter(column)
        list_range[listed.name] = (
            f"{quote_sheetname(CODES_SHEET)}!${letter}$2:${letter}${len(listed.values) + 1}"
        )
        layout.append((column, listed.name, listed.values))
        column += 1
        if listed.labels:
            layout.append((column, f"{listed.name} label", listed.labels))
            column += 1

    book = Workbook()
    book.remove(book.active)
    book.properties.creator = AUTHOR
    book.properties.created = FIXED_DATETIME
    book.properties.modified = FIXED_DATETIME
    for sheet_name, source in sheets.items():
        sheet = book.create_sheet(title=sheet_name)
        sheet.freeze_panes = "A2"
        for number, spec in enumerate(specs[source], start=1):
            letter = get_column_letter(number)
            cell = sheet.cell(row=1, column=number, value=spec.name)
            cell.font = Font(bold=True)
            note = column_note(source, spec, codebook, notes)
            cell.comment = Comment(note, AUTHOR, height=140, width=260)
            sheet.column_dimensions[letter].width = max(14, len(spec.name) + 3)
            listed = code_list(spec, codebook)
            if listed is not None:
                rule = DataValidation(
                    type="list",
                    formula1=list_range[listed.name],
                    errorTitle="Not in the list",
                    error="Choose a value from the list; the codes sheet lists them.",
                )
            elif spec.kind == "date":
                sheet.column_dimensions[letter].number_format = DATE_FORMAT
                rule = DataValidation(
                    type="date",
                    operator="between",
                    formula1=str(clean.EXCEL_SERIAL_MIN),
                    formula2=str(clean.EXCEL_SERIAL_MAX),
                    errorTitle="Not a date",
                    error="Enter a date from 1950 to 2100, for example 04/03/2021.",
                )
            elif spec.kind == "integer" and spec.low is not None:
                rule = DataValidation(
                    type="whole",
                    operator="between",
                    formula1=str(spec.low),
                    formula2=str(spec.high),
                    errorTitle="Not a whole number in range",
                    error=f"Enter a whole number from {spec.low} to {spec.high}.",
                )
            else:
                continue
            rule.allow_blank = True
            rule.showErrorMessage = True
            rule.showInputMessage = True
            rule.errorStyle = "stop"
            rule.promptTitle = spec.name[:32]
            rule.prompt = note[:255]
            rule.add(f"{letter}2:{letter}{LAST_ROW}")
            sheet.add_data_validation(rule)

    codes = book.create_sheet(title=CODES_SHEET)
    codes.freeze_panes = "A2"
    for number, header, values in layout:
        codes.cell(row=1, column=number, value=header).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            codes.cell(row=row, column=number, value=value)
        width = max(len(str(v)) for v in (header, *values)) + 2
        codes.column_dimensions[get_column_letter(number)].width = max(14, width)

    buffer = io.BytesIO()
    # ExcelWriter directly: openpyxl's save_workbook stamps "modified" with now.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    return normalise_zip(buffer.getvalue())


def write_templates(settings: Settings, year: int, base_dir: str | Path = ".") -> list[Path]:
    """Write a blank template for every input file the config names for ``year``.

    Sources that share a file (the coding schedule's ``reviews`` and
    ``children``) become sheets of one workbook.

    Parameters
    ----------
    settings : Settings
        The new config's settings; its ``inputs`` give files and sheets.
    year : int
        Fills ``{year}`` in the input paths.
    base_dir : str or Path
        Folder that relative input paths resolve against.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    InputError
        An input path is not an .xlsx file.
    """
    files: dict[str, dict[str, str]] = {}
    for source in cfg.SOURCES:
        path = settings.input_path(source, year)
        if Path(path).suffix.lower() != ".xlsx":
            raise InputError("templates are .xlsx workbooks; give an .xlsx path", file=path)
        files.setdefault(path, {})[settings.inputs.sheet(source)] = source
    written = []
    for path, sheets in files.items():
        target = Path(base_dir) / path
        atomic_write_bytes(target, template_workbook(sheets, settings.codebook))
        written.append(target)
    return written
